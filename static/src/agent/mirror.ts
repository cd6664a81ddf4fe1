// Keeping an agent's view in step with the visitor: sequence numbers, gaps, snapshots.
import type { eventWithTime } from "@rrweb/types";
import { ChunkAssembler } from "../chunks";
import type { MirrorFrame } from "../protocol";
import type { AssetRewriter } from "./assets";

const MAX_BUFFERED = 5000;

export type MirrorSink = {
  /** Replace the view with a full snapshot (meta + full snapshot events). */
  reset(events: eventWithTime[], page: string | undefined): void;
  /** Apply incremental events in order. */
  apply(events: eventWithTime[]): void;
  /** Ask the server for a fresh snapshot. */
  resync(): void;
};

/** Orders mirror frames: applies them in sequence, or asks for a snapshot on a gap. */
export class MirrorStream {
  private expected_ = -1; // next `ev` sequence number; -1 until a snapshot arrives
  private buffered_: MirrorFrame[] = [];
  private assembler_ = new ChunkAssembler();

  constructor(
    private readonly sink_: MirrorSink,
    /** Points the events' asset URLs at Tandem's proxy, in the order they apply. */
    private readonly assets_?: AssetRewriter,
  ) {}

  get synced(): boolean {
    return this.expected_ >= 0;
  }

  receive(raw: MirrorFrame): void {
    const frame = this.assembler_.push(raw);
    if (!frame || !frame.e) return;
    if (frame.t === "snap") {
      this.assets_?.rewrite(frame.e);
      this.sink_.reset(frame.e, frame.p);
      this.expected_ = frame.s + 1;
      const waiting = this.buffered_.filter((f) => f.s >= this.expected_).sort((a, b) => a.s - b.s);
      this.buffered_ = [];
      for (const f of waiting) this.receive(f);
      return;
    }
    if (!this.synced) {
      if (this.buffered_.length < MAX_BUFFERED) this.buffered_.push(frame);
      return;
    }
    if (frame.s < this.expected_) return; // already covered by the snapshot
    if (frame.s > this.expected_) {
      this.expected_ = -1;
      this.buffered_ = [frame];
      this.sink_.resync();
      return;
    }
    this.expected_ += 1;
    this.assets_?.rewrite(frame.e);
    this.sink_.apply(frame.e);
  }

  /** The socket dropped: wait for the next snapshot, keep nothing of before. */
  restart(): void {
    this.expected_ = -1;
    this.buffered_ = [];
    this.assembler_ = new ChunkAssembler();
  }

  /** A frame went missing before it could be numbered (e.g. a lost chunk). */
  lost(): void {
    this.expected_ = -1;
    this.sink_.resync();
  }
}
