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
import { ReadyState, openSocket, watchPolicy, type Socket } from "../socket";
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
import { IDLE, NO_MODE, Phase, linked, live, reconnecting, type Live, type Mode, type SessionInfo, type SessionState } from "./session-state";
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
// Activity that shows the visitor is using this tab: it takes the session's focus.
const FOCUS_EVENTS = ["focus", "pointerdown", "keydown"] as const;

type Frame<T extends ServerToVisitor["t"]> = Extract<ServerToVisitor, { t: T }>;
type FrameHandlers = { [T in ServerToVisitor["t"]]: (frame: Frame<T>) => void };

export class SessionClient {
  readonly events = new Emitter();
  private state_: SessionState = IDLE;
  private mode_: Mode = NO_MODE;
  private socket_: Socket<VisitorToServer> | null = null;
  // Stops watching the page's Content-Security-Policy for the socket.
  private unwatchPolicy_ = () => {};
  private readonly memory_;
  // What this tab remembered of its session at load (or, for a new tab of the site, what
  // the site's other tabs share), until continueOnLoad() takes it up.
  private carried_: (Stored & { tab: boolean }) | null;
  private readonly recording_;

  constructor(
    private readonly config_: LoaderConfig,
    pastPasswords: PastPasswords = () => false,
  ) {
    this.memory_ = tabMemory(config_.group);
    this.carried_ = config_.error ? null : this.memory_.read_();
    this.recording_ = sessionRecording({
      config_,
      events_: this.events,
      pastPasswords_: pastPasswords,
      send_: (frame) => this.sendLinked_(frame),
      sendText_: (text) => linked(this.state_) && this.socket_?.send(text),
      mayRecord_: () => this.state_.kind_ === Phase.LIVE && this.state_.focused_ && !this.mode_.watching && !this.mode_.paused,
      failed_: () => {
        this.events.emit("error", { code: "service", msg: "Could not load the recorder." });
        this.stop();
      },
    });
  }

  /** True from the first line of a page whose tab is in a session that continues on this
   * page (so a page's own scripts can tell before the session has reconnected). */
  willContinue(): boolean {
    return this.state_.kind_ === Phase.IDLE && this.carried_ !== null;
  }

  /** The session key, also on a page that is still to reconnect to its session. */
  knownKey(): string | null {
    return this.getKey() ?? (this.willContinue() ? (this.carried_?.key ?? null) : null);
  }

  inSession(): boolean {
    return this.state_.kind_ === Phase.LIVE || this.state_.kind_ === Phase.CONTINUING;
  }

  getKey(): string | null {
    return this.state_.kind_ === Phase.LIVE || this.state_.kind_ === Phase.CONTINUING ? this.state_.key_ : null;
  }

  getSessionState(): SessionInfo | null {
    return this.state_.kind_ === Phase.LIVE ? { ...this.state_.info_ } : null;
  }

  start(options: StartOptions = {}): void {
    if (this.state_.kind_ !== Phase.IDLE) return;
    const key = options.sessionKey === undefined || options.sessionKey === null ? null : String(options.sessionKey);
    this.state_ = { kind_: Phase.STARTING, ownKey_: key !== null };
    this.events.emit("sessionstarting");
    if (this.config_.error) {
      this.fail_("service", this.config_.error);
      return;
    }
    const reverse = options.reverse === true;
    this.mode_ = { ...NO_MODE, watching: reverse, reverseOnly: reverse };
    const start: VisitorToServer = { t: "start", site: this.config_.site, key, ua: navigator.userAgent, ...options.visitor, ...currentPage() };
    if (reverse) start.reverse = true;
    else this.recording_.preload_();
    this.connect_(start);
  }

