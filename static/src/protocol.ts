// The wire protocol as TypeScript types: the same frames as cobrowse/protocol.py and
// docs/protocol.md. rrweb events travel inside mirror frames untouched.
import type { eventWithTime } from "@rrweb/types";

export type ErrorFrame = { t: "error"; code: string; msg: string };

/** Close codes the server sends (cobrowse/protocol.py CloseCode; docs/protocol.md "Errors"). */
export const CloseCode = {
  NORMAL: 1000,
  ENDED: 4000, // the session ended, or a unique presence id expired
  GROUPS_CHANGED: 4001, // dashboard: the agent's groups changed; the page reconnects
  UNAUTHENTICATED: 4401,
  FORBIDDEN: 4403,
  NOT_FOUND: 4404,
  SLOW: 4408, // the client did not read what the server sent it
  TOO_BIG: 4413,
  RATE_LIMITED: 4429,
  INTERNAL: 4500,
} as const;

/** An rrweb batch: whole (`e`) or one chunk (`part` of `parts`, JSON text slice `d`). */
export type MirrorFrame = {
  t: "ev" | "snap";
  s: number;
  to?: string[];
  /** On snapshots: the visitor page the node ids that follow belong to. */
  p?: string;
  e?: eventWithTime[];
  part?: number;
  parts?: number;
  d?: string;
};

export type VisitorToServer =
  // `name`, `email`, `phone`: who the visitor is, as the page says (Glance's start parameters).
  | ({ t: "start"; site: string; key: string | null; ua: string; reverse?: boolean } & VisitorInfo & PageInfo)
  | ({ t: "resume"; token: string; why: "navigate" | "tab" | "reconnect" | "crossdomain" } & PageInfo)
  | { t: "focus" }
  /** The tab was hidden (another tab or window in front of it) or shown again. */
  | { t: "visibility"; hidden: boolean }
  | { t: "handoff" }
  // `req`: the request answered (rcrequested's `req`); needed to accept.
  | { t: "rc"; enabled: boolean; req?: number }
  | { t: "rc_decline"; req: number }
  | { t: "rc_give"; to: number }
  | { t: "rc_refused"; to: string; msg: string }
  | { t: "message"; data: unknown }
  | MirrorFrame
  | { t: "rtc"; peer: string; kind: "ready" | "answer" | "ice" | "bye"; data: RtcData }
  | { t: "reverse"; accept: boolean }
  | { t: "stop" };

/** Where an agent's screen share or webcam shows on the visitor's page (Glance's names). */
export type ShareView = "glance_screenshare" | "glance_agentvideo";
/** A share's lifecycle as visitor pages hear it (Glance's `screenshare` event states). */
export type ShareState = "new" | "continued" | "ended";
/** A reverse session: the agent invites the visitor to watch the agent's screen. */
export type ReverseState = "" | "invited" | "accepted" | "declined" | "ended";
/** WebRTC signalling payload: an RTCSessionDescriptionInit, an RTCIceCandidateInit, or {}. */
export type RtcData = Record<string, unknown>;
/** One WebRTC signalling message between the sharing agent and one view iframe (`peer`). */
export type RtcFrame = { t: "rtc"; peer: string; kind: string; data: RtcData };
/** The share running in a session, as a joining agent learns it; `by` is the sharer's client index. */
export type ShareInfo = { view: ShareView; paused: boolean; by: number };

/** Who the visitor is, as its page said (Glance's start parameters); each may be absent. */
export type VisitorInfo = { name?: string; email?: string; phone?: string };

/** An agent who joined (or left) a session: `index` is Surfly's clientIndex (visitor 0). */
export type ViewerInfo = { index: number; name: string; joined: boolean };

/** A chat message inside a session; `from` is the sender's client index (visitor 0). */
/** `at`: when the server relayed it, ms since the epoch. */
export type SessionMessage = { t: "message"; data: unknown; origin: string; from: number; name: string; at: number };

/** What a page learns of its session when it starts or rejoins it (getSessionState). */
export type VisitorSessionState = { key: string; agents: number; rc: boolean; accessibility: boolean };

/** One input of an agent in control, addressed by rrweb mirror node id. */
export type AgentInput = {
  kind: "click" | "input" | "scroll";
  /** The page (from its latest snapshot) that `id` belongs to. */
  p?: string;
  id: number;
  value?: string | boolean;
  x?: number;
  y?: number;
};

export type ServerToVisitor =
  | { t: "started" | "resumed"; key: string; agents: number; resume: string; state: VisitorSessionState }
  | { t: "blur" }
  | { t: "focus" }
  | { t: "rcrequested"; agent: string; req: number }
  | { t: "accessibility"; enabled: boolean }
  | { t: "handoff"; token: string }
  /** `to`: the client index of the agent holding control; 0 when the visitor has it. */
  | { t: "rc"; enabled: boolean; to: number }
  | ({ t: "input"; rid: string } & AgentInput)
  | { t: "agents"; count: number; viewer?: ViewerInfo }
  | SessionMessage
  | { t: "snapshot"; to: string[] }
  | { t: "ended"; reason: string }
  | { t: "share"; view: ShareView; state: ShareState; paused: boolean }
  | { t: "share_paused" | "share_resumed"; view: ShareView }
  | RtcFrame
  | { t: "reverse"; state: ReverseState }
  | ErrorFrame;

