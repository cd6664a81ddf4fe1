// Surfly's session API over Tandem's one session client: a page written against
// Surfly.session(...).on(...).startLeader() runs unchanged but for the script URL
// (../shared/reference/surfly-session-events.txt is the contract).
import type { ServerToVisitor, VisitorToServer } from "../protocol";
import { openSocket } from "../socket";
import { watchAgentStatus } from "../visitor/agentstatus";
import type { LoaderConfig } from "../visitor/config";
import { CONTROL_EVENT, MESSAGE_EVENT, VIEWER_EVENT, type VisitorEvents } from "../visitor/events";
import type { SessionClient } from "../visitor/session";

type Handler = (this: SurflySession, session: SurflySession, event: Record<string, unknown>) => void;
/** Handlers set with Surfly.on() for session events: they apply to every session. */
type GlobalHandlers = Map<string, Handler[]>;
// Surfly fires user_activity at most once a second while the leader uses the page.
const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel"] as const;

// Options Surfly documents for Surfly.session() that Tandem accepts. Those that only
// shape Surfly's own window chrome have no meaning here: accepted, noted once, ignored.
const IGNORED_OPTIONS = new Set([
  "docked_only",
  "block_until_agent_joins",
  "hide_until_agent_joins",
  "ui_off",
  "splash",
  "dock_top_position",
  "videochat",
  "videochat_autostart",
  "agent_can_request_control",
  "start_with_control",
  "private_browsing",
  "store_session",
  "sharing_button",
  "position",
  "auto_start",
  "theme_font_color",
  "theme_font_background",
  "theme_font_size",
]);

export class SurflySession {
  /** What the agent joins with (Tandem's session key: a string, see docs/compatibility.md),
   * and the viewer's address. */
  pin: string | null = null;
  followerLink: string | null = null;
  leaderLink: string | null = null;
  /** The session runs in this page: there is no separate session window or iframe. */
  readonly node: HTMLIFrameElement | null = null;
  readonly window: Window = window;
  started = false;
  private readonly handlers_ = new Map<string, Handler[]>();
  private viewers_ = new Map<number, string>();
  private watchingAgents_ = false;
  private watchingActivity_ = false;
  private lastActivity_ = 0;
  private drawing_: Record<string, unknown> = {};

  constructor(
    private readonly client_: SessionClient,
    private readonly config_: LoaderConfig,
    readonly options: Record<string, unknown> = {},
    private readonly globals_: GlobalHandlers = new Map(),
  ) {
    for (const name of Object.keys(options)) {
      const note = IGNORED_OPTIONS.has(name) ? "has no effect in Tandem" : "is not a Surfly option Tandem knows";
      console.info(`[Tandem] Surfly option '${name}' ${note}; ignored.`);
    }
    if (this.client_.inSession() || this.client_.willContinue()) {
      // Made for a session already running (Surfly.currentSession on a later page).
      this.links_();
      this.started = true;
    }
    const events = this.client_.events;
    events.on("sessionstart", () => this.began_(true));
    events.on("statereceived", () => this.began_(false));
    events.on("sessionend", () => this.ended_());
    events.on("error", ({ code, stopped }) => {
      // A session the page stopped while it started did not fail to connect.
      if (!stopped && (code === "conndrop" || code === "service")) this.fire_("error", { reason: "connect_failed" });
    });
    // Another tab of this visitor took the session: Surfly's other_connection. In Tandem
    // the older tab is paused, not thrown out; it leads again once used (Glance's tabs).
    events.on("blur", () => this.fire_("error", { reason: "other_connection" }));
    events.on(VIEWER_EVENT, (viewer) => this.viewer_(viewer));
    events.on(CONTROL_EVENT, ({ to }) => {
      const name = this.viewers_.get(to);
      // This page is the leader (index 0): it gained control when control came back.
      this.fire_("control", { to, userData: name === undefined ? {} : { name }, gained: to === 0 });
    });
    events.on(MESSAGE_EVENT, ({ data, origin }) => this.fire_("message", { data, origin }));
    if (this.globals_.has("user_activity")) this.watchActivity();
  }

