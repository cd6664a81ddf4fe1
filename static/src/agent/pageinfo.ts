// The visitor's current page as the viewer shows it: the title of the replayed document
// and the URL from the mirror's Meta events. Both come from the mirror, which carries
// nothing masked; the URL is shown without its query string and fragment, which may hold
// secrets (tokens, e-mail addresses, search terms).
import { EventType, type eventWithTime } from "@rrweb/types";

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
  private url = "";
  private title = "";

  constructor(
    private readonly titleOut: HTMLElement,
    private readonly urlOut: HTMLElement,
  ) {}

  /** Mirror events: a Meta event says which page (a snapshot, a new page). */
  events(events: eventWithTime[]): void {
    for (const event of events) {
      if (event.type === EventType.Meta && typeof event.data.href === "string") {
        this.url = displayUrl(event.data.href);
      }
    }
    this.show();
  }

  /** The replayed document: its title (read again after each change). */
  document(doc: Document | null | undefined): void {
    if (doc) this.title = doc.title.trim();
    this.show();
  }

  private show(): void {
    const title = this.title || (this.url ? "(untitled page)" : "");
    if (this.titleOut.textContent !== title) this.titleOut.textContent = title;
    if (this.urlOut.textContent !== this.url) {
      this.urlOut.textContent = this.url;
      this.urlOut.title = this.url;
    }
  }
}
