// The recorder bundle, loaded only when a session starts: rrweb record tuned for live
// use, masking, sequence numbers, batching and chunking of mirror frames.
import { record } from "@rrweb/record";
import { EVENT_FULL_SNAPSHOT, EVENT_META } from "../rrweb-codes";
import type { eventWithTime } from "@rrweb/types";
import { mirrorTexts } from "../chunks";
import type { AgentInput, MirrorFrame } from "../protocol";
import type { FrameText } from "../socket";
import type { AgentMark } from "../marks";
import { startAnnotations, type Annotations } from "./annotations";
import { createMaskFilter, maskSelector } from "./mask";
import { CanvasBudget, RRWEB_CANVAS_OBSERVERS_OFF, recordCanvases, type CanvasRecorder } from "./canvas";
import { currentFontEvents, watchAddedFonts } from "./fonts";
import { FIDELITY_TAG, isUnloadedFrameDocument, recordFidelity } from "./fidelity";

export type RecorderOptions = {
  maskSelectors: string[];
  maxFrameBytes: number;
  /** Fields that were passwords at any time since the page loaded (the loader watches). */
  pastPasswords?: (element: Element) => boolean;
  /** Sends a mirror frame (already JSON: chunking measured it). */
  send: (text: FrameText<MirrorFrame>) => void;
  /** Canvas pictures per second at most (Group.canvas_fps); 0 records no canvas. */
  canvasFps?: number;
  /** Bytes of canvas pictures per second at most, all canvases together. */
  canvasBytesPerSecond?: number;
  /** The visitor dismissed the agents' drawings (annotations.ts). */
  dismissMarks?: () => void;
};

export type Recorder = {
  /** Apply an agent's input to the page; returns why it was refused, or null. */
  apply(input: AgentInput): string | null;
  /** Send a fresh full snapshot to the agents whose requests are `to`, or to all (null). */
  snapshot(to: string[] | null): void;
  /** Show an agent's pointer or drawing; marks of another page than this one are dropped. */
  annotate(mark: AgentMark): void;
  stop(): void;
};

// rrweb's defaults suit recordings: mouse positions flushed every 500 ms and scroll
// sampled every 100 ms. Live co-browsing wants every change out in milliseconds.
// Positions are not throttled at all (rrweb's position throttle drops the trailing
// move, so the pointer would stop short of where the visitor left it); browsers already
// deliver mousemove at most once a frame, and batches go out every 16 ms.
const LIVE_SAMPLING = { mousemove: 0, mousemoveCallback: 16, scroll: 16, media: 200 };
/** Canvas pictures in snapshots, and changed ones too big for PNG (canvas.ts). */
const CANVAS_PICTURE = { type: "image/webp", quality: 0.7 };

// The parts below talk through members whose names end in "_": they never leave this
// bundle, which shortens them (static/build.mjs).

/** Numbers and sends the recorded events: incremental ones as one `ev` frame per task;
 * a snapshot in one `snap` frame once every event recorded before it is out. */
function mirrorOutbox(options: RecorderOptions, page: string) {
  let seq = 0;
  let queue: eventWithTime[] = [];
  let flushScheduled = false;
  const send = (head: { t: "ev" | "snap"; s: number; to?: string[]; p?: string }, events: eventWithTime[]) => {
    for (const text of mirrorTexts(head, events, options.maxFrameBytes)) options.send(text);
  };
  const flush = () => {
    flushScheduled = false;
    if (queue.length === 0) return;
    const events = queue;
    queue = [];
    seq += 1;
    send({ t: "ev", s: seq }, events);
  };
  return {
    push_(event: eventWithTime) {
      queue.push(event);
      if (flushScheduled) return;
      flushScheduled = true;
      queueMicrotask(flush);
    },
    flush_: flush,
    /** A snapshot for the agents' requests `to`, or for every agent (null). */
    snapshot_(events: eventWithTime[], to: string[] | null) {
      flush(); // the snapshot's base is every event sent before it
      send(to ? { t: "snap", s: seq, to, p: page } : { t: "snap", s: seq, p: page }, events);
    },
  };
}

function recordOptions(selector: string, canvasFps: number, emit: (event: eventWithTime) => void) {
  return {
    emit,
    blockSelector: selector,
    maskTextSelector: selector,
    maskInputOptions: { password: true },
    // Canvas changes are sent by recordCanvases below, not rrweb's observers.
    sampling: { ...LIVE_SAMPLING, canvas: RRWEB_CANVAS_OBSERVERS_OFF },
    slimDOMOptions: { script: true, comment: true },
    inlineStylesheet: true,
    // Snapshots carry each canvas's picture, drawn by the agent's replay without scripts.
    recordCanvas: canvasFps > 0,
    dataURLOptions: CANVAS_PICTURE,
    collectFonts: false,
    recordCrossOriginIframes: false,
  };
}

/** Each canvas's picture once it changed, at most `fps` times a second (none at 0);
 * masked canvases have no id, so their pictures never leave the page. */
function recordChangedCanvases(fps: number, isMasked: (node: Node) => boolean, emit: (event: eventWithTime) => void) {
  if (fps <= 0) return null;
  return recordCanvases({
    fps_: fps,
    idOf_: (element) => {
      const id = record.mirror.getId(element);
      return id > 0 && !isMasked(element) ? id : null;
    },
    emit_: emit,
    lossy_: CANVAS_PICTURE,
  });
}

/** Why an agent's input on `page` is refused, or null once it is applied. */
function applyAgentInput(page: string, isMasked: (node: Node) => boolean, input: AgentInput): string | null {
  if (input.p !== page) return "The visitor's page changed; try again.";
  const node = record.mirror.getNode(input.id);
  if (!node) return "That part of the page is gone.";
  if (isMasked(node)) return "This field is private: only the visitor can use it.";
  if (!visitorCouldUse(node, input)) return "Only the visitor can use this part of the page.";
  applyInput(node, input);
  return null;
}

