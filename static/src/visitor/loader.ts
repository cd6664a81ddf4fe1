// The visitor loader: defines the Glance globals over one SessionClient. Small on
// purpose; the recorder is imported only when a session starts.
import { loaderConfig } from "./config";
import { listenForInvoke, type VisitorApi } from "./invoke";
import { installPresenceApi, publishSettings, scriptAttributes } from "../presence/globals";
import { installSurfly } from "../surfly/surfly";
import { installSiteConnect } from "../siteconnect/stub";
import { START_FOR_AGENT, type EventName } from "./events";
import { startParams } from "./keys";
import { CONTINUE_PARAM, SessionClient, type StartOptions } from "./session";
import type { TermsStatus } from "../protocol";
import { installDefaultUi } from "./ui-entry";
import { extendVisitor } from "./glance-api";
import { watchPasswords } from "./passwords";
import { keepWebglFrames } from "./webgl";
import { watchFonts } from "./fonts";
import { drainReadyQueue } from "./ready";

type Listener = (payload?: unknown) => void;


/** GLANCE.Cobrowse.Visitor over `client`, with Tandem's additions (glance-api.ts) and the
 * presence invokes' start. */
function visitorApi(client: SessionClient): Record<string, unknown> {
  const visitor = {
    // A key (string or number) or options; the visitor id is the default key (Glance's).
    startSession: (options?: unknown) => client.start(startParams(options, window.GLANCE_COBROWSE)),
    stopSession: () => client.stop(),
    inSession: () => client.inSession(),
    getKey: () => client.getKey(),
    getSessionState: () => client.getSessionState(),
    endRemoteControl: () => client.endRemoteControl(),
    crossDomain: (url: string) => client.crossDomain(String(url)),
    // The page may name any event: those it names wrongly never fire.
    addEventListener: (name: string, fn: Listener) => client.events.on(name as EventName, fn),
    removeEventListener: (name: string, fn: Listener) => client.events.off(name as EventName, fn),
  };
  extendVisitor(visitor as Record<string, unknown>, client);
  // Tandem's own, for presence invokes (not a Glance method, so not enumerable).
  Object.defineProperty(visitor, START_FOR_AGENT, {
    value: (options: StartOptions, report: (status: TermsStatus) => void) =>
      client.startForAgent(startParams(options, window.GLANCE_COBROWSE), report),
  });
  return visitor;
}

/** Continue the tab's session once the page's own scripts have added their listeners. */
function continueWhenLoaded(client: SessionClient): void {
  // A session handed over from another domain: take its token out of the address bar
  // (and so out of history and referrers) before anything else can read it.
  const handoff = takeParam(CONTINUE_PARAM);
  const go = () => client.continueOnLoad(handoff);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", go, { once: true });
  else setTimeout(go, 0);
}

function install(): void {
  const config = loaderConfig();
  const glance = (window.GLANCE ??= {});
  const cobrowse = (glance.Cobrowse ??= {});
  if (cobrowse.Visitor) return; // the script tag was included twice (its queue ran already)
  const attrs = scriptAttributes();
  const client = new SessionClient(config, watchPasswords());
  if ((config.canvasFps ?? 0) > 0) keepWebglFrames();
  watchFonts();

  if (config.error) console.error(`[Tandem] co-browsing is unavailable on this page: ${config.error}`);
  if (attrs.groupid && config.group !== null && attrs.groupid !== String(config.group)) {
    console.warn(`[Tandem] data-groupid ${attrs.groupid} differs from the script's group ${config.group}`);
  }

  glance.VERSION = config.version;
  cobrowse.Loader = {
    version: config.version,
    groupid: config.group,
    site: config.site,
    attributes: attrs,
  };
  const reconnectSeconds = Number(attrs.reconnectTimeout);
  if (reconnectSeconds > 0) config.reconnectMs = reconnectSeconds * 1000;

  cobrowse.Visitor = visitorApi(client);
  listenForInvoke(config, cobrowse.Visitor as VisitorApi);
  const notice = installDefaultUi({ cobrowse, tandem: { sendMessage: (data) => client.sendMessage(data) }, config, attrs });
  publishSettings(config, attrs);
  installSurfly(client, config);
  installSiteConnect(client, config);
  installPresenceApi(config, attrs, () => cobrowse.Visitor as Record<string, never>, notice);
  // Everything is defined: run what an async tag's page queued for this moment.
  drainReadyQueue();
  continueWhenLoaded(client);
}

function takeParam(name: string): string | null {
  const url = new URL(location.href);
  const value = url.searchParams.get(name);
  if (value === null) return null;
  url.searchParams.delete(name);
  history.replaceState(history.state, "", url.href);
  return value;
}

install();