  /** An agent's invoke of startSession: with the group's one-click consent on (the
   * default), the visitor is asked first (SESSION_CONFIRM_EVENT) and the session starts
   * only on accept. `report` tells the agents what became of the request. A reverse-only
   * session records nothing and asks with its own prompt (reverseconfirm). */
  startForAgent(options: StartOptions, report: (status: TermsStatus) => void): void {
    if (options.reverse === true || this.config_.oneClickConsent === false) {
      this.start(options);
      return;
    }
    if (this.state_.kind_ !== Phase.IDLE) return;
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
    const stored = this.carried_;
    this.carried_ = null;
    if (this.state_.kind_ !== Phase.IDLE || this.config_.error) {
      if (stored && !stored.tab) this.memory_.clear_();
      return;
    }
    if (stored) {
      const { key, token, tab, ...mode } = stored;
      this.mode_ = { ...mode, watching: mode.reverseOnly || mode.watching };
      this.resume_(key, token, tab, tab ? "tab" : "navigate");
    } else if (handoff) {
      const accept = () => this.state_.kind_ === Phase.IDLE && (this.resume_(null, handoff, false, "crossdomain"), true);
      this.events.emit("urlstartwarning", prompt(this.events, accept, () => undefined));
    }
  }

  /** Carry the session to `url` (a page on another of the group's trusted domains). */
  crossDomain(url: string): void {
    if (!linked(this.state_)) {
      console.warn("[Tandem] crossDomain() needs a running session");
      return;
    }
    this.state_.handoffTo_ = url;
    this.send_({ t: "handoff" });
  }

  private resume_(key: string | null, token: string, tab: boolean, why: "navigate" | "tab" | "crossdomain"): void {
    this.state_ = { kind_: Phase.CONTINUING, key_: key, token_: token, tab_: tab, dropped_: false };
    this.events.emit("sessioncontinue");
    if (!this.mode_.watching) this.recording_.preload_();
    this.connect_({ t: "resume", token, why, ...currentPage() });
  }

  stop(): void {
    if (this.state_.kind_ === Phase.IDLE) return;
    this.sendLinked_({ t: "stop" });
    if (this.state_.kind_ === Phase.STARTING) {
      // Glance: sessionstarting is always followed by sessionstart or error.
      this.fail_("service", "The session was stopped before it started.", { stopped: true });
      return;
    }
    this.events.emit("leavesession");
    this.end_("visitor");
  }

  /** Pause (true) or resume (false) the session: while paused nothing of the page is sent
   * and the agents are told; resuming sends a fresh snapshot. False when not in a session. */
  pause(paused: boolean): boolean {
    if (!this.inSession()) return false;
    if (this.mode_.paused === paused) return true;
    this.mode_ = { ...this.mode_, paused };
    this.remember_();
    this.sendLinked_({ t: "pause", paused });
    if (paused) this.recording_.stop_();
    else this.record_();
    return true;
  }

  isPaused(): boolean {
    return this.inSession() && this.mode_.paused;
  }

  /** Glance's enableRC: true accepts the open remote control request, or else gives
   * control to the agent who joined last; false ends remote control. */
  enableRc(enable: boolean): boolean {
    const state = this.state_;
    if (!linked(state)) return false;
    if (!enable) this.endRemoteControl();
    else if (state.pendingRc_) state.pendingRc_();
    else return state.lastAgent_ > 0 && this.giveControl(state.lastAgent_);
    return true;
  }

  /** A message for the session's agents (their chat panel); false when not in a session. */
  sendMessage(data: unknown): boolean {
    if (!linked(this.state_) || data === undefined || data === null) return false;
    this.send_({ t: "message", data });
    return true;
  }

  /** Hand control to the agent with client index `to`, unasked (0: take it back). */
  giveControl(to: number): boolean {
    if (!linked(this.state_) || !Number.isInteger(to) || to < 0) return false;
    this.send_({ t: "rc_give", to });
    return true;
  }

  /** End remote control from the visitor's side. */
  endRemoteControl(): void {
    if (linked(this.state_) && this.state_.rc_) this.send_({ t: "rc", enabled: false });
  }

