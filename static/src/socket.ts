// The one WebSocket client of every bundle (the visitor session, presence, the site-connect
// frame's contact code, the agents' status, the agent's viewer and dashboard): frames typed
// both ways by the generated protocol, and one reconnect policy. A connection that drops is
// tried again after a jittered exponential backoff until the server says it is over (a
// frame the owner calls final, a close code it calls permanent), the page's
// Content-Security-Policy refuses the socket, the owner declines, or a bound it set (failed
// attempts in a row, time since the first failure) runs out. docs/protocol.md lists the
// codes and each socket's bounds.
import { CloseCode } from "./protocol";

/** Close codes after which reconnecting cannot help (the agent pages' default): the
 * session ended (4000), the agent is not (or no longer) signed in (4401), may not (or no
 * longer) open it (4403), or it does not exist (4404). */
export const PERMANENT_CLOSE: ReadonlySet<number> = new Set<number>([
  CloseCode.ENDED,
  CloseCode.UNAUTHENTICATED,
  CloseCode.FORBIDDEN,
  CloseCode.NOT_FOUND,
]);

export type SocketStatus =
  /** The first connection is being made. */
  | "connecting"
  /** Connected (send the greeting now); `reconnected` says whether an earlier one was. */
  | "open"
  /** The connection dropped; the next attempt comes after `delay`. */
  | "reconnecting"
  /** Closed for good by the server, the page's policy, the owner's bounds; never after
   * the owner's own close(). */
  | "closed";

export type StatusDetail = {
  /** Whether an earlier connection of this socket opened. */
  reconnected: boolean;
  code: number;
  reason: string;
  /** Failed attempts in a row, the one just failed included (0 while none failed). */
  attempt: number;
  /** While reconnecting: the wait before the next attempt, in ms. */
  delay: number;
  /** The connection did not open within `openTimeoutMs`. */
  timedOut: boolean;
  /** The page refuses the socket (refuse()). */
  blocked: boolean;
};

declare const frameType: unique symbol;
/** A frame already serialized to JSON text (mirror batches, whose size the recorder
 * measures to chunk them: chunks.ts). */
export type FrameText<F> = string & { readonly [frameType]: F };

export type SocketOptions<In extends { t: string }, Out> = {
  /** A ws(s):// URL (agent pages: sameOrigin(path)). */
  url: string;
  onFrame(frame: In): void;
  /** The greeting (`hello`, `start`, `resume`) goes out on "open". */
  onStatus?(status: SocketStatus, detail: StatusDetail): void;
  /** Whether the server will close for good after `frame`, whatever the close code. */
  isFinal?(frame: In): boolean;
  /** Whether `frame` shows the server took the connection, so the backoff starts over;
   * default: anything but an `error` (a server that accepts only to refuse keeps it
   * growing). */
  isWelcome?(frame: In): boolean;
  /** Close codes after which another attempt cannot help; default PERMANENT_CLOSE. */
  permanent?: ReadonlySet<number>;
  /** Whether to try again after this drop (default yes); false closes for good. */
  retry?(detail: StatusDetail): boolean;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Give up after this many failed attempts in a row. */
  maxAttempts?: number;
  /** Give up once this long has passed since the first failure in a row; the last wait
   * is cut to end there. */
  giveUpAfterMs?: number;
  /** A connection not open by then is given up (a proxy or firewall that swallows it). */
  openTimeoutMs?: number;
  /** A heartbeat: `frame` every `everyMs` while connected. */
  keepAlive?: { everyMs: number; frame: Out };
};

export type Socket<Out> = {
  /** Sends when connected; returns whether it did. */
  send(frame: Out): boolean;
  sendText(text: FrameText<Out>): boolean;
  readonly connected: boolean;
  /** While waiting to reconnect: try now. */
  retryNow(): void;
  /** The page refuses the socket (its Content-Security-Policy, watchPolicy()): the
   * attempt under way fails now, and no other follows (`blocked`). */
  refuse(): void;
  /** Closes for good (the page is done with it); no status follows. */
  close(): void;
};

/** The wait before reconnect `attempt` (0-based): doubling from `min` up to `max`, each
 * drawn from the upper half of its step so that many pages do not come back at once. */
export function backoffDelay(attempt: number, min: number, max: number): number {
  const step = Math.min(max, min * 2 ** Math.min(attempt, 20));
  return step / 2 + Math.random() * (step / 2);
}

// WebSocket.readyState values (inlined by the bundler).
const enum ReadyState {
  CONNECTING,
  OPEN,
  CLOSING,
}

/** A path on the page's own origin as a ws(s):// URL. */
export function sameOrigin(path: string): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
}

/** Calls `refused` when the page's Content-Security-Policy (connect-src) refuses a socket
 * to `url`; returns how to stop. */
export function watchPolicy(url: string, refused: () => void): () => void {
  const violation = (event: SecurityPolicyViolationEvent) => {
    if (!event.blockedURI || !url.startsWith(event.blockedURI.replace(/\/$/, ""))) return;
    if (/^connect-src|^default-src/.test(event.effectiveDirective || event.violatedDirective)) refused();
  };
  document.addEventListener("securitypolicyviolation", violation);
  return () => document.removeEventListener("securitypolicyviolation", violation);
}

/** What became of one connection attempt: `lost` comes once, after `open` or without it. */
type Attempt<In> = {
  open(): void;
  frame(frame: In): void;
  lost(code: number, reason: string, timedOut: boolean): void;
};

