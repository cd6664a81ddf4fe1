// The one internal session client every vendor facade adapts: it owns the visitor
// socket, the session state and the recorder, and reports lifecycle events.
//
// A session outlives its page: the tab keeps the key and a server-signed resume token in
// sessionStorage, so the next page of the tab continues the session, and a dropped socket
// is retried with backoff until the server takes the page back or the time runs out.
// A copy in localStorage (shared by the site's tabs) lets a new tab of the same site (a
// typed URL, a target=_blank link) join the session too; the server gives the session's
// focus to the tab in use and tells the others to blur (Glance's tab semantics).
import {
  ErrorCode,
  type AgentInput,
  type ServerToVisitor,
  type TermsStatus,
  type VisitorSessionState,
  type VisitorToServer,
} from "../protocol";
import type { LoaderConfig } from "./config";
import {
  CONTROL_EVENT,
  Emitter,
  MESSAGE_EVENT,
  SESSION_CONFIRM_EVENT,
  VIEWER_EVENT,
  prompt,
  type EndReason,
  type SessionError,
} from "./events";
import type { VisitorParams } from "./keys";
import type { PastPasswords } from "./passwords";
import type { Media, MediaFrame, startMedia } from "./media";
import type { Recorder, startRecorder } from "./recorder";
import { openSocket, type Socket, type StatusDetail } from "../socket";

/** The page the agents' dashboards show: origin and path (the query and fragment may hold
 * secrets and stay here) and the title, within the server's bounds. */
function currentPage(): { url: string; title: string } {
  return { url: `${location.origin}${location.pathname}`.slice(0, 500), title: document.title.trim().slice(0, 200) };
}

type RecorderModule = { startRecorder: typeof startRecorder };
type MediaModule = { startMedia: typeof startMedia };
// starting: asked for a new session; continuing: a new page asked to rejoin its session.
type State = "idle" | "starting" | "continuing" | "active";
// `watching`: in an accepted reverse session, so the next page records nothing either;
// `reverseOnly`: the session exists only for a reverse session, so no page ever records.
// `paused`: the visitor paused the session (pauseSession), so the next page records nothing
// until it is resumed.
type Stored = { key: string; token: string; watching?: boolean; reverseOnly?: boolean; paused?: boolean };

/** The server's `ended` reasons, in Glance's words: who ended it. */
const END_REASONS: Record<string, EndReason> = {
  agent_ended: "agent",
  reverse_ended: "agent",
  stopped: "visitor",
  reverse_declined: "visitor",
};

/** `reverse` (a Tandem extension of Glance's options): start the session only for a
 * reverse session, which an agent asked for; the page is never recorded. */
export type StartOptions = { sessionKey?: string | number | null; reverse?: boolean; visitor?: VisitorParams };
export type SessionState = {
  key: string;
  agents: number;
  rc: boolean;
  accessibility: boolean;
  [name: string]: unknown;
};


/** The URL parameter that carries a session to a page on another trusted domain. */
export const CONTINUE_PARAM = "tandem_continue";

// A socket that has not opened by then is given up (a proxy or firewall that swallows it).
const CONNECT_TIMEOUT_MS = 10_000;
const BLOCKED_BY_POLICY = " This page's Content-Security-Policy blocks it (connect-src).";
const TIMED_OUT = " The connection timed out.";
// The visitor socket has no permanent close code: the server ends a session with `ended`.
const NO_PERMANENT_CLOSE = new Set<number>();
// Activity that shows the visitor is using this tab: it takes the session's focus.
const FOCUS_EVENTS = ["focus", "pointerdown", "keydown"] as const;

