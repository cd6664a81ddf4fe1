// The viewer's state line: what this view's connection is doing, and where the visitor
// is, in one sentence that is always true. `data-state` on the viewer keeps the
// connection's state; `data-line` is the state the line shows.
import type { VisitorPresence } from "../protocol";

// An `away` visitor is first taken to be loading its next page; after this long without
// a page coming back, the tab is shown as closed (or offline) with the grace countdown.
const NAVIGATING_MS = 4000;

// Connection states in which the visitor's presence is what the line shows: the view is
// up (or waiting for the page), so "live" or "waiting" would hide that the visitor left.
const PRESENCE_SHOWN = new Set(["live", "waiting", "syncing"]);

export class StatusLine {
  private state = "connecting";
  private text = "Connecting…";
  private presence: VisitorPresence = { state: "here" };
  private deadline = 0; // away: when the session ends unless the visitor comes back
  private awaySince = 0;
  private timer: number | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly line: HTMLElement,
  ) {}

  /** The view's own state: connecting, waiting, live, syncing, reconnecting, ended, … */
  connection(state: string, text: string): void {
    this.state = state;
    this.text = text;
    this.root.dataset.state = state;
    this.render();
  }

  /** Where the visitor is, as the server said (`joined.presence`, `visitor` frames). */
  visitor(presence: VisitorPresence): void {
    this.presence = presence;
    this.root.dataset.visitor = presence.state;
    if (presence.state === "away") {
      // The server's clock says when the visitor left; trust it only when it is plausible
      // on this machine's clock, else count from now.
      const now = Date.now();
      const graceMs = presence.grace * 1000;
      const since = presence.since <= now && presence.since >= now - graceMs ? presence.since : now;
      this.awaySince = since;
      this.deadline = since + graceMs;
    }
    this.render();
  }

  /** The session is over: no more countdowns. */
  stop(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private render(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    const [state, text] = this.current();
    this.root.dataset.line = state;
    this.line.textContent = text;
  }

  private current(): [string, string] {
    if (!PRESENCE_SHOWN.has(this.state) || this.presence.state === "here") return [this.state, this.text];
    if (this.presence.state === "paused") {
      return ["paused", "The visitor paused the session: the page shown is where they paused it."];
    }
    if (this.presence.state === "blurred") {
      return ["blurred", "The visitor is in another tab or window: the page shown is where they left it."];
    }
    const now = Date.now();
    if (now < this.awaySince + NAVIGATING_MS) {
      this.tick(this.awaySince + NAVIGATING_MS - now);
      return ["navigating", "The visitor is on the way to another page…"];
    }
    const left = Math.max(0, Math.ceil((this.deadline - now) / 1000));
    this.tick(1000);
    return [
      "tab-closed",
      `The visitor's tab is closed or offline: the session ends in ${left} s unless they come back.`,
    ];
  }

  private tick(ms: number): void {
    this.timer = window.setTimeout(() => this.render(), Math.max(50, ms));
  }
}