  /** The session's socket: `hello` on the first connection, `resume` on the next ones,
   * which come while the session lasts, for `reconnectMs` at most after a drop. */
  private connect_(hello: VisitorToServer): void {
    let retried = false;
    let blocked = false; // the page's policy refuses the socket
    let timedOut = false; // the last attempt did not open in time
    let failingSince = 0; // when the first of the failures in a row came
    let refuse = () => {}; // fails the attempt under way if it is not open yet
    const giveUpAfter = this.config_.reconnectMs;
    // A socket the page's policy refuses is not tried again: the session fails at once.
    this.unwatchPolicy_ = watchPolicy(this.config_.socket, () => {
      blocked = true;
      refuse();
    });
    this.socket_ = openSocket<ServerToVisitor, VisitorToServer>({
      url_: this.config_.socket,
      onFrame_: (frame) => (this.frames_[frame.t] as (frame: ServerToVisitor) => void)(frame),
      onStatus_: (status) => {
        const token = this.state_.kind_ === Phase.LIVE || this.state_.kind_ === Phase.CONTINUING ? this.state_.token_ : null;
        if (status === "open") this.send_(retried && token ? { t: "resume", token, why: "reconnect", ...currentPage() } : hello);
        else if (status === "reconnecting") {
          retried = true;
          timedOut = false; // of the next attempt
          this.dropped_();
        }
        else if (status === "closed") this.lost_(blocked, timedOut);
      },
      // No close code is permanent: the server ends a session with `ended`.
      isWelcome_: (frame) => frame.t === "started" || frame.t === "resumed",
      // A session that never started has nothing to come back to; one that did, until
      // `reconnectMs` after the first failure in a row (the last wait cut to end there).
      next_: (detail, wait) => {
        const now = Date.now();
        if (detail.attempt_ === 1) failingSince = now;
        const left = giveUpAfter - (now - failingSince);
        return blocked || left <= 0 || this.state_.kind_ === Phase.STARTING ? null : Math.min(wait, left);
      },
      minDelayMs_: 500,
      maxDelayMs_: 5000,
      // An attempt not open in time is given up (a proxy or firewall that swallows it).
      attempt_: (socket, fail) => {
        refuse = () => socket.readyState === ReadyState.CONNECTING && fail();
        const timer = setTimeout(() => socket.readyState === ReadyState.CONNECTING && ((timedOut = true), fail()), CONNECT_TIMEOUT_MS);
        return () => clearTimeout(timer);
      },
    });
  }

  private send_(frame: VisitorToServer): void {
    this.socket_?.send(frame);
  }

  /** Send if the server has this page's socket attached to the session. */
  private sendLinked_(frame: VisitorToServer): void {
    if (linked(this.state_)) this.send_(frame);
  }

  /** The socket dropped; it comes back by itself. */
  private dropped_(): void {
    const state = this.state_;
    if (reconnecting(state)) return;
    if (state.kind_ === Phase.LIVE) state.link_ = "down";
    else if (state.kind_ === Phase.CONTINUING) state.dropped_ = true;
    this.events.emit("connection", { status: "reconnecting" });
  }

  /** The socket is gone for good: it could not be made (the page's policy `blocked` it, its
   * last attempt `timedOut`), or not made again in time. */
  private lost_(blocked: boolean, timedOut: boolean): void {
    this.socket_ = null;
    const why = blocked ? BLOCKED_BY_POLICY : timedOut ? TIMED_OUT : "";
    if (blocked) {
      const origin = new URL(this.config_.socket).origin;
      console.error(
        `[Tandem] this page's Content-Security-Policy blocks the co-browsing socket: add ${origin} to its connect-src (see docs/integrating.md)`,
      );
    }
    if (this.state_.kind_ === Phase.STARTING) {
      // conndrop: the connection could not be made at all (a policy, a timeout); service:
      // the server turned the socket away.
      this.fail_(why ? "conndrop" : "service", `Could not reach the co-browsing service.${why}`);
    } else if (this.state_.kind_ !== Phase.IDLE) {
      this.giveUp_(`Lost the connection to the co-browsing service.${blocked ? why : ""}`);
    }
  }

