// The session's events, typed: Glance's visitor events (GLANCE.Cobrowse.Visitor's
// addEventListener, ../shared/reference/glance-cobrowse-visitor-events.txt, as
// docs/compatibility.md lists them) and Tandem's own, name -> payload, so that an event
// fired or handled with the wrong payload fails `tsc`.
import type { ShareState, ShareView, ViewerInfo } from "../protocol";

/** Why a session ended, as Glance's `sessionend` says it. */
export type EndReason = "agent" | "visitor" | "error";

/** Glance's `error` codes Tandem fires (`stopped`: the page stopped a session still starting). */
export type SessionError = { code: "service" | "conndrop" | "dupkey"; msg: string; stopped?: boolean };

/** A prompt's payload (rcrequested, reverseconfirm, urlstartwarning, sessionconfirm). */
export type Prompt = { accept(): void; decline(): void; readonly answered?: boolean };

type ScreenSize = { width: number; height: number };

/** Glance's viewerinfo: everything the first time, then only what changed. */
export type ViewerInfoChanges = {
  screen?: ScreenSize;
  scaledview?: ScreenSize;
  glance_viewer?: { stats: { fpslimit?: number; viewerfps?: number; displayfps?: number } };
};

/** A session message (chat) for the page: who sent it (client index and name) and when. */
export type ChatMessage = { data: unknown; origin: string; from: number; name: string; at: number };

/** Tandem's own: the visitor answered a reverse-session invitation, in this tab or another
 * (`{accepted}`); a confirm dialog still open for it is moot. */
export const REVERSE_ANSWERED_EVENT = "tandem:reverseanswered";

/** An agent asks to start a session (a startSession invoke): `{sessionKey, accept, decline}`.
 * Nothing is recorded or even connected before `accept()`. */
export const SESSION_CONFIRM_EVENT = "sessionconfirm";

/** A session message (chat) for the page: `{data, origin, from, name, at}`. */
export const MESSAGE_EVENT = "tandem:message";

/** Tandem's own: a prompt (rcrequested, urlstartwarning, sessionconfirm) was answered,
 * by the default UI or by the page's own handler; the payload is the prompt's. The
 * default UI closes its dialog for that prompt. */
export const ANSWERED_EVENT = "tandem:answered";

/** Who came or went: for facades that name viewers (Surfly's viewer_joined/left). */
export const VIEWER_EVENT = "tandem:viewer";

/** Control moved: `{to}`, the holding agent's client index, 0 when it is the visitor's. */
export const CONTROL_EVENT = "tandem:control";

/** The hidden method of GLANCE.Cobrowse.Visitor a presence invoke of startSession calls. */
export const START_FOR_AGENT = "tandemStartForAgent";

/** Every event of the session, name -> payload (`undefined`: fired without one). */
export type VisitorEvents = {
  sessionstarting: undefined;
  sessionstart: undefined;
  sessioncontinue: undefined;
  statereceived: undefined;
  sessionend: { reason: EndReason };
  /** The visitor ended the session (stopSession), before `sessionend`. */
  leavesession: undefined;
  error: SessionError;
  /** `names`: who watches, for the default UI's "Ana is viewing" (Glance's has only count). */
  agents: { count: number; names: string[] };
  blur: undefined;
  focus: undefined;
  rcrequested: Prompt;
  rc: { enabled: boolean };
  accessibility: { enabled: boolean };
  reverseconfirm: Prompt;
  reverseended: undefined;
  screenshare: { screenshareView: ShareView; state: ShareState; paused: boolean };
  screensharepause: { screenshareView: ShareView };
  screenshareresume: { screenshareView: ShareView };
  viewerinfo: { screenshareView: ShareView } & ViewerInfoChanges;
  connection: { status: "ok" | "reconnecting" };
  urlstartwarning: Prompt;
  [SESSION_CONFIRM_EVENT]: Prompt & { sessionKey?: string };
  [MESSAGE_EVENT]: ChatMessage;
  [ANSWERED_EVENT]: Prompt;
  [REVERSE_ANSWERED_EVENT]: { accepted: boolean };
  [VIEWER_EVENT]: { count: number } & ViewerInfo;
  [CONTROL_EVENT]: { to: number };
};

export type EventName = keyof VisitorEvents;
export type Handler<K extends EventName> = (payload: VisitorEvents[K]) => void;
/** `emit`'s arguments after the name: the payload, none for an event without one. */
type Payload<K extends EventName> = VisitorEvents[K] extends undefined ? [] : [VisitorEvents[K]];

/** The session's emitter; the page's addEventListener reaches it with any name. */
export class Emitter {
  private listeners_ = new Map<string, Set<Handler<never>>>();

  on<K extends EventName>(name: K, fn: Handler<K>): void {
    if (typeof fn !== "function") return;
    let set = this.listeners_.get(name);
    if (!set) this.listeners_.set(name, (set = new Set()));
    set.add(fn);
  }

  off<K extends EventName>(name: K, fn: Handler<K>): void {
    this.listeners_.get(name)?.delete(fn);
  }

  emit<K extends EventName>(name: K, ...[payload]: Payload<K>): void {
    for (const fn of [...(this.listeners_.get(name) ?? [])]) {
      try {
        (fn as Handler<K>)(payload as VisitorEvents[K]);
      } catch (error) {
        // One integrator handler failing must not stop the others, or the session.
        console.error(`[Tandem] a '${name}' listener threw`, error);
      }
    }
  }
}

/** A message's text when its data is text (a string or `{text: string}`), else null: only
 * text is shown by the default UI (chat, presence signals); other data is the page's. */
export function messageText(data: unknown): string | null {
  if (typeof data === "string") return data;
  if (data && typeof data === "object" && typeof (data as { text?: unknown }).text === "string") {
    return (data as { text: string }).text;
  }
  return null;
}

/** A prompt's `{accept, decline}`: the first call that is taken (its function returns
 * anything but false) answers it, later calls do nothing; ANSWERED_EVENT then fires. The
 * non-enumerable `answered` lets a dialog opened after the answer close at once. */
export function prompt<Extra extends object>(
  events: Emitter,
  onAccept: () => boolean | void,
  onDecline: () => boolean | void,
  extra = {} as Extra,
): Prompt & Extra {
  let answered = false;
  const payload = { ...extra } as Prompt & Extra;
  const answer = (run: () => boolean | void) => () => {
    if (answered || run() === false) return;
    answered = true;
    events.emit(ANSWERED_EVENT, payload);
  };
  payload.accept = answer(onAccept);
  payload.decline = answer(onDecline);
  Object.defineProperty(payload, "answered", { get: () => answered });
  return payload;
}