export class SessionClient {
  readonly events = new Emitter();
  private state: State = "idle";
  private key: string | null = null;
  private token: string | null = null;
  private sessionState: SessionState | null = null;
  private socket: Socket<VisitorToServer> | null = null;
  // True once the server has attached the current socket to the session.
  private linked = false;
  private focused = true;
  private rc = false;
  private handoffTo: string | null = null;
  private reconnecting = false;
  private recorder: Recorder | null = null;
  private recorderModule: Promise<RecorderModule> | null = null;
  // The agent's screen share side (media.ts), imported on the first frame that needs it.
  private media: Promise<Media | null> | null = null;
  // In an accepted reverse session the visitor watches the agent: nothing is recorded.
  private watching = false;
  // A session started only for a reverse session: nothing is ever recorded in it.
  private reverseOnly = false;
  // The visitor paused the session (pauseSession): nothing is recorded until resumed.
  private paused = false;
  // The open remote control request (rc_requested), which enableRC(true) accepts.
  private pendingRc: (() => void) | null = null;
  // The client index of the agent who joined last (who enableRC(true) gives control to).
  private lastAgent = 0;
  // The page asked for a key of its own (so `key_in_use` is Glance's dupkey).
  private ownKey = false;
  private readonly storageKey: string;
  private readonly sharedKey: string;
  // What this tab remembered of its session at load (or, for a new tab of the site, what
  // the site's other tabs share), until continueOnLoad() takes it up.
  private carried: (Stored & { tab: boolean }) | null;
  // This page joined the session of another tab of the site: if that session is gone, the
  // page just stays out of it.
  private joiningTab = false;
  private readonly takeFocus = () => {
    if (!this.focused && this.linked) this.send({ t: "focus" });
  };
  // Agents are told when the visitor is in another tab or window (`visitor` presence).
  private readonly showVisibility = () => {
    if (this.linked) this.send({ t: "visibility", hidden: document.hidden });
  };

  constructor(
    private readonly config: LoaderConfig,
    private readonly pastPasswords: PastPasswords = () => false,
  ) {
    this.storageKey = `tandem.cobrowse.${config.group ?? 0}`;
    this.sharedKey = `tandem.cobrowse.tabs.${config.group ?? 0}`;
    const own = this.readStored(sessionStorageOrNull(), this.storageKey);
    const shared = own ? null : this.readStored(localStorageOrNull(), this.sharedKey);
    this.carried = config.error ? null : own ? { ...own, tab: false } : shared ? { ...shared, tab: true } : null;
  }

  /** True from the first line of a page whose tab is in a session that continues on this
   * page (so a page's own scripts can tell before the session has reconnected). */
  willContinue(): boolean {
    return this.state === "idle" && this.carried !== null;
  }

  /** The session key, also on a page that is still to reconnect to its session. */
  knownKey(): string | null {
    return this.key ?? (this.willContinue() ? (this.carried?.key ?? null) : null);
  }

  inSession(): boolean {
    return this.state === "active" || this.state === "continuing";
  }

  getKey(): string | null {
    return this.key;
  }

  getSessionState(): SessionState | null {
    return this.sessionState ? { ...this.sessionState } : null;
  }

  start(options: StartOptions = {}): void {
    if (this.state !== "idle") return;
    this.state = "starting";
    this.events.emit("sessionstarting");
    if (this.config.error) {
      this.fail("service", this.config.error);
      return;
    }
    const key = options.sessionKey === undefined || options.sessionKey === null ? null : String(options.sessionKey);
    this.ownKey = key !== null;
    this.reverseOnly = this.watching = options.reverse === true;
    const start: VisitorToServer = { t: "start", site: this.config.site, key, ua: navigator.userAgent, ...options.visitor, ...currentPage() };
    if (this.reverseOnly) start.reverse = true;
    else this.recorderModule ??= this.loadRecorder();
    this.connect(start);
  }

  /** An agent's invoke of startSession: with the group's one-click consent on (the
   * default), the visitor is asked first (SESSION_CONFIRM_EVENT) and the session starts
   * only on accept. `report` tells the agents what became of the request. A reverse-only
   * session records nothing and asks with its own prompt (reverseconfirm). */
  startForAgent(options: StartOptions, report: (status: TermsStatus) => void): void {
    if (options.reverse === true || this.config.oneClickConsent === false) {
      this.start(options);
      return;
    }
    if (this.state !== "idle") return;
    report("displayed");
    const sessionKey = options.sessionKey === undefined ? undefined : String(options.sessionKey);
    const payload = prompt(
      this.events,
      () => {
        report("accepted");
        this.start(options);
      },
      () => report("declined"),
      { sessionKey },
    );
    this.events.emit(SESSION_CONFIRM_EVENT, payload);
  }

