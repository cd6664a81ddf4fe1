// GLANCE.Presence.Visitor: tells the agents of the group who is on the site and what they
// look at, and hands the visitor the agents' signals and invokes (inbox.ts; see
// ../shared/reference/glance-presence-visitor-api.txt for the contract).
import { CloseCode, ErrorCode, type PresenceClientFrame, type PresenceServerFrame, type TermsStatus } from "../protocol";
import { openSocket, type Socket } from "../socket";
import type { LoaderConfig } from "../visitor/config";
import { deliverOnce, fire, invokeVisitor, type Invokable } from "./inbox";

// `visitorsig`: the visitor id's signature (hex HMAC-SHA256 from the site's backend), for a
// group that requires signed visitor ids (docs/deploy.md).
type PresenceParams = { groupid?: number | string; visitorid?: string; visitorsig?: string };
type PresenceData = Record<string, string | number>;
type ErrorInfo = { code: string; msg: string };

const PING_MS = 30_000;
// Refused (e.g. an unsigned id where the group requires signatures; onerror said why):
// trying again would be refused again.
const REFUSED = new Set<number>([CloseCode.FORBIDDEN]);
// Signs that the visitor is using this tab: a blurred tab takes the focus back.
const FOCUS_EVENTS = ["pointerdown", "keydown"] as const;
const NOT_FLAT = "Presence data must be an object of string or number values.";

/** presence()'s and connectUnique()'s parameters, as Glance documents them. */
type ReportParams = { data?: unknown; onsuccess?: unknown; onerror?: unknown };

/** Whose id the page is online under: its own (`visitorid`), or a unique one the server
 * picks (connectUnique), good until `deadline` (on Date.now()) once the server said. */
type Identity = { kind: "own" } | { kind: "unique"; deadline: number; expiry: ReturnType<typeof setTimeout> | undefined };

/** The visitor's active tab (the server's word) alone reports and gets messages; a
 * blurred one that the visitor uses again is `claiming` the focus back. */
type Focus = "focused" | "blurred" | "claiming";

/** What the loader gives the class: its config, GLANCE.Cobrowse.Visitor for invokes, and
 * the default UI's notice for signals the page has no `onsignal` for. */
type PresenceEnv = { config: LoaderConfig; cobrowseVisitor: () => Invokable | undefined; notice?: SignalNotice };

function isFlat(data: unknown): data is PresenceData {
  if (!data || typeof data !== "object" || Array.isArray(data)) return false;
  return Object.values(data).every((value) => typeof value === "string" || (typeof value === "number" && isFinite(value)));
}

/** Shows a signal the page has no `onsignal` for (the default UI's notice); whether it
 * will be shown. */
export type SignalNotice = (data: unknown) => boolean;

/** GLANCE.Presence.Visitor for this page: `new` makes the page's instance. */
export function installPresence(
  config: LoaderConfig,
  cobrowseVisitor: () => Invokable | undefined,
  notice?: SignalNotice,
): unknown {
  class Visitor extends PresenceVisitor {
    static instance: Visitor | null = null;

    constructor(params?: PresenceParams) {
      super({ config, cobrowseVisitor, notice }, params);
      Visitor.instance = this;
    }

    static setVisitorId(visitorid: string, visitorsig?: string): void {
      window.GLANCE_COBROWSE = { ...(window.GLANCE_COBROWSE ?? {}), visitorid, visitorsig };
      Visitor.instance?.setVisitorId(visitorid, visitorsig);
    }
  }
  return Visitor;
}

class PresenceVisitor {
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
  private identity: Identity = { kind: "own" };
  private focus: Focus = "focused";
  private reported = false; // presence() was called on this page
  private data: PresenceData = {}; // everything presence() reported, merged
  private queue: PresenceClientFrame[] = [];

  constructor(
    private readonly env: PresenceEnv,
    params: PresenceParams = {},
  ) {
    const defaults = (window.GLANCE_COBROWSE ?? {}) as PresenceParams;
    const group = params.groupid ?? defaults.groupid ?? env.config.group;
    this.groupid = group === undefined || group === null ? null : Number(group);
    this.visitorid = params.visitorid ?? defaults.visitorid ?? null;
    // A signature belongs to one id: the defaults' only goes with the defaults' id.
    this.visitorsig =
      params.visitorid !== undefined ? (params.visitorsig ?? null) : (params.visitorsig ?? defaults.visitorsig ?? null);
  }

  presence(params: ReportParams = {}): void {
    const data = params?.data ?? {};
    if (!isFlat(data)) {
      if (typeof params.onerror === "function") fire(() => (params.onerror as (e: ErrorInfo) => void)({ code: "badparams", msg: NOT_FLAT }));
      this.error("badparams", NOT_FLAT);
      return;
    }
    this.data = { ...this.data, ...data };
    this.reported = true;
    if (typeof params.onsuccess === "function") {
      const done = params.onsuccess as () => void;
      this.successes.push(() => fire(done));
    }
    // A connecting socket reports everything once open; an open one only what is new, and
    // a blurred tab everything when it is the active one again.
    if (this.socket?.connected) {
      if (this.focus === "focused") this.send({ t: "presence", data });
      this.succeeded();
    }
    // With no id yet (connectUnique() or setVisitorId() comes next) it waits for that.
    else if (this.socket || this.visitorid || this.identity.kind === "unique") this.ensureOpen();
  }

  /** The reports made so far went out: call their onsuccess. */
  private succeeded(): void {
    for (const done of this.successes.splice(0)) done();
  }

