// The frame's customer contact code: a presence connection made with `hello {unique: true}`
// (the protocol of GLANCE.Presence.Visitor's connectUnique), so the server hands out a
// 6-digit code agents find the visitor by. The code is kept alive while the frame lives,
// renewed on request (after a co-browse session), and a connection that fails is retried
// with the one backoff (socket.ts) a few times before the frame gives up.
import { CloseCode, ErrorCode, type PresenceClientFrame, type PresenceServerFrame, type TermsStatus } from "../protocol";
import { heartbeat, openSocket, type Socket } from "../socket";

export type ContactPage = { url: string; title: string; data: Record<string, string | number> };

export type ContactHandlers = {
  /** A code: the frame's first (`renewed` false) or a later one. */
  code(code: string, renewed: boolean): void;
  /** Attempt `attempt` failed (`why`); the next one starts in `delayMs`. */
  retry(attempt: number, delayMs: number, why: string): void;
  /** No more attempts: the server refuses this page, or it failed too often. */
  failed(reason: string): void;
  signal(data: unknown): void;
  invoke(func: string, args: Record<string, unknown> | null | undefined): void;
};

// Failed attempts in a row before the frame gives up (the first attempt not counted).
export const RETRIES = 4;
const PING_MS = 30_000;
// Extend the code this long before it runs out.
const EXTEND_BEFORE_MS = 60_000;
// Refusals that another attempt cannot change.
const FINAL_ERRORS = new Set<string>([
  ErrorCode.ORIGIN,
  ErrorCode.UNKNOWN_GROUP,
  ErrorCode.UNKNOWN_SITE,
  ErrorCode.SITE_DISABLED,
  ErrorCode.FORBIDDEN,
]);
const FINAL_CLOSES = new Set<number>([CloseCode.UNAUTHENTICATED, CloseCode.FORBIDDEN, CloseCode.NOT_FOUND]);

export class ContactCode {
  private socket_: Socket<PresenceClientFrame> | null = null;
  private stopped_ = false;
  private hadCode_ = false;
  private finalError_: string | null = null;
  private lastError_ = "";
  private deadline_ = 0;
  private readonly seen_ = new Set<number>();
  private timers_: ReturnType<typeof setTimeout>[] = [];

  constructor(
    private readonly url_: string,
    private readonly page_: ContactPage,
    private readonly on_: ContactHandlers,
  ) {}

  start(): void {
    this.stopped_ = false;
    if (!this.socket_) this.open_();
  }

  /** Give up this code and get a fresh one (the old one was read out to an agent). */
  renew(): void {
    if (this.stopped_) return;
    this.close_();
    this.open_();
  }

  /** Merge `data` into what agents see of this visitor. */
  report(data: Record<string, string | number>): void {
    Object.assign(this.page_.data, data);
    this.send_({ t: "presence", data });
  }

  stop(): void {
    this.stopped_ = true;
    this.close_();
  }

  private open_(): void {
    this.lastError_ = "";
    this.socket_ = openSocket<PresenceServerFrame, PresenceClientFrame>({
      url_: this.url_,
      onFrame_: (frame) => this.receive_(frame),
      onStatus_: (status, detail) => {
        if (status === "open") {
          // `cobrowse`: an agent who finds this code may start a session (invoke startSession).
          this.send_({ t: "hello", unique: true, cobrowse: true });
          this.send_({ t: "presence", url: this.page_.url, title: this.page_.title, browser: navigator.userAgent, data: this.page_.data });
        } else if (status === "reconnecting") {
          this.clearTimers_();
          this.on_.retry(detail.attempt_, detail.delay_, this.lastError_ || "the server is busy or out of reach");
          this.lastError_ = "";
        } else if (status === "closed") {
          this.close_();
          this.stopped_ = true;
          const closeReason = FINAL_CLOSES.has(detail.code_) ? detail.reason_ || `closed ${detail.code_}` : null;
          this.on_.failed(this.finalError_ ?? closeReason ?? `no contact code after ${detail.attempt_} attempts`);
        }
      },
      isFinal_: (frame) => frame.t === "error" && FINAL_ERRORS.has(frame.code),
      isWelcome_: (frame) => frame.t === "unique",
      permanent_: FINAL_CLOSES,
      minDelayMs_: 1000,
      next_: (detail, wait) => (detail.attempt_ > RETRIES ? null : wait),
      attempt_: heartbeat<PresenceClientFrame>(PING_MS, { t: "ping" }),
    });
  }

  private receive_(frame: PresenceServerFrame): void {
    switch (frame.t) {
      case "unique":
        this.deadline_ = Date.now() + frame.seconds * 1000;
        this.scheduleExtend_();
        this.on_.code(frame.visitorid, this.hadCode_);
        this.hadCode_ = true;
        break;
      case "extended":
        this.deadline_ += frame.seconds * 1000;
        this.scheduleExtend_();
        break;
      case "signal":
        this.deliver_(frame.id, () => this.on_.signal(frame.data));
        break;
      case "invoke":
        this.deliver_(frame.id, () => this.on_.invoke(frame.func, frame.args));
        break;
      case "error":
        if (frame.code === ErrorCode.EXPIRED) this.renew();
        else if (FINAL_ERRORS.has(frame.code)) this.finalError_ = frame.msg;
        else this.lastError_ = frame.msg;
        break;
      default:
        break;
    }
  }

  private scheduleExtend_(): void {
    const left = this.deadline_ - Date.now();
    const wait = left > 2 * EXTEND_BEFORE_MS ? left - EXTEND_BEFORE_MS : left / 2;
    this.timers_.push(setTimeout(() => this.send_({ t: "extend" }), Math.max(0, wait)));
  }

  private deliver_(id: number, handle: () => void): void {
    // Acknowledged once handled; the server may resend one whose ack was lost.
    if (!this.seen_.has(id)) {
      this.seen_.add(id);
      try {
        handle();
      } catch (error) {
        console.error("[Tandem] site_connect: handling an agent's message threw", error);
      }
    }
    this.send_({ t: "ack", id });
  }

  /** What the visitor made of an agent's co-browse request, for the agents. */
  terms(status: TermsStatus, key: string): void {
    this.send_({ t: "terms", status, key });
  }

  private send_(frame: PresenceClientFrame): void {
    this.socket_?.send(frame);
  }

  private clearTimers_(): void {
    for (const timer of this.timers_.splice(0)) clearTimeout(timer);
  }

  private close_(): void {
    this.clearTimers_();
    this.socket_?.close();
    this.socket_ = null;
  }
}
