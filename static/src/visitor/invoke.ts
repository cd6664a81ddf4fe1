// glance_invoke: another window (a chat window, a chat widget's iframe) calls the visitor
// API by postMessage. Only pages of the group's trusted domains may, only for this page's
// group, and only a fixed list of functions; anything else is logged and ignored.
import { originTrusted } from "../domains";
import type { LoaderConfig } from "./config";

export { originTrusted, patternMatches } from "../domains";

/** The object the loader installs as GLANCE.Cobrowse.Visitor. */
export type VisitorApi = Record<string, unknown>;

type Args = Record<string, unknown> | undefined;
type StartArgs = { sessionKey?: string | number; reverse?: boolean };
type Invokable = (...args: unknown[]) => unknown;

// Every documented function of GLANCE.Cobrowse.Visitor but the two that take a listener,
// a function postMessage cannot carry (add/removeEventListener). The getters run too (an
// invoker cannot read their answer, as with Glance). showTerms, promptCrossDomain and
// setStyle belong to the visitor UI, which exists only with the default UI.
const VISITOR_FUNCS = new Set([
  "startSession",
  "stopSession",
  "inSession",
  "getKey",
  "getSessionState",
  "setStartParams",
  "pauseSession",
  "isSessionPaused",
  "enableRC",
  "endRemoteControl",
  "crossDomain",
  "continueSessionAt",
]);
const UI_FUNCS = new Set(["showTerms", "promptCrossDomain", "setStyle"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** startSession's options as an invoker may give them: a session key, and `reverse`. */
function startArgs(args: Args): StartArgs | null {
  const key = args?.sessionKey;
  const reverse = args?.reverse;
  if (reverse !== undefined && reverse !== null && typeof reverse !== "boolean") return null;
  const options: StartArgs = reverse === true ? { reverse } : {};
  if (key === undefined || key === null) return options;
  const valid = typeof key === "string" || (typeof key === "number" && Number.isFinite(key));
  return valid ? { ...options, sessionKey: key } : null;
}

/** The function `func` names and the object it belongs to, looked up now; null if none. */
function resolve(func: string, visitor: VisitorApi): [Invokable, object] | null {
  const owners: unknown[] = [];
  if (VISITOR_FUNCS.has(func)) owners.push(visitor);
  if (UI_FUNCS.has(func)) owners.push(visitor, window.GLANCE?.Cobrowse?.VisitorUI);
  for (const owner of owners) {
    const fn = isRecord(owner) ? owner[func] : undefined;
    if (typeof fn === "function") return [fn as Invokable, owner as object];
  }
  return null;
}

function ignore(why: string): void {
  console.warn(`[Tandem] ignored a glance_invoke message: ${why}`);
}

function shown(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).slice(0, 80);
}

/** Handle one message event; anything but a well-formed, trusted glance_invoke is ignored. */
function receive(event: MessageEvent, config: LoaderConfig, visitor: VisitorApi): void {
  const data: unknown = event.data;
  if (!isRecord(data) || !Object.prototype.hasOwnProperty.call(data, "glance_invoke")) return;
  if (!originTrusted(event.origin, config.trustedDomains ?? [])) {
    ignore(`origin ${shown(event.origin)} is not a trusted domain of group ${config.group}`);
    return;
  }
  const request = data.glance_invoke;
  if (!isRecord(request)) return ignore("glance_invoke is not an object");
  const { func, args, groupid } = request;
  if (typeof func !== "string") return ignore("func is not a string");
  const groupMatches =
    (typeof groupid === "string" || typeof groupid === "number") &&
    config.group !== null &&
    String(groupid) === String(config.group);
  if (!groupMatches) return ignore(`groupid ${shown(groupid)} is not this page's group ${config.group}`);
  if (args !== undefined && args !== null && !isRecord(args)) {
    return ignore(`args of ${shown(func)} is not an object`);
  }
  const target = resolve(func, visitor);
  if (target === null) return ignore(`${shown(func)} is not a function that may be invoked`);
  const given = args ?? undefined;
  let passed: unknown[] = [];
  if (func === "startSession") {
    const options = startArgs(given);
    if (options === null) return ignore("sessionKey is not a string or a number, or reverse not a boolean");
    passed = [options];
  } else if (given !== undefined) {
    passed = [given];
  }
  const [fn, owner] = target;
  try {
    fn.apply(owner, passed);
  } catch (error) {
    console.error(`[Tandem] glance_invoke ${func} threw`, error);
  }
}

/** Start answering glance_invoke messages; returns the function that stops it. */
export function listenForInvoke(config: LoaderConfig, visitor: VisitorApi): () => void {
  const listener = (event: MessageEvent) => receive(event, config, visitor);
  window.addEventListener("message", listener);
  return () => window.removeEventListener("message", listener);
}
