// Splitting mirror frames under the server's frame-size limit, and joining them again.
import type { eventWithTime } from "@rrweb/types";
import type { MirrorFrame } from "./protocol";
import type { FrameText } from "./socket";

const utf8 = new TextEncoder();

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The text frames that carry `events`; one frame unless it would exceed `maxBytes` of UTF-8. */
export function mirrorTexts(
  head: { t: "ev" | "snap"; s: number; to?: string[]; p?: string },
  events: eventWithTime[],
  maxBytes: number,
): FrameText<MirrorFrame>[] {
  const whole = JSON.stringify({ ...head, e: events }) as FrameText<MirrorFrame>;
  // A UTF-16 code unit is at most three UTF-8 bytes: most frames skip the encoding.
  if (whole.length * 3 <= maxBytes || utf8.encode(whole).length <= maxBytes) return [whole];
  const data = JSON.stringify(events);
  // Each code unit of `data` stays at most three bytes once escaped again inside `d`;
  // the head (with its list of request ids) takes its own share of the frame.
  const headBytes = utf8.encode(JSON.stringify({ ...head, part: 0, parts: 0, d: "" })).length + 16;
  const size = Math.max(1024, Math.floor((maxBytes - headBytes) / 3));
  const pieces: string[] = [];
  for (let start = 0; start < data.length; ) {
    let end = Math.min(start + size, data.length);
    // Never split a surrogate pair: half an emoji is not valid JSON text on the server.
    if (end < data.length && isHighSurrogate(data.charCodeAt(end - 1))) end -= 1;
    pieces.push(data.slice(start, end));
    start = end;
  }
  return pieces.map((d, part) => JSON.stringify({ ...head, part, parts: pieces.length, d }) as FrameText<MirrorFrame>);
}

/** Joins chunked frames; returns a whole frame (with `e`) when one is complete. */
export class ChunkAssembler {
  private pieces_: string[] = [];
  private current_: { t: string; s: number } | null = null;

  push(frame: MirrorFrame): MirrorFrame | null {
    if (frame.d === undefined) return frame;
    const { part = 0, parts = 1 } = frame;
    if (part === 0 || !this.current_ || this.current_.t !== frame.t || this.current_.s !== frame.s) {
      this.current_ = { t: frame.t, s: frame.s };
      this.pieces_ = [];
      if (part !== 0) return null;
    }
    if (this.pieces_.length !== part) {
      // A piece went missing: drop the frame; the sequence check asks for a snapshot.
      this.current_ = null;
      return null;
    }
    this.pieces_.push(frame.d);
    if (this.pieces_.length < parts) return null;
    const e = JSON.parse(this.pieces_.join("")) as eventWithTime[];
    this.current_ = null;
    this.pieces_ = [];
    return { t: frame.t, s: frame.s, to: frame.to, p: frame.p, e };
  }
}
