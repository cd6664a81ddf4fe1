// When an agent page's socket is over: its frames say so before its close code does.
import { ErrorCode } from "../protocol";

/** Refusals the server closes an agent page's socket after, with a PERMANENT_CLOSE code
 * (core/protocol.py CLOSE_FOR_ERROR). */
const PERMANENT_ERRORS: ReadonlySet<string> = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.ORIGIN,
  ErrorCode.NOT_FOUND,
  ErrorCode.UNKNOWN_GROUP,
  ErrorCode.ENDED,
  ErrorCode.EXPIRED,
]);

/** SocketOptions.isFinal_ of the agent pages' sockets: the session ended, or a refusal the
 * server closes for good after. Taken as the end on its own, so that a close lost on the
 * way (the browser sees 1006) does not start the page trying again. */
export function agentFinal(frame: { t: string; code?: string }): boolean {
  return frame.t === "ended" || (frame.t === "error" && PERMANENT_ERRORS.has(frame.code!));
}