  /** After a page load: rejoin the session this tab was in, or, with the visitor's
   * consent (urlstartwarning), one a page on another trusted domain handed over. */
  continueOnLoad(handoff: string | null): void {
    const stored = this.carried;
    this.carried = null;
    if (this.state !== "idle" || this.config.error) {
      if (stored && !stored.tab) this.clearStored();
      return;
    }
    if (stored) {
      this.reverseOnly = stored.reverseOnly === true;
      this.watching = this.reverseOnly || stored.watching === true;
      this.paused = stored.paused === true;
      this.joiningTab = stored.tab;
      this.resume(stored.key, stored.token, stored.tab ? "tab" : "navigate");
    } else if (handoff) {
      const payload = prompt(
        this.events,
        () => {
          if (this.state !== "idle") return false;
          this.resume(null, handoff, "crossdomain");
          return true;
        },
        () => undefined,
      );
      this.events.emit("urlstartwarning", payload);
    }
  }

  /** Carry the session to `url` (a page on another of the group's trusted domains). */
  crossDomain(url: string): void {
    if (!this.linked) {
      console.warn("[Tandem] crossDomain() needs a running session");
      return;
    }
    this.handoffTo = url;
    this.send({ t: "handoff" });
  }

  private resume(key: string | null, token: string, why: "navigate" | "tab" | "crossdomain"): void {
    this.state = "continuing";
    this.key = key;
    this.token = token;
    this.events.emit("sessioncontinue");
    if (!this.watching) this.recorderModule ??= this.loadRecorder();
    this.connect({ t: "resume", token, why, ...currentPage() });
  }

  stop(): void {
    if (this.state === "idle") return;
    if (this.linked) this.send({ t: "stop" });
    if (this.state === "starting") {
      // Glance: sessionstarting is always followed by sessionstart or error.
      this.fail("service", "The session was stopped before it started.", { stopped: true });
      return;
    }
    if (this.inSession()) this.events.emit("leavesession");
    this.end("visitor");
  }

  /** Pause (true) or resume (false) the session: while paused nothing of the page is sent
   * and the agents are told; resuming sends a fresh snapshot. False when not in a session. */
  pause(paused: boolean): boolean {
    if (!this.inSession()) return false;
    if (this.paused === paused) return true;
    this.paused = paused;
    if (this.key && this.token) this.writeStored(this.stored(this.key, this.token));
    if (this.linked) this.send({ t: "pause", paused });
    if (paused) {
      this.recorder?.stop();
      this.recorder = null;
    } else {
      void this.record();
    }
    return true;
  }

  isPaused(): boolean {
    return this.inSession() && this.paused;
  }

  /** Glance's enableRC: true accepts the open remote control request, or else gives
   * control to the agent who joined last; false ends remote control. */
  enableRc(enable: boolean): boolean {
    if (!this.linked) return false;
    if (!enable) {
      this.endRemoteControl();
      return true;
    }
    if (this.pendingRc) {
      this.pendingRc();
      return true;
    }
    return this.lastAgent > 0 && this.giveControl(this.lastAgent);
  }

  /** The session's socket: `hello` on the first connection, `resume` on the next ones,
   * which come while the session lasts, for `reconnectMs` at most after a drop. */
  private connect(hello: VisitorToServer): void {
    this.linked = false;
    let retried = false;
    this.socket = openSocket<ServerToVisitor, VisitorToServer>({
      url: this.config.socket,
      onFrame: (frame) => this.receive(frame),
      onStatus: (status, detail) => {
        if (status === "open") this.send(retried && this.token ? { t: "resume", token: this.token, why: "reconnect" } : hello);
        else if (status === "reconnecting") {
          retried = true;
          this.dropped();
        } else if (status === "closed") this.lost(detail);
      },
      isWelcome: (frame) => frame.t === "started" || frame.t === "resumed",
      permanent: NO_PERMANENT_CLOSE,
      // A session that never started has nothing to come back to.
      retry: () => this.state !== "starting",
      minDelayMs: 500,
      maxDelayMs: 5000,
      giveUpAfterMs: this.config.reconnectMs,
      openTimeoutMs: CONNECT_TIMEOUT_MS,
      watchPolicy: true,
    });
  }

  private send(frame: VisitorToServer): void {
    this.socket?.send(frame);
  }