/** One connection attempt to `options.url`, reported to `on`, with its heartbeat: its
 * WebSocket, or null when the browser would not even make one. */
function dial<In, Out>(options: SocketOptions<{ t: string }, Out>, on: Attempt<In>): WebSocket | null {
  const { keepAlive, openTimeoutMs } = options;
  let socket: WebSocket | null = null;
  let up = false;
  let done = false;
  let ping: ReturnType<typeof setInterval> | undefined;
  const lost = (code: number, reason = "", timedOut = false) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    clearInterval(ping);
    if (socket && socket.readyState < ReadyState.CLOSING) socket.close(CloseCode.NORMAL);
    // A refused socket's "error" can come before the page's policy report: let it land.
    if (up) on.lost(code, reason, timedOut);
    else setTimeout(() => on.lost(code, reason, timedOut), 0);
  };
  // A proxy or firewall that swallows the socket.
  const timer = openTimeoutMs
    ? setTimeout(() => socket?.readyState === ReadyState.CONNECTING && lost(1006, "", true), openTimeoutMs)
    : undefined;
  try {
    socket = new WebSocket(options.url);
  } catch (error) {
    // Older browsers throw when the page's Content-Security-Policy refuses the URL.
    console.error("[Tandem]", error);
    lost(1006);
    return null;
  }
  socket.onopen = () => {
    if (done) return;
    up = true;
    clearTimeout(timer);
    on.open();
    if (keepAlive) ping = setInterval(() => socket!.send(JSON.stringify(keepAlive.frame)), keepAlive.everyMs);
  };
  socket.onmessage = ({ data }) => {
    if (done || typeof data !== "string") return;
    try {
      data = JSON.parse(data);
    } catch {
      return;
    }
    if (data) on.frame(data as In);
  };
  // A socket the page's policy refuses fires "error" and never "close" (Chromium).
  socket.onerror = () => up || lost(1006);
  socket.onclose = (event) => lost(event.code, event.reason);
  return socket;
}

/** When to try again: `connect` runs after each failure once a jittered backoff has passed,
 * until the failure is final or the owner's bounds or retry() say no more; the owner hears
 * of each failure ("reconnecting" or "closed"). */
function reconnectLoop(options: SocketOptions<never, unknown>, connect: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined; // the wait before the next attempt
  let closed = false; // for good: no more attempts
  let failingSince = 0; // when the first of the failures in a row came
  // The browser says the network is back: try now rather than at the end of the wait.
  const retryNow = () => {
    if (closed || timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    connect();
  };
  const finish = () => {
    closed = true;
    clearTimeout(timer);
    removeEventListener("online", retryNow);
  };
  addEventListener("online", retryNow);
  return {
    retryNow,
    finish,
    /** The `info.attempt`th attempt in a row failed (`stop`: for good). */
    failed(info: StatusDetail, stop: boolean) {
      const now = Date.now();
      if (info.attempt === 1) failingSince = now;
      const left = (options.giveUpAfterMs ?? Infinity) - (now - failingSince);
      const wait =
        stop || info.attempt > (options.maxAttempts ?? Infinity) || left <= 0
          ? null
          : Math.min(backoffDelay(info.attempt - 1, options.minDelayMs ?? 500, options.maxDelayMs ?? 15_000), left);
      info.delay = wait ?? 0;
      if (wait === null || options.retry?.(info) === false) {
        finish();
        options.onStatus?.("closed", info);
      } else {
        timer = setTimeout(() => ((timer = undefined), connect()), wait);
        options.onStatus?.("reconnecting", info);
      }
    },
  };
}

export function openSocket<In extends { t: string }, Out>(options: SocketOptions<In, Out>): Socket<Out> {
  const { onStatus } = options;
  let socket: WebSocket | null = null; // the current attempt, connecting or open
  let opened = false; // any connection so far opened
  let failures = 0; // in a row
  let final = false; // the server said it closes this socket for good
  let blocked = false;
  const detail = (code = 0, reason = "", timedOut = false): StatusDetail => {
    return { reconnected: opened, code, reason, attempt: failures, delay: 0, timedOut, blocked };
  };
  // An attempt that is no longer `socket` (the page closed it) reports nothing.
  const connect = () => {
    const current: WebSocket | null = (socket = dial<In, Out>(options, {
      open() {
        if (socket !== current) return;
        onStatus?.("open", detail());
        opened = true;
      },
      frame(frame) {
        if (socket !== current) return;
        if (options.isWelcome ? options.isWelcome(frame) : frame.t !== "error") failures = 0;
        if (options.isFinal?.(frame)) final = true;
        options.onFrame(frame);
      },
      lost(code, reason, timedOut) {
        if (socket !== current) return;
        socket = null;
        failures += 1;
        loop.failed(detail(code, reason, timedOut), final || blocked || (options.permanent ?? PERMANENT_CLOSE).has(code));
      },
    }));
  };
  const loop = reconnectLoop(options, connect);
  const sendText = (text: string) => socket?.readyState === ReadyState.OPEN && (socket.send(text), true);
  onStatus?.("connecting", detail());
  connect();
  return {
    send: (frame) => sendText(JSON.stringify(frame)),
    sendText,
    get connected() {
      return socket?.readyState === ReadyState.OPEN;
    },
    retryNow: loop.retryNow,
    refuse() {
      blocked = true;
      if (socket?.readyState === ReadyState.CONNECTING) socket.onerror?.(new Event("error"));
    },
    close() {
      loop.finish();
      socket?.close(CloseCode.NORMAL);
      socket = null;
    },
  };
}
