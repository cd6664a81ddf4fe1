// The dashboard's sessions as a queue: who the visitor is, the page they are on and how
// long they have waited; sessions no agent has joined come first and stand out; a sort
// (longest waiting or newest) and a filter (text, "unjoined only").
import type { SessionSummary } from "../protocol";
import { displayUrl } from "./pageinfo";
import { cell, replaceRows } from "./redraw";
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

export class SessionQueue {
  private readonly sessions_ = new Map<string, { session: SessionSummary; started: number }>();
  private order_: SortOrder = "newest";
  private text_ = "";
  private unjoinedOnly_ = false;
  private fresh_ = new Set<string>(); // arrived while this page was open: highlighted until opened

  constructor(
    private readonly body_: HTMLTableSectionElement,
    private readonly onChange_: () => void,
  ) {
    window.setInterval(() => this.tick_(), 1000);
  }

  /** The sort and filter controls of the page. */
  bindControls(form: HTMLFormElement): void {
    const read = () => {
      const fields = new FormData(form);
      this.order_ = fields.get("sort") === "waiting" ? "waiting" : "newest";
      this.text_ = String(fields.get("q") ?? "").trim().toLowerCase();
      this.unjoinedOnly_ = fields.get("unjoined") === "on";
      this.render_();
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
    return this.sessions_.size;
  }

  /** The whole list (`extend`: one more part of it). */
  replace(sessions: SessionSummary[], extend: boolean): void {
    if (!extend) {
      this.sessions_.clear();
      this.fresh_.clear();
    }
    for (const session of sessions) this.sessions_.set(session.key, { session, started: Date.parse(session.started_at) });
    this.render_();
  }

  /** A session started or changed; true when it is new to this page. */
  upsert(session: SessionSummary): boolean {
    const isNew = !this.sessions_.has(session.key);
    this.sessions_.set(session.key, { session, started: Date.parse(session.started_at) });
    if (isNew) this.fresh_.add(session.key);
    this.render_();
    return isNew;
  }

  remove(key: string): void {
    this.sessions_.delete(key);
    this.fresh_.delete(key);
    this.render_();
  }

  agents(key: string, count: number): void {
    const entry = this.sessions_.get(key);
    if (!entry) return;
    entry.session = { ...entry.session, agents: count };
    if (count > 0) this.fresh_.delete(key);
    this.render_();
  }

  clear(): void {
    this.replace([], false);
  }

  private matches_(session: SessionSummary): boolean {
    if (this.unjoinedOnly_ && session.agents > 0) return false;
    if (!this.text_) return true;
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
    return haystack.includes(this.text_);
  }

  /** Unjoined first; within each, the newest (the default) or the longest waiting first. */
  private sorted_(): Array<{ session: SessionSummary; started: number }> {
    const direction = this.order_ === "waiting" ? 1 : -1;
    return [...this.sessions_.values()]
      .filter(({ session }) => this.matches_(session))
      .sort((a, b) => Number(a.session.agents > 0) - Number(b.session.agents > 0) || direction * (a.started - b.started));
  }

  private render_(): void {
    const rows = this.sorted_().map(({ session, started }) => this.row_(session, started));
    replaceRows(this.body_, rows, "key");
    this.body_.closest("table")?.setAttribute("data-shown", String(rows.length));
    this.onChange_();
  }

  private waitingText_(agents: number, started: number): string {
    const since = clock(Date.now() - started);
    return agents > 0 ? `in session ${since}` : `waiting ${since}`;
  }

  private tick_(): void {
    for (const row of this.body_.rows) {
      const entry = this.sessions_.get(row.dataset.key ?? "");
      const out = row.querySelector(".waiting");
      if (entry && out) out.textContent = this.waitingText_(entry.session.agents, entry.started);
    }
  }

  private row_(session: SessionSummary, started: number): HTMLTableRowElement {
    const tr = document.createElement("tr");
    tr.dataset.key = session.key;
    tr.dataset.joined = String(session.agents > 0);
    if (session.agents === 0) tr.classList.add("unjoined");
    if (this.fresh_.has(session.key)) tr.classList.add("fresh");

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
    link.addEventListener("click", () => this.fresh_.delete(session.key));

    tr.append(
      cell("Visitor", "who", who),
      cell("Page", "page", page),
      cell("Waiting", "", span(this.waitingText_(session.agents, started), "waiting")),
      cell("Key", "", span(session.key, "key")),
      cell("Where", "", span(`${session.group_name} (${session.group}) · ${session.site}`, "where")),
      cell("Agents", "", span(String(session.agents), "agents")),
      cell("Action", "", link),
    );
    return tr;
  }
}