export type AgentToServer =
  | { t: "resync" }
  | { t: "rc_request" }
  | { t: "accessibility"; enabled: boolean }
  | { t: "rc_end" }
  | { t: "message"; data: unknown }
  | ({ t: "input" } & AgentInput)
  | { t: "share_start"; view: ShareView }
  | { t: "share_pause" | "share_resume" | "share_stop" }
  | { t: "rtc"; peer: string; kind: "offer" | "ice" | "bye"; data: RtcData }
  | { t: "reverse_invite" | "reverse_end" }
  /** End the session for everyone (the visitor hears `ended` with reason "agent_ended"). */
  | { t: "end" };

/** Where the visitor is, as agents hear it: with the session (`here`), every tab of it gone
 * (`away`: navigating or closed; `since` epoch ms, `grace` seconds to come back before the
 * session ends), or its tab hidden behind another tab or window (`blurred`). */
export type VisitorPresence =
  | { state: "here" | "blurred" }
  | { state: "away"; since: number; grace: number };

export type ServerToAgent =
  /** A new session started in this session's group (the viewer tells its agent). */
  | { t: "session_new"; session: SessionSummary }
  | {
      t: "joined";
      key: string;
      group: number;
      site: string;
      userAgent: string;
      visitor: VisitorInfo;
      agents: number;
      /** This agent's client index in the session. */
      index: number;
      rc: boolean;
      /** Who holds control now: an agent's client index, 0 for the visitor. */
      rcTo: number;
      accessibility: boolean;
      /** The share running when this agent joined, if any. */
      share: ShareInfo | null;
      reverse: ReverseState;
      /** The session exists only for a reverse session: the visitor's page is never shown. */
      reverseOnly: boolean;
      /** Where the visitor is as this agent joins. */
      presence: VisitorPresence;
      /** When the session started, epoch milliseconds. */
      started: number;
    }
  /** `enabled`: this agent may act on the page; `to`: who holds control (0: the visitor). */
  | { t: "rc"; enabled: boolean; to: number }
  | { t: "accessibility"; enabled: boolean }
  | ({ t: "visitor" } & VisitorPresence)
  | { t: "rc_pending"; agent: string }
  | { t: "rc_declined" }
  | MirrorFrame
  | { t: "agents"; count: number; viewer?: ViewerInfo }
  | SessionMessage
  | { t: "ended"; reason: string }
  | ({ t: "share"; state: ShareState } & ShareInfo)
  /** Only to the sharing agent: a view iframe's signalling (`ready`, `answer`, `ice`, `bye`). */
  | RtcFrame
  | { t: "reverse"; state: ReverseState }
  | ErrorFrame;

/** The visitor's page as the dashboards show it: origin and path (no query or fragment)
 * and title, each optional on the wire (max 500 / 200 characters). */
export type PageInfo = { url?: string; title?: string };

export type SessionSummary = {
  key: string;
  group: number;
  groupName: string;
  site: string;
  startedAt: string;
  userAgent: string;
  visitor: VisitorInfo;
  agents: number;
  /** The page the visitor started or last continued the session on ("" when unknown). */
  page: { url: string; title: string };
};

/** A visitor online (presence), as the dashboard lists it. */
export type VisitorSummary = {
  group: number;
  visitorid: string;
  url: string;
  title: string;
  browser: string;
  data: Record<string, string | number>;
  since: number;
};

export type DashboardToServer =
  | { t: "signal"; group: number; visitorid: string; mtype: "signal" | "invoke"; data: unknown }
  | { t: "lookup"; group: number; visitorid: string }
  | { t: "availability"; available: boolean };

export type ServerToDashboard =
  // Lists come in parts below the server's send limit: part 0 replaces, the rest extend.
  | { t: "sessions"; sessions: SessionSummary[]; part?: number; parts?: number }
  | { t: "visitors"; visitors: VisitorSummary[]; part?: number; parts?: number }
  | { t: "visitor"; visitor: VisitorSummary }
  | { t: "visitor_gone"; group: number; visitorid: string }
  | { t: "signaled"; visitorid: string; mtype: "signal" | "invoke"; id: number; online: boolean }
  /** A page took signal/invoke `id` (`shown`: a handler or the default UI showed it). */
  | { t: "delivered"; group: number; visitorid: string; id: number; shown: boolean }
  | { t: "found"; group: number; visitorid: string; visitor: VisitorSummary | null }
  | { t: "session"; session: SessionSummary }
  | { t: "session_ended"; key: string }
  | { t: "agents"; key: string; count: number }
  | { t: "availability"; available: boolean }
  | { t: "terms"; group: number; visitorid: string; status: TermsStatus; key: string | null }
  | ErrorFrame;

/** A visitor page's presence socket (presence/protocol.py): what the page sends. */
export type PresenceClientFrame =
  | { t: "hello"; visitorid?: string; visitorsig?: string; unique?: boolean }
  | { t: "presence"; url?: string; title?: string; browser?: string; data?: Record<string, string | number> }
  | { t: "ping" }
  | { t: "ack"; id: number; shown?: boolean }
  | { t: "focus" }
  | { t: "extend" }
  | { t: "terms"; status: TermsStatus; key?: string };

/** How the visitor answered an agent's one-click co-browse (Glance's presence `terms`). */
export type TermsStatus = "displayed" | "accepted" | "declined";

/** A visitor page's presence socket: what the server sends. */
export type PresenceServerFrame =
  | { t: "connected"; visitorid: string }
  | { t: "unique"; visitorid: string; seconds: number }
  | { t: "extended"; seconds: number }
  | { t: "signal"; id: number; data: unknown }
  | { t: "invoke"; id: number; func: string; args?: Record<string, unknown> | null }
  | { t: "blur" }
  | { t: "focus" }
  | ErrorFrame;
