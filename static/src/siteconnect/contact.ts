// The frame's customer contact code: a presence connection made with `hello {unique: true}`
// (the protocol of GLANCE.Presence.Visitor's connectUnique), so the server hands out a
// 6-digit code agents find the visitor by. The code is kept alive while the frame lives,
// renewed on request (after a co-browse session), and a connection that fails is retried
// with the one backoff (socket.ts) a few times before the frame gives up.
import { CloseCode, ErrorCode, type PresenceClientFrame, type PresenceServerFrame, type TermsStatus } from "../protocol";
import { openSocket, type Socket } from "../socket";

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
  private socket: Socket<PresenceClientFrame> | null = null;
  private stopped = false;
  private hadCode = false;
  private finalError: string | null = null;
  private lastError = "";
  private deadline = 0;
  private readonly seen = new Set<number>();
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    private readonly url: string,
    private readonly page: ContactPage,
    private readonly on: ContactHandlers,
  ) {}

  start(): void {
    this.stopped = false;
    if (!this.socket) this.open();
  }

  /** Give up this code and get a fresh one (the old one was read out to an agent). */
  renew(): void {
    if (this.stopped) return;
    this.close();
    this.open();
  }

  /** Merge `data` into what agents see of this visitor. */
  report(data: Record<string, string | number>): void {
    Object.assign(this.page.data, data);
    this.send({ t: "presence", data });
  }

  stop(): void {
    this.stopped = true;
    this.close();
  }

  private open(): void {
    this.lastError = "";
    this.socket = openSocket<PresenceServerFrame, PresenceClientFrame>({
      url: this.url,
      onFrame: (frame) => this.receive(frame),
      onStatus: (status, detail) => {
        if (status === "open") {
          this.send({ t: "hello", unique: true });
          this.send({ t: "presence", url: this.page.url, title: this.page.title, browser: navigator.userAgent, data: this.page.data });
        } else if (status === "reconnecting") {
          this.clearTimers();
          this.on.retry(detail.attempt, detail.delay, this.lastError || "the server is busy or out of reach");
          this.lastError = "";
        } else if (status === "closed") {
          this.close();
          this.stopped = true;
          const closeReason = FINAL_CLOSES.has(detail.code) ? detail.reason || `closed ${detail.code}` : null;
          this.on.failed(this.finalError ?? closeReason ?? `no contact code after ${detail.attempt} attempts`);
        }
      },
      isFinal: (frame) => frame.t === "error" && FINAL_ERRORS.has(frame.code),
      isWelcome: (frame) => frame.t === "unique",
      permanent: FINAL_CLOSES,
      minDelayMs: 1000,
      maxAttempts: RETRIES,
      keepAlive: { everyMs: PING_MS, frame: { t: "ping" } },
    });
  }

  private receive(frame: PresenceServerFrame): void {
    switch (frame.t) {
      case "unique":
        this.deadline = Date.now() + frame.seconds * 1000;
        this.scheduleExtend();
        this.on.code(frame.visitorid, this.hadCode);
        this.hadCode = true;
        break;
      case "extended":
        this.deadline += frame.seconds * 1000;
        this.scheduleExtend();
        break;
      case "signal":
        this.deliver(frame.id, () => this.on.signal(frame.data));
        break;
      case "invoke":
        this.deliver(frame.id, () => this.on.invoke(frame.func, frame.args));
        break;
      case "error":
        if (frame.code === ErrorCode.EXPIRED) this.renew();
        else if (FINAL_ERRORS.has(frame.code)) this.finalError = frame.msg;
        else this.lastError = frame.msg;
        break;
      default:
        break;
    }
  }

  private scheduleExtend(): void {
    const left = this.deadline - Date.now();
    const wait = left > 2 * EXTEND_BEFORE_MS ? left - EXTEND_BEFORE_MS : left / 2;
    this.timers.push(setTimeout(() => this.send({ t: "extend" }), Math.max(0, wait)));
  }

  private deliver(id: number, handle: () => void): void {
    // Acknowledged once handled; the server may resend one whose ack was lost.
    if (!this.seen.has(id)) {
      this.seen.add(id);
      try {
        handle();
      } catch (error) {
        console.error("[Tandem] site_connect: handling an agent's message threw", error);
      }
    }
    this.send({ t: "ack", id });
  }

  /** What the visitor made of an agent's co-browse request, for the agents. */
  terms(status: TermsStatus, key: string): void {
    this.send({ t: "terms", status, key });
  }

  private send(frame: PresenceClientFrame): void {
    this.socket?.send(frame);
  }

  private clearTimers(): void {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
  }

  private close(): void {
    this.clearTimers();
    this.socket?.close();
    this.socket = null;
  }
}
