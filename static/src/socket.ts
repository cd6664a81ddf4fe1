// An agent page's socket that comes back by itself: when its server process dies (or the
// network drops) it reconnects with jittered exponential backoff, and the server's
// greeting on the new socket (a snapshot, the lists) brings the page back in step. It
// stays closed after a deliberate close: a close code in PERMANENT_CLOSE, or a frame the
// page calls final (the session ended). docs/protocol.md lists the codes.
import { CloseCode } from "./protocol";

/** Close codes after which reconnecting cannot help: the session ended (4000), the agent
 * is not (or no longer) signed in (4401), may not (or no longer) open it (4403), or it
 * does not exist (4404). */
export const PERMANENT_CLOSE: ReadonlySet<number> = new Set<number>([
  CloseCode.ENDED,
  CloseCode.UNAUTHENTICATED,
  CloseCode.FORBIDDEN,
  CloseCode.NOT_FOUND,
]);

export type SocketStatus =
  /** The first connection is being made. */
  | "connecting"
  /** Connected; `reconnected` says whether this is a second (or later) connection. */
  | "open"
  /** The connection dropped; the next attempt comes after a backoff. */
  | "reconnecting"
  /** Closed for good: by the server on purpose, or by the page. */
  | "closed";

export type StatusDetail = { reconnected: boolean; code: number; reason: string; attempt: number };

export type SocketOptions<In> = {
  /** The socket's path on Tandem's own origin, e.g. `/ws/agent/dashboard/`. */
  path: string;
  onFrame(frame: In): void;
  onStatus(status: SocketStatus, detail: StatusDetail): void;
  /** Whether the server will close for good after `frame`, whatever the close code. */
  isFinal?(frame: In): boolean;
  minDelayMs?: number;
  maxDelayMs?: number;
};

export type AgentSocket<Out> = {
  /** Sends when connected; returns whether it did. */
  send(frame: Out): boolean;
  readonly connected: boolean;
  /** Closes for good (the page is going away). */
  close(): void;
};

/** The wait before reconnect `attempt` (0-based): doubling from `min` up to `max`, each
 * drawn from the upper half of its step so that many agents do not come back at once. */
export function backoffDelay(attempt: number, min: number, max: number): number {
  const step = Math.min(max, min * 2 ** Math.min(attempt, 20));
  return step / 2 + Math.random() * (step / 2);
}

export function openAgentSocket<In extends { t: string }, Out>(options: SocketOptions<In>): AgentSocket<Out> {
  const min = options.minDelayMs ?? 500;
  const max = options.maxDelayMs ?? 15_000;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${options.path}`;
  let socket: WebSocket | null = null;
  let attempt = 0;
  let opened = false; // any connection so far succeeded
  let finished = false; // closed for good: no more attempts
  let final = false; // the server said it closes this socket for good
  let timer: number | undefined;

  const detail = (code = 0, reason = ""): StatusDetail => ({ reconnected: opened, code, reason, attempt });

  const connect = () => {
    const current = new WebSocket(url);
    socket = current;
    current.onopen = () => {
      options.onStatus("open", detail());
      opened = true;
    };
    current.onmessage = (message) => {
      if (typeof message.data !== "string") return;
      const frame = JSON.parse(message.data) as In;
      // Welcomed, not just accepted: a server that accepts only to refuse (rate limits, a
      // fault) keeps the backoff growing.
      if (frame.t !== "error") attempt = 0;
      if (options.isFinal?.(frame)) final = true;
      options.onFrame(frame);
    };
    current.onclose = (event) => {
      if (socket !== current) return;
      socket = null;
      if (finished) return;
      if (final || PERMANENT_CLOSE.has(event.code)) {
        finished = true;
        window.removeEventListener("online", retryNow);
        options.onStatus("closed", detail(event.code, event.reason));
        return;
      }
      options.onStatus("reconnecting", detail(event.code, event.reason));
      timer = window.setTimeout(connect, backoffDelay(attempt, min, max));
      attempt += 1;
    };
  };

  // The browser says the network is back: try now rather than at the end of the wait.
  const retryNow = () => {
    if (finished || socket !== null) return;
    window.clearTimeout(timer);
    connect();
  };
  window.addEventListener("online", retryNow);

  options.onStatus("connecting", detail());
  connect();

  return {
    send(frame: Out): boolean {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    get connected() {
      return socket?.readyState === WebSocket.OPEN;
    },
    close() {
      finished = true;
      window.removeEventListener("online", retryNow);
      window.clearTimeout(timer);
      socket?.close(CloseCode.NORMAL);
      socket = null;
    },
  };
}
