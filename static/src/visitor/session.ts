// The one internal session client every vendor facade adapts: it owns the visitor
// socket and the session's state (session-state.ts), has the page recorded
// (session-recording.ts), and reports lifecycle events (events.ts).
//
// A session outlives its page: the tab remembers it (tab-memory.ts), so the next page of
// the tab, or a new tab of the site, continues the session, and a dropped socket is
// retried with backoff until the server takes the page back or the time runs out. The
// server gives the session's focus to the tab in use and tells the others to blur
// (Glance's tab semantics).
import {
  ErrorCode,
  type AgentInput,
  type ServerToVisitor,
  type TermsStatus,
  type VisitorSessionState,
  type VisitorToServer,
} from "../protocol";
import { openSocket, watchPolicy, type Socket, type StatusDetail } from "../socket";
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
import { sessionRecording } from "./session-recording";
import { IDLE, NO_MODE, linked, live, reconnecting, type Live, type Mode, type SessionInfo, type SessionState } from "./session-state";
import { tabMemory, type Stored } from "./tab-memory";

export type { SessionInfo };

/** The page the agents' dashboards show: origin and path (the query and fragment may hold
 * secrets and stay here) and the title, within the server's bounds. */
function currentPage(): { url: string; title: string } {
  return { url: `${location.origin}${location.pathname}`.slice(0, 500), title: document.title.trim().slice(0, 200) };
}

/** The session's state as the page's API names it, as Glance's state does (camelCase);
 * the wire's is snake_case. */
function sessionInfo(state: VisitorSessionState): SessionInfo {
  const { agent_names: agentNames, ...rest } = state;
  return { ...rest, agentNames };
}

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

type Frame<T extends ServerToVisitor["t"]> = Extract<ServerToVisitor, { t: T }>;
type FrameHandlers = { [T in ServerToVisitor["t"]]: (frame: Frame<T>) => void };

export class SessionClient {
  readonly events = new Emitter();
  private state: SessionState = IDLE;
  private mode: Mode = NO_MODE;
  private socket: Socket<VisitorToServer> | null = null;
  // Stops watching the page's Content-Security-Policy for the socket.
  private unwatchPolicy = () => {};
  private readonly memory;
  // What this tab remembered of its session at load (or, for a new tab of the site, what
  // the site's other tabs share), until continueOnLoad() takes it up.
  private carried: (Stored & { tab: boolean }) | null;
  private readonly recording;

  constructor(
    private readonly config: LoaderConfig,
    pastPasswords: PastPasswords = () => false,
  ) {
    this.memory = tabMemory(config.group);
    this.carried = config.error ? null : this.memory.read();
    this.recording = sessionRecording({
      config,
      events: this.events,
      pastPasswords,
      send: (frame) => this.sendLinked(frame),
      sendText: (text) => linked(this.state) && this.socket?.sendText(text),
      mayRecord: () => this.state.kind === "live" && this.state.focused && !this.mode.watching && !this.mode.paused,
      failed: () => {
        this.events.emit("error", { code: "service", msg: "Could not load the recorder." });
        this.stop();
      },
    });
  }

  /** True from the first line of a page whose tab is in a session that continues on this
   * page (so a page's own scripts can tell before the session has reconnected). */
  willContinue(): boolean {
    return this.state.kind === "idle" && this.carried !== null;
  }

  /** The session key, also on a page that is still to reconnect to its session. */
  knownKey(): string | null {
    return this.getKey() ?? (this.willContinue() ? (this.carried?.key ?? null) : null);
  }

  inSession(): boolean {
    return this.state.kind === "live" || this.state.kind === "continuing";
  }

  getKey(): string | null {
    return this.state.kind === "live" || this.state.kind === "continuing" ? this.state.key : null;
  }

  getSessionState(): SessionInfo | null {
    return this.state.kind === "live" ? { ...this.state.info } : null;
  }

