// The frame's customer contact code: a presence connection made with `hello {unique: true}`
// (the protocol of GLANCE.Presence.Visitor's connectUnique), so the server hands out a
// 6-digit code agents find the visitor by. The code is kept alive while the frame lives,
// renewed on request (after a co-browse session), and a connection that fails is retried
// with a growing pause a few times before the frame gives up.
import { CloseCode, ErrorCode, type PresenceClientFrame, type PresenceServerFrame, type TermsStatus } from "../protocol";

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

export const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];
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
  private socket: WebSocket | null = null;
  private stopped = false;
  private hadCode = false;
  private failures = 0;
  private finalError: string | null = null;
  private lastError = "";
  private deadline = 0;
  private readonly seen = new Set<number>();
  private timers: ReturnType<typeof setTimeout>[] = [];
  private ping: ReturnType<typeof setInterval> | undefined;

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
    const socket = new WebSocket(this.url);
    this.socket = socket;
    this.lastError = "";
    socket.onopen = () => {
      this.send({ t: "hello", unique: true });
      this.send({ t: "presence", url: this.page.url, title: this.page.title, browser: navigator.userAgent, data: this.page.data });
      this.ping = setInterval(() => this.send({ t: "ping" }), PING_MS);
    };
    socket.onmessage = (message) => {
      if (this.socket !== socket) return;
      let frame: PresenceServerFrame;
      try {
        frame = JSON.parse(String(message.data)) as PresenceServerFrame;
      } catch {
        return;
      }
      this.receive(frame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.close();
      if (!this.stopped) this.failed(FINAL_CLOSES.has(event.code) ? event.reason || `closed ${event.code}` : null);
    };
  }

  private receive(frame: PresenceServerFrame): void {
    switch (frame.t) {
      case "unique":
        this.failures = 0;
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

  /** The connection ended without being asked to: try again, or give up. */
  private failed(closeReason: string | null): void {
    const final = this.finalError ?? closeReason;
    if (final !== null) {
      this.stopped = true;
      this.on.failed(final);
      return;
    }
    this.failures += 1;
    if (this.failures > RETRY_DELAYS_MS.length) {
      this.stopped = true;
      this.on.failed(`no contact code after ${this.failures} attempts`);
      return;
    }
    const delay = RETRY_DELAYS_MS[this.failures - 1];
    this.timers.push(setTimeout(() => !this.stopped && !this.socket && this.open(), delay));
    this.on.retry(this.failures, delay, this.lastError || "the server is busy or out of reach");
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
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private close(): void {
    clearInterval(this.ping);
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(CloseCode.NORMAL);
  }
}
