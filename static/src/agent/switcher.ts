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
  private readonly list: HTMLUListElement;
  private readonly summary: HTMLElement;

  constructor(
    readonly element: HTMLDetailsElement,
    private readonly key: string,
  ) {
    this.summary = document.createElement("summary");
    this.summary.textContent = "Your sessions";
    this.list = document.createElement("ul");
    element.className = "switcher";
    element.append(this.summary, this.list);
    element.addEventListener("toggle", () => element.open && void this.refresh());
    window.addEventListener("focus", () => void this.refresh());
  }

  /** Ask the server which sessions this agent is in now. */
  async refresh(): Promise<void> {
    try {
      const response = await fetch(MINE_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || !response.headers.get("content-type")?.includes("json")) return;
      const { sessions } = (await response.json()) as { sessions: Joined[] };
      this.show(sessions);
    } catch {
      // Offline for a moment: the list stays as it was until the next focus or open.
    }
  }

  private show(sessions: Joined[]): void {
    const others = sessions.filter((session) => session.key !== this.key);
    this.summary.textContent = `Your sessions (${others.length + 1})`;
    const items = [{ key: this.key, group: 0, visitor: {} }, ...others].map((session) => {
      const li = document.createElement("li");
      const name = visitorText(session.visitor) || `Visitor ${session.key}`;
      if (session.key === this.key) {
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
    this.list.replaceChildren(...items);
    this.element.dataset.count = String(others.length);
  }
}

/** The "new session" notice of a viewer: a count and the newest visitor, linking to the
 * dashboard's queue; plus the title badge, tone and notification the agent chose there. */
export class ViewerNews {
  private readonly notice: HTMLElement;
  private readonly text: HTMLAnchorElement;
  private readonly badge = new TitleBadge();
  private readonly notifier = new Notifier();
  private count = 0;

  constructor(dashboard: string) {
    this.notice = document.createElement("span");
    this.notice.className = "queue-news";
    this.notice.setAttribute("role", "status");
    this.notice.hidden = true;
    this.text = document.createElement("a");
    this.text.href = dashboard;
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.textContent = "×";
    dismiss.setAttribute("aria-label", "Dismiss the new-session notice");
    dismiss.addEventListener("click", () => this.clear());
    this.notice.append(this.text, dismiss);
  }

  get element(): HTMLElement {
    return this.notice;
  }

  session(session: SessionSummary): void {
    this.count += 1;
    const who = visitorLabel(session);
    this.text.textContent =
      this.count === 1 ? `New session waiting: ${who}` : `${this.count} new sessions waiting (latest: ${who})`;
    this.text.title = `${this.text.textContent}. Open the dashboard's queue.`;
    this.notice.hidden = false;
    if (!pageSeen()) this.badge.add();
    this.notifier.announce({
      title_: `New co-browsing session: ${who}`,
      body_: session.page.title || session.page.url || `Session ${session.key}`,
      tag_: `tandem-session-${session.group}-${session.key}`,
      href_: watchHref(session),
    });
  }

  clear(): void {
    this.count = 0;
    this.notice.hidden = true;
    this.badge.clear();
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