  private receive(frame: ServerToVisitor): void {
    switch (frame.t) {
      case "started":
        this.state = "active";
        this.attach(frame.key, frame.resume, frame.state);
        this.events.emit("sessionstart");
        this.sendPaused();
        this.events.emit("agents", { count: frame.agents, names: frame.state.agent_names ?? [] });
        void this.record();
        break;
      case "resumed":
        this.attach(frame.key, frame.resume, frame.state);
        this.sendPaused();
        if (this.reconnecting) {
          this.reconnecting = false;
          this.events.emit("connection", { status: "ok" });
          // Whatever changed while the socket was down never reached the agents.
          if (this.recorder) this.recorder.snapshot(null);
          else void this.record();
        } else {
          this.state = "active";
          this.events.emit("statereceived");
          this.events.emit("agents", { count: frame.agents, names: frame.state.agent_names ?? [] });
          // Control and accessibility mode from an earlier page carry on here.
          if (frame.state.rc) this.setRc(true);
          if (frame.state.accessibility) this.events.emit("accessibility", { enabled: true });
          void this.record();
        }
        break;
      case "rc_requested":
        this.rcRequested(frame.req);
        break;
      case "rc":
        this.setRc(frame.enabled);
        this.events.emit(CONTROL_EVENT, { to: frame.to ?? 0 });
        break;
      case "accessibility":
        if (this.sessionState) this.sessionState.accessibility = frame.enabled;
        this.events.emit("accessibility", { enabled: frame.enabled });
        break;
      case "handoff":
        this.goWithHandoff(frame.token);
        break;
      case "input":
        this.applyInput(frame);
        break;
      case "agents":
        if (this.sessionState) Object.assign(this.sessionState, { agents: frame.count, agentNames: frame.names ?? [] });
        // `names`: who watches, for the default UI's "Ana is viewing" (Glance's event has only count).
        this.events.emit("agents", { count: frame.count, names: frame.names ?? [] });
        // Who came or went: for facades that name viewers (Surfly's viewer_joined/left).
        if (frame.viewer) this.events.emit(VIEWER_EVENT, { count: frame.count, ...frame.viewer });
        if (frame.viewer?.joined) this.lastAgent = frame.viewer.index;
        else if (frame.viewer && frame.viewer.index === this.lastAgent) this.lastAgent = 0;
        break;
      case "message":
        this.events.emit(MESSAGE_EVENT, { data: frame.data, origin: frame.origin, from: frame.from, name: frame.name, at: frame.at });
        break;
      case "snapshot":
        this.recorder?.snapshot(frame.to);
        this.sendPaused(); // an agent that just joined learns why no snapshot comes
        break;
      case "blur":
        if (!this.focused) break;
        this.focused = false;
        this.recorder?.stop();
        this.recorder = null;
        this.events.emit("blur");
        break;
      case "focus":
        if (this.focused) break;
        this.focused = true;
        this.events.emit("focus");
        this.sendPaused();
        void this.record();
        break;
      case "ended":
        this.end(END_REASONS[frame.reason] ?? "error");
        break;
      case "pointer":
      case "pointer_hide":
      case "draw":
      case "draw_clear":
        // The server sends them to the focused tab; a tab that just lost it drops them.
        if (this.focused) this.recorder?.annotate(frame);
        break;
      case "share":
      case "share_paused":
      case "share_resumed":
      case "rtc":
      case "reverse":
        this.mediaFrame(frame);
        break;
      case "error":
        this.refused(frame.code, frame.msg);
        break;
    }
  }

  private mediaFrame(frame: MediaFrame): void {
    if (frame.t === "reverse") {
      this.watching = this.reverseOnly || frame.state === "accepted";
      if (this.key && this.token) this.writeStored(this.stored(this.key, this.token));
      if (this.watching) {
        this.recorder?.stop();
        this.recorder = null;
      }
    }
    // Frames wait for the module in order; a session that ended meanwhile drops them.
    const media = (this.media ??= this.loadMedia());
    void media.then((loaded) => {
      if (this.media === media) loaded?.receive(frame);
    });
  }

  private loadMedia(): Promise<Media | null> {
    return (import(/* webpackIgnore: true */ this.config.media) as Promise<MediaModule>).then(
      (module) => module.startMedia({ config: this.config, events: this.events, send: (out) => this.linked && this.send(out) }),
      (error: unknown) => {
        console.error("[Tandem] could not load the screen share", error);
        this.media = null; // the next frame tries again
        return null;
      },
    );
  }

  /** A message for the session's agents (their chat panel); false when not in a session. */
  sendMessage(data: unknown): boolean {
    if (!this.linked || data === undefined || data === null) return false;
    this.send({ t: "message", data });
    return true;
  }