  start(options: StartOptions = {}): void {
    if (this.state.kind !== "idle") return;
    const key = options.sessionKey === undefined || options.sessionKey === null ? null : String(options.sessionKey);
    this.state = { kind: "starting", ownKey: key !== null };
    this.events.emit("sessionstarting");
    if (this.config.error) {
      this.fail("service", this.config.error);
      return;
    }
    const reverse = options.reverse === true;
    this.mode = { ...NO_MODE, watching: reverse, reverseOnly: reverse };
    const start: VisitorToServer = { t: "start", site: this.config.site, key, ua: navigator.userAgent, ...options.visitor, ...currentPage() };
    if (reverse) start.reverse = true;
    else this.recording.preload();
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
    if (this.state.kind !== "idle") return;
    report("displayed");
    const sessionKey = options.sessionKey === undefined ? undefined : String(options.sessionKey);
    const accept = () => {
      report("accepted");
      this.start(options);
    };
    this.events.emit(SESSION_CONFIRM_EVENT, prompt(this.events, accept, () => report("declined"), { sessionKey }));
  }

  /** After a page load: rejoin the session this tab was in, or, with the visitor's
   * consent (urlstartwarning), one a page on another trusted domain handed over. */
  continueOnLoad(handoff: string | null): void {
    const stored = this.carried;
    this.carried = null;
    if (this.state.kind !== "idle" || this.config.error) {
      if (stored && !stored.tab) this.memory.clear();
      return;
    }
    if (stored) {
      const { key, token, tab, ...mode } = stored;
      this.mode = { ...mode, watching: mode.reverseOnly || mode.watching };
      this.resume(key, token, tab, tab ? "tab" : "navigate");
    } else if (handoff) {
      const accept = () => this.state.kind === "idle" && (this.resume(null, handoff, false, "crossdomain"), true);
      this.events.emit("urlstartwarning", prompt(this.events, accept, () => undefined));
    }
  }

  /** Carry the session to `url` (a page on another of the group's trusted domains). */
  crossDomain(url: string): void {
    if (!linked(this.state)) {
      console.warn("[Tandem] crossDomain() needs a running session");
      return;
    }
    this.state.handoffTo = url;
    this.send({ t: "handoff" });
  }

  private resume(key: string | null, token: string, tab: boolean, why: "navigate" | "tab" | "crossdomain"): void {
    this.state = { kind: "continuing", key, token, tab, dropped: false };
    this.events.emit("sessioncontinue");
    if (!this.mode.watching) this.recording.preload();
    this.connect({ t: "resume", token, why, ...currentPage() });
  }

  stop(): void {
    if (this.state.kind === "idle") return;
    this.sendLinked({ t: "stop" });
    if (this.state.kind === "starting") {
      // Glance: sessionstarting is always followed by sessionstart or error.
      this.fail("service", "The session was stopped before it started.", { stopped: true });
      return;
    }
    this.events.emit("leavesession");
    this.end("visitor");
  }

  /** Pause (true) or resume (false) the session: while paused nothing of the page is sent
   * and the agents are told; resuming sends a fresh snapshot. False when not in a session. */
  pause(paused: boolean): boolean {
    if (!this.inSession()) return false;
    if (this.mode.paused === paused) return true;
    this.mode = { ...this.mode, paused };
    this.remember();
    this.sendLinked({ t: "pause", paused });
    if (paused) this.recording.stop();
    else this.record();
    return true;
  }

  isPaused(): boolean {
    return this.inSession() && this.mode.paused;
  }

  /** Glance's enableRC: true accepts the open remote control request, or else gives
   * control to the agent who joined last; false ends remote control. */
  enableRc(enable: boolean): boolean {
    const state = this.state;
    if (!linked(state)) return false;
    if (!enable) this.endRemoteControl();
    else if (state.pendingRc) state.pendingRc();
    else return state.lastAgent > 0 && this.giveControl(state.lastAgent);
    return true;
  }

  /** A message for the session's agents (their chat panel); false when not in a session. */
  sendMessage(data: unknown): boolean {
    if (!linked(this.state) || data === undefined || data === null) return false;
    this.send({ t: "message", data });
    return true;
  }

