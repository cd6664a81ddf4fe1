// The dashboard's sessions as a queue: who the visitor is, the page they are on and how
// long they have waited; sessions no agent has joined come first and stand out; a sort
// (longest waiting or newest) and a filter (text, "unjoined only").
import type { SessionSummary } from "../protocol";
import { displayUrl } from "./pageinfo";
import { readableUserAgent } from "./useragent";
import { visitorText } from "./visitor-info";

export type SortOrder = "waiting" | "newest";

/** "2:13", "1:02:03". */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** The visitor's name (or e-mail, phone) as the page gave it, else the session key as id. */
export function visitorLabel(session: SessionSummary): string {
  return visitorText(session.visitor) || `Visitor ${session.key}`;
}

export function watchHref(session: SessionSummary): string {
  return `/agent/session/${encodeURIComponent(session.key)}/?group=${session.group}`;
}

function span(text: string, className: string): HTMLSpanElement {
  const out = document.createElement("span");
  out.className = className;
  out.textContent = text;
  return out;
}

function labelled(label: string, ...content: Node[]): HTMLTableCellElement {
  const td = document.createElement("td");
  td.dataset.label = label; // shown before the content when the table is a stack of cards
  td.append(...content);
  return td;
}

export class SessionQueue {
  private readonly sessions = new Map<string, { session: SessionSummary; started: number }>();
  private order: SortOrder = "newest";
  private text = "";
  private unjoinedOnly = false;
  private fresh = new Set<string>(); // arrived while this page was open: highlighted until opened

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly onChange: () => void,
  ) {
    window.setInterval(() => this.tick(), 1000);
  }

  /** The sort and filter controls of the page. */
  bindControls(form: HTMLFormElement): void {
    const read = () => {
      const fields = new FormData(form);
      this.order = fields.get("sort") === "waiting" ? "waiting" : "newest";
      this.text = String(fields.get("q") ?? "").trim().toLowerCase();
      this.unjoinedOnly = fields.get("unjoined") === "on";
      this.render();
    };
    form.addEventListener("input", read);
    form.addEventListener("change", read);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      read();
    });
    read();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The whole list (`extend`: one more part of it). */
  replace(sessions: SessionSummary[], extend: boolean): void {
    if (!extend) {
      this.sessions.clear();
      this.fresh.clear();
    }
    for (const session of sessions) this.sessions.set(session.key, { session, started: Date.parse(session.started_at) });
    this.render();
  }

  /** A session started or changed; true when it is new to this page. */
  upsert(session: SessionSummary): boolean {
    const isNew = !this.sessions.has(session.key);
    this.sessions.set(session.key, { session, started: Date.parse(session.started_at) });
    if (isNew) this.fresh.add(session.key);
    this.render();
    return isNew;
  }

  remove(key: string): void {
    this.sessions.delete(key);
    this.fresh.delete(key);
    this.render();
  }

  agents(key: string, count: number): void {
    const entry = this.sessions.get(key);
    if (!entry) return;
    entry.session = { ...entry.session, agents: count };
    if (count > 0) this.fresh.delete(key);
    this.render();
  }

  clear(): void {
    this.replace([], false);
  }

  private matches(session: SessionSummary): boolean {
    if (this.unjoinedOnly && session.agents > 0) return false;
    if (!this.text) return true;
    const haystack = [
      session.key,
      visitorText(session.visitor),
      session.page.title,
      session.page.url,
      session.site,
      session.group_name,
      readableUserAgent(session.user_agent),
    ]
      .join("\n")
      .toLowerCase();
    return haystack.includes(this.text);
  }

  /** Unjoined first; within each, the newest (the default) or the longest waiting first. */
  private sorted(): Array<{ session: SessionSummary; started: number }> {
    const direction = this.order === "waiting" ? 1 : -1;
    return [...this.sessions.values()]
      .filter(({ session }) => this.matches(session))
      .sort((a, b) => Number(a.session.agents > 0) - Number(b.session.agents > 0) || direction * (a.started - b.started));
  }

  private render(): void {
    const rows = this.sorted().map(({ session, started }) => this.row(session, started));
    this.body.replaceChildren(...rows);
    this.body.closest("table")?.setAttribute("data-shown", String(rows.length));
    this.onChange();
  }

  private waitingText(agents: number, started: number): string {
    const since = clock(Date.now() - started);
    return agents > 0 ? `in session ${since}` : `waiting ${since}`;
  }

  private tick(): void {
    for (const row of this.body.rows) {
      const entry = this.sessions.get(row.dataset.key ?? "");
      const out = row.querySelector(".waiting");
      if (entry && out) out.textContent = this.waitingText(entry.session.agents, entry.started);
    }
  }

  private row(session: SessionSummary, started: number): HTMLTableRowElement {
    const tr = document.createElement("tr");
    tr.dataset.key = session.key;
    tr.dataset.joined = String(session.agents > 0);
    if (session.agents === 0) tr.classList.add("unjoined");
    if (this.fresh.has(session.key)) tr.classList.add("fresh");

    const who = document.createElement("div");
    who.append(span(visitorLabel(session), "visitor"));
    const browser = span(readableUserAgent(session.user_agent), "browser");
    browser.title = session.user_agent;
    who.append(browser);

    const page = document.createElement("div");
    const title = span(session.page.title || (session.page.url ? "(untitled page)" : "Page not known yet"), "page-title");
    const url = span(session.page.url ? displayUrl(session.page.url) : "", "page-url");
    url.title = session.page.url;
    page.append(title, url);

    const link = document.createElement("a");
    link.href = watchHref(session);
    link.className = "watch";
    link.textContent = session.agents > 0 ? "Join" : "Watch";
    link.setAttribute("aria-label", `${link.textContent} session ${session.key} (${visitorLabel(session)})`);
    link.addEventListener("click", () => this.fresh.delete(session.key));

    tr.append(
      labelled("Visitor", who),
      labelled("Page", page),
      labelled("Waiting", span(this.waitingText(session.agents, started), "waiting")),
      labelled("Key", span(session.key, "key")),
      labelled("Where", span(`${session.group_name} (${session.group}) · ${session.site}`, "where")),
      labelled("Agents", span(String(session.agents), "agents")),
      labelled("Action", link),
    );
    tr.cells[0].classList.add("who");
    tr.cells[1].classList.add("page");
    return tr;
  }
}