  /** The options the session was made with (read only in Surfly). */
  get settings(): Record<string, unknown> {
    return { ...this.options };
  }

  /** Add a handler; chainable, as Surfly's is. Handlers get (session, event), `this` the session. */
  on(name: string, fn: Handler): this {
    if (typeof fn === "function") this.handlers_.set(name, [...(this.handlers_.get(name) ?? []), fn]);
    // Only pages that listen for agent_status open the socket that tells it.
    if (name === "agent_status" && !this.watchingAgents_) {
      this.watchingAgents_ = true;
      watchAgentStatus(this.config_, (available) => this.fire_("agent_status", { available }));
    }
    if (name === "user_activity") this.watchActivity();
    return this;
  }

  /** Create the session. Tandem's session runs in this page, so creating it starts it:
   * the agents can join by its pin from now on. Does nothing once created. */
  create(): this {
    this.client_.start({});
    return this;
  }

  /** Start the session with this page as its leader. `userData.name` (and `email`) are
   * shown to the agents, as Glance's start parameters are. */
  startLeader(_iframeSelector?: unknown, userData?: unknown): this {
    const data = (userData && typeof userData === "object" ? userData : {}) as Record<string, unknown>;
    const visitor: Record<string, string> = {};
    for (const name of ["name", "email"]) if (typeof data[name] === "string" && data[name]) visitor[name] = data[name] as string;
    this.client_.start(Object.keys(visitor).length ? { visitor } : {});
    return this;
  }

  /** Tandem's agents follow from their viewer; a page cannot start as a follower. */
  startFollower(_iframeSelector?: unknown, _userData?: unknown): this {
    console.warn("[Tandem] startFollower() is not available: agents join from Tandem's viewer");
    return this;
  }

  /** End the session for everyone; then go to `redirectUrl` if given. */
  end(redirectUrl?: string): this {
    this.client_.stop();
    if (typeof redirectUrl === "string" && redirectUrl) go(redirectUrl);
    return this;
  }

  /** Take the session's tab to `newUrl`; the session continues there. */
  relocate(newUrl: string): this {
    go(String(newUrl));
    return this;
  }

  /** Surfly's audit log entry. Tandem keeps no page content at rest: the entry goes to the
   * browser console only. */
  log(entry: unknown): this {
    console.info("[Tandem] session log:", String(entry));
    return this;
  }

  /** Tandem has no drawing tool: the settings are kept and returned, with no effect. */
  setDrawingSettings(settings?: Record<string, unknown>): Record<string, unknown> {
    if (settings && typeof settings === "object") this.drawing_ = { ...this.drawing_, ...settings };
    return { ...this.drawing_ };
  }

  sendMessage(data: unknown, _origin?: string): this {
    if (!this.client_.sendMessage(data)) console.warn("[Tandem] sendMessage() needs a started session");
    return this;
  }

  /** Give control to the viewer with this index (from viewer_joined); 0 takes it back. */
  giveControl(clientIndex: number): this {
    if (!this.client_.giveControl(clientIndex)) console.warn("[Tandem] giveControl() needs a started session and a client index");
    return this;
  }

  /** The leader is the page: it has control unless it gave it away. */
  requestControl(): this {
    return this;
  }

  /** Fill in what agents join with, from the running session. */
  private links_(): void {
    const key = this.client_.knownKey();
    this.pin = key;
    this.followerLink = key ? `${this.config_.server}/agent/session/${encodeURIComponent(key)}/` : null;
    this.leaderLink = location.href;
  }

  private began_(created: boolean): void {
    this.links_();
    if (!created && this.started) return;
    if (created) {
      this.fire_("session_created", {});
      // The session waits for an agent from now on, under its pin.
      this.fire_("session_queued", { pin: this.pin });
    }
    this.started = true;
    this.fire_("session_started", {});
  }

  private ended_(): void {
    if (!this.started && !this.pin) return;
    this.started = false;
    this.viewers_.clear();
    this.fire_("session_ended", {});
  }

