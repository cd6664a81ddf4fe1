// Session keys and start parameters as Glance defines them (docs/protocol.md, `start`).

/** Glance's key format: letters, digits, `-` and `_`, up to 50 characters. */
export const SESSION_KEY = /^[A-Za-z0-9_-]{1,50}$/;
/** The sessionKey Glance reads as "pick a random key". */
const RANDOM_KEY = "GLANCE_KEYTYPE_RANDOM";
/** Start parameters the agents see, with Glance's bounds. */
const VISITOR_FIELDS = { name: 63, email: 127, phone: 31 } as const;

export type VisitorParams = Partial<Record<keyof typeof VISITOR_FIELDS, string>>;

export function isSessionKey(value: unknown): value is string {
  return typeof value === "string" && SESSION_KEY.test(value);
}

// What the page set with Visitor.setStartParams(): used by every later start that does not
// say otherwise (the default UI's button, a presence invoke, startSession()).
let presetParams: Record<string, unknown> = {};

/** Glance's setStartParams: a key (string or number) or options, kept for later starts. */
export function setStartParams(params: unknown): void {
  presetParams =
    typeof params === "string" || typeof params === "number"
      ? { sessionKey: params }
      : params && typeof params === "object"
        ? { ...(params as Record<string, unknown>) }
        : {};
}

/** What startSession(arg) means, Glance's way: `arg` is a key (string or number) or an
 * options object; without a key the visitor id is the key when it is a valid one, and
 * name, email and phone come from the options or else from GLANCE_COBROWSE. */
export function startParams(arg: unknown, page: Record<string, unknown> | undefined) {
  const options: Record<string, unknown> = {
    ...presetParams,
    ...(typeof arg === "string" || typeof arg === "number" ? { sessionKey: arg } : arg && typeof arg === "object" ? arg : {}),
  };
  const given = options.sessionKey;
  const fallback = isSessionKey(page?.visitorid) ? page.visitorid : null;
  const sessionKey = given === undefined || given === null ? fallback : given === RANDOM_KEY ? null : String(given);
  const visitor: VisitorParams = {};
  for (const [name, max] of Object.entries(VISITOR_FIELDS)) {
    const value = options[name] ?? page?.[name];
    const line = typeof value === "string" || typeof value === "number" ? String(value).replace(/[\x00-\x1f\x7f]/g, " ").trim() : "";
    const text = Array.from(line).slice(0, max).join("").trim();
    if (text) visitor[name as keyof VisitorParams] = text;
  }
  return { ...options, sessionKey, visitor };
}