  // The server's frames, one handler each.
  private readonly frames_: FrameHandlers = {
    started: (frame) => this.started_(frame),
    resumed: (frame) => this.resumed_(frame),
    rc_requested: (frame) => this.rcRequested_(frame.req),
    rc: (frame) => {
      this.setRc_(frame.enabled);
      this.events.emit(CONTROL_EVENT, { to: frame.to ?? 0 });
    },
    accessibility: ({ enabled }) => {
      if (this.state_.kind_ === Phase.LIVE) this.state_.info_.accessibility = enabled;
      this.events.emit("accessibility", { enabled });
    },
    handoff: (frame) => this.goWithHandoff_(frame.token),
    input: (frame) => this.applyInput_(frame),
    agents: (frame) => this.agents_(frame),
    message: ({ data, origin, from, name, at }) => this.events.emit(MESSAGE_EVENT, { data, origin, from, name, at }),
    snapshot: (frame) => {
      this.recording_.snapshot_(frame.to);
      this.sendPaused_(); // an agent that just joined learns why no snapshot comes
    },
    blur: () => this.focus_(false),
    focus: () => this.focus_(true),
    ended: (frame) => this.end_(END_REASONS[frame.reason] ?? "error"),
    // The server sends marks to the focused tab; a tab that just lost it drops them.
    pointer: (frame) => this.mark_(frame),
    pointer_hide: (frame) => this.mark_(frame),
    draw: (frame) => this.mark_(frame),
    draw_clear: (frame) => this.mark_(frame),
    share: (frame) => this.recording_.media_(frame),
    share_paused: (frame) => this.recording_.media_(frame),
    share_resumed: (frame) => this.recording_.media_(frame),
    rtc: (frame) => this.recording_.media_(frame),
    reverse: (frame) => this.reversed_(frame),
    error: (frame) => this.refused_(frame.code, frame.msg),
  };

  private started_(frame: Frame<"started">): void {
    this.attach_(live(frame.key, frame.resume, sessionInfo(frame.state)));
    this.events.emit("sessionstart");
    this.sendPaused_();
    this.events.emit("agents", { count: frame.agents, names: frame.state.agent_names ?? [] });
    this.record_();
  }

  private resumed_(frame: Frame<"resumed">): void {
    const before = this.state_;
    const info = sessionInfo(frame.state);
    const back = { key_: frame.key, token_: frame.resume, info_: info, link_: "up", focused_: true } as const;
    this.attach_(before.kind_ === Phase.LIVE ? { ...before, ...back } : live(frame.key, frame.resume, info));
    this.sendPaused_();
    if (reconnecting(before)) this.events.emit("connection", { status: "ok" });
    if (before.kind_ === Phase.LIVE) {
      // Whatever changed while the socket was down never reached the agents.
      if (this.recording_.recording_) this.recording_.snapshot_(null);
      else this.record_();
      return;
    }
    this.events.emit("statereceived");
    this.events.emit("agents", { count: frame.agents, names: frame.state.agent_names ?? [] });
    // Control and accessibility mode from an earlier page carry on here.
    if (frame.state.rc) this.setRc_(true);
    if (frame.state.accessibility) this.events.emit("accessibility", { enabled: true });
    this.record_();
  }

  private agents_({ count, names = [], viewer }: Frame<"agents">): void {
    const state = this.state_;
    if (state.kind_ === Phase.LIVE) Object.assign(state.info_, { agents: count, agentNames: names });
    this.events.emit("agents", { count, names });
    if (!viewer) return;
    // Who came or went: for facades that name viewers (Surfly's viewer_joined/left).
    this.events.emit(VIEWER_EVENT, { count, ...viewer });
    if (state.kind_ !== Phase.LIVE) return;
    if (viewer.joined) state.lastAgent_ = viewer.index;
    else if (viewer.index === state.lastAgent_) state.lastAgent_ = 0;
  }

  /** Another tab took the session's focus (false), or this one has it again (true). */
  private focus_(focused: boolean): void {
    const state = this.state_;
    if (state.kind_ !== Phase.LIVE || state.focused_ === focused) return;
    state.focused_ = focused;
    if (!focused) {
      this.recording_.stop_();
      this.events.emit("blur");
      return;
    }
    this.events.emit("focus");
    this.sendPaused_();
    this.record_();
  }

  private mark_(frame: Frame<"pointer" | "pointer_hide" | "draw" | "draw_clear">): void {
    if (this.state_.kind_ !== Phase.LIVE || this.state_.focused_) this.recording_.annotate_(frame);
  }

  private reversed_(frame: Frame<"reverse">): void {
    this.mode_ = { ...this.mode_, watching: this.mode_.reverseOnly || frame.state === "accepted" };
    this.remember_();
    if (this.mode_.watching) this.recording_.stop_();
    this.recording_.media_(frame);
  }

