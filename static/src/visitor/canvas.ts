// Holding canvas pictures to the group's byte budget (Group.canvas_bytes_per_second).
import { EVENT_INCREMENTAL_SNAPSHOT, SOURCE_CANVAS_MUTATION } from "../rrweb-codes";
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
  private tokens_: number;
  private last_ = performance.now();
  private waiting_ = new Map<number, eventWithTime>();
  private timer_: number | undefined;

  constructor(
    private readonly bytesPerSecond_: number,
    private readonly release_: (event: eventWithTime) => void,
  ) {
    this.tokens_ = bytesPerSecond_;
  }

  /** False when `event` is a canvas picture that must wait; it is then kept for later. */
  admit_(event: eventWithTime): boolean {
    if (this.bytesPerSecond_ <= 0 || !isCanvasPicture(event)) return true;
    const id = (event.data as { id: number }).id;
    this.refill_();
    if (this.tokens_ > 0 && !this.waiting_.has(id)) {
      this.tokens_ -= pictureBytes(event);
      return true;
    }
    this.waiting_.set(id, event);
    this.wake_();
    return false;
  }

  stop_(): void {
    window.clearTimeout(this.timer_);
    this.waiting_.clear();
  }

  private refill_(): void {
    const now = performance.now();
    this.tokens_ = Math.min(this.bytesPerSecond_, this.tokens_ + ((now - this.last_) * this.bytesPerSecond_) / 1000);
    this.last_ = now;
  }

  private wake_(): void {
    if (this.timer_ !== undefined) return;
    const wait = this.tokens_ > 0 ? 0 : Math.ceil((-this.tokens_ * 1000) / this.bytesPerSecond_) + 1;
    this.timer_ = window.setTimeout(() => {
      this.timer_ = undefined;
      this.refill_();
      for (const [id, event] of this.waiting_) {
        if (this.tokens_ <= 0) break;
        this.waiting_.delete(id);
        this.tokens_ -= pictureBytes(event);
        this.release_({ ...event, timestamp: Date.now() });
      }
      if (this.waiting_.size > 0) this.wake_();
    }, wait);
  }
}

