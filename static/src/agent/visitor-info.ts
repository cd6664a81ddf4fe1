import type { VisitorInfo } from "../protocol";

/** Who the visitor is, as its page said when it started the session, on one line. */
export function visitorText(visitor: VisitorInfo | undefined): string {
  return [visitor?.name, visitor?.email, visitor?.phone].filter(Boolean).join(" · ");
}
