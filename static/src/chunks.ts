// Splitting mirror frames under the server's frame-size limit, and joining them again.
import type { eventWithTime } from "@rrweb/types";
import type { MirrorFrame } from "./protocol";

/** The text frames that carry `events`; one frame unless it would exceed `maxChars`. */
export function mirrorTexts(
  head: { t: "ev" | "snap"; s: number; to?: string[] },
  events: eventWithTime[],
  maxChars: number,
): string[] {
  const whole = JSON.stringify({ ...head, e: events });
  if (whole.length <= maxChars) return [whole];
  const data = JSON.stringify(events);
  // A UTF-8 character may take four bytes; keep each chunk well under the byte limit too.
  const size = Math.max(1024, Math.floor(maxChars / 4) - 256);
  const parts = Math.ceil(data.length / size);
  const texts: string[] = [];
  for (let part = 0; part < parts; part++) {
    const d = data.slice(part * size, (part + 1) * size);
    texts.push(JSON.stringify({ ...head, part, parts, d }));
  }
  return texts;
}

/** Joins chunked frames; returns a whole frame (with `e`) when one is complete. */
export class ChunkAssembler {
  private pieces: string[] = [];
  private current: { t: string; s: number } | null = null;

  push(frame: MirrorFrame): MirrorFrame | null {
    if (frame.d === undefined) return frame;
    const { part = 0, parts = 1 } = frame;
    if (part === 0 || !this.current || this.current.t !== frame.t || this.current.s !== frame.s) {
      this.current = { t: frame.t, s: frame.s };
      this.pieces = [];
      if (part !== 0) return null;
    }
    if (this.pieces.length !== part) {
      // A piece went missing: drop the frame; the sequence check asks for a snapshot.
      this.current = null;
      return null;
    }
    this.pieces.push(frame.d);
    if (this.pieces.length < parts) return null;
    const e = JSON.parse(this.pieces.join("")) as eventWithTime[];
    this.current = null;
    this.pieces = [];
    return { t: frame.t, s: frame.s, to: frame.to, e };
  }
}
