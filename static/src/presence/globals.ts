// The Glance globals presence needs, shared by the full loader and the presence-only
// script (CobrowseJS.ashx?...&script=PresenceVisitor).
import type { LoaderConfig } from "../visitor/config";
import { installPresence, type SignalNotice } from "./visitor";

type GlanceNamespace = {
  VERSION?: string;
  Cobrowse?: Record<string, unknown>;
  Presence?: Record<string, unknown>;
  [name: string]: unknown;
};

declare global {
  interface Window {
    GLANCE?: GlanceNamespace;
    GLANCE_COBROWSE?: Record<string, unknown>;
  }
}

/** The data-* attributes of the script tag that loaded us. */
export function scriptAttributes(): Record<string, string> {
  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>("script#glance-cobrowse, script#cobrowsescript");
  return script ? ({ ...script.dataset } as Record<string, string>) : {};
}

/** GLANCE_COBROWSE: what the page and the Presence.Visitor constructor default to. */
export function publishSettings(config: LoaderConfig, attrs: Record<string, string>): void {
  window.GLANCE_COBROWSE = {
    ...window.GLANCE_COBROWSE,
    groupid: config.group,
    site: config.site,
    version: config.version,
    presence: attrs.presence,
    // A visitor id the page set before the loader ran is kept unless the tag names one;
    // its signature (data-visitorsig) goes with it.
    visitorid: attrs.visitorid ?? window.GLANCE_COBROWSE?.visitorid,
    visitorsig: attrs.visitorid !== undefined ? attrs.visitorsig : (attrs.visitorsig ?? window.GLANCE_COBROWSE?.visitorsig),
  };
}

/** GLANCE.Presence.Visitor; with data-presence="on" it reports and listens by itself. */
export function installPresenceApi(
  config: LoaderConfig,
  attrs: Record<string, string>,
  cobrowseVisitor: () => Record<string, never> | undefined,
  notice?: SignalNotice,
): void {
  const glance = (window.GLANCE ??= {});
  const PresenceVisitor = installPresence(config, cobrowseVisitor, notice) as {
    new (): { presence(params?: object): void; connect(): void; visitorid: string | null; visitorsig: string | null };
  };
  glance.Presence = { ...(glance.Presence as object | undefined), Visitor: PresenceVisitor };
  if (attrs.presence !== "on") return;
  // Made now, so the page's own scripts after the tag find it as
  // GLANCE.Presence.Visitor.instance (to set onsignal and the like); it reports and
  // connects once the document is parsed.
  const presence = new PresenceVisitor();
  const start = () => {
    // An id the page's scripts set in GLANCE_COBROWSE after the tag still counts.
    const defaults = (window.GLANCE_COBROWSE ?? {}) as { visitorid?: unknown; visitorsig?: unknown };
    if (presence.visitorid === null && typeof defaults.visitorid === "string") {
      presence.visitorid = defaults.visitorid;
      presence.visitorsig = typeof defaults.visitorsig === "string" ? defaults.visitorsig : null;
    }
    presence.presence();
    presence.connect();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
}
