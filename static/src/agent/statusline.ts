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
  private state_ = "connecting";
  private text_ = "Connecting…";
  private presence_: VisitorPresence = { state: "here" };
  private deadline_ = 0; // away: when the session ends unless the visitor comes back
  private awaySince_ = 0;
  private timer_: number | undefined;

  constructor(
    private readonly root_: HTMLElement,
    private readonly line_: HTMLElement,
  ) {}

  /** The view's own state: connecting, waiting, live, syncing, reconnecting, ended, … */
  connection(state: string, text: string): void {
    this.state_ = state;
    this.text_ = text;
    this.root_.dataset.state = state;
    this.render_();
  }

  /** Where the visitor is, as the server said (`joined.presence`, `visitor` frames). */
  visitor(presence: VisitorPresence): void {
    this.presence_ = presence;
    this.root_.dataset.visitor = presence.state;
    if (presence.state === "away") {
      // The server's clock says when the visitor left; trust it only when it is plausible
      // on this machine's clock, else count from now.
      const now = Date.now();
      const graceMs = presence.grace * 1000;
      const since = presence.since <= now && presence.since >= now - graceMs ? presence.since : now;
      this.awaySince_ = since;
      this.deadline_ = since + graceMs;
    }
    this.render_();
  }

  /** The session is over: no more countdowns. */
  stop(): void {
    window.clearTimeout(this.timer_);
    this.timer_ = undefined;
  }

  private render_(): void {
    window.clearTimeout(this.timer_);
    this.timer_ = undefined;
    const [state, text] = this.current_();
    this.root_.dataset.line = state;
    this.line_.textContent = text;
  }

  private current_(): [string, string] {
    if (!PRESENCE_SHOWN.has(this.state_) || this.presence_.state === "here") return [this.state_, this.text_];
    if (this.presence_.state === "paused") {
      return ["paused", "The visitor paused the session: the page shown is where they paused it."];
    }
    if (this.presence_.state === "blurred") {
      return ["blurred", "The visitor is in another tab or window: the page shown is where they left it."];
    }
    const now = Date.now();
    if (now < this.awaySince_ + NAVIGATING_MS) {
      this.tick_(this.awaySince_ + NAVIGATING_MS - now);
      return ["navigating", "The visitor is on the way to another page…"];
    }
    const left = Math.max(0, Math.ceil((this.deadline_ - now) / 1000));
    this.tick_(1000);
    return [
      "tab-closed",
      `The visitor's tab is closed or offline: the session ends in ${left} s unless they come back.`,
    ];
  }

  private tick_(ms: number): void {
    this.timer_ = window.setTimeout(() => this.render_(), Math.max(50, ms));
  }
}