function isCanvasPicture(event: eventWithTime): boolean {
  return (
    event.type === EVENT_INCREMENTAL_SNAPSHOT && event.data.source === SOURCE_CANVAS_MUTATION
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

/**
 * rrweb's `sampling.canvas` value that starts neither of its canvas observers (its types
 * allow only "all" and a number): its snapshots still carry each canvas's picture
 * (`recordCanvas`), and recordCanvases below sends the changes.
 */
export const RRWEB_CANVAS_OBSERVERS_OFF = "off" as unknown as number;

// Calls that change what a canvas shows. Anything else (paths, transforms, state, reads)
// shows nothing until one of these runs.
const DRAWS_2D = [
  "clearRect",
  "fillRect",
  "strokeRect",
  "fill",
  "stroke",
  "fillText",
  "strokeText",
  "drawImage",
  "putImageData",
  "drawFocusIfNeeded",
  "reset",
];
const DRAWS_WEBGL = [
  "clear",
  "drawArrays",
  "drawElements",
  "drawArraysInstanced",
  "drawElementsInstanced",
  "drawRangeElements",
  "blitFramebuffer",
  "clearBufferfv",
  "clearBufferiv",
  "clearBufferuiv",
  "clearBufferfi",
];

// Members ending in "_" never leave the recorder bundle, which shortens them (static/build.mjs).
export type CanvasRecorderOptions = {
  /** Pictures of one canvas per second at most. */
  fps_: number;
  /** The canvas's rrweb id, or null when it must not be sent (masked, not recorded). */
  idOf_(canvas: HTMLCanvasElement): number | null;
  emit_(event: eventWithTime): void;
  /** The lossy format for pictures PNG would make big (photos, maps, 3D scenes). */
  lossy_: { type: string; quality: number };
};

export type CanvasRecorder = {
  /** Send every canvas's picture again (after a full snapshot: exact where it was lossy). */
  resend_(): void;
  stop_(): void;
};

/**
 * PNG up to this many bytes per pixel (charts, diagrams, signatures: flat colours, crisp
 * text, and fast to encode); past it the lossy format, when smaller.
 */
const LOSSLESS_BYTES_PER_PIXEL = 0.3;

/**
 * How often canvases that no drawing call has marked are looked at all the same: one
 * drawn through a method reference taken before recording began, or from a worker
 * (`transferControlToOffscreen`), changes without any call here. Unchanged pictures are
 * not sent; each look costs an encoding, so a canvas found unchanged is looked at half
 * as often each time, down to once every MAX_SWEEP_MS.
 */
const SWEEP_MS = 2000;
const MAX_SWEEP_MS = 32000;

/**
 * Canvases waiting for their picture (`mark`): each is taken (`take`) right after the
 * task that marked it, then at most once per `interval` while it keeps being marked, one
 * picture of a canvas at a time. `take` returns null when it took nothing.
 */
function pictureQueue(interval: number, take: (canvas: HTMLCanvasElement) => Promise<void> | null) {
  const dirty = new Set<HTMLCanvasElement>();
  const busy = new WeakSet<HTMLCanvasElement>();
  const earliest = new WeakMap<HTMLCanvasElement, number>();
  let timer: number | undefined;
  let stopped = false;

  function schedule() {
    if (timer !== undefined || stopped) return;
    const now = performance.now();
    let wait = Infinity;
    for (const canvas of dirty) {
      if (!busy.has(canvas)) wait = Math.min(wait, (earliest.get(canvas) ?? 0) - now);
    }
    if (wait === Infinity) return; // all busy: each one reschedules when done
    timer = window.setTimeout(run, Math.max(0, wait));
  }

  function run() {
    timer = undefined;
    const now = performance.now();
    for (const canvas of dirty) {
      if (busy.has(canvas) || (earliest.get(canvas) ?? 0) > now) continue;
      dirty.delete(canvas);
      earliest.set(canvas, now + interval);
      const taking = take(canvas);
      if (!taking) continue;
      busy.add(canvas);
      void taking.finally(() => {
        busy.delete(canvas);
        if (dirty.has(canvas)) schedule();
      });
    }
    schedule();
  }

  return {
    mark_(canvas: unknown) {
      if (stopped || !(canvas instanceof HTMLCanvasElement) || dirty.has(canvas)) return;
      dirty.add(canvas);
      schedule();
    },
    stop_() {
      stopped = true;
      window.clearTimeout(timer);
      dirty.clear();
    },
  };
}

/**
 * Canvases no drawing call has marked (`drawn`), looked at every SWEEP_MS all the same
 * (`look`); `taken` says whether a look found the picture changed, and one found
 * unchanged is looked at half as often each time, down to once every MAX_SWEEP_MS.
 */
function sweepUnmarked(drawn: WeakSet<HTMLCanvasElement>, look: (canvas: HTMLCanvasElement) => void) {
  const swept = new WeakMap<HTMLCanvasElement, { at: number; every: number }>();
  const sweep = window.setInterval(() => {
    const now = performance.now();
    for (const canvas of canvasesIn(document)) {
      const next = swept.get(canvas) ?? { at: 0, every: SWEEP_MS };
      swept.set(canvas, next);
      if (drawn.has(canvas) || next.at > now) continue;
      next.at = now + next.every;
      look(canvas);
    }
  }, SWEEP_MS);
  return {
    taken_(canvas: HTMLCanvasElement, changed: boolean) {
      const next = swept.get(canvas);
      if (next) next.every = changed ? SWEEP_MS : Math.min(next.every * 2, MAX_SWEEP_MS);
    },
    stop_: () => window.clearInterval(sweep),
  };
}

/**
 * Wraps the canvas contexts' drawing calls (`drew`) and the canvas size setters, which
 * clear it (`resized`), to report their canvas; returns how to put them back.
 */
function watchDrawing(drew: (canvas: HTMLCanvasElement) => void, resized: (canvas: HTMLCanvasElement) => void) {
  const restore: (() => void)[] = [];
  const wrap = (proto: object | undefined, names: string[]) => {
    if (!proto) return;
    for (const name of names) {
      const original = (proto as Record<string, unknown>)[name];
      if (typeof original !== "function") continue;
      (proto as Record<string, unknown>)[name] = function (this: { canvas?: unknown }, ...args: unknown[]) {
        const result = (original as (...a: unknown[]) => unknown).apply(this, args);
        const canvas = this?.canvas;
        if (canvas instanceof HTMLCanvasElement) drew(canvas);
        return result;
      };
      restore.push(() => {
        (proto as Record<string, unknown>)[name] = original;
      });
    }
  };
  wrap(window.CanvasRenderingContext2D?.prototype, DRAWS_2D);
  wrap(window.WebGLRenderingContext?.prototype, DRAWS_WEBGL);
  wrap(window.WebGL2RenderingContext?.prototype, DRAWS_WEBGL);
  wrap(window.ImageBitmapRenderingContext?.prototype, ["transferFromImageBitmap"]);
  for (const name of ["width", "height"]) {
    const proto = HTMLCanvasElement.prototype;
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (!descriptor?.set || !descriptor.configurable) continue;
    Object.defineProperty(proto, name, {
      ...descriptor,
      set(this: HTMLCanvasElement, value: number) {
        descriptor.set!.call(this, value);
        resized(this);
      },
    });
    restore.push(() => Object.defineProperty(proto, name, descriptor));
  }
  return () => {
    for (const undo of restore) undo();
  };
}

/**
 * Sends a canvas's picture when it changed, as an rrweb canvas event (the format of
 * rrweb's FPS mode, which the replay shows without scripts: static/src/agent/fidelity.ts).
 *
 * rrweb's FPS mode takes a picture of every canvas of the document 1/fps apart, changed
 * or not, in WebP: a change waits up to 1/fps for its turn, then for every other canvas's
 * encoding (tens of ms each); a chart's edges and text come out smudged, and canvases in
 * shadow roots are never taken. Here the page's drawing calls mark their canvas (wherever
 * it lives), a marked canvas's picture is taken right after the task that drew it, then
 * at most `fps` times a second while it keeps changing, in PNG unless that is big; canvases
 * no call ever marked are looked at every SWEEP_MS.
 */
export function recordCanvases(options: CanvasRecorderOptions): CanvasRecorder {
  const sent = new WeakMap<HTMLCanvasElement, string>();
  const drawn = new WeakSet<HTMLCanvasElement>(); // marked by a drawing call at least once
  let stopped = false;

  function picture(canvas: HTMLCanvasElement): Promise<void> | null {
    const id = options.idOf_(canvas);
    if (id === null || canvas.width === 0 || canvas.height === 0) return null;
    const { width, height } = canvas;
    return (async () => {
      try {
        const blob = await encode(canvas, options.lossy_);
        if (!blob || stopped) return;
        const base64 = await base64Of(blob);
        const changed = sent.get(canvas) !== base64;
        sweeper.taken_(canvas, changed);
        if (!changed) return; // drawn again the same
        sent.set(canvas, base64);
        options.emit_(pictureEvent(id, blob.type, base64, width, height));
      } catch {
        // A canvas tainted by another origin's image, or a lost context: nothing to send.
      }
    })();
  }

  const queue = pictureQueue(1000 / Math.max(1, options.fps_), picture);
  const sweeper = sweepUnmarked(drawn, queue.mark_);
  const unwatch = watchDrawing((canvas) => {
    drawn.add(canvas);
    queue.mark_(canvas);
  }, queue.mark_);

  return {
    resend_() {
      for (const canvas of canvasesIn(document)) {
        sent.delete(canvas);
        queue.mark_(canvas);
      }
    },
    stop_() {
      stopped = true;
      queue.stop_();
      sweeper.stop_();
      unwatch();
    },
  };
}

/** The canvases of `root` and of the open shadow roots inside it. */
function canvasesIn(root: Document | ShadowRoot): HTMLCanvasElement[] {
  const found = Array.from(root.querySelectorAll("canvas"));
  for (const element of root.querySelectorAll("*")) {
    if (element.shadowRoot) found.push(...canvasesIn(element.shadowRoot));
  }
  return found;
}

function toBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/** PNG, or the lossy format when PNG is big and the lossy one smaller. */
async function encode(canvas: HTMLCanvasElement, lossy: { type: string; quality: number }): Promise<Blob | null> {
  const png = await toBlob(canvas, "image/png");
  if (png && png.size <= canvas.width * canvas.height * LOSSLESS_BYTES_PER_PIXEL) return png;
  const smaller = await toBlob(canvas, lossy.type, lossy.quality);
  return smaller && (!png || smaller.size < png.size) ? smaller : png;
}

function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(",") + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** A canvas picture as rrweb's FPS mode sends it: clear, then draw the encoded image. */
function pictureEvent(id: number, type: string, base64: string, width: number, height: number): eventWithTime {
  return {
    type: EVENT_INCREMENTAL_SNAPSHOT,
    data: {
      source: SOURCE_CANVAS_MUTATION,
      id,
      type: 0, // CanvasContext["2D"]: the replay draws the picture with a 2D context
      commands: [
        { property: "clearRect", args: [0, 0, width, height] },
        {
          property: "drawImage",
          args: [
            {
              rr_type: "ImageBitmap",
              args: [{ rr_type: "Blob", data: [{ rr_type: "ArrayBuffer", base64 }], type }],
            },
            0,
            0,
          ],
        },
      ],
    },
    timestamp: Date.now(),
  } as eventWithTime;
}
