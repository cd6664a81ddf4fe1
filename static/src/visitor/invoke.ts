// glance_invoke: another window (a chat window, a chat widget's iframe) calls the visitor
// API by postMessage. Only pages of the group's trusted domains may, only for this page's
// group, and only a fixed list of functions; anything else is logged and ignored.
import type { LoaderConfig } from "./config";

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

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/** Python's int() on a port: optional sign, digits with single underscores, spaces around. */
function parsePort(text: string): number | null {
  return /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(text) ? Number(text.replace(/[\s_+]/g, "")) : null;
}

function isIpv6(host: string): boolean {
  try {
    new URL(`http://[${host}]/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * (scheme, host, port) of an http(s) origin, or null: cobrowse/domains.py's origin_parts,
 * which reads the origin as urllib.parse.urlsplit does.
 */
export function originParts(origin: string): [string, string, number] | null {
  let url = origin.trim().replace(/^[\u0000-\u0020]+/, "").replace(/[\t\r\n]/g, "");
  let scheme = "";
  const colon = url.indexOf(":");
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  if (!url.startsWith("//") || (scheme !== "http" && scheme !== "https")) return null;
  const netloc = url.slice(2).split(/[/?#]/, 1)[0];
  const open = netloc.includes("[");
  if (open !== netloc.includes("]")) return null;
  const hostinfo = netloc.slice(netloc.lastIndexOf("@") + 1);
  let host: string;
  let portText: string;
  if (hostinfo.includes("[")) {
    const bracketed = hostinfo.slice(hostinfo.indexOf("[") + 1);
    const close = bracketed.indexOf("]");
    host = close === -1 ? bracketed : bracketed.slice(0, close);
    const after = close === -1 ? "" : bracketed.slice(close + 1);
    portText = after.includes(":") ? after.slice(after.indexOf(":") + 1) : "";
  } else {
    const split = hostinfo.indexOf(":");
    host = split === -1 ? hostinfo : hostinfo.slice(0, split);
    portText = split === -1 ? "" : hostinfo.slice(split + 1);
  }
  if (open) {
    const checked = netloc.slice(netloc.indexOf("[") + 1).split("]", 1)[0];
    if (!isIpv6(checked)) return null;
  }
  if (!host) return null;
  let port = 0;
  if (portText) {
    if (!/^[0-9]+$/.test(portText)) return null;
    port = Number(portText);
    if (port > 65535) return null;
  }
  const zone = host.indexOf("%");
  host = zone === -1 ? host.toLowerCase() : host.slice(0, zone).toLowerCase() + host.slice(zone);
  return [scheme, host, port || DEFAULT_PORTS[scheme]];
}

/** cobrowse/domains.py's pattern_matches, rule for rule: keep the two identical. */
export function patternMatches(pattern: string, origin: string): boolean {
  const parsed = originParts(origin);
  if (parsed === null) return false;
  const [scheme, host, port] = parsed;
  let rest = pattern.trim().toLowerCase();
  let wantScheme = "";
  const sep = rest.indexOf("://");
  if (sep !== -1) {
    wantScheme = rest.slice(0, sep);
    rest = rest.slice(sep + 3);
  }
  let wantPort: number | null = 0;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close !== -1 && rest.slice(close + 1, close + 2) === ":") {
      wantPort = parsePort(rest.slice(close + 2));
    }
    rest = rest.slice(1, close);
  } else if (rest.includes(":")) {
    const split = rest.lastIndexOf(":");
    wantPort = parsePort(rest.slice(split + 1));
    rest = rest.slice(0, split);
  }
  if (wantPort === null) return false; // where Python's int() raises: a pattern that matches nothing
  if (wantScheme && wantScheme !== scheme) return false;
  if (wantPort && wantPort !== port) return false;
  if (rest.startsWith("*.")) {
    const base = rest.slice(2);
    return host === base || host.endsWith("." + base);
  }
  return host === rest;
}

export function originTrusted(origin: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => patternMatches(pattern, origin));
}

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