  /** Hand control to the agent with client index `to`, unasked (0: take it back). */
  giveControl(to: number): boolean {
    if (!linked(this.state) || !Number.isInteger(to) || to < 0) return false;
    this.send({ t: "rc_give", to });
    return true;
  }

  /** End remote control from the visitor's side. */
  endRemoteControl(): void {
    if (linked(this.state) && this.state.rc) this.send({ t: "rc", enabled: false });
  }

  /** The session's socket: `hello` on the first connection, `resume` on the next ones,
   * which come while the session lasts, for `reconnectMs` at most after a drop. */
  private connect(hello: VisitorToServer): void {
    let retried = false;
    // A socket the page's policy refuses is not tried again: the session fails at once.
    this.unwatchPolicy = watchPolicy(this.config.socket, () => this.socket?.refuse());
    this.socket = openSocket<ServerToVisitor, VisitorToServer>({
      url: this.config.socket,
      onFrame: (frame) => (this.frames[frame.t] as (frame: ServerToVisitor) => void)(frame),
      onStatus: (status, detail) => {
        const token = this.state.kind === "live" || this.state.kind === "continuing" ? this.state.token : null;
        if (status === "open") this.send(retried && token ? { t: "resume", token, why: "reconnect" } : hello);
        else if (status === "reconnecting") {
          retried = true;
          this.dropped();
        }
        else if (status === "closed") this.lost(detail);
      },
      isWelcome: (frame) => frame.t === "started" || frame.t === "resumed",
      permanent: NO_PERMANENT_CLOSE,
      // A session that never started has nothing to come back to.
      retry: () => this.state.kind !== "starting",
      minDelayMs: 500,
      maxDelayMs: 5000,
      giveUpAfterMs: this.config.reconnectMs,
      openTimeoutMs: CONNECT_TIMEOUT_MS,
    });
  }

  private send(frame: VisitorToServer): void {
    this.socket?.send(frame);
  }

  /** Send if the server has this page's socket attached to the session. */
  private sendLinked(frame: VisitorToServer): void {
    if (linked(this.state)) this.send(frame);
  }

  /** The socket dropped; it comes back by itself. */
  private dropped(): void {
    const state = this.state;
    if (reconnecting(state)) return;
    if (state.kind === "live") state.link = "down";
    else if (state.kind === "continuing") state.dropped = true;
    this.events.emit("connection", { status: "reconnecting" });
  }

  /** The socket is gone for good: it could not be made, or not made again in time. */
  private lost(detail: StatusDetail): void {
    this.socket = null;
    const why = detail.blocked ? BLOCKED_BY_POLICY : detail.timedOut ? TIMED_OUT : "";
    if (detail.blocked) {
      const origin = new URL(this.config.socket).origin;
      console.error(
        `[Tandem] this page's Content-Security-Policy blocks the co-browsing socket: add ${origin} to its connect-src (see docs/integrating.md)`,
      );
    }
    if (this.state.kind === "starting") {
      // conndrop: the connection could not be made at all (a policy, a timeout); service:
      // the server turned the socket away.
      this.fail(why ? "conndrop" : "service", `Could not reach the co-browsing service.${why}`);
    } else if (this.state.kind !== "idle") {
      this.giveUp(`Lost the connection to the co-browsing service.${detail.blocked ? why : ""}`);
    }
  }