  /** Hand control to the agent with client index `to`, unasked (0: take it back). */
  giveControl(to: number): boolean {
    if (!this.linked || !Number.isInteger(to) || to < 0) return false;
    this.send({ t: "rc_give", to });
    return true;
  }

  /** End remote control from the visitor's side. */
  endRemoteControl(): void {
    if (this.rc && this.linked) this.send({ t: "rc", enabled: false });
  }

  private goWithHandoff(token: string): void {
    const target = this.handoffTo;
    this.handoffTo = null;
    if (!target) return;
    let url: URL;
    try {
      url = new URL(target, location.href);
    } catch {
      console.warn(`[Tandem] crossDomain(): not a URL: ${target}`);
      return;
    }
    url.searchParams.set(CONTINUE_PARAM, token);
    location.assign(url.href);
  }

  /** The answer names the request the visitor saw (`req`): the server applies it to that
   * request alone, not to one another agent made while the prompt was open. */
  private rcRequested(req: number): void {
    const answer = (frame: VisitorToServer) => () => {
      if (!this.linked) return false;
      if (this.pendingRc === payload.accept) this.pendingRc = null;
      this.send(frame);
      return true;
    };
    const payload = prompt(this.events, answer({ t: "rc", enabled: true, req }), answer({ t: "rc_decline", req }));
    this.pendingRc = payload.accept;
    this.events.emit("rcrequested", payload);
  }

  /** Tell the server (again, on a new socket or a regained focus) that the visitor paused. */
  private sendPaused(): void {
    if (this.paused) this.send({ t: "pause", paused: true });
  }

  private setRc(enabled: boolean): void {
    this.rc = enabled;
    this.pendingRc = null;
    if (this.sessionState) this.sessionState.rc = enabled;
    this.events.emit("rc", { enabled });
  }

  private applyInput(frame: AgentInput & { rid: string }): void {
    if (!this.rc || !this.recorder) return;
    const refusal = this.recorder.apply(frame);
    if (refusal) this.send({ t: "rc_refused", to: frame.rid, msg: refusal });
  }

  private attach(key: string, token: string, state: VisitorSessionState): void {
    this.joiningTab = false;
    this.key = key;
    this.token = token;
    // The page's API names it as Glance's state does (camelCase); the wire, snake_case.
    const { agent_names: agentNames, ...rest } = state;
    this.sessionState = { ...rest, agentNames };
    this.linked = true;
    this.focused = true;
    this.writeStored(this.stored(key, token));
    for (const name of FOCUS_EVENTS) window.addEventListener(name, this.takeFocus, true);
    document.addEventListener("visibilitychange", this.showVisibility);
    if (document.hidden) this.showVisibility();
  }

  private stored(key: string, token: string): Stored {
    return { key, token, watching: this.watching, reverseOnly: this.reverseOnly, paused: this.paused };
  }

  private refused(code: string, msg: string): void {
    console.warn(`[Tandem] ${code}: ${msg}`);
    if (this.state === "starting") {
      // Glance's code for a key another running session has.
      this.fail(code === ErrorCode.KEY_IN_USE && this.ownKey ? "dupkey" : "service", msg);
    } else if (!this.linked && (code === ErrorCode.ENDED || this.joiningTab)) {
      // The session ended while this page loaded or was away (or, for a new tab, the
      // session the site's other tabs shared is over or its token too old).
      this.end("error");
    } else if (!this.linked) {
      // The server will not take this page back (a forged or expired token).
      this.clearStored();
      this.reconnecting ? this.giveUp(msg) : this.fail("service", msg);
    }
  }

  /** The socket dropped; it comes back by itself. */
  private dropped(): void {
    this.linked = false;
    if (this.reconnecting) return;
    this.reconnecting = true;
    this.events.emit("connection", { status: "reconnecting" });
  }

  /** The socket is gone for good: it could not be made, or not made again in time. */
  private lost(detail: StatusDetail): void {
    this.socket = null;
    this.linked = false;
    const why = detail.blocked ? BLOCKED_BY_POLICY : detail.timedOut ? TIMED_OUT : "";
    if (detail.blocked) {
      console.error(
        `[Tandem] this page's Content-Security-Policy blocks the co-browsing socket: add ${new URL(this.config.socket).origin} to its connect-src (see docs/integrating.md)`,
      );
    }
    if (this.state === "starting") {
      // conndrop: the connection could not be made at all (a policy, a timeout); service:
      // the server turned the socket away.
      this.fail(why ? "conndrop" : "service", `Could not reach the co-browsing service.${why}`);
    } else if (this.state !== "idle") {
      this.giveUp(`Lost the connection to the co-browsing service.${detail.blocked ? why : ""}`);
    }
  }

