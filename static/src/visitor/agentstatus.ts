// Whether an agent of the page's group is available right now: one socket per page,
// opened when something first asks, shared by every listener (Surfly's agent_status,
// site_connect's chat buttons). A dropped socket is reopened with the one backoff
// (socket.ts); a refused one (untrusted origin, unknown group) is not.
import { CloseCode, type StatusClientFrame, type StatusServerFrame } from "../protocol";
import { openSocket, type Socket } from "../socket";
import type { LoaderConfig } from "./config";

type Listener = (available: boolean) => void;

// 1008: a policy violation some proxies close with.
const REFUSED = new Set<number>([1008, CloseCode.UNAUTHENTICATED, CloseCode.FORBIDDEN, CloseCode.NOT_FOUND]);
const listeners = new Set<Listener>();
let socket: Socket<StatusClientFrame> | null = null;
let known: boolean | null = null;

function changed(available: boolean): void {
  if (available === known) return;
  known = available;
  for (const fn of listeners) {
    try {
      fn(available);
    } catch (error) {
      console.error("[Tandem] an agent status listener threw", error);
    }
  }
}

/** Call `fn` with the group's availability now (once known) and on every change;
 * returns how to stop. */
export function watchAgentStatus(config: LoaderConfig, fn: Listener): () => void {
  listeners.add(fn);
  if (known !== null) setTimeout(() => listeners.has(fn) && fn(known as boolean), 0);
  if (!socket && config.statusSocket) {
    socket = openSocket<StatusServerFrame, StatusClientFrame>({
      url_: config.statusSocket,
      onFrame_: (frame) => frame.t === "agent_status" && typeof frame.available === "boolean" && changed(frame.available),
      onStatus_: (status) => {
        if (status === "closed") socket = null;
      },
      isWelcome_: (frame) => frame.t === "agent_status",
      permanent_: REFUSED,
      minDelayMs_: 1000,
      maxDelayMs_: 30_000,
    });
  }
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && socket) {
      socket.close();
      socket = null;
      known = null;
    }
  };
}
