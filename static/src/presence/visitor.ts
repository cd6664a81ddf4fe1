// GLANCE.Presence.Visitor: tells the agents of the group who is on the site and what they
// look at, and hands the visitor the agents' signals and invokes (inbox.ts; see
// ../shared/reference/glance-presence-visitor-api.txt for the contract).
import { CloseCode, ErrorCode, type PresenceClientFrame, type PresenceServerFrame, type TermsStatus } from "../protocol";
import { heartbeat, openSocket, type Socket } from "../socket";
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

/** The visitor's active tab (the server's word) alone reports and gets messages; a
 * blurred one that the visitor uses again is CLAIMING the focus back. */
const enum Focus {
  FOCUSED,
  BLURRED,
  CLAIMING,
}

/** What the loader gives the class: its config, GLANCE.Cobrowse.Visitor for invokes, and
 * the default UI's notice for signals the page has no `onsignal` for. */
type PresenceEnv = { config_: LoaderConfig; cobrowseVisitor_: () => Invokable | undefined; notice_?: SignalNotice };

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
    static instance: Visitor | null;

    constructor(params?: PresenceParams) {
      super({ config_: config, cobrowseVisitor_: cobrowseVisitor, notice_: notice }, params);
      Visitor.instance = this;
    }

    static setVisitorId(visitorid: string, visitorsig?: string): void {
      window.GLANCE_COBROWSE = { ...window.GLANCE_COBROWSE, visitorid, visitorsig };
      Visitor.instance?.setVisitorId(visitorid, visitorsig);
    }
  }
  Visitor.instance = null;
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
  private successes_: (() => void)[] = [];
  private socket_: Socket<PresenceClientFrame> | null = null;
  private wanted_ = false; // connect() was called and disconnect() was not
  // Online under a unique id the server picks (connectUnique), not its own (`visitorid`),
  // until `deadline` (on Date.now(); 0 before the server said; tests read it).
  private unique_ = false;
  private deadline = 0;
  private expiry_: ReturnType<typeof setTimeout> | undefined;
  private focus_: Focus = Focus.FOCUSED;
  private reported_ = false; // presence() was called on this page
  private data_: PresenceData = {}; // everything presence() reported, merged
  private queue_: PresenceClientFrame[] = [];

  constructor(
    private readonly env_: PresenceEnv,
    params: PresenceParams = {},
  ) {
    const defaults = (window.GLANCE_COBROWSE ?? {}) as PresenceParams;
    const group = params.groupid ?? defaults.groupid ?? env_.config_.group;
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
      this.error_("badparams", NOT_FLAT);
      return;
    }
    this.data_ = { ...this.data_, ...data };
    this.reported_ = true;
    if (typeof params.onsuccess === "function") {
      const done = params.onsuccess as () => void;
      this.successes_.push(() => fire(done));
    }
    // A connecting socket reports everything once open; an open one only what is new, and
    // a blurred tab everything when it is the active one again.
    if (this.socket_?.connected) {
      if (this.focus_ === Focus.FOCUSED) this.send_({ t: "presence", data });
      this.succeeded_();
    }
    // With no id yet (connectUnique() or setVisitorId() comes next) it waits for that.
    else if (this.socket_ || this.visitorid || this.unique_) this.ensureOpen_();
  }

  /** The reports made so far went out: call their onsuccess. */
  private succeeded_(): void {
    for (const done of this.successes_.splice(0)) done();
  }

  connect(): void {
    if (this.unique_) {
      this.disconnect();
      this.unique_ = false;
    }
    this.wanted_ = true;
    this.ensureOpen_();
  }

  /** Connect under a 6-digit id the server picks (see onunique); it lasts five minutes. */
  connectUnique(params: ReportParams = {}): void {
    // Glance's connectUnique({data}): presence data sent with the connection.
    if (params?.data !== undefined) {
      if (!isFlat(params.data)) {
        this.error_("badparams", NOT_FLAT);
        return;
      }
      this.data_ = { ...this.data_, ...params.data };
      this.reported_ = true;
    }
    if (!this.unique_) {
      this.disconnect();
      this.unique_ = true;
      this.deadline = 0;
    }
    this.visitorid = null;
    this.wanted_ = true;
    this.ensureOpen_();
  }

  /** Keep the unique id five minutes longer. */
  extendUnique(): void {
    if (!this.unique_ || !this.wanted_) {
      this.error_("badparams", "extendUnique() needs a connection made with connectUnique().");
      return;
    }
    this.send_({ t: "extend" });
  }

  disconnect(): void {
    this.wanted_ = false;
    this.close_();
    clearTimeout(this.expiry_);
  }

  /** Reconnect under another id; `visitorsig` is its signature where the group
   * requires signed visitor ids. */
  setVisitorId(visitorid: string, visitorsig?: string): void {
    if (this.unique_) {
      this.disconnect();
      this.unique_ = false;
      this.wanted_ = true;
    }
    this.visitorid = visitorid;
    this.visitorsig = visitorsig ?? null;
    if (this.socket_ || this.wanted_) {
      this.close_();
      this.open_();
    }
  }

  /** Open the socket, or try at once if it waits to reconnect. */
  private ensureOpen_(): void {
    if (this.socket_) this.socket_.retryNow();
    else this.open_();
  }

  private open_(): void {
    if (!this.visitorid && !this.unique_) {
      this.error_("badparams", "A visitor id is needed (GLANCE_COBROWSE.visitorid or setVisitorId).");
      return;
    }
    const { config_: config } = this.env_;
    if (this.groupid !== config.group || !config.presenceSocket) {
      this.error_("service", `Presence is not available for group ${this.groupid}.`);
      return;
    }
    this.socket_ = openSocket<PresenceServerFrame, PresenceClientFrame>({
      url_: config.presenceSocket,
      onFrame_: (frame) => this.receive_(frame),
      onStatus_: (status) => {
        if (status === "open") this.opened_();
        else if (status !== "connecting") this.watchFocus_(false);
        if (status === "closed") this.disconnect();
      },
      isWelcome_: (frame) => frame.t === "connected",
      permanent_: REFUSED,
      // A page that reported without connect() is not kept online.
      next_: (_detail, wait) => (this.wanted_ ? wait : null),
      minDelayMs_: 1000,
      maxDelayMs_: 30_000,
      attempt_: heartbeat<PresenceClientFrame>(PING_MS, { t: "ping" }),
    });
  }

  private opened_(): void {
    // `cobrowse`: this page can start a session when an agent invokes startSession (the
    // full loader); the presence-only script cannot, and the dashboard offers it nothing.
    const cobrowse = !!this.env_.cobrowseVisitor_();
    const hello: PresenceClientFrame =
      this.unique_
        ? { t: "hello", unique: true, cobrowse }
        : { t: "hello", visitorid: this.visitorid ?? "", visitorsig: this.visitorsig || undefined, cobrowse }; // none: left out
    this.send_(hello);
    // A new connection takes the focus, and starts with the whole picture: the server
    // forgets a visitor that leaves (a new id, a dropped connection, a restart).
    this.focus_ = Focus.FOCUSED;
    this.reportAll_();
    for (const frame of this.queue_.splice(0)) this.send_(frame);
    this.succeeded_();
    this.watchFocus_(true);
  }

  /** Everything this page reported, with where it is: for the server's fresh entry. */
  private reportAll_(): void {
    if (!this.reported_) return;
    this.send_({ t: "presence", url: location.href, title: document.title, browser: navigator.userAgent, data: this.data_ });
  }

  // The visitor looks at a blurred tab again (switches to it, clicks, types): it asks
  // for the focus back. The server answers `focus`, and blurs the tab that had it.
  private readonly takeFocus_ = (): void => {
    if (this.focus_ !== Focus.BLURRED || document.visibilityState === "hidden") return;
    if (!this.socket_?.connected) return;
    this.focus_ = Focus.CLAIMING;
    this.send_({ t: "focus" });
  };

  private readonly onVisibility_ = (): void => {
    if (document.visibilityState === "visible") this.takeFocus_();
  };

  private watchFocus_(on: boolean): void {
    const method = on ? "addEventListener" : "removeEventListener";
    window[method]("focus", this.takeFocus_);
    for (const name of FOCUS_EVENTS) window[method](name, this.takeFocus_, true);
    document[method]("visibilitychange", this.onVisibility_);
  }

  private close_(): void {
    this.watchFocus_(false);
    this.socket_?.close();
    this.socket_ = null;
  }

  private send_(frame: PresenceClientFrame): void {
    if (!this.socket_?.send(frame)) this.queue_.push(frame);
  }

  private receive_(frame: PresenceServerFrame): void {
    switch (frame.t) {
      case "unique":
        this.visitorid = frame.visitorid;
        this.expireIn_(frame.seconds * 1000);
        fire(() => this.onunique?.(frame.visitorid));
        fire(() => this.onuniqueid?.(frame.visitorid, frame.seconds));
        break;
      case "extended":
        this.expireIn_(this.deadline - Date.now() + frame.seconds * 1000);
        break;
      case "signal":
        // The page's own handler takes it; without one the default UI shows it.
        this.deliver_(frame.id, () => {
          if (typeof this.onsignal !== "function") return this.env_.notice_?.(frame.data) ?? false;
          this.onsignal(frame.data);
          return true;
        });
        break;
      case "invoke":
        this.deliver_(frame.id, () => {
          const id = this.unique_ ? null : this.visitorid;
          // An undefined key is left out of the frame (JSON).
          const report = (status: TermsStatus, key?: string) => this.send_({ t: "terms", status, key });
          invokeVisitor(this.env_.cobrowseVisitor_(), frame.func, frame.args, id, report);
          return true;
        });
        break;
      case "blur":
      case "focus":
        this.focused_(frame.t === "focus");
        break;
      case "error":
        if (frame.code === ErrorCode.EXPIRED) this.expire_();
        else this.error_(frame.code, frame.msg);
        break;
    }
  }

  /** The server moved the visitor's focus to this tab (true) or another (false). */
  private focused_(focused: boolean): void {
    const was = this.focus_ === Focus.FOCUSED;
    this.focus_ = focused ? Focus.FOCUSED : Focus.BLURRED;
    if (was === focused) return;
    if (focused) this.reportAll_(); // the agents see the page of the tab the visitor looks at
    fire(() => (focused ? this.onfocus : this.onblur)?.());
  }

  private expireIn_(ms: number): void {
    if (!this.unique_) return;
    clearTimeout(this.expiry_);
    this.deadline = Date.now() + ms;
    this.expiry_ = setTimeout(() => this.expire_(), Math.max(0, ms));
  }

  /** The unique id ran out (by this page's clock or the server's): the connection ends. */
  private expire_(): void {
    if (!this.unique_ || !this.wanted_) return;
    this.disconnect();
    this.error_("expired", "The unique presence connection timed out; call connectUnique() again.");
  }

  /** Hands message `id` to `handle` once, and acknowledges it with whether it was shown. */
  private deliver_(id: number, handle: () => boolean): void {
    this.send_({ t: "ack", id, shown: deliverOnce(id, handle) });
  }

  private error_(code: string, msg: string): void {
    console.warn(`[Tandem] presence ${code}: ${msg}`);
    fire(() => this.onerror?.({ code, msg }));
  }
}
