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
  /** The page's Content-Security-Policy refuses the socket (with `watchPolicy`). */
  blocked: boolean;
};

// WebSocket.readyState values.
const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;

declare const frameType: unique symbol;
/** A frame already serialized to JSON text (mirror batches, whose size the recorder
 * measures to chunk them: chunks.ts). */
export type FrameText<F> = string & { readonly [frameType]: F };

export type SocketOptions<In extends { t: string }, Out> = {
  /** A ws(s):// URL, or a path on the page's own origin (agent pages). */
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
  /** Watch for the page's Content-Security-Policy refusing the socket: then it is not
   * tried again (`blocked`). */
  watchPolicy?: boolean;
};

export type Socket<Out> = {
  /** Sends when connected; returns whether it did. */
  send(frame: Out): boolean;
  sendText(text: FrameText<Out>): boolean;
  readonly connected: boolean;
  /** While waiting to reconnect: try now. */
  retryNow(): void;
  /** Closes for good (the page is done with it); no status follows. */
  close(): void;
};

/** The wait before reconnect `attempt` (0-based): doubling from `min` up to `max`, each
 * drawn from the upper half of its step so that many pages do not come back at once. */
export function backoffDelay(attempt: number, min: number, max: number): number {
  const step = Math.min(max, min * 2 ** Math.min(attempt, 20));
  return step / 2 + Math.random() * (step / 2);
}

export function openSocket<In extends { t: string }, Out>(options: SocketOptions<In, Out>): Socket<Out> {
  const { minDelayMs: min = 500, maxDelayMs: max = 15_000, permanent = PERMANENT_CLOSE, keepAlive } = options;
  const url = /^wss?:/.test(options.url)
    ? options.url
    : `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${options.url}`;
  const status = (name: SocketStatus, detail: StatusDetail) => options.onStatus?.(name, detail);
  let socket: WebSocket | null = null;
  let up = false; // the current connection opened
  let opened = false; // any connection so far opened
  let finished = false; // closed for good: no more attempts
  let final = false; // the server said it closes this socket for good
  let blocked = false;
  let timedOut = false;
  let waiting = false; // a reconnect is scheduled
  let failures = 0;
  let failingSince = 0;
  let retryTimer: number | undefined;
  let openTimer: number | undefined;
  let ping: number | undefined;

  const detail = (code = 0, reason = "", delay = 0): StatusDetail => ({
    reconnected: opened,
    code,
    reason,
    attempt: failures,
    delay,
    timedOut,
    blocked,
  });

  const finish = () => {
    finished = true;
    removeEventListener("online", retryNow);
    document.removeEventListener("securitypolicyviolation", policyViolation);
    clearTimeout(retryTimer);
  };

  const failed = (code: number, reason: string) => {
    if (finished) return;
    failures += 1;
    const now = Date.now();
    if (failures === 1) failingSince = now;
    const left = failingSince + (options.giveUpAfterMs ?? Infinity) - now;
    const info = detail(code, reason, Math.min(backoffDelay(failures - 1, min, max), left));
    if (
      final ||
      blocked ||
      permanent.has(code) ||
      failures > (options.maxAttempts ?? Infinity) ||
      left <= 0 ||
      options.retry?.(info) === false
    ) {
      finish();
      status("closed", info);
      return;
    }
    status("reconnecting", info);
    if (finished) return; // the owner closed it meanwhile
    waiting = true;
    retryTimer = setTimeout(connect, info.delay);
  };

  // The connection `current` (null: the browser would not even make it) is lost.
  const drop = (current: WebSocket | null, code: number, reason: string) => {
    if (socket !== current) return;
    socket = null;
    clearTimeout(openTimer);
    clearInterval(ping);
    if (current && current.readyState < CLOSING) current.close(CloseCode.NORMAL);
    // A refused socket's "error" can come before the page's policy report: let it land.
    if (up) failed(code, reason);
    else setTimeout(() => failed(code, reason), 0);
  };

  const connect = () => {
    waiting = false;
    up = false;
    timedOut = false;
    let current: WebSocket;
    try {
      current = new WebSocket(url);
    } catch (error) {
      // Older browsers throw when the page's Content-Security-Policy refuses the URL.
      console.error("[Tandem]", error);
      drop(null, 1006, "");
      return;
    }
    socket = current;
    if (options.openTimeoutMs) {
      openTimer = setTimeout(() => {
        if (socket !== current || current.readyState !== CONNECTING) return;
        timedOut = true;
        drop(current, 1006, "");
      }, options.openTimeoutMs);
    }
    current.onopen = () => {
      if (socket !== current) return;
      up = true;
      clearTimeout(openTimer);
      status("open", detail());
      opened = true;
      if (keepAlive) ping = setInterval(() => send(keepAlive.frame), keepAlive.everyMs);
    };
    current.onmessage = (message) => {
      if (socket !== current || typeof message.data !== "string") return;
      let frame: In;
      try {
        frame = JSON.parse(message.data) as In;
      } catch {
        return;
      }
      if (options.isWelcome ? options.isWelcome(frame) : frame.t !== "error") failures = 0;
      if (options.isFinal?.(frame)) final = true;
      options.onFrame(frame);
    };
    // A socket the page's policy refuses fires "error" and never "close" (Chromium).
    current.onerror = () => {
      if (!up) drop(current, 1006, "");
    };
    current.onclose = (event) => drop(current, event.code, event.reason);
  };

  // The browser says the network is back: try now rather than at the end of the wait.
  const retryNow = () => {
    if (finished || !waiting) return;
    clearTimeout(retryTimer);
    connect();
  };

  // The page's Content-Security-Policy (connect-src) refused this socket.
  const policyViolation = (event: SecurityPolicyViolationEvent) => {
    if (!event.blockedURI || !url.startsWith(event.blockedURI.replace(/\/$/, ""))) return;
    if (!/^connect-src|^default-src/.test(event.effectiveDirective || event.violatedDirective)) return;
    blocked = true;
    if (socket && socket.readyState !== OPEN) drop(socket, 1006, "");
  };

  const sendText = (text: string): boolean => {
    if (socket?.readyState !== OPEN) return false;
    socket.send(text);
    return true;
  };
  const send = (frame: Out) => sendText(JSON.stringify(frame));

  addEventListener("online", retryNow);
  if (options.watchPolicy) document.addEventListener("securitypolicyviolation", policyViolation);
  status("connecting", detail());
  connect();

  return {
    send,
    sendText,
    get connected() {
      return socket?.readyState === OPEN;
    },
    retryNow,
    close() {
      finish();
      clearTimeout(openTimer);
      clearInterval(ping);
      const current = socket;
      socket = null;
      current?.close(CloseCode.NORMAL);
    },
  };
}
