// Holding canvas pictures to the group's byte budget (Group.canvas_bytes_per_second).
import { EventType, IncrementalSource } from "@rrweb/types";
import type { eventWithTime } from "@rrweb/types";

/**
 * A token bucket over the bytes of canvas pictures: a picture goes out while the bucket
 * is not in debt (so one picture bigger than a second's budget still goes, and the next
 * waits until it is paid off); the average stays at `bytesPerSecond`. A picture that
 * must wait replaces the canvas's earlier waiting one and is sent through `release`
 * when the debt is paid: the agent always ends up with each canvas's latest picture.
 * A budget of 0 means no limit.
 */
export class CanvasBudget {
  private tokens: number;
  private last = performance.now();
  private waiting = new Map<number, eventWithTime>();
  private timer: number | undefined;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly release: (event: eventWithTime) => void,
  ) {
    this.tokens = bytesPerSecond;
  }

  /** False when `event` is a canvas picture that must wait; it is then kept for later. */
  admit(event: eventWithTime): boolean {
    if (this.bytesPerSecond <= 0 || !isCanvasPicture(event)) return true;
    const id = (event.data as { id: number }).id;
    this.refill();
    if (this.tokens > 0 && !this.waiting.has(id)) {
      this.tokens -= pictureBytes(event);
      return true;
    }
    this.waiting.set(id, event);
    this.wake();
    return false;
  }

  stop(): void {
    window.clearTimeout(this.timer);
    this.waiting.clear();
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((now - this.last) * this.bytesPerSecond) / 1000);
    this.last = now;
  }

  private wake(): void {
    if (this.timer !== undefined) return;
    const wait = this.tokens > 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.bytesPerSecond) + 1;
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      this.refill();
      for (const [id, event] of this.waiting) {
        if (this.tokens <= 0) break;
        this.waiting.delete(id);
        this.tokens -= pictureBytes(event);
        this.release({ ...event, timestamp: Date.now() });
      }
      if (this.waiting.size > 0) this.wake();
    }, wait);
  }
}

function isCanvasPicture(event: eventWithTime): boolean {
  return (
    event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.CanvasMutation
  );
}

/** The base64 text a picture carries: nearly all of its bytes on the wire. */
function pictureBytes(event: eventWithTime): number {
  let bytes = 0;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "base64" && typeof inner === "string") bytes += inner.length;
        else walk(inner);
      }
    }
  };
  walk(event.data);
  return bytes;
}