/** Snapshots the agents asked for: requests that come together are answered by one
 * snapshot; `to` names the requests of the snapshot being taken (null: every agent). */
function snapshotRequests() {
  let to: string[] | null = null;
  let pending: string[] = [];
  const answer = () => {
    const requests = pending;
    pending = [];
    if (requests.length === 0) return;
    to = requests;
    try {
      record.takeFullSnapshot(true);
    } finally {
      to = null;
    }
  };
  return {
    get to_() {
      return to;
    },
    /** A fresh full snapshot for the requests `to`, or for every agent (null). */
    take_(requests: string[] | null) {
      if (requests === null) return record.takeFullSnapshot(true);
      // Agents joining together get one snapshot between them.
      if (pending.length === 0) queueMicrotask(answer);
      pending.push(...requests);
    },
  };
}

/** The agents' marks, shown on the page being mirrored (`page`) only: made on the first. */
function agentMarks(page: string, dismissed: () => void) {
  let annotations: Annotations | null = null;
  return {
    show_(mark: AgentMark) {
      if ("p" in mark && mark.p !== undefined && mark.p !== page) return;
      annotations ??= startAnnotations({ dismissed_: dismissed });
      annotations.receive_(mark);
    },
    stop_() {
      annotations?.stop_();
      annotations = null;
    },
  };
}

export function startRecorder(options: RecorderOptions): Recorder {
  const selector = maskSelector(options.maskSelectors);
  const filter = createMaskFilter(selector, record.mirror, options.pastPasswords);
  // rrweb numbers nodes afresh on every page: inputs name the page their ids belong to.
  const page = Math.random().toString(36).slice(2, 12);
  const outbox = mirrorOutbox(options, page);
  const requests = snapshotRequests();
  let snapshotEvents: eventWithTime[] = [];
  const canvas = new CanvasBudget(options.canvasBytesPerSecond ?? 0, outbox.push_);
  const fidelity = recordFidelity(record.mirror, (payload) => record.addCustomEvent(FIDELITY_TAG, payload), filter.isMasked);
  // Sends canvas changes once recording started (set after record() below).
  let canvases: CanvasRecorder | null = null;
  const marks = agentMarks(page, () => options.dismissMarks?.());
  const stopFonts = watchAddedFonts(outbox.push_);

  function emit(raw: eventWithTime) {
    if (isUnloadedFrameDocument(raw, record.mirror)) return;
    const event = filter(raw);
    if (!event) return;
    if (event.type !== EVENT_META && event.type !== EVENT_FULL_SNAPSHOT) {
      if (canvas.admit_(event)) outbox.push_(event); // or sent later, when the budget allows
      return;
    }
    snapshotEvents.push(event);
    if (event.type !== EVENT_FULL_SNAPSHOT) return;
    // After the tree: what rrweb does not record (focus, popovers, animations...).
    snapshotEvents.push(fidelity.state_(), ...currentFontEvents());
    outbox.snapshot_(snapshotEvents, requests.to_);
    snapshotEvents = [];
    canvases?.resend_(); // the snapshot's pictures are lossy: exact ones follow
  }

  const canvasFps = Math.max(0, Math.min(options.canvasFps ?? 0, 30));
  const stopRecording = record(recordOptions(selector, canvasFps, emit));
  canvases = recordChangedCanvases(canvasFps, filter.isMasked, emit);
  canvases?.resend_(); // after the first snapshot, taken as recording started

  return {
    apply: (input) => applyAgentInput(page, filter.isMasked, input),
    snapshot: requests.take_,
    annotate: marks.show_,
    stop() {
      outbox.flush_();
      stopRecording?.();
      canvases?.stop_();
      fidelity.stop_();
      canvas.stop_();
      stopFonts();
      marks.stop_();
    },
  };
}

// Setting `value` through the prototype's setter lets frameworks that track the
// property (React's controlled inputs) see the change as if the visitor typed it.
function setValue(element: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(element), "value")?.set;
  if (setter) setter.call(element, value);
  else element.value = value;
}

/** False for what the visitor could not click or type into themselves: hidden inputs,
 * elements that are not rendered, and (for typing) readonly or disabled fields. */
function visitorCouldUse(node: Node, input: AgentInput): boolean {
  if (input.kind === "scroll" || node.nodeType !== Node.ELEMENT_NODE) return true;
  const element = node as Element;
  if (element instanceof HTMLInputElement && element.type === "hidden") return false;
  if (element.getClientRects().length === 0) return false; // display: none, or detached
  if (input.kind !== "input") return true;
  if (element.matches(":disabled")) return false; // also inside a disabled fieldset
  return !(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) || !element.readOnly;
}

function applyInput(node: Node, input: AgentInput): void {
  const element = node as HTMLElement;
  switch (input.kind) {
    case "click":
      if (typeof element.click === "function") element.click();
      else element.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
      break;
    case "input":
      if (element instanceof HTMLInputElement && (element.type === "checkbox" || element.type === "radio")) {
        element.checked = input.value === true;
      } else if (
        element instanceof HTMLInputElement ||
        element instanceof HTMLTextAreaElement ||
        element instanceof HTMLSelectElement
      ) {
        setValue(element, String(input.value ?? ""));
      } else {
        return;
      }
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
      break;
    case "scroll": {
      const x = Number(input.x) || 0;
      const y = Number(input.y) || 0;
      if (node.nodeType === Node.DOCUMENT_NODE) window.scrollTo(x, y);
      else element.scrollTo?.(x, y);
      break;
    }
  }
}
