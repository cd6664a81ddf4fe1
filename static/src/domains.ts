// Trusted host patterns in the page: core/domains.py's HostPattern, rule for rule (the
// two answer the same case table, tests/domain_cases.py). Sockets, the site-connect frame,
// the share view and glance_invoke all check origins with these.

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

// What Python's str.strip() takes off both ends: JavaScript's \s and four more, but not
// U+FEFF (which \s has), so a text holding one is no pattern (none is, in Python).
const BLANKS = /^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/g;

// core/domains.py's _PATTERN_RE, on the pattern stripped and in lower case.
const PATTERN_RE = /^(?:(https?):\/\/)?(?:(\*\.)?([a-z0-9.-]+)|\[([0-9a-f:]+)\])(?::([0-9]{1,5}))?$/;

/** A trusted host pattern; `port` 0 or null: any port. */
export type HostPattern = {
  host: string;
  wildcard: boolean;
  scheme: string | null;
  port: number | null;
  ipv6: boolean;
};

/** The pattern `text` writes, or null when it is not one (HostPattern.parse). */
export function parseHostPattern(text: string): HostPattern | null {
  const match = text.includes("\ufeff") ? null : PATTERN_RE.exec(text.replace(BLANKS, "").toLowerCase());
  if (match === null) return null;
  const [, scheme, wild, name, ipv6, port] = match;
  return {
    host: name ?? ipv6,
    wildcard: wild !== undefined,
    scheme: scheme ?? null,
    port: port === undefined ? null : Number(port),
    ipv6: ipv6 !== undefined,
  };
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
 * (scheme, host, port) of an http(s) origin, or null: core/domains.py's origin_parts,
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

/** True when a page of `origin` is let in by `pattern` (HostPattern.matches). */
export function hostPatternMatches(pattern: HostPattern, origin: string): boolean {
  const parsed = originParts(origin);
  if (parsed === null) return false;
  const [scheme, host, port] = parsed;
  if (pattern.scheme && pattern.scheme !== scheme) return false;
  if (pattern.port && pattern.port !== port) return false;
  if (pattern.wildcard) return host === pattern.host || host.endsWith("." + pattern.host);
  return host === pattern.host;
}

/** core/domains.py's pattern_matches: a text that is no pattern lets nothing in. */
export function patternMatches(pattern: string, origin: string): boolean {
  const parsed = parseHostPattern(pattern);
  return parsed !== null && hostPatternMatches(parsed, origin);
}

export function originTrusted(origin: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => patternMatches(pattern, origin));
}