  // The server's frames, one handler each.
  private readonly frames: FrameHandlers = {
    started: (frame) => this.started(frame),
    resumed: (frame) => this.resumed(frame),
    rc_requested: (frame) => this.rcRequested(frame.req),
    rc: (frame) => {
      this.setRc(frame.enabled);
      this.events.emit(CONTROL_EVENT, { to: frame.to ?? 0 });
    },
    accessibility: ({ enabled }) => {
      if (this.state.kind === "live") this.state.info.accessibility = enabled;
      this.events.emit("accessibility", { enabled });
    },
    handoff: (frame) => this.goWithHandoff(frame.token),
    input: (frame) => this.applyInput(frame),
    agents: (frame) => this.agents(frame),
    message: ({ data, origin, from, name, at }) => this.events.emit(MESSAGE_EVENT, { data, origin, from, name, at }),
    snapshot: (frame) => {
      this.recording.snapshot(frame.to);
      this.sendPaused(); // an agent that just joined learns why no snapshot comes
    },
    blur: () => this.focus(false),
    focus: () => this.focus(true),
    ended: (frame) => this.end(END_REASONS[frame.reason] ?? "error"),
    // The server sends marks to the focused tab; a tab that just lost it drops them.
    pointer: (frame) => this.mark(frame),
    pointer_hide: (frame) => this.mark(frame),
    draw: (frame) => this.mark(frame),
    draw_clear: (frame) => this.mark(frame),
    share: (frame) => this.recording.media(frame),
    share_paused: (frame) => this.recording.media(frame),
    share_resumed: (frame) => this.recording.media(frame),
    rtc: (frame) => this.recording.media(frame),
    reverse: (frame) => this.reversed(frame),
    error: (frame) => this.refused(frame.code, frame.msg),
  };

  private started(frame: Frame<"started">): void {
    this.attach(live(frame.key, frame.resume, sessionInfo(frame.state)));
    this.events.emit("sessionstart");
    this.sendPaused();
    this.events.emit("agents", { count: frame.agents, names: frame.state.agent_names ?? [] });
    this.record();
  }

  private resumed(frame: Frame<"resumed">): void {
    const before = this.state;
    const info = sessionInfo(frame.state);
    const back = { key: frame.key, token: frame.resume, info, link: "up", focused: true } as const;
    this.attach(before.kind === "live" ? { ...before, ...back } : live(frame.key, frame.resume, info));
    this.sendPaused();
    if (reconnecting(before)) this.events.emit("connection", { status: "ok" });
    if (before.kind === "live") {
      // Whatever changed while the socket was down never reached the agents.
      if (this.recording.recording) this.recording.snapshot(null);
      else this.record();
      return;
    }
    this.events.emit("statereceived");
    this.events.emit("agents", { count: frame.agents, names: frame.state.agent_names ?? [] });
    // Control and accessibility mode from an earlier page carry on here.
    if (frame.state.rc) this.setRc(true);
    if (frame.state.accessibility) this.events.emit("accessibility", { enabled: true });
    this.record();
  }

  private agents({ count, names = [], viewer }: Frame<"agents">): void {
    const state = this.state;
    if (state.kind === "live") Object.assign(state.info, { agents: count, agentNames: names });
    this.events.emit("agents", { count, names });
    if (!viewer) return;
    // Who came or went: for facades that name viewers (Surfly's viewer_joined/left).
    this.events.emit(VIEWER_EVENT, { count, ...viewer });
    if (state.kind !== "live") return;
    if (viewer.joined) state.lastAgent = viewer.index;
    else if (viewer.index === state.lastAgent) state.lastAgent = 0;
  }

  /** Another tab took the session's focus (false), or this one has it again (true). */
  private focus(focused: boolean): void {
    const state = this.state;
    if (state.kind !== "live" || state.focused === focused) return;
    state.focused = focused;
    if (!focused) {
      this.recording.stop();
      this.events.emit("blur");
      return;
    }
    this.events.emit("focus");
    this.sendPaused();
    this.record();
  }

  private mark(frame: Frame<"pointer" | "pointer_hide" | "draw" | "draw_clear">): void {
    if (this.state.kind !== "live" || this.state.focused) this.recording.annotate(frame);
  }

  private reversed(frame: Frame<"reverse">): void {
    this.mode = { ...this.mode, watching: this.mode.reverseOnly || frame.state === "accepted" };
    this.remember();
    if (this.mode.watching) this.recording.stop();
    this.recording.media(frame);
  }

