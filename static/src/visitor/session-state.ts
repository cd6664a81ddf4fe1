// Where a visitor page's session stands, as one value: the session client (session.ts)
// moves it idle -> starting | continuing -> live -> idle. What a variant does not carry
// does not exist in that state (no key while starting, no link while continuing).

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

export type SessionState =
  | { kind: "idle" }
  /** Asked the server for a new session; `ownKey`: with a key the page chose. */
  | { kind: "starting"; ownKey: boolean }
  /** A new page asked to rejoin its session (`key` null for one handed over from another
   * domain); `tab`: the session of the site's other tabs, which this tab joins;
   * `dropped`: the socket dropped before the server answered. */
  | { kind: "continuing"; key: string | null; token: string; tab: boolean; dropped: boolean }
  | Live;

/** In the session. `link` "down": the socket dropped and is coming back. `focused`: this
 * tab has the session's focus (another tab of it may). `rc`: an agent has control;
 * `pendingRc` accepts the open control request; `lastAgent` is the client index of the
 * agent who joined last; `handoffTo`, the page a handoff token was asked for. */
export type Live = {
  kind: "live";
  key: string;
  token: string;
  info: SessionInfo;
  link: "up" | "down";
  focused: boolean;
  rc: boolean;
  pendingRc: (() => void) | null;
  lastAgent: number;
  handoffTo: string | null;
};

export const IDLE: SessionState = { kind: "idle" };

export const NO_MODE: Mode = { watching: false, reverseOnly: false, paused: false };

/** The live state a `started` or `resumed` frame brings. */
export function live(key: string, token: string, info: SessionInfo): Live {
  return { kind: "live", key, token, info, link: "up", focused: true, rc: false, pendingRc: null, lastAgent: 0, handoffTo: null };
}

/** Whether the server has this page's socket attached to the session. */
export function linked(state: SessionState): state is Live {
  return state.kind === "live" && state.link === "up";
}

/** The socket dropped and is coming back (`connection {status: "reconnecting"}`). */
export function reconnecting(state: SessionState): boolean {
  return state.kind === "live" ? state.link === "down" : state.kind === "continuing" && state.dropped;
}
