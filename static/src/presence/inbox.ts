// What agents send a presence visitor: signals for the page, and invokes of co-browsing
// functions (startSession, stopSession). Each is handed over once per browser, whatever
// its tabs and connections, and acknowledged with whether a handler took it.
import type { TermsStatus } from "../protocol";
import { START_FOR_AGENT } from "../visitor/events";
import { isSessionKey } from "../visitor/keys";

export type Invokable = Record<string, ((args?: unknown) => unknown) | undefined>;

// Ids of messages this browser already handed to the page: a message is acknowledged once
// handled, but the ack may be lost with the connection, or the focus may move to another
// tab before it arrives; it must not fire twice, in this tab or another.
const SEEN_KEY = "tandem.presence.seen";
const INVOKABLE = new Set(["startSession", "stopSession"]);

function seenIds(): number[] {
  try {
    return JSON.parse(localStorage.getItem(SEEN_KEY) ?? "[]") as number[];
  } catch {
    return [];
  }
}

function markSeen(id: number): void {
  try {
    localStorage.setItem(SEEN_KEY, JSON.stringify([...seenIds(), id].slice(-100)));
  } catch {
    // storage unavailable: the server's ack still stops redelivery
  }
}

/** Runs `handler`, logging what it throws: a page's handler must not break presence. */
export function fire(handler: () => void): void {
  try {
    handler();
  } catch (error) {
    console.error("[Tandem] a presence handler threw", error);
  }
}

/** Hands message `id` to `handle` once; whether it was shown (the dashboard says
 * "delivered" only then): true for one handed over before, or whose handler threw. */
export function deliverOnce(id: number, handle: () => boolean): boolean {
  let shown = true;
  if (!seenIds().includes(id)) {
    markSeen(id);
    fire(() => {
      shown = handle();
    });
  }
  return shown;
}

/** An agent's invoke of `func` on GLANCE.Cobrowse.Visitor (`target`). startSession goes
 * through the consent prompt (session.ts startForAgent), never straight to the public
 * method, which is the visitor's own button; `report` tells the agents the answer.
 * `visitorid`: this visitor's own id (not a unique one), the key of a keyless start. */
export function invokeVisitor(
  target: Invokable | undefined,
  func: string,
  args: Record<string, unknown> | null | undefined,
  visitorid: string | null,
  report: (status: TermsStatus, key?: string) => void,
): void {
  const name = func === "startSession" ? START_FOR_AGENT : func;
  const fn = INVOKABLE.has(func) ? target?.[name] : undefined;
  if (typeof fn !== "function") {
    console.warn(`[Tandem] presence invoke of an unknown function ignored: ${func}`);
    return;
  }
  if (func !== "startSession") {
    fn.call(target, args ?? undefined);
    return;
  }
  // startSession without a key: the session is keyed by this visitor's id (Glance's),
  // so an agent who invoked it by that id finds the session under it.
  const keyless = (args?.sessionKey ?? null) === null;
  const options = keyless && isSessionKey(visitorid) ? { ...args, sessionKey: visitorid } : (args ?? {});
  const key = options.sessionKey;
  const answer = (status: TermsStatus) => report(status, typeof key === "string" || typeof key === "number" ? String(key) : undefined);
  (fn as (options: unknown, report: (status: TermsStatus) => void) => void).call(target, options, answer);
}
