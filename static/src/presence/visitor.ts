// GLANCE.Presence.Visitor: tells the agents of the group who is on the site and what they
// look at, and hands the visitor the agents' signals and invokes (see
// ../shared/reference/glance-presence-visitor-api.txt for the contract).
import { CloseCode, ErrorCode, type PresenceClientFrame, type PresenceServerFrame, type TermsStatus } from "../protocol";
import { openSocket, type Socket } from "../socket";
import { START_FOR_AGENT } from "../visitor/events";
import type { LoaderConfig } from "../visitor/config";
import { isSessionKey } from "../visitor/keys";

// `visitorsig`: the visitor id's signature (hex HMAC-SHA256 from the site's backend), for a
// group that requires signed visitor ids (docs/deploy.md).
type PresenceParams = { groupid?: number | string; visitorid?: string; visitorsig?: string };
type PresenceData = Record<string, string | number>;
type ErrorInfo = { code: string; msg: string };
type Invokable = Record<string, ((args?: unknown) => unknown) | undefined>;

const PING_MS = 30_000;
// Refused (e.g. an unsigned id where the group requires signatures; onerror said why):
// trying again would be refused again.
const REFUSED = new Set<number>([CloseCode.FORBIDDEN]);
// Ids of messages this browser already handed to the page: a message is acknowledged once
// handled, but the ack may be lost with the connection, or the focus may move to another
// tab before it arrives; it must not fire twice, in this tab or another.
const SEEN_KEY = "tandem.presence.seen";
// Signs that the visitor is using this tab: a blurred tab takes the focus back.
const FOCUS_EVENTS = ["pointerdown", "keydown"] as const;
const INVOKABLE = new Set(["startSession", "stopSession"]);

/** presence()'s and connectUnique()'s parameters, as Glance documents them. */
type ReportParams = { data?: unknown; onsuccess?: unknown; onerror?: unknown };

function isFlat(data: unknown): data is PresenceData {
  if (!data || typeof data !== "object" || Array.isArray(data)) return false;
  return Object.values(data).every((value) => typeof value === "string" || (typeof value === "number" && isFinite(value)));
}

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

/** Shows a signal the page has no `onsignal` for (the default UI's notice); whether it
 * will be shown. */
export type SignalNotice = (data: unknown) => boolean;

