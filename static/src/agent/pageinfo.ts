// The visitor's current page as the viewer shows it: the title of the replayed document
// and the URL from the mirror's Meta events. Both come from the mirror, which carries
// nothing masked; the URL is shown without its query string and fragment, which may hold
// secrets (tokens, e-mail addresses, search terms).
import type { eventWithTime } from "@rrweb/types";
import { EVENT_META } from "../rrweb-codes";

/** `href` without its query string and fragment (or as given, when it is not a URL). */
export function displayUrl(href: string): string {
  try {
    const url = new URL(href);
    return `${url.origin}${url.pathname}`;
  } catch {
    return href.split(/[?#]/, 1)[0];
  }
}

export class VisitorPage {
  private url_ = "";
  private title_ = "";

  constructor(
    private readonly titleOut_: HTMLElement,
    private readonly urlOut_: HTMLElement,
  ) {}

  /** Mirror events: a Meta event says which page (a snapshot, a new page). */
  events(events: eventWithTime[]): void {
    for (const event of events) {
      if (event.type === EVENT_META && typeof event.data.href === "string") {
        this.url_ = displayUrl(event.data.href);
      }
    }
    this.show_();
  }

  /** The replayed document: its title (read again after each change). */
  document(doc: Document | null | undefined): void {
    if (doc) this.title_ = doc.title.trim();
    this.show_();
  }

  private show_(): void {
    const title = this.title_ || (this.url_ ? "(untitled page)" : "");
    if (this.titleOut_.textContent !== title) this.titleOut_.textContent = title;
    if (this.urlOut_.textContent !== this.url_) {
      this.urlOut_.textContent = this.url_;
      this.urlOut_.title = this.url_;
    }
  }
}