  private giveUp(msg: string): void {
    this.clearStored();
    this.teardown();
    this.events.emit("error", { code: "conndrop", msg });
    this.events.emit("sessionend", { reason: "error" });
  }

  private async record(): Promise<void> {
    if (this.watching) return; // not even the recorder's code is needed
    try {
      const module = await (this.recorderModule ??= this.loadRecorder());
      if (this.state !== "active" || !this.focused || this.recorder || this.watching || this.paused) return;
      this.recorder = module.startRecorder({
        maskSelectors: this.config.maskSelectors ?? [],
        maxFrameBytes: this.config.maxFrame,
        canvasFps: this.config.canvasFps ?? 0,
        canvasBytesPerSecond: this.config.canvasBytesPerSecond ?? 0,
        pastPasswords: this.pastPasswords,
        send: (text) => this.linked && this.socket?.sendText(text),
        dismissMarks: () => this.linked && this.send({ t: "draw_dismiss" }),
      });
    } catch (error) {
      // Without the recorder the agent would watch nothing: end the session, say why.
      console.error("[Tandem] could not start the recorder", error);
      this.events.emit("error", { code: "service", msg: "Could not load the recorder." });
      this.stop();
    }
  }

  private loadRecorder(): Promise<RecorderModule> {
    const load = import(/* webpackIgnore: true */ this.config.recorder) as Promise<RecorderModule>;
    load.catch(() => undefined); // reported when record() awaits it
    return load;
  }

  private fail(code: SessionError["code"], msg: string, extra: { stopped?: boolean } = {}): void {
    this.teardown();
    this.events.emit("error", { code, msg, ...extra });
  }

  private end(reason: EndReason): void {
    const wasInSession = this.inSession();
    this.clearStored();
    this.teardown();
    if (wasInSession) this.events.emit("sessionend", { reason });
  }

  private teardown(): void {
    this.state = "idle";
    this.key = null;
    this.token = null;
    this.sessionState = null;
    this.linked = false;
    this.reconnecting = false;
    this.focused = true;
    this.rc = false;
    for (const name of FOCUS_EVENTS) window.removeEventListener(name, this.takeFocus, true);
    document.removeEventListener("visibilitychange", this.showVisibility);
    this.recorder?.stop();
    this.recorder = null;
    this.watching = false;
    this.reverseOnly = false;
    this.paused = false;
    this.pendingRc = null;
    this.lastAgent = 0;
    this.joiningTab = false;
    void this.media?.then((loaded) => loaded?.stop());
    this.media = null;
    this.socket?.close();
    this.socket = null;
  }

  // The tab's memory of its session, and the copy the site's tabs share. Storage can be
  // unavailable (privacy modes, sandboxed frames): then a session simply ends with its page.

  private readStored(storage: Storage | null, name: string): Stored | null {
    try {
      const raw = storage?.getItem(name);
      const stored = raw ? (JSON.parse(raw) as Partial<Stored>) : null;
      return stored && typeof stored.key === "string" && typeof stored.token === "string"
        ? {
            key: stored.key,
            token: stored.token,
            watching: stored.watching === true,
            reverseOnly: stored.reverseOnly === true,
            paused: stored.paused === true,
          }
        : null;
    } catch {
      return null;
    }
  }

  private writeStored(stored: Stored): void {
    const text = JSON.stringify(stored);
    try {
      sessionStorageOrNull()?.setItem(this.storageKey, text);
      localStorageOrNull()?.setItem(this.sharedKey, text);
    } catch {
      // see above
    }
  }

  private clearStored(): void {
    for (const [storage, name] of [
      [sessionStorageOrNull(), this.storageKey],
      [localStorageOrNull(), this.sharedKey],
    ] as const) {
      try {
        storage?.removeItem(name);
      } catch {
        // see above
      }
    }
  }
}

// Reading window.sessionStorage itself throws where storage is blocked.
function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