  private goWithHandoff(token: string): void {
    const target = this.state.kind === "live" ? this.state.handoffTo : null;
    if (this.state.kind === "live") this.state.handoffTo = null;
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
      const state = this.state;
      if (!linked(state)) return false;
      if (state.pendingRc === payload.accept) state.pendingRc = null;
      this.send(frame);
      return true;
    };
    const payload = prompt(this.events, answer({ t: "rc", enabled: true, req }), answer({ t: "rc_decline", req }));
    if (this.state.kind === "live") this.state.pendingRc = payload.accept;
    this.events.emit("rcrequested", payload);
  }

  /** Tell the server (again, on a new socket or a regained focus) that the visitor paused. */
  private sendPaused(): void {
    if (this.mode.paused) this.send({ t: "pause", paused: true });
  }

  private setRc(enabled: boolean): void {
    const state = this.state;
    if (state.kind === "live") {
      state.rc = enabled;
      state.pendingRc = null;
      state.info.rc = enabled;
    }
    this.events.emit("rc", { enabled });
  }

  private applyInput(frame: AgentInput & { rid: string }): void {
    if (this.state.kind !== "live" || !this.state.rc || !this.recording.recording) return;
    const refusal = this.recording.apply(frame);
    if (refusal) this.send({ t: "rc_refused", to: frame.rid, msg: refusal });
  }

  private record(): void {
    if (!this.mode.watching) void this.recording.start(); // not even the recorder's code is needed
  }

  /** The server attached this page's socket to the session (`state`). */
  private attach(state: Live): void {
    this.state = state;
    this.remember();
    for (const name of FOCUS_EVENTS) window.addEventListener(name, this.takeFocus, true);
    document.addEventListener("visibilitychange", this.showVisibility);
    if (document.hidden) this.showVisibility();
  }

  private readonly takeFocus = () => {
    if (linked(this.state) && !this.state.focused) this.send({ t: "focus" });
  };

  // Agents are told when the visitor is in another tab or window (`visitor` presence).
  private readonly showVisibility = () => this.sendLinked({ t: "visibility", hidden: document.hidden });

  /** The tab remembers the session and how it records, for its next page. */
  private remember(): void {
    const state = this.state;
    if ((state.kind === "live" || state.kind === "continuing") && state.key) {
      this.memory.write({ key: state.key, token: state.token, ...this.mode });
    }
  }

  private refused(code: string, msg: string): void {
    console.warn(`[Tandem] ${code}: ${msg}`);
    const state = this.state;
    if (state.kind === "starting") {
      // Glance's code for a key another running session has.
      this.fail(code === ErrorCode.KEY_IN_USE && state.ownKey ? "dupkey" : "service", msg);
    } else if (linked(state)) {
      return;
    } else if (code === ErrorCode.ENDED || (state.kind === "continuing" && state.tab)) {
      // The session ended while this page loaded or was away (or, for a new tab, the
      // session the site's other tabs shared is over or its token too old).
      this.end("error");
    } else {
      // The server will not take this page back (a forged or expired token).
      this.memory.clear();
      if (reconnecting(state)) this.giveUp(msg);
      else this.fail("service", msg);
    }
  }

  private giveUp(msg: string): void {
    this.memory.clear();
    this.teardown();
    this.events.emit("error", { code: "conndrop", msg });
    this.events.emit("sessionend", { reason: "error" });
  }

  private fail(code: SessionError["code"], msg: string, extra: { stopped?: boolean } = {}): void {
    this.teardown();
    this.events.emit("error", { code, msg, ...extra });
  }

  private end(reason: EndReason): void {
    const wasInSession = this.inSession();
    this.memory.clear();
    this.teardown();
    if (wasInSession) this.events.emit("sessionend", { reason });
  }

  private teardown(): void {
    this.state = IDLE;
    this.mode = NO_MODE;
    for (const name of FOCUS_EVENTS) window.removeEventListener(name, this.takeFocus, true);
    document.removeEventListener("visibilitychange", this.showVisibility);
    this.recording.end();
    this.unwatchPolicy();
    this.socket?.close();
    this.socket = null;
  }
}
