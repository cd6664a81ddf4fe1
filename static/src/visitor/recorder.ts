// The recorder bundle, loaded only when a session starts: rrweb record tuned for live
// use, masking, sequence numbers, batching and chunking of mirror frames.
import { record } from "@rrweb/record";
import { EventType } from "@rrweb/types";
import type { eventWithTime } from "@rrweb/types";
import { mirrorTexts } from "../chunks";
import { createMaskFilter, maskSelector } from "./mask";

export type RecorderOptions = {
  maskSelectors: string[];
  maxFrameBytes: number;
  send: (text: string) => void;
};

export type Recorder = {
  /** Send a fresh full snapshot to the agents whose requests are `to`, or to all (null). */
  snapshot(to: string[] | null): void;
  stop(): void;
};

// rrweb's defaults suit recordings: mouse positions flushed every 500 ms and scroll
// sampled every 100 ms. Live co-browsing wants every change out in milliseconds.
// Positions are not throttled at all (rrweb's position throttle drops the trailing
// move, so the pointer would stop short of where the visitor left it); browsers already
// deliver mousemove at most once a frame, and batches go out every 16 ms.
const LIVE_SAMPLING = { mousemove: 0, mousemoveCallback: 16, scroll: 16, media: 200 };

export function startRecorder(options: RecorderOptions): Recorder {
  const selector = maskSelector(options.maskSelectors);
  const filter = createMaskFilter(selector, record.mirror);
  let seq = 0;
  let queue: eventWithTime[] = [];
  let flushScheduled = false;
  // Snapshot events go to these requests when set; to every agent when null.
  let snapshotFor: string[] | null = null;
  let snapshotEvents: eventWithTime[] = [];
  let pendingRequests: string[] = [];

  function send(head: { t: "ev" | "snap"; s: number; to?: string[] }, events: eventWithTime[]) {
    for (const text of mirrorTexts(head, events, options.maxFrameBytes)) options.send(text);
  }

  function flush() {
    flushScheduled = false;
    if (queue.length === 0) return;
    const events = queue;
    queue = [];
    seq += 1;
    send({ t: "ev", s: seq }, events);
  }

  function emit(raw: eventWithTime) {
    const event = filter(raw);
    if (!event) return;
    if (event.type === EventType.Meta || event.type === EventType.FullSnapshot) {
      snapshotEvents.push(event);
      if (event.type === EventType.FullSnapshot) {
        flush(); // the snapshot's base is every event sent before it
        const head = snapshotFor ? { t: "snap" as const, s: seq, to: snapshotFor } : { t: "snap" as const, s: seq };
        send(head, snapshotEvents);
        snapshotEvents = [];
      }
      return;
    }
    queue.push(event);
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flush);
    }
  }

  const stopRecording = record({
    emit,
    blockSelector: selector,
    maskTextSelector: selector,
    maskInputOptions: { password: true },
    sampling: LIVE_SAMPLING,
    slimDOMOptions: { script: true, comment: true },
    inlineStylesheet: true,
    recordCanvas: false,
    collectFonts: false,
    recordCrossOriginIframes: false,
  });

  function answerRequests() {
    const to = pendingRequests;
    pendingRequests = [];
    if (to.length === 0) return;
    snapshotFor = to;
    try {
      record.takeFullSnapshot(true);
    } finally {
      snapshotFor = null;
    }
  }

  return {
    snapshot(to: string[] | null) {
      if (to === null) {
        record.takeFullSnapshot(true);
        return;
      }
      // Agents joining together get one snapshot between them.
      if (pendingRequests.length === 0) queueMicrotask(answerRequests);
      pendingRequests.push(...to);
    },
    stop() {
      flush();
      stopRecording?.();
    },
  };
}