  private goWithHandoff_(token: string): void {
    const target = this.state_.kind_ === Phase.LIVE ? this.state_.handoffTo_ : null;
    if (this.state_.kind_ === Phase.LIVE) this.state_.handoffTo_ = null;
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
  private rcRequested_(req: number): void {
    const answer = (frame: VisitorToServer) => () => {
      const state = this.state_;
      if (!linked(state)) return false;
      if (state.pendingRc_ === payload.accept) state.pendingRc_ = null;
      this.send_(frame);
      return true;
    };
    const payload = prompt(this.events, answer({ t: "rc", enabled: true, req }), answer({ t: "rc_decline", req }));
    if (this.state_.kind_ === Phase.LIVE) this.state_.pendingRc_ = payload.accept;
    this.events.emit("rcrequested", payload);
  }

  /** Tell the server (again, on a new socket or a regained focus) that the visitor paused. */
  private sendPaused_(): void {
    if (this.mode_.paused) this.send_({ t: "pause", paused: true });
  }

  private setRc_(enabled: boolean): void {
    const state = this.state_;
    if (state.kind_ === Phase.LIVE) {
      state.rc_ = enabled;
      state.pendingRc_ = null;
      state.info_.rc = enabled;
    }
    this.events.emit("rc", { enabled });
  }

  private applyInput_(frame: AgentInput & { rid: string }): void {
    if (this.state_.kind_ !== Phase.LIVE || !this.state_.rc_ || !this.recording_.recording_) return;
    const refusal = this.recording_.apply_(frame);
    if (refusal) this.send_({ t: "rc_refused", to: frame.rid, msg: refusal });
  }

  private record_(): void {
    if (!this.mode_.watching) void this.recording_.start_(); // not even the recorder's code is needed
  }

  /** The server attached this page's socket to the session (`state`). */
  private attach_(state: Live): void {
    this.state_ = state;
    this.remember_();
    for (const name of FOCUS_EVENTS) window.addEventListener(name, this.takeFocus_, true);
    document.addEventListener("visibilitychange", this.showVisibility_);
    if (document.hidden) this.showVisibility_();
  }

  private readonly takeFocus_ = () => {
    if (linked(this.state_) && !this.state_.focused_) this.send_({ t: "focus" });
  };

  // Agents are told when the visitor is in another tab or window (`visitor` presence).
  private readonly showVisibility_ = () => this.sendLinked_({ t: "visibility", hidden: document.hidden });

  /** The tab remembers the session and how it records, for its next page. */
  private remember_(): void {
    const state = this.state_;
    if ((state.kind_ === Phase.LIVE || state.kind_ === Phase.CONTINUING) && state.key_) {
      this.memory_.write_({ key: state.key_, token: state.token_, ...this.mode_ });
    }
  }

  private refused_(code: string, msg: string): void {
    console.warn(`[Tandem] ${code}: ${msg}`);
    const state = this.state_;
    if (state.kind_ === Phase.STARTING) {
      // Glance's code for a key another running session has.
      this.fail_(code === ErrorCode.KEY_IN_USE && state.ownKey_ ? "dupkey" : "service", msg);
    } else if (linked(state)) {
      return;
    } else if (code === ErrorCode.ENDED || (state.kind_ === Phase.CONTINUING && state.tab_)) {
      // The session ended while this page loaded or was away (or, for a new tab, the
      // session the site's other tabs shared is over or its token too old).
      this.end_("error");
    } else {
      // The server will not take this page back (a forged or expired token).
      this.memory_.clear_();
      if (reconnecting(state)) this.giveUp_(msg);
      else this.fail_("service", msg);
    }
  }

  private giveUp_(msg: string): void {
    this.memory_.clear_();
    this.teardown_();
    this.events.emit("error", { code: "conndrop", msg });
    this.events.emit("sessionend", { reason: "error" });
  }

  private fail_(code: SessionError["code"], msg: string, extra: { stopped?: boolean } = {}): void {
    this.teardown_();
    this.events.emit("error", { code, msg, ...extra });
  }

  private end_(reason: EndReason): void {
    const wasInSession = this.inSession();
    this.memory_.clear_();
    this.teardown_();
    if (wasInSession) this.events.emit("sessionend", { reason });
  }

  private teardown_(): void {
    this.state_ = IDLE;
    this.mode_ = NO_MODE;
    for (const name of FOCUS_EVENTS) window.removeEventListener(name, this.takeFocus_, true);
    document.removeEventListener("visibilitychange", this.showVisibility_);
    this.recording_.end_();
    this.unwatchPolicy_();
    this.socket_?.close();
    this.socket_ = null;
  }
}