export function installPresence(
  config: LoaderConfig,
  cobrowseVisitor: () => Invokable | undefined,
  notice?: SignalNotice,
): unknown {
  class Visitor {
    static instance: Visitor | null = null;

    groupid: number | null;
    visitorid: string | null;
    visitorsig: string | null;
    onsignal: ((data: unknown) => void) | null = null;
    onerror: ((error: ErrorInfo) => void) | null = null;
    onblur: (() => void) | null = null;
    onfocus: (() => void) | null = null;
    /** Glance's: the unique id (a string). */
    onunique: ((uniqueid: string) => void) | null = null;
    /** Glance's other name for it: the unique id and its timeout in seconds. */
    onuniqueid: ((uniqueid: string, timeout: number) => void) | null = null;
    // presence({onsuccess}) callbacks waiting for their report to go out.
    private successes: (() => void)[] = [];
    private socket: Socket<PresenceClientFrame> | null = null;
    private wanted = false; // connect() was called and disconnect() was not
    private unique = false; // connected with connectUnique(): the server names this visitor
    private deadline = 0; // when the unique id runs out, on Date.now()
    private expiry: ReturnType<typeof setTimeout> | undefined;
    private reported = false; // presence() was called on this page
    private data: PresenceData = {}; // everything presence() reported, merged
    private queue: PresenceClientFrame[] = [];
    // The visitor's active tab (the server's word): it alone reports and gets messages.
    private focused = true;
    private claiming = false; // a `focus` frame is on its way

    constructor(params: PresenceParams = {}) {
      const defaults = (window.GLANCE_COBROWSE ?? {}) as PresenceParams;
      const group = params.groupid ?? defaults.groupid ?? config.group;
      this.groupid = group === undefined || group === null ? null : Number(group);
      this.visitorid = params.visitorid ?? defaults.visitorid ?? null;
      // A signature belongs to one id: the defaults' only goes with the defaults' id.
      this.visitorsig =
        params.visitorid !== undefined ? (params.visitorsig ?? null) : (params.visitorsig ?? defaults.visitorsig ?? null);
      Visitor.instance = this;
    }

    static setVisitorId(visitorid: string, visitorsig?: string): void {
      window.GLANCE_COBROWSE = { ...(window.GLANCE_COBROWSE ?? {}), visitorid, visitorsig };
      Visitor.instance?.setVisitorId(visitorid, visitorsig);
    }

    presence(params: ReportParams = {}): void {
      const data = params?.data ?? {};
      if (!isFlat(data)) {
        const msg = "Presence data must be an object of string or number values.";
        if (typeof params.onerror === "function") this.fire(() => (params.onerror as (e: ErrorInfo) => void)({ code: "badparams", msg }));
        this.error("badparams", msg);
        return;
      }
      this.data = { ...this.data, ...data };
      this.reported = true;
      if (typeof params.onsuccess === "function") {
        const done = params.onsuccess as () => void;
        this.successes.push(() => this.fire(done));
      }
      // A connecting socket reports everything once open; an open one only what is new, and
      // a blurred tab everything when it is the active one again.
      if (this.socket?.connected) {
        if (this.focused) this.send({ t: "presence", data });
        this.succeeded();
      }
      // With no id yet (connectUnique() or setVisitorId() comes next) it waits for that.
      else if (this.socket || this.visitorid || this.unique) this.ensureOpen();
    }

    /** The reports made so far went out: call their onsuccess. */
    private succeeded(): void {
      for (const done of this.successes.splice(0)) done();
    }

    connect(): void {
      if (this.unique) {
        this.disconnect();
        this.unique = false;
      }
      this.wanted = true;
      this.ensureOpen();
    }

    /** Connect under a 6-digit id the server picks (see onunique); it lasts five minutes. */
    connectUnique(params: ReportParams = {}): void {
      // Glance's connectUnique({data}): presence data sent with the connection.
      if (params?.data !== undefined) {
        if (!isFlat(params.data)) {
          this.error("badparams", "Presence data must be an object of string or number values.");
          return;
        }
        this.data = { ...this.data, ...params.data };
        this.reported = true;
      }
      if (!this.unique) this.disconnect();
      this.unique = true;
      this.visitorid = null;
      this.wanted = true;
      this.ensureOpen();
    }

    /** Keep the unique id five minutes longer. */
    extendUnique(): void {
      if (!this.unique || !this.wanted) {
        this.error("badparams", "extendUnique() needs a connection made with connectUnique().");
        return;
      }
      this.send({ t: "extend" });
    }

    disconnect(): void {
      this.wanted = false;
      this.close();
      this.stopExpiry();
    }

    /** Reconnect under another id; `visitorsig` is its signature where the group
     * requires signed visitor ids. */
    setVisitorId(visitorid: string, visitorsig?: string): void {
      if (this.unique) {
        this.disconnect();
        this.unique = false;
        this.wanted = true;
      }
      this.visitorid = visitorid;
      this.visitorsig = visitorsig ?? null;
      if (this.socket || this.wanted) {
        this.close();
        this.open();
      }
    }

    /** Open the socket, or try at once if it waits to reconnect. */
    private ensureOpen(): void {
      if (this.socket) this.socket.retryNow();
      else this.open();
    }

    private open(): void {
      if (!this.visitorid && !this.unique) {
        this.error("badparams", "A visitor id is needed (GLANCE_COBROWSE.visitorid or setVisitorId).");
        return;
      }
      if (this.groupid !== config.group || !config.presenceSocket) {
        this.error("service", `Presence is not available for group ${this.groupid}.`);
        return;
      }
      this.socket = openSocket<PresenceServerFrame, PresenceClientFrame>({
        url: config.presenceSocket,
        onFrame: (frame) => this.receive(frame),
        onStatus: (status) => {
          if (status === "open") this.opened();
          else if (status !== "connecting") this.watchFocus(false);
          if (status === "closed") this.disconnect();
        },
        isWelcome: (frame) => frame.t === "connected",
        permanent: REFUSED,
        minDelayMs: 1000,
        maxDelayMs: 30_000,
        keepAlive: { everyMs: PING_MS, frame: { t: "ping" } },
      });
    }

    private opened(): void {
      const hello: PresenceClientFrame = this.unique
        ? { t: "hello", unique: true }
        : { t: "hello", visitorid: this.visitorid ?? "", ...(this.visitorsig ? { visitorsig: this.visitorsig } : {}) };
      this.send(hello);
      // A new connection takes the focus, and starts with the whole picture: the server
      // forgets a visitor that leaves (a new id, a dropped connection, a restart).
      this.focused = true;
      this.claiming = false;
      this.reportAll();
      for (const frame of this.queue.splice(0)) this.send(frame);
      this.succeeded();
      this.watchFocus(true);
    }

    /** Everything this page reported, with where it is: for the server's fresh entry. */
    private reportAll(): void {
      if (!this.reported) return;
      const page = { url: location.href, title: document.title, browser: navigator.userAgent };
      this.send({ t: "presence", ...page, data: this.data });
    }

    // The visitor looks at a blurred tab again (switches to it, clicks, types): it asks
    // for the focus back. The server answers `focus`, and blurs the tab that had it.
    private readonly takeFocus = (): void => {
      if (this.focused || this.claiming || document.visibilityState === "hidden") return;
      if (!this.socket?.connected) return;
      this.claiming = true;
      this.send({ t: "focus" });
    };

    private readonly onVisibility = (): void => {
      if (document.visibilityState === "visible") this.takeFocus();
    };

    private watchFocus(on: boolean): void {
      const method = on ? "addEventListener" : "removeEventListener";
      window[method]("focus", this.takeFocus);
      for (const name of FOCUS_EVENTS) window[method](name, this.takeFocus, true);
      document[method]("visibilitychange", this.onVisibility);
    }

    private close(): void {
      this.watchFocus(false);
      this.socket?.close();
      this.socket = null;
    }

    private send(frame: PresenceClientFrame): void {
      if (!this.socket?.send(frame)) this.queue.push(frame);
    }

    private receive(frame: PresenceServerFrame): void {
      switch (frame.t) {
        case "connected":
          break;
        case "unique":
          this.visitorid = frame.visitorid;
          this.expireIn(frame.seconds * 1000);
          this.fire(() => this.onunique?.(frame.visitorid));
          this.fire(() => this.onuniqueid?.(frame.visitorid, frame.seconds));
          break;
        case "extended":
          this.expireIn(this.deadline - Date.now() + frame.seconds * 1000);
          break;
        case "signal":
          // The page's own handler takes it; without one the default UI shows it.
          this.deliver(frame.id, () => {
            if (typeof this.onsignal === "function") {
              this.onsignal(frame.data);
              return true;
            }
            return notice?.(frame.data) ?? false;
          });
          break;
        case "invoke":
          this.deliver(frame.id, () => {
            this.invoke(frame.func, frame.args);
            return true;
          });
          break;
        case "blur":
          this.claiming = false;
          if (!this.focused) break;
          this.focused = false;
          this.fire(() => this.onblur?.());
          break;
        case "focus":
          this.claiming = false;
          if (this.focused) break;
          this.focused = true;
          this.reportAll(); // the agents see the page of the tab the visitor looks at
          this.fire(() => this.onfocus?.());
          break;
        case "error":
          if (frame.code === ErrorCode.EXPIRED) this.expire();
          else this.error(frame.code, frame.msg);
          break;
      }
    }

    private expireIn(ms: number): void {
      this.stopExpiry();
      this.deadline = Date.now() + ms;
      this.expiry = setTimeout(() => this.expire(), Math.max(0, ms));
    }

    private stopExpiry(): void {
      clearTimeout(this.expiry);
      this.expiry = undefined;
    }

    /** The unique id ran out (by this page's clock or the server's): the connection ends. */
    private expire(): void {
      if (!this.unique || !this.wanted) return;
      this.disconnect();
      this.error("expired", "The unique presence connection timed out; call connectUnique() again.");
    }

    private fire(handler: () => void): void {
      try {
        handler();
      } catch (error) {
        console.error("[Tandem] a presence handler threw", error);
      }
    }

    /** Hands message `id` to `handle` once, and acknowledges it with whether a handler
     * took it (the dashboard says "delivered" only then). A handler that throws took it. */
    private deliver(id: number, handle: () => boolean): void {
      let shown = true;
      if (!seenIds().includes(id)) {
        markSeen(id);
        this.fire(() => {
          shown = handle();
        });
      }
      this.send({ t: "ack", id, shown });
    }

    private invoke(func: string, args: Record<string, unknown> | null | undefined): void {
      const target = cobrowseVisitor();
      // startSession goes through the consent prompt (session.ts startForAgent); never
      // straight to the public method, which is the visitor's own button.
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
      const id = this.visitorid;
      const keyless = (args?.sessionKey ?? null) === null;
      const options = keyless && !this.unique && isSessionKey(id) ? { ...args, sessionKey: id } : (args ?? {});
      const key = options.sessionKey;
      const report = (status: TermsStatus) =>
        this.send(typeof key === "string" || typeof key === "number" ? { t: "terms", status, key: String(key) } : { t: "terms", status });
      (fn as (options: unknown, report: (status: TermsStatus) => void) => void).call(target, options, report);
    }

    private error(code: string, msg: string): void {
      console.warn(`[Tandem] presence ${code}: ${msg}`);
      this.fire(() => this.onerror?.({ code, msg }));
    }
  }
  return Visitor;
}
