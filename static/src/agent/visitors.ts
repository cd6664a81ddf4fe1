// The dashboard's "Visitors online" table: presence, live, with a message box, a
// co-browse button and a "Show my screen" button per visitor (signalVisitor /
// invokeVisitor startSession; with `reverse: true` for a reverse session) whose focused
// page can start a session (the full loader; not the presence-only script).
import type { DashboardToServer, ServerToDashboard, VisitorSummary } from "../protocol";
import { cell, replaceRow, replaceRows } from "./redraw";
import { readableUserAgent } from "./useragent";

type Send = (frame: DashboardToServer) => unknown;

const rowId = (group: number, visitorid: string) => `${group}:${visitorid}`;

export class VisitorsTable {
  private readonly body_: HTMLTableSectionElement;
  private found_: HTMLTableElement | null = null;
  // Session keys this agent asked a visitor to start: open the viewer once it exists.
  private readonly awaitingKeys_ = new Set<string>();
  // Messages this agent sent that no page has taken yet (their `signaled` ids).
  private readonly undelivered_ = new Set<number>();

  constructor(
    table: HTMLTableElement,
    private readonly send_: Send,
  ) {
    this.body_ = table.tBodies[0];
  }

  /** The "message a visitor by id" form: reaches visitors who are not online too. */
  bindMessageForm(form: HTMLFormElement): void {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const fields = new FormData(form);
      this.send_({
        t: "signal",
        group: Number(fields.get("group")),
        visitorid: String(fields.get("visitorid")),
        mtype: "signal",
        data: { text: String(fields.get("text")) },
      });
      (form.elements.namedItem("text") as HTMLInputElement).value = "";
    });
  }

  /** The "find a visitor" form: by visitor id or unique code, answered with `found`. */
  bindFindForm(form: HTMLFormElement, result: HTMLTableElement): void {
    this.found_ = result;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const fields = new FormData(form);
      const visitorid = String(fields.get("visitorid")).trim();
      if (!visitorid) return;
      this.send_({ t: "lookup", group: Number(fields.get("group")), visitorid });
    });
  }

  private showFound_(visitorid: string, visitor: VisitorSummary | null): void {
    const text = document.getElementById("find-status");
    if (text) text.textContent = visitor ? "" : `${visitorid} is not online.`;
    if (!this.found_) return;
    replaceRows(this.found_.tBodies[0], visitor ? [this.row_(visitor)] : [], "visitor");
    this.found_.hidden = !visitor;
  }

  handle(frame: ServerToDashboard): void {
    switch (frame.t) {
      case "visitors": {
        // In parts: the first replaces the list, the others extend it.
        const rows = frame.visitors.map((visitor) => this.row_(visitor));
        if (frame.part) this.body_.append(...rows);
        else replaceRows(this.body_, rows, "visitor");
        break;
      }
      case "visitor":
        this.changed_(frame.visitor);
        break;
      case "visitor_gone":
        this.find_(frame.group, frame.visitorid)?.remove();
        if (this.foundRow_(frame.group, frame.visitorid)) this.showFound_(frame.visitorid, null);
        break;
      case "found":
        this.showFound_(frame.visitorid, frame.visitor);
        return;
      case "signaled":
      case "delivered":
        this.messageStatus_(frame);
        break;
      case "terms":
        this.termsAnswered_(frame);
        return;
      case "session":
        if (this.awaitingKeys_.has(frame.session.key)) location.assign(`/agent/session/${encodeURIComponent(frame.session.key)}/?group=${frame.session.group}`);
        break;
      default:
        return;
    }
    document.getElementById("no-visitors")?.toggleAttribute("hidden", this.body_.rows.length > 0);
  }

  /** A visitor came online, or its focused connection reported. */
  private changed_(visitor: VisitorSummary): void {
    const fresh = this.row_(visitor);
    const old = this.find_(visitor.group, visitor.visitorid);
    if (old) replaceRow(old, fresh);
    else this.body_.append(fresh);
    const found = this.foundRow_(visitor.group, visitor.visitorid);
    if (found) replaceRow(found, this.row_(visitor));
  }

  /** Sent is not delivered: the page's ack (`delivered`) says when it took it. */
  private messageStatus_(frame: Extract<ServerToDashboard, { t: "signaled" | "delivered" }>): void {
    if (frame.t === "signaled") {
      if (frame.mtype === "signal") this.undelivered_.add(frame.id);
      this.status_(
        !frame.online
          ? `${frame.visitorid} is away: it will get it on return.`
          : frame.mtype === "signal"
            ? `Sent to ${frame.visitorid}: waiting for their page to take it…`
            : `Sent to ${frame.visitorid}.`,
      );
    } else if (this.undelivered_.delete(frame.id)) {
      this.status_(
        frame.shown
          ? `Message delivered to ${frame.visitorid}: their page showed it.`
          : `Message reached ${frame.visitorid}'s page, but nothing on it shows messages.`,
      );
    }
  }

  /** The visitor's answer to a one-click co-browse (asked by this agent or another). */
  private termsAnswered_(frame: Extract<ServerToDashboard, { t: "terms" }>): void {
    if (frame.status === "declined") {
      if (frame.key) this.awaitingKeys_.delete(frame.key);
      this.status_(`${frame.visitorid} declined co-browsing.`);
    } else if (frame.status === "displayed") {
      this.status_(`Waiting for ${frame.visitorid} to accept co-browsing…`);
    }
  }

  /** Signed out: nobody is listed any more. */
  clear(): void {
    this.body_.replaceChildren();
    this.found_?.tBodies[0].replaceChildren();
    if (this.found_) this.found_.hidden = true;
    document.getElementById("no-visitors")?.toggleAttribute("hidden", false);
  }

  private find_(group: number, visitorid: string): HTMLTableRowElement | null {
    return this.body_.querySelector(`tr[data-visitor="${CSS.escape(rowId(group, visitorid))}"]`);
  }

  private foundRow_(group: number, visitorid: string): HTMLTableRowElement | null {
    return this.found_?.tBodies[0].querySelector(`tr[data-visitor="${CSS.escape(rowId(group, visitorid))}"]`) ?? null;
  }

  private status_(text: string): void {
    const status = document.getElementById("signal-status");
    if (status) status.textContent = text;
  }

  private row_(visitor: VisitorSummary): HTMLTableRowElement {
    const tr = document.createElement("tr");
    tr.dataset.visitor = rowId(visitor.group, visitor.visitorid);
    const data = Object.entries(visitor.data)
      .map(([name, value]) => `${name}=${value}`)
      .join(", ");
    tr.append(
      cell("Visitor", "visitorid", visitor.visitorid),
      cell("Page", "page", visitor.title || visitor.url),
      cell("Browser", "browser", readableUserAgent(visitor.browser)),
      cell("Data", "data", data),
      cell("Online since", "since", new Date(visitor.since * 1000).toLocaleTimeString()),
    );
    if (visitor.url) tr.cells[1].title = visitor.url;
    if (visitor.browser) tr.cells[2].title = visitor.browser;

    const form = document.createElement("form");
    form.className = "signal";
    const input = document.createElement("input");
    input.name = "text";
    input.setAttribute("aria-label", `Message for ${visitor.visitorid}`);
    const button = document.createElement("button");
    button.textContent = "Send";
    form.append(input, button);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.value) return;
      this.send_({ t: "signal", group: visitor.group, visitorid: visitor.visitorid, mtype: "signal", data: { text: input.value } });
      input.value = "";
    });
    const message = cell("Message", "message", form);

    // A page with presence alone ignores startSession: offer only what it can do, and say
    // why in words every agent sees (not a disabled button's tooltip). A summary without
    // `cobrowse` (an older server) counts as presence alone.
    const action = visitor.cobrowse
      ? cell(
          "Actions",
          "actions",
          this.startButton_(visitor, "cobrowse", "Co-browse", `Co-browse with ${visitor.visitorid}`, false),
          this.startButton_(visitor, "show-screen", "Show my screen", `Show my screen to ${visitor.visitorid}`, true),
        )
      : cell("Actions", "actions", "No co-browsing on this page (presence only): send a message instead.");
    tr.append(message, action);
    return tr;
  }

  /** Ask the visitor's page to start a session under a fresh key, then open its viewer.
   * `reverse`: a session only for showing the agent's screen (the page is not mirrored). */
  private startButton_(visitor: VisitorSummary, className: string, text: string, label: string, reverse: boolean): HTMLButtonElement {
    const button = document.createElement("button");
    button.type = "button";
    button.className = className;
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.addEventListener("click", () => {
      const key = String(Math.floor(100_000 + Math.random() * 900_000));
      this.awaitingKeys_.add(key);
      const args = reverse ? { sessionKey: key, reverse: true } : { sessionKey: key };
      this.send_({ t: "signal", group: visitor.group, visitorid: visitor.visitorid, mtype: "invoke", data: { func: "startSession", args } });
      this.status_(`Asked ${visitor.visitorid} to start ${reverse ? "a reverse " : ""}session ${key}…`);
    });
    return button;
  }
}
