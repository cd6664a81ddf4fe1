// The viewer of a key no session has yet (the agent typed it before the visitor started):
// it says so, keeps every control disabled, and tries to join again on a timer with
// backoff until the session starts.
import { backoffDelay } from "../socket";

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15_000;
const CONTROLS = "button, input, textarea, select";

export class WaitForSession {
  private attempt = 0;
  private timer: number | undefined;
  /** The controls this disabled, to enable again on join (not those disabled anyway). */
  private disabled: (HTMLButtonElement | HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement)[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly key: string,
    private readonly setState: (state: string, text: string) => void,
    private readonly rejoin: () => void,
  ) {}

  get waiting(): boolean {
    return this.root.dataset.state === "not-live";
  }

  /** The server said the key is not live: wait, then try again. False when the refusal
   * is of another kind (the key live in several groups: retrying will not help). */
  notLive(msg: string): boolean {
    if (msg.includes("several")) return false;
    this.setState("not-live", `Waiting for the visitor to start session ${this.key}…`);
    for (const control of this.root.querySelectorAll<HTMLButtonElement>(CONTROLS)) {
      if (control.disabled) continue;
      control.disabled = true;
      this.disabled.push(control);
    }
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.rejoin(), backoffDelay(this.attempt++, RETRY_MIN_MS, RETRY_MAX_MS));
    return true;
  }

  /** Joined at last: the controls work again. */
  joined(): void {
    window.clearTimeout(this.timer);
    this.attempt = 0;
    for (const control of this.disabled) control.disabled = false;
    this.disabled = [];
  }

  stop(): void {
    window.clearTimeout(this.timer);
  }
}
