// Surfly's session API over Tandem's one session client: a page written against
// Surfly.session(...).on(...).startLeader() runs unchanged but for the script URL
// (../shared/reference/surfly-session-events.txt is the contract).
import { watchAgentStatus } from "../visitor/agentstatus";
import type { LoaderConfig } from "../visitor/config";
import { CONTROL_EVENT, MESSAGE_EVENT, VIEWER_EVENT, type SessionClient } from "../visitor/session";

type Handler = (session: SurflySession, event: Record<string, unknown>) => void;
type Viewer = { count: number; index: number; name: string; joined: boolean };
type Message = { data: unknown; origin: string };

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
  /** What the agent joins with: the session key, and the viewer's address. */
  pin: string | null = null;
  followerLink: string | null = null;
  leaderLink: string | null = null;
  private readonly handlers = new Map<string, Handler[]>();
  private viewers = new Map<number, string>();
  private started = false;
  private watchingAgents = false;

  constructor(
    private readonly client: SessionClient,
    private readonly config: LoaderConfig,
    readonly options: Record<string, unknown> = {},
  ) {
    for (const name of Object.keys(options)) {
      const note = IGNORED_OPTIONS.has(name) ? "has no effect in Tandem" : "is not a Surfly option Tandem knows";
      console.info(`[Tandem] Surfly option '${name}' ${note}; ignored.`);
    }
    if (client.inSession()) {
      // Made for a session already running (Surfly.currentSession on a later page).
      this.links();
      this.started = true;
    }
    const events = client.events;
    events.on("sessionstart", () => this.began(true));
    events.on("statereceived", () => this.began(false));
    events.on("sessionend", () => this.ended());
    events.on("error", (payload) => {
      const code = (payload as { code?: string } | undefined)?.code;
      if (code === "conndrop" || code === "service") this.fire("error", { reason: "connect_failed" });
    });
    // Another window of this visitor became the session's leader: Surfly's other_connection.
    // In Tandem the older window is not thrown out; it leads again once used.
    events.on("blur", () => this.fire("error", { reason: "other_connection" }));
    events.on(VIEWER_EVENT, (payload) => this.viewer(payload as Viewer));
    events.on(CONTROL_EVENT, (payload) => {
      const to = (payload as { to: number }).to;
      const name = this.viewers.get(to);
      // This page is the leader (index 0): it gained control when control came back.
      this.fire("control", { to, userData: name === undefined ? {} : { name }, gained: to === 0 });
    });
    events.on(MESSAGE_EVENT, (payload) => {
      const message = payload as Message;
      this.fire("message", { data: message.data, origin: message.origin });
    });
  }

  /** Add a handler; chainable, as Surfly's is. Handlers get (session, event). */
  on(name: string, fn: Handler): this {
    if (typeof fn === "function") this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn]);
    // Only pages that listen for agent_status open the socket that tells it.
    if (name === "agent_status" && !this.watchingAgents) {
      this.watchingAgents = true;
      watchAgentStatus(this.config, (available) => this.fire("agent_status", { available }));
    }
    return this;
  }

  /** Start the session with this page as its leader. */
  startLeader(_iframeSelector?: unknown, _userData?: unknown): this {
    this.client.start({});
    return this;
  }

  /** End the session for everyone. */
  end(): this {
    this.client.stop();
    return this;
  }

  sendMessage(data: unknown, _origin?: string): this {
    if (!this.client.sendMessage(data)) console.warn("[Tandem] sendMessage() needs a started session");
    return this;
  }

  /** Give control to the viewer with this index (from viewer_joined); 0 takes it back. */
  giveControl(clientIndex: number): this {
    if (!this.client.giveControl(clientIndex)) console.warn("[Tandem] giveControl() needs a started session and a client index");
    return this;
  }

  /** Fill in what agents join with, from the running session. */
  private links(): void {
    const key = this.client.getKey();
    this.pin = key;
    this.followerLink = key ? `${this.config.server}/agent/session/${encodeURIComponent(key)}/` : null;
    this.leaderLink = location.href;
  }

  private began(created: boolean): void {
    this.links();
    if (created) this.fire("session_created", {});
    else if (this.started) return;
    this.started = true;
    this.fire("session_started", {});
    if (!created) this.fire("relocated", { url: location.href });
  }

  private ended(): void {
    if (!this.started && !this.pin) return;
    this.started = false;
    this.viewers.clear();
    this.fire("session_ended", {});
  }

  private viewer(viewer: Viewer): void {
    if (viewer.joined) this.viewers.set(viewer.index, viewer.name);
    else this.viewers.delete(viewer.index);
    this.fire(viewer.joined ? "viewer_joined" : "viewer_left", {
      count: viewer.count,
      clientIndex: viewer.index,
      userData: { name: viewer.name },
    });
  }

  private fire(name: string, event: Record<string, unknown>): void {
    for (const fn of this.handlers.get(name) ?? []) {
      try {
        fn(this, event);
      } catch (error) {
        console.error(`[Tandem] a Surfly '${name}' handler threw`, error);
      }
    }
  }
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
  let current: SurflySession | null = null;
  const init = (_settings?: unknown, callback?: (result: { success: boolean; errors?: string[] }) => void) => {
    const result = config.error ? { success: false, errors: [config.error] } : { success: true };
    if (typeof callback === "function") setTimeout(() => callback(result), 0);
    return surfly;
  };
  Object.defineProperties(
    surfly,
    Object.getOwnPropertyDescriptors({
      init,
      session(options: Record<string, unknown> = {}): SurflySession {
        current = new SurflySession(client, config, options ?? {});
        return current;
      },
      get isInsideSession(): boolean {
        return client.inSession();
      },
      get currentSession(): SurflySession | null {
        if (!current && client.inSession()) current = new SurflySession(client, config);
        return current;
      },
    }),
  );
  win.Surfly = surfly;
  if (queued && typeof queued === "object") init(...(Array.from(queued) as Parameters<typeof init>));
}