  private viewer_(viewer: VisitorEvents[typeof VIEWER_EVENT]): void {
    if (viewer.joined) this.viewers_.set(viewer.index, viewer.name);
    else this.viewers_.delete(viewer.index);
    // Surfly counts every user of the session: the agents and the leader.
    this.fire_(viewer.joined ? "viewer_joined" : "viewer_left", {
      count: viewer.count + 1,
      clientIndex: viewer.index,
      userData: { name: viewer.name },
    });
  }

  /** user_activity, at most once a second, while this page is in the session. */
  watchActivity(): void {
    if (this.watchingActivity_) return;
    this.watchingActivity_ = true;
    const seen = () => {
      const now = Date.now();
      if (!this.started || !this.client_.inSession() || now - this.lastActivity_ < 1000) return;
      this.lastActivity_ = now;
      this.fire_("user_activity", {});
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, seen, { capture: true, passive: true });
  }

  private fire_(name: string, event: Record<string, unknown>): void {
    for (const fn of [...(this.handlers_.get(name) ?? []), ...(this.globals_.get(name) ?? [])]) {
      try {
        fn.call(this, this, event);
      } catch (error) {
        console.error(`[Tandem] a Surfly '${name}' handler threw`, error);
      }
    }
  }
}

function go(url: string): void {
  try {
    location.assign(new URL(url, location.href).href);
  } catch {
    console.warn(`[Tandem] not a URL: ${url}`);
  }
}

type InitResult = { success: boolean; errorMsg?: string; errors?: string[] };
type StatusHandler = (api: unknown, event: { available: boolean }) => void;

/** Surfly's agent_status for the API (`api`): whether an agent is available, learnt once
 * something asks (the socket opens only then), told to `handlers`. */
function agentStatus(config: LoaderConfig, api: unknown) {
  let available = false;
  let watching = false;
  const handlers: StatusHandler[] = [];
  const watch = () => {
    if (watching || config.error) return;
    watching = true;
    watchAgentStatus(config, (now) => {
      available = now;
      for (const fn of handlers) {
        try {
          fn.call(api, api, { available });
        } catch (error) {
          console.error("[Tandem] a Surfly 'agent_status' handler threw", error);
        }
      }
    });
  };
  return { watch, handlers, available: () => (watch(), available) };
}

/** Surfly.init: `callback` hears whether co-browsing works on this page. */
function surflyInit(config: LoaderConfig, watchAgents: () => void, api: unknown) {
  return (_settings?: unknown, callback?: (result: InitResult) => void) => {
    const result: InitResult = config.error ? { success: false, errorMsg: config.error, errors: [config.error] } : { success: true };
    // agentAvailable is read in the init callback: learn it before the callback runs.
    watchAgents();
    // Surfly's callback comes after its own script has loaded, so pages written for it
    // may expect the document to be there: call back once it is parsed.
    if (typeof callback === "function") {
      const call = () => setTimeout(() => callback(result), 0);
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", call, { once: true });
      else call();
    }
    return api;
  };
}

/** Surfly.testConnection: whether the co-browsing service can be reached from here, by one
 * attempt at its socket, closed as soon as it opens. */
function testConnection(config: LoaderConfig, callback: (result: { success: boolean; errorMsg: string | null }) => void): void {
  const answer = (success: boolean, errorMsg: string | null) => {
    if (typeof callback === "function") setTimeout(() => callback({ success, errorMsg }), 0);
  };
  if (config.error) return answer(false, config.error);
  const probe = openSocket<ServerToVisitor, VisitorToServer>({
    url_: config.socket,
    onFrame_: () => undefined,
    onStatus_: (status) => {
      if (status === "open") probe.close();
      if (status === "open" || status === "closed") answer(status === "open", status === "open" ? null : "Could not reach the co-browsing service.");
    },
    next_: () => null,
  });
}

/** Surfly.button: a start button, shown while no session runs (and, unless
 * autohide_button is false, while an agent is available); a click calls `start` with the
 * settings' session options. */
