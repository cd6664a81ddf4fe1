// window.site_connect as the loader defines it. It checks each call's arguments at once, so
// subscribe() returns its id (or null) synchronously as the API says, and imports the
// broker (host.ts, a bundle of its own) only when the page first uses site_connect or has
// a chat button: most pages never do, and the loader stays small. Calls made while the
// broker loads are handed to it in order.
import type { LoaderConfig } from "../visitor/config";
import type { SessionClient } from "../visitor/session";
import type { HostModule, SiteConnectHost } from "./host";
import { CHAT_BUTTON_ATTRIBUTE, SESSION_EVENTS, type SessionEventName } from "./names";
import { isPattern, isTopic } from "./topics";

type MessageFn = (msg: unknown, topic: string) => void;
type AckFn = () => void;

export type SiteConnectApi = {
  subscribe(topic: string, msgFn: MessageFn, ackFn?: AckFn): number | null;
  unsubscribe(id: number): boolean;
  publish(topic: string, msg?: unknown): void;
  stop_session(): void;
};

declare global {
  interface Window {
    site_connect?: SiteConnectApi;
  }
}

type Work = (host: SiteConnectHost) => void;

/** The broker's module, imported on first use: `run` hands it work now or once it is
 * here, in order, with the session events that fired while it loaded. */
function brokerLoader(client: SessionClient, config: LoaderConfig, ids: () => number) {
  let host: SiteConnectHost | null = null;
  let loading = false;
  // Work for the broker, kept until its module is here.
  let waiting: Work[] = [];
  const load = () => {
    if (loading) return;
    loading = true;
    const wasInSession = client.inSession();
    // What the broker must also hear if it happened while it loaded.
    const keep = <K extends SessionEventName>(name: K) =>
      client.events.on(name, (payload) => {
        if (!host) waiting.push((loaded) => loaded.sessionEvent(name, payload));
      });
    SESSION_EVENTS.forEach(keep);
    (import(/* webpackIgnore: true */ config.siteconnect) as Promise<HostModule>).then(
      (module) => {
        const created = module.createHost(client, config, ids, wasInSession);
        host = created;
        for (const work of waiting.splice(0)) work(created);
      },
      (error: unknown) => {
        console.error("[Tandem] could not load site_connect", error);
        waiting = [];
      },
    );
  };
  return {
    run(work: Work): void {
      if (host) return work(host);
      waiting.push(work);
      load();
    },
    loaded: () => host !== null,
  };
}

/** The page's API: its arguments checked at once, the work run by the broker. */
function siteConnectApi(client: SessionClient, run: (work: Work) => void, ids: () => number): SiteConnectApi {
  const live = new Set<number>();
  return {
    subscribe(topic, msgFn, ackFn) {
      if (!isPattern(topic)) {
        console.error(`[Tandem] site_connect.subscribe: ${JSON.stringify(topic)} is not a valid topic filter`);
        return null;
      }
      if (typeof msgFn !== "function") {
        console.error("[Tandem] site_connect.subscribe needs a message function");
        return null;
      }
      const id = ids();
      live.add(id);
      const ack = typeof ackFn === "function" ? ackFn : undefined;
      run((loaded) => loaded.subscribe(id, topic, msgFn, ack));
      return id;
    },
    unsubscribe(id) {
      if (typeof id !== "number" || !live.delete(id)) return false;
      run((loaded) => loaded.unsubscribe(id));
      return true;
    },
    publish(topic, msg) {
      if (!isTopic(topic)) {
        console.error(`[Tandem] site_connect.publish: ${JSON.stringify(topic)} is not a valid topic`);
        return;
      }
      run((loaded) => loaded.publish(topic, msg));
    },
    /** End a running co-browse session from the page: the session client tells the server,
     * which tells the agents; its sessionend publishes ~pagesession/cobrowsing/stop. */
    stop_session() {
      if (client.inSession()) client.stop();
      else console.info("[Tandem] site_connect.stop_session(): no co-browse session is running");
    },
  };
}

/** window.site_connect, over the page's one session client. */
export function installSiteConnect(client: SessionClient, config: LoaderConfig): void {
  if (window.site_connect) return;
  let nextId = 1;
  const ids = () => nextId++;
  const broker = brokerLoader(client, config, ids);
  window.site_connect = siteConnectApi(client, broker.run, ids);
  // A page with chat buttons uses site_connect even if its script never calls it. A click
  // on one before the broker is here is handed to it.
  const scan = () => {
    if (document.querySelector(`[${CHAT_BUTTON_ATTRIBUTE}]`)) broker.run(() => undefined);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan, { once: true });
  else scan();
  document.addEventListener("click", (event) => {
    if (broker.loaded()) return; // the broker listens itself
    const button = event.target instanceof Element ? event.target.closest(`[${CHAT_BUTTON_ATTRIBUTE}]`) : null;
    if (button instanceof HTMLElement) broker.run((loaded) => loaded.clicked(button));
  });
}
