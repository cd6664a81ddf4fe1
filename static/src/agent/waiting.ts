// The viewer of a key no session has yet (the agent typed it before the visitor started):
// it says so, keeps every control disabled, and tries to join again on a timer with
// backoff until the session starts.
import { backoffDelay } from "../socket";

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15_000;
const CONTROLS = "button, input, textarea, select";

export class WaitForSession {
  private attempt_ = 0;
  private timer_: number | undefined;
  /** The controls this disabled, to enable again on join (not those disabled anyway). */
  private disabled_: (HTMLButtonElement | HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement)[] = [];

  constructor(
    private readonly root_: HTMLElement,
    private readonly key_: string,
    private readonly setState_: (state: string, text: string) => void,
    private readonly rejoin_: () => void,
  ) {}

  get waiting(): boolean {
    return this.root_.dataset.state === "not-live";
  }

  /** The server said the key is not live: wait, then try again. False when the refusal
   * is of another kind (the key live in several groups: retrying will not help). */
  notLive(msg: string): boolean {
    if (msg.includes("several")) return false;
    this.setState_("not-live", `Waiting for the visitor to start session ${this.key_}…`);
    for (const control of this.root_.querySelectorAll<HTMLButtonElement>(CONTROLS)) {
      if (control.disabled) continue;
      control.disabled = true;
      this.disabled_.push(control);
    }
    window.clearTimeout(this.timer_);
    this.timer_ = window.setTimeout(() => this.rejoin_(), backoffDelay(this.attempt_++, RETRY_MIN_MS, RETRY_MAX_MS));
    return true;
  }

  /** Joined at last: the controls work again. */
  joined(): void {
    window.clearTimeout(this.timer_);
    this.attempt_ = 0;
    for (const control of this.disabled_) control.disabled = false;
    this.disabled_ = [];
  }

  stop(): void {
    window.clearTimeout(this.timer_);
  }
}