function startButton(settings: Record<string, unknown>, client: SessionClient, config: LoaderConfig, start: (options: Record<string, unknown>) => void, watchAgents: () => void): HTMLButtonElement {
  const { autohide_button: autohide, position, ...options } = settings;
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = "Co-browse with an agent";
  element.className = "tandem-surfly-button";
  const side = String(position ?? "bottomright");
  element.style.cssText =
    "position:fixed;z-index:2147483000;padding:10px 16px;border:0;border-radius:6px;" +
    "background:#1a56db;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;" +
    (side.includes("top") ? "top:16px;" : "bottom:16px;") +
    (side.includes("left") ? "left:16px;" : "right:16px;");
  let available = autohide === false;
  const show = () => {
    element.hidden = client.inSession() || client.willContinue() || !available;
  };
  element.addEventListener("click", () => {
    start(options);
    show();
  });
  for (const name of ["sessionstart", "statereceived", "sessionend", "error"] as const) client.events.on(name, show);
  if (autohide !== false) {
    watchAgents();
    watchAgentStatus(config, (now) => {
      available = now;
      show();
    });
  }
  show();
  const add = () => document.body.append(element);
  if (document.body) add();
  else document.addEventListener("DOMContentLoaded", add, { once: true });
  return element;
}

/** window.Surfly: init, session, and what a page inside a session can ask. Surfly's include
 * snippet leaves a placeholder `Surfly` whose init() only keeps its arguments (in `q`) until
 * the real script arrives: that object becomes the API (a page may hold it already) and
 * its queued init runs now. */
export function installSurfly(client: SessionClient, config: LoaderConfig): void {
  const win = window as unknown as { Surfly?: Record<string, unknown> };
  const found = win.Surfly;
  if (typeof found?.session === "function") return; // a Surfly API is here already
  const surfly: Record<string, unknown> = found && typeof found === "object" ? found : {};
  const queued = surfly.q as ArrayLike<unknown> | undefined;
  delete surfly.q;
  const sessions: SurflySession[] = [];
  const globals: GlobalHandlers = new Map();
  let current: SurflySession | null = null;
  let button: HTMLButtonElement | null = null;
  const agents = agentStatus(config, surfly);
  const inside = () => client.inSession() || client.willContinue();
  const open = (options: Record<string, unknown>) => {
    current = new SurflySession(client, config, options, globals);
    sessions.push(current);
    return current;
  };
  const currentSession = (): SurflySession | null => (!current && inside() ? open({}) : current);
  const init = surflyInit(config, agents.watch, surfly);
  Object.defineProperties(
    surfly,
    Object.getOwnPropertyDescriptors({
      init,
      session: (options: Record<string, unknown> = {}, _sessionUrl?: string): SurflySession =>
        inside() ? (currentSession() as SurflySession) : open(options ?? {}),
      /** A handler for every session (session events) or for the API (agent_status). */
      on(name: string, fn: Handler): unknown {
        if (typeof fn !== "function") return surfly;
        if (name === "agent_status") {
          agents.handlers.push(fn as unknown as StatusHandler);
          agents.watch();
        } else {
          globals.set(name, [...(globals.get(name) ?? []), fn]);
          if (name === "user_activity") for (const session of sessions) session.watchActivity();
        }
        return surfly;
      },
      listSessions: (): SurflySession[] => (currentSession() ? [current as SurflySession] : [...sessions]),
      testConnection: (callback: (result: { success: boolean; errorMsg: string | null }) => void) => testConnection(config, callback),
      button(settings: Record<string, unknown> = {}): void {
        if (button || config.error) return;
        const start = (options: Record<string, unknown>) => (surfly.session as (o: Record<string, unknown>) => SurflySession)(options).startLeader();
        button = startButton((settings ?? {}) as Record<string, unknown>, client, config, start, agents.watch);
      },
      get agentAvailable(): boolean {
        return agents.available();
      },
      get isInsideSession(): boolean {
        return inside();
      },
      get currentSession(): SurflySession | null {
        return currentSession();
      },
    }),
  );
  win.Surfly = surfly;
  if (queued && typeof queued === "object") init(...(Array.from(queued) as Parameters<typeof init>));
}
