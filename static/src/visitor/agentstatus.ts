// Whether an agent of the page's group is available right now: one socket per page,
// opened when something first asks, shared by every listener (Surfly's agent_status,
// site_connect's chat buttons). A dropped socket is reopened with a growing pause; a
// refused one (untrusted origin, unknown group) is not.
import { CloseCode, type StatusServerFrame } from "../protocol";
import type { LoaderConfig } from "./config";

type Listener = (available: boolean) => void;

// 1008: a policy violation some proxies close with.
const REFUSED = new Set<number>([1008, CloseCode.UNAUTHENTICATED, CloseCode.FORBIDDEN, CloseCode.NOT_FOUND]);
const listeners = new Set<Listener>();
let socket: WebSocket | null = null;
let known: boolean | null = null;

function open(url: string, pause: number): void {
  socket = new WebSocket(url);
  socket.onmessage = (message) => {
    let frame: StatusServerFrame;
    try {
      frame = JSON.parse(String(message.data));
    } catch {
      return;
    }
    if (frame.t !== "agent_status" || typeof frame.available !== "boolean") return;
    pause = 1000;
    if (frame.available === known) return;
    known = frame.available;
    for (const fn of listeners) {
      try {
        fn(frame.available);
      } catch (error) {
        console.error("[Tandem] an agent status listener threw", error);
      }
    }
  };
  socket.onclose = (event) => {
    socket = null;
    if (REFUSED.has(event.code) || listeners.size === 0) return;
    setTimeout(() => listeners.size > 0 && !socket && open(url, Math.min(pause * 2, 30000)), pause);
  };
}

/** Call `fn` with the group's availability now (once known) and on every change;
 * returns how to stop. */
export function watchAgentStatus(config: LoaderConfig, fn: Listener): () => void {
  listeners.add(fn);
  if (known !== null) setTimeout(() => listeners.has(fn) && fn(known as boolean), 0);
  if (!socket && config.statusSocket) open(config.statusSocket, 1000);
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && socket) {
      socket.close();
      socket = null;
      known = null;
    }
  };
}