  connect(): void {
    if (this.identity.kind === "unique") {
      this.disconnect();
      this.identity = { kind: "own" };
    }
    this.wanted = true;
    this.ensureOpen();
  }

  /** Connect under a 6-digit id the server picks (see onunique); it lasts five minutes. */
  connectUnique(params: ReportParams = {}): void {
    // Glance's connectUnique({data}): presence data sent with the connection.
    if (params?.data !== undefined) {
      if (!isFlat(params.data)) {
        this.error("badparams", NOT_FLAT);
        return;
      }
      this.data = { ...this.data, ...params.data };
      this.reported = true;
    }
    if (this.identity.kind !== "unique") {
      this.disconnect();
      this.identity = { kind: "unique", deadline: 0, expiry: undefined };
    }
    this.visitorid = null;
    this.wanted = true;
    this.ensureOpen();
  }

  /** Keep the unique id five minutes longer. */
  extendUnique(): void {
    if (this.identity.kind !== "unique" || !this.wanted) {
      this.error("badparams", "extendUnique() needs a connection made with connectUnique().");
      return;
    }
    this.send({ t: "extend" });
  }

  disconnect(): void {
    this.wanted = false;
    this.close();
    if (this.identity.kind === "unique") clearTimeout(this.identity.expiry);
  }

  /** Reconnect under another id; `visitorsig` is its signature where the group
   * requires signed visitor ids. */
  setVisitorId(visitorid: string, visitorsig?: string): void {
    if (this.identity.kind === "unique") {
      this.disconnect();
      this.identity = { kind: "own" };
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
    if (!this.visitorid && this.identity.kind !== "unique") {
      this.error("badparams", "A visitor id is needed (GLANCE_COBROWSE.visitorid or setVisitorId).");
      return;
    }
    const { config } = this.env;
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
      // A page that reported without connect() is not kept online.
      retry: () => this.wanted,
      minDelayMs: 1000,
      maxDelayMs: 30_000,
      keepAlive: { everyMs: PING_MS, frame: { t: "ping" } },
    });
  }

  private opened(): void {
    const hello: PresenceClientFrame =
      this.identity.kind === "unique"
        ? { t: "hello", unique: true }
        : { t: "hello", visitorid: this.visitorid ?? "", ...(this.visitorsig ? { visitorsig: this.visitorsig } : {}) };
    this.send(hello);
    // A new connection takes the focus, and starts with the whole picture: the server
    // forgets a visitor that leaves (a new id, a dropped connection, a restart).
    this.focus = "focused";
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
    if (this.focus !== "blurred" || document.visibilityState === "hidden") return;
    if (!this.socket?.connected) return;
    this.focus = "claiming";
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
      case "unique":
        this.visitorid = frame.visitorid;
        this.expireIn(frame.seconds * 1000);
        fire(() => this.onunique?.(frame.visitorid));
        fire(() => this.onuniqueid?.(frame.visitorid, frame.seconds));
        break;
      case "extended":
        this.expireIn(this.deadline - Date.now() + frame.seconds * 1000);
        break;
      case "signal":
        // The page's own handler takes it; without one the default UI shows it.
        this.deliver(frame.id, () => {
          if (typeof this.onsignal !== "function") return this.env.notice?.(frame.data) ?? false;
          this.onsignal(frame.data);
          return true;
        });
        break;
      case "invoke":
        this.deliver(frame.id, () => {
          const id = this.identity.kind === "unique" ? null : this.visitorid;
          const report = (status: TermsStatus, key?: string) => this.send(key === undefined ? { t: "terms", status } : { t: "terms", status, key });
          invokeVisitor(this.env.cobrowseVisitor(), frame.func, frame.args, id, report);
          return true;
        });
        break;
      case "blur":
      case "focus":
        this.focused(frame.t === "focus");
        break;
      case "error":
        if (frame.code === ErrorCode.EXPIRED) this.expire();
        else this.error(frame.code, frame.msg);
        break;
    }
  }

  /** The server moved the visitor's focus to this tab (true) or another (false). */
  private focused(focused: boolean): void {
    const was = this.focus === "focused";
    this.focus = focused ? "focused" : "blurred";
    if (was === focused) return;
    if (focused) this.reportAll(); // the agents see the page of the tab the visitor looks at
    fire(() => (focused ? this.onfocus : this.onblur)?.());
  }

  /** When the unique id runs out, on Date.now() (0 before the server said). */
  private get deadline(): number {
    return this.identity.kind === "unique" ? this.identity.deadline : 0;
  }

  private expireIn(ms: number): void {
    if (this.identity.kind !== "unique") return;
    clearTimeout(this.identity.expiry);
    this.identity = { kind: "unique", deadline: Date.now() + ms, expiry: setTimeout(() => this.expire(), Math.max(0, ms)) };
  }

  /** The unique id ran out (by this page's clock or the server's): the connection ends. */
  private expire(): void {
    if (this.identity.kind !== "unique" || !this.wanted) return;
    this.disconnect();
    this.error("expired", "The unique presence connection timed out; call connectUnique() again.");
  }

  /** Hands message `id` to `handle` once, and acknowledges it with whether it was shown. */
  private deliver(id: number, handle: () => boolean): void {
    this.send({ t: "ack", id, shown: deliverOnce(id, handle) });
  }

  private error(code: string, msg: string): void {
    console.warn(`[Tandem] presence ${code}: ${msg}`);
    fire(() => this.onerror?.({ code, msg }));
  }
}
