// Where a visitor page's session stands, as one value: the session client (session.ts)
// moves it idle -> starting | continuing -> live -> idle. What a variant does not carry
// does not exist in that state (no key while starting, no link while continuing). Its
// fields end in "_": the bundle shortens them (static/build.mjs); none is stored or sent.

/** What getSessionState() tells the page (Glance's `{key, agents, rc, accessibility}`). */
export type SessionInfo = {
  key: string;
  agents: number;
  rc: boolean;
  accessibility: boolean;
  [name: string]: unknown;
};

/** How the session records, kept with the tab's memory so its next page does the same:
 * `watching`, in an accepted reverse session (the visitor watches the agent);
 * `reverseOnly`, a session made only for a reverse session (no page ever records);
 * `paused`, the visitor paused it (pauseSession) until resumed. */
export type Mode = { watching: boolean; reverseOnly: boolean; paused: boolean };

/** The variants of SessionState (inlined by the bundler). */
export const enum Phase {
  IDLE,
  STARTING,
  CONTINUING,
  LIVE,
}

export type SessionState =
  | { kind_: Phase.IDLE }
  /** Asked the server for a new session; `ownKey_`: with a key the page chose. */
  | { kind_: Phase.STARTING; ownKey_: boolean }
  /** A new page asked to rejoin its session (`key_` null for one handed over from another
   * domain); `tab_`: the session of the site's other tabs, which this tab joins;
   * `dropped_`: the socket dropped before the server answered. */
  | { kind_: Phase.CONTINUING; key_: string | null; token_: string; tab_: boolean; dropped_: boolean }
  | Live;

/** In the session. `link_` "down": the socket dropped and is coming back. `focused_`: this
 * tab has the session's focus (another tab of it may). `rc_`: an agent has control;
 * `pendingRc_` accepts the open control request; `lastAgent_` is the client index of the
 * agent who joined last; `handoffTo_`, the page a handoff token was asked for. */
export type Live = {
  kind_: Phase.LIVE;
  key_: string;
  token_: string;
  info_: SessionInfo;
  link_: "up" | "down";
  focused_: boolean;
  rc_: boolean;
  pendingRc_: (() => void) | null;
  lastAgent_: number;
  handoffTo_: string | null;
};

export const IDLE: SessionState = { kind_: Phase.IDLE };

export const NO_MODE: Mode = { watching: false, reverseOnly: false, paused: false };

/** The live state a `started` or `resumed` frame brings. */
export function live(key: string, token: string, info: SessionInfo): Live {
  return { kind_: Phase.LIVE, key_: key, token_: token, info_: info, link_: "up", focused_: true, rc_: false, pendingRc_: null, lastAgent_: 0, handoffTo_: null };
}

/** Whether the server has this page's socket attached to the session. */
export function linked(state: SessionState): state is Live {
  return state.kind_ === Phase.LIVE && state.link_ === "up";
}

/** The socket dropped and is coming back (`connection {status: "reconnecting"}`). */
export function reconnecting(state: SessionState): boolean {
  return state.kind_ === Phase.LIVE ? state.link_ === "down" : state.kind_ === Phase.CONTINUING && state.dropped_;
}
