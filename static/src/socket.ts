// The one WebSocket client of every bundle (the visitor session, presence, the site-connect
// frame's contact code, the agents' status, the agent's viewer and dashboard): frames typed
// both ways by the generated protocol, and one reconnect policy. A connection that drops is
// tried again after a jittered exponential backoff until the server says it is over (a
// frame the owner calls final, a close code it calls permanent) or the owner's bounds
// (next_: failed attempts in a row, time since the first failure, a page policy that
// refuses the socket) say no more. docs/protocol.md lists the codes and each socket's
// bounds. Its options and status end in "_": the bundle shortens them (static/build.mjs).
import { CloseCode } from "./protocol";

/** Close codes after which reconnecting cannot help, on the agent pages' sockets: the
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
  /** Connected (send the greeting now). */
  | "open"
  /** The connection dropped; the next attempt comes after `delay_`. */
  | "reconnecting"
  /** Closed for good by the server or the owner's bounds; never after the owner's own
   * close(). */
  | "closed";

export type StatusDetail = {
  code_: number;
  reason_: string;
  /** Failed attempts in a row, the one just failed included (0 while none failed). */
  attempt_: number;
  /** While reconnecting: the wait before the next attempt, in ms. */
  delay_: number;
};

declare const frameType: unique symbol;
/** A frame already serialized to JSON text (mirror batches, whose size the recorder
 * measures to chunk them: chunks.ts). */
export type FrameText<F> = string & { readonly [frameType]: F };

/** What each connection attempt carries while it lasts (a heartbeat, a time limit to
 * open): started with the attempt's WebSocket and `fail`, which gives the attempt up as a
 * dropped connection (1006); returns how to stop. */
export type AttemptHook = (socket: WebSocket, fail: () => void) => () => void;

export type SocketOptions<In extends { t: string }> = {
  /** A ws(s):// URL (agent pages: sameOrigin(path)). */
  url_: string;
  onFrame_(frame: In): void;
  /** The greeting (`hello`, `start`, `resume`) goes out on "open". */
  onStatus_(status: SocketStatus, detail: StatusDetail): void;
  /** Whether the server will close for good after `frame`, whatever the close code. */
  isFinal_?(frame: In): boolean;
  /** Whether `frame` shows the server took the connection, so the backoff starts over;
   * default: anything but an `error` (a server that accepts only to refuse keeps it
   * growing). */
  isWelcome_?(frame: In): boolean;
  /** Close codes after which another attempt cannot help (default: none). */
  permanent_?: ReadonlySet<number>;
  /** The owner's bounds, asked after each drop that the server did not make final: the
   * wait before the next attempt (`wait`, the jittered backoff's, or less), or null for no
   * more. Default: `wait`, for ever. */
  next_?(detail: StatusDetail, wait: number): number | null;
  minDelayMs_?: number;
  maxDelayMs_?: number;
  attempt_?: AttemptHook;
};

export type Socket<Out> = {
  /** Sends a frame (or one already serialized) when connected; returns whether it did. */
  send(frame: Out | FrameText<Out>): boolean;
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

// WebSocket.readyState values (inlined by the bundler).
export const enum ReadyState {
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

/** An attempt's heartbeat (SocketOptions.attempt_): `frame` every `everyMs` while its
 * connection is open (the hook hears of the open before the owner, who may close it). */
export function heartbeat<Out>(everyMs: number, frame: Out): AttemptHook {
  return (socket) => {
    let ping: ReturnType<typeof setInterval> | undefined;
    socket.addEventListener("open", () => (ping = setInterval(() => socket.send(JSON.stringify(frame)), everyMs)));
    return () => clearInterval(ping);
  };
}

// One closure on purpose: every bundle carries it, and a closure's variables minify to one
// letter each (split into functions it cost each bundle some 60 bytes of gzip).
export function openSocket<In extends { t: string }, Out>(options: SocketOptions<In>): Socket<Out> {
  const { onStatus_: onStatus, isWelcome_: isWelcome = (frame: In) => frame.t !== "error" } = options;
  let socket: WebSocket | null = null; // the current attempt, connecting or open
  let timer: ReturnType<typeof setTimeout> | undefined; // the wait before the next attempt
  let stop: (() => void) | undefined; // ends what the current attempt carries
  let closed = false; // for good: no more attempts
  let failures = 0; // in a row
  let final = false; // the server said it closes this socket for good
  const detail = (code = 0, reason = ""): StatusDetail => {
    return { code_: code, reason_: reason, attempt_: failures, delay_: 0 };
  };
  // One attempt. What becomes of it is reported once; nothing once it is lost or the page
  // closed it (it is no longer `socket`).
  const connect = () => {
    timer = undefined;
    let up = false;
    let current: WebSocket;
    const lost = (code: number, reason = "") => {
      if (socket !== current) return;
      socket = null;
      stop?.();
      current.close(CloseCode.NORMAL); // does nothing once closing
      // A refused socket's "error" can come before the page's policy report: let it land.
      if (up) failed(code, reason);
      else setTimeout(failed, 0, code, reason);
    };
    try {
      socket = current = new WebSocket(options.url_);
    } catch (error) {
      // Older browsers throw when the page's Content-Security-Policy refuses the URL.
      console.error("[Tandem]", error);
      setTimeout(failed, 0, 1006, "");
      return;
    }
    // Before the handlers below, so that the hook hears of the open first.
    stop = options.attempt_?.(current, () => lost(1006));
    current.onopen = () => {
      if (socket !== current) return;
      up = true;
      onStatus("open", detail());
    };
    current.onmessage = ({ data }) => {
      if (socket !== current || typeof data !== "string") return;
      try {
        data = JSON.parse(data);
      } catch {
        return;
      }
      if (!data) return;
      if (isWelcome(data)) failures = 0;
      if (options.isFinal_?.(data)) final = true;
      options.onFrame_(data);
    };
    // A socket the page's policy refuses fires "error" and never "close" (Chromium).
    current.onerror = () => up || lost(1006);
    current.onclose = (event) => lost(event.code, event.reason);
  };
  // After a failure the next attempt comes once a jittered backoff has passed, unless the
  // server or the owner's bounds say no more.
  const failed = (code: number, reason: string) => {
    if (closed) return;
    failures += 1;
    const info = detail(code, reason);
    const wait = backoffDelay(failures - 1, options.minDelayMs_ ?? 500, options.maxDelayMs_ ?? 15_000);
    const next = final || options.permanent_?.has(code) ? null : options.next_ ? options.next_(info, wait) : wait;
    if (next === null) {
      finish();
      onStatus("closed", info);
    } else {
      info.delay_ = next;
      timer = setTimeout(connect, next);
      onStatus("reconnecting", info);
    }
  };
  // The browser says the network is back: try now rather than at the end of the wait.
  const retryNow = () => {
    if (closed || timer === undefined) return;
    clearTimeout(timer);
    connect();
  };
  const finish = () => {
    closed = true;
    clearTimeout(timer);
    stop?.();
    removeEventListener("online", retryNow);
  };
  addEventListener("online", retryNow);
  onStatus("connecting", detail());
  connect();
  return {
    send: (frame) => socket?.readyState === ReadyState.OPEN && (socket.send(typeof frame === "string" ? frame : JSON.stringify(frame)), true),
    get connected() {
      return socket?.readyState === ReadyState.OPEN;
    },
    retryNow,
    close() {
      finish();
      socket?.close(CloseCode.NORMAL);
      socket = null;
    },
  };
}
