// The postMessage format between a visitor page (visitor/media.ts) and a view iframe
// (media/view.ts), both ways; docs/screen-share.md describes it for integrators.
//
// Every message is a plain object tagged `tandem: "view"`. The page checks that a message
// comes from Tandem's origin and from the iframe it manages; the view checks that it
// comes from its parent, from a trusted domain, and sends only to that origin after the
// page first spoke to it (`ready` alone goes out before: it carries no secret).
import type { RtcData } from "../protocol";

export const VIEW_TAG = "view";

/** What the view measured of the video it shows, from RTCPeerConnection.getStats(). */
export type ViewStats = {
  /** The agent's picture as it arrives (inbound-rtp frameWidth/frameHeight). */
  width: number;
  height: number;
  /** The picture as shown in the iframe, letterboxed into it. */
  scaledWidth: number;
  scaledHeight: number;
  /** The frame rate the agent's track is capped at (0: unknown). */
  fpslimit: number;
  /** Frames per second received and decoded (inbound-rtp framesDecoded per second). */
  viewerfps: number;
  /** Frames per second the <video> presented (getVideoPlaybackQuality). */
  displayfps: number;
};

/** View → page. */
export type FromView =
  | { tandem: typeof VIEW_TAG; t: "ready"; view: string; peer: string }
  | { tandem: typeof VIEW_TAG; t: "rtc"; peer: string; kind: "answer" | "ice" | "bye"; data: RtcData }
  | { tandem: typeof VIEW_TAG; t: "stats"; view: string; peer: string; stats: ViewStats };

/** Page → view. */
export type ToView =
  | { tandem: typeof VIEW_TAG; t: "rtc"; peer: string; kind: "offer" | "ice" | "bye"; data: RtcData }
  | { tandem: typeof VIEW_TAG; t: "paused"; paused: boolean };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A message of this format (shape checked; the sender is checked by the caller). */
export function viewMessage(data: unknown): Record<string, unknown> | null {
  return isRecord(data) && data.tandem === VIEW_TAG && typeof data.t === "string" ? data : null;
}
