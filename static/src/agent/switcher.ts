// In the viewer's header: the other sessions this agent is in (a viewer open in another tab),
// one click away, and a notice when a new session starts in this session's group (the
// agent socket forwards the group's announcements as `session_new`: no second socket).
import type { SessionSummary, VisitorInfo } from "../protocol";
import { Notifier, TitleBadge, pageSeen } from "./notify";
import { visitorLabel, watchHref } from "./queue";
import { visitorText } from "./visitor-info";

type Joined = { key: string; group: number; visitor: VisitorInfo };

const MINE_URL = "/agent/sessions/mine/";

export class SessionSwitcher {
  private readonly list_: HTMLUListElement;
  private readonly summary_: HTMLElement;

  constructor(
    readonly element: HTMLDetailsElement,
    private readonly key_: string,
  ) {
    this.summary_ = document.createElement("summary");
    this.summary_.textContent = "Your sessions";
    this.list_ = document.createElement("ul");
    element.className = "switcher";
    element.append(this.summary_, this.list_);
    element.addEventListener("toggle", () => element.open && void this.refresh());
    window.addEventListener("focus", () => void this.refresh());
  }

  /** Ask the server which sessions this agent is in now. */
  async refresh(): Promise<void> {
    try {
      const response = await fetch(MINE_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || !response.headers.get("content-type")?.includes("json")) return;
      const { sessions } = (await response.json()) as { sessions: Joined[] };
      this.show_(sessions);
    } catch {
      // Offline for a moment: the list stays as it was until the next focus or open.
    }
  }

  private show_(sessions: Joined[]): void {
    const others = sessions.filter((session) => session.key !== this.key_);
    this.summary_.textContent = `Your sessions (${others.length + 1})`;
    const items = [{ key: this.key_, group: 0, visitor: {} }, ...others].map((session) => {
      const li = document.createElement("li");
      const name = visitorText(session.visitor) || `Visitor ${session.key}`;
      if (session.key === this.key_) {
        const here = document.createElement("span");
        here.setAttribute("aria-current", "page");
        here.textContent = `Session ${session.key} (this one)`;
        li.append(here);
      } else {
        const link = document.createElement("a");
        link.href = `/agent/session/${encodeURIComponent(session.key)}/?group=${session.group}`;
        link.textContent = `${name} · ${session.key}`;
        li.append(link);
      }
      return li;
    });
    this.list_.replaceChildren(...items);
    this.element.dataset.count = String(others.length);
  }
}

/** The "new session" notice of a viewer: a count and the newest visitor, linking to the
 * dashboard's queue; plus the title badge, tone and notification the agent chose there. */
export class ViewerNews {
  private readonly notice_: HTMLElement;
  private readonly text_: HTMLAnchorElement;
  private readonly badge_ = new TitleBadge();
  private readonly notifier_ = new Notifier();
  private count_ = 0;

  constructor(dashboard: string) {
    this.notice_ = document.createElement("span");
    this.notice_.className = "queue-news";
    this.notice_.setAttribute("role", "status");
    this.notice_.hidden = true;
    this.text_ = document.createElement("a");
    this.text_.href = dashboard;
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.textContent = "×";
    dismiss.setAttribute("aria-label", "Dismiss the new-session notice");
    dismiss.addEventListener("click", () => this.clear());
    this.notice_.append(this.text_, dismiss);
  }

  get element(): HTMLElement {
    return this.notice_;
  }

  session(session: SessionSummary): void {
    this.count_ += 1;
    const who = visitorLabel(session);
    this.text_.textContent =
      this.count_ === 1 ? `New session waiting: ${who}` : `${this.count_} new sessions waiting (latest: ${who})`;
    this.text_.title = `${this.text_.textContent}. Open the dashboard's queue.`;
    this.notice_.hidden = false;
    if (!pageSeen()) this.badge_.add();
    this.notifier_.announce({
      title_: `New co-browsing session: ${who}`,
      body_: session.page.title || session.page.url || `Session ${session.key}`,
      tag_: `tandem-session-${session.group}-${session.key}`,
      href_: watchHref(session),
    });
  }

  clear(): void {
    this.count_ = 0;
    this.notice_.hidden = true;
    this.badge_.clear();
  }
}

/** Put the switcher and the notice into the viewer's header bar. */
export function startViewerQueue(root: HTMLElement, key: string): { session(session: SessionSummary): void; joined(): void } {
  const bar = root.querySelector(".bar") ?? root;
  const news = new ViewerNews(root.dataset.dashboard || "/agent/");
  const nav = document.createElement("nav");
  nav.setAttribute("aria-label", "Your sessions");
  nav.className = "session-switcher";
  const switcher = new SessionSwitcher(document.createElement("details"), key);
  nav.append(switcher.element);
  bar.append(nav, news.element);
  return {
    session: (session) => news.session(session),
    joined: () => void switcher.refresh(),
  };
}
