// GLANCE.Cobrowse.InvokeVisitor for chat windows: posts glance_invoke messages to the
// visitor's window, which runs them if this window's origin is one of its trusted domains.
// Served alone at /cobrowse/GlanceCobrowseInvokeVisitor.js; it shares no code with the loader.

type Target = { wnd: Window; groupid: string | number; targetOrigin: string };

type Namespace = { Cobrowse?: Record<string, unknown>; [name: string]: unknown };

/**
 * The postMessage target origin for `origin`: "*", a full origin (a URL's path is dropped),
 * or the visitor page's host name (with an optional port), taken to use this window's scheme.
 */
function targetOrigin(origin: string): string | null {
  if (origin === "*") return "*";
  const url = origin.includes("://") ? origin : `${window.location.protocol}//${origin}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
    if (!parsed.hostname || parsed.username || parsed.password) return null;
    return parsed.origin;
  } catch {
    return null;
  }
}

function isWindow(value: unknown): value is Window {
  try {
    // A cross-origin window exposes postMessage, so this works on the visitor's window too.
    return typeof value === "object" && value !== null && typeof (value as Window).postMessage === "function";
  } catch {
    return false;
  }
}

function createInvokeVisitor() {
  let target: Target | null = null;

  return {
    /** Aim at the visitor window `wnd` of group `groupid`, on a page of `origin`. */
    init(wnd: unknown, groupid: unknown, origin: unknown): void {
      target = null;
      if (!isWindow(wnd)) {
        console.error("[Tandem] InvokeVisitor.init: wnd is not a window");
        return;
      }
      const validGroup =
        (typeof groupid === "number" && Number.isInteger(groupid)) || (typeof groupid === "string" && groupid !== "");
      if (!validGroup) {
        console.error("[Tandem] InvokeVisitor.init: groupid is not a group id");
        return;
      }
      const resolved = typeof origin === "string" ? targetOrigin(origin.trim()) : null;
      if (resolved === null) {
        console.error(`[Tandem] InvokeVisitor.init: origin ${String(origin)} is not "*", a host or an origin`);
        return;
      }
      target = { wnd, groupid, targetOrigin: resolved };
    },

    /** Ask the visitor window to call GLANCE.Cobrowse.Visitor[func](args). */
    invoke(func: unknown, args?: unknown): void {
      if (target === null) {
        console.error("[Tandem] InvokeVisitor.invoke before a successful InvokeVisitor.init");
        return;
      }
      if (typeof func !== "string" || !func) {
        console.error("[Tandem] InvokeVisitor.invoke: func is not a function name");
        return;
      }
      const message = { glance_invoke: { func, args, groupid: target.groupid } };
      try {
        target.wnd.postMessage(message, target.targetOrigin);
      } catch (error) {
        // args that cannot be cloned (a function, a DOM node) or a window since closed.
        console.error(`[Tandem] InvokeVisitor.invoke ${func} could not be posted`, error);
      }
    },
  };
}

// Another Glance script may have defined GLANCE first: add to it, never replace it.
const host = window as unknown as { GLANCE?: Namespace };
const glance = (host.GLANCE ??= {});
const cobrowse = (glance.Cobrowse ??= {});
cobrowse.InvokeVisitor ??= createInvokeVisitor();

export {};
