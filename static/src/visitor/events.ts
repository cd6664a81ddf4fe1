// A small typed event emitter for the visitor API's addEventListener/removeEventListener.
export type Listener = (payload?: unknown) => void;

/** Tandem's own: the visitor answered a reverse-session invitation, in this tab or another
 * (`{accepted}`); a confirm dialog still open for it is moot. */
export const REVERSE_ANSWERED_EVENT = "tandem:reverseanswered";

/** An agent asks to start a session (a startSession invoke): `{sessionKey, accept, decline}`.
 * Nothing is recorded or even connected before `accept()`. */
export const SESSION_CONFIRM_EVENT = "sessionconfirm";

/** The hidden method of GLANCE.Cobrowse.Visitor a presence invoke of startSession calls. */
export const START_FOR_AGENT = "tandemStartForAgent";

export class Emitter {
  private listeners = new Map<string, Set<Listener>>();

  on(name: string, fn: Listener): void {
    if (typeof fn !== "function") return;
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn);
  }

  off(name: string, fn: Listener): void {
    this.listeners.get(name)?.delete(fn);
  }

  emit(name: string, payload?: unknown): void {
    for (const fn of [...(this.listeners.get(name) ?? [])]) {
      try {
        fn(payload);
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

/** A session message (chat) for the page: `{data, origin, from, name, at}`. */
export const MESSAGE_EVENT = "tandem:message";

/** Tandem's own: a prompt (rcrequested, urlstartwarning, sessionconfirm) was answered,
 * by the default UI or by the page's own handler; the payload is the prompt's. The
 * default UI closes its dialog for that prompt. */
export const ANSWERED_EVENT = "tandem:answered";

export type Prompt = { accept(): void; decline(): void; readonly answered?: boolean };

/** A prompt's `{accept, decline}`: the first call that is taken (its function returns
 * anything but false) answers it, later calls do nothing; ANSWERED_EVENT then fires. The
 * non-enumerable `answered` lets a dialog opened after the answer close at once. */
export function prompt(events: Emitter, onAccept: () => boolean | void, onDecline: () => boolean | void, extra: object = {}): Prompt {
  let answered = false;
  const payload = { ...extra } as Prompt;
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
