// Point and draw on the visitor's page from the viewer, without control: the toolbar's
// Point, Draw (a pen line that fades) and Highlight (stays) tools, and Clear drawings.
//
// The replay is inert without control, so a layer over the stage takes the agent's pointer
// while a tool is on (and lets it through otherwise). The layer also shows the agent's own
// strokes where the visitor sees them: in page coordinates, moved with the replay's scroll
// and scaled with it.
import type { AgentToServer, StrokeKind } from "../protocol";
import { PEN_FADE_MS } from "../marks";
import { AgentPointer, pageTransform, toPage, type PagePoint } from "./pointer";

type Tool = "point" | "pen" | "highlight";
type Stroke = { id: number; kind: StrokeKind; path: SVGPathElement; d: string; points: number; fade?: number };

const SVG = "http://www.w3.org/2000/svg";
// The server's caps (cobrowse/relays/annotations.py): points per frame, per stroke, strokes.
const FRAME_POINTS = 256;
const STROKE_POINTS = 3000;
const MAX_STROKES = 200;
// Points closer than this (page px) to the last one add nothing to a line.
const MIN_STEP = 1.5;

export class MarkTools {
  private tool_: Tool | null = null;
  private readonly layer_: HTMLElement;
  private readonly group_: SVGGElement;
  private readonly pointer_: AgentPointer;
  private readonly strokes_ = new Map<number, Stroke>();
  private drawing_: { stroke: Stroke; pending: number[]; last: PagePoint } | null = null;
  private flushQueued_ = false;
  private nextId_ = 1;
  private started_ = 0; // strokes since the last clear, as the server counts them
  private ticking_ = false;
  private pageId_: string | undefined;
  private enabled_ = true;

  constructor(
    private readonly root_: HTMLElement,
    private readonly stage_: HTMLElement,
    private readonly send_: (frame: AgentToServer) => void,
    private readonly frame_: () => HTMLIFrameElement | null,
  ) {
    this.pointer_ = new AgentPointer(send_, () => this.pageId_);
    this.layer_ = document.createElement("div");
    this.layer_.className = "marks-layer";
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("aria-hidden", "true");
    this.group_ = document.createElementNS(SVG, "g");
    svg.append(this.group_);
    this.layer_.append(svg);
    stage_.after(this.layer_);
    new ResizeObserver(() => this.fitLayer_()).observe(stage_);
    window.addEventListener("resize", () => this.fitLayer_());

    for (const tool of ["point", "pen", "highlight"] as const) {
      this.button_(tool).addEventListener("click", () => this.use_(this.tool_ === tool ? null : tool));
    }
    this.root_.querySelector<HTMLButtonElement>(".marks-clear")!.addEventListener("click", () => this.clear_(true));
    this.layer_.addEventListener("pointermove", (event) => this.onMove_(event));
    this.layer_.addEventListener("pointerdown", (event) => this.onDown_(event));
    this.layer_.addEventListener("pointerup", (event) => this.onUp_(event));
    this.layer_.addEventListener("pointercancel", (event) => this.onUp_(event));
    this.layer_.addEventListener("pointerleave", () => this.pointer_.hide());
    // A zoomed stage still scrolls under the layer.
    this.layer_.addEventListener("wheel", (event) => stage_.scrollBy(event.deltaX, event.deltaY), { passive: true });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.tool_) this.use_(null);
    });
    this.showButtons_();
  }

  /** The replay shows page `page` (its latest snapshot's id): another page has no marks. */
  page(page: string | undefined): void {
    if (page !== this.pageId_) this.clear_(this.started_ > 0);
    this.pageId_ = page;
  }

  /** The visitor dismissed the drawings. */
  dismissed(): void {
    this.clear_(false);
    this.note_("The visitor hid your drawings.");
  }

  /** The socket closed or reconnects: the server took the pointer and drawings away. */
  disconnected(): void {
    this.pointer_.reset();
    this.drawing_ = null;
    this.clear_(false);
  }

  /** The session ended or this view was shut out: no tool any more. */
  ended(): void {
    this.enabled_ = false;
    this.use_(null);
    this.disconnected();
    this.showButtons_();
  }

  private use_(tool: Tool | null): void {
    if (!this.enabled_) tool = null;
    if (this.tool_ && !tool) this.pointer_.hide();
    this.endStroke_();
    this.tool_ = tool;
    if (tool) this.root_.dataset.marks = tool;
    else delete this.root_.dataset.marks;
    this.fitLayer_();
    this.showButtons_();
    this.tick_();
  }

  private showButtons_(): void {
    for (const tool of ["point", "pen", "highlight"] as const) {
      const button = this.button_(tool);
      button.setAttribute("aria-pressed", String(this.tool_ === tool));
      button.disabled = !this.enabled_;
    }
    this.root_.querySelector<HTMLButtonElement>(".marks-clear")!.disabled = !this.enabled_ || this.strokes_.size === 0;
  }

  private button_(tool: Tool): HTMLButtonElement {
    return this.root_.querySelector<HTMLButtonElement>(`.tool-${tool}`)!;
  }

  private note_(text: string): void {
    const status = this.root_.querySelector<HTMLElement>(".marks-status");
    if (status) status.textContent = text;
  }

  // The layer covers the stage exactly, wherever the stage is laid out.
  private fitLayer_(): void {
    const style = this.layer_.style;
    style.left = `${this.stage_.offsetLeft}px`;
    style.top = `${this.stage_.offsetTop}px`;
    style.width = `${this.stage_.offsetWidth}px`;
    style.height = `${this.stage_.offsetHeight}px`;
  }

  private at_(event: PointerEvent, anywhere = false): PagePoint | null {
    const frame = this.frame_();
    return frame ? toPage(frame, event.clientX, event.clientY, anywhere) : null;
  }

  private onMove_(event: PointerEvent): void {
    if (!this.tool_) return;
    this.pointer_.move(this.at_(event));
    if (!this.drawing_) return;
    const coalesced = event.getCoalescedEvents?.() ?? [];
    for (const each of coalesced.length > 0 ? coalesced : [event]) {
      const point = this.at_(each, true);
      if (point) this.addPoint_(point);
    }
  }

  private onDown_(event: PointerEvent): void {
    if ((this.tool_ !== "pen" && this.tool_ !== "highlight") || event.button !== 0) return;
    const point = this.at_(event);
    if (!point) return;
    event.preventDefault();
    if (this.started_ >= MAX_STROKES) {
      this.note_("Clear the drawings to draw more.");
      return;
    }
    this.layer_.setPointerCapture(event.pointerId);
    this.drawing_ = { stroke: this.newStroke_(this.tool_), pending: [], last: point };
    this.drawing_.pending.push(point.x, point.y);
    this.extend_(this.drawing_.stroke, point);
    this.queueFlush_();
  }

  private onUp_(event: PointerEvent): void {
    if (!this.drawing_) return;
    if (this.layer_.hasPointerCapture(event.pointerId)) this.layer_.releasePointerCapture(event.pointerId);
    this.endStroke_();
  }

  private newStroke_(kind: StrokeKind): Stroke {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("class", kind);
    this.group_.append(path);
    const stroke: Stroke = { id: this.nextId_++, kind, path, d: "", points: 0 };
    this.strokes_.set(stroke.id, stroke);
    this.started_ += 1;
    this.showButtons_();
    this.tick_();
    return stroke;
  }

  private addPoint_(point: PagePoint): void {
    const drawing = this.drawing_!;
    if (Math.hypot(point.x - drawing.last.x, point.y - drawing.last.y) < MIN_STEP) return;
    if (drawing.stroke.points >= STROKE_POINTS) {
      // A long line goes on as a new stroke from where the last one ended.
      this.flush_();
      drawing.stroke = this.newStroke_(drawing.stroke.kind);
      drawing.pending.push(drawing.last.x, drawing.last.y);
      this.extend_(drawing.stroke, drawing.last);
    }
    drawing.last = point;
    drawing.pending.push(point.x, point.y);
    this.extend_(drawing.stroke, point);
    this.queueFlush_();
  }

  private extend_(stroke: Stroke, point: PagePoint): void {
    stroke.d += `${stroke.d ? "L" : "M"}${point.x} ${point.y}`;
    stroke.points += 1;
    stroke.path.setAttribute("d", stroke.points > 1 ? stroke.d : `${stroke.d}l0 0.01`);
    if (stroke.kind === "pen") this.fadeLater_(stroke);
  }

  private fadeLater_(stroke: Stroke): void {
    window.clearTimeout(stroke.fade);
    stroke.fade = window.setTimeout(() => this.remove_(stroke.id), PEN_FADE_MS);
  }

  private remove_(id: number): void {
    const stroke = this.strokes_.get(id);
    if (!stroke) return;
    window.clearTimeout(stroke.fade);
    stroke.path.remove();
    this.strokes_.delete(id);
    this.showButtons_();
  }

  private queueFlush_(): void {
    if (this.flushQueued_) return;
    this.flushQueued_ = true;
    requestAnimationFrame(() => {
      this.flushQueued_ = false;
      this.flush_();
    });
  }

  // What was drawn since the last frame goes out in frames the server takes.
  private flush_(): void {
    const drawing = this.drawing_;
    if (!drawing || drawing.pending.length === 0) return;
    const { stroke } = drawing;
    for (let start = 0; start < drawing.pending.length; start += 2 * FRAME_POINTS) {
      const pts = drawing.pending.slice(start, start + 2 * FRAME_POINTS);
      this.send_(this.pageId_ ? { t: "draw", id: stroke.id, kind: stroke.kind, pts, p: this.pageId_ } : { t: "draw", id: stroke.id, kind: stroke.kind, pts });
    }
    drawing.pending = [];
  }

  private endStroke_(): void {
    this.flush_();
    this.drawing_ = null;
  }

  private clear_(tell: boolean): void {
    this.endStroke_();
    for (const id of [...this.strokes_.keys()]) this.remove_(id);
    this.started_ = 0;
    if (tell) {
      this.send_({ t: "draw_clear" });
      this.note_("");
    }
    this.showButtons_();
  }

  // While there is something to show, the agent's copy follows the replay's scroll and scale.
  private tick_(): void {
    if (this.ticking_) return;
    this.ticking_ = true;
    const step = () => {
      const frame = this.frame_();
      const transform = frame ? pageTransform(frame, this.layer_) : null;
      if (transform) this.group_.setAttribute("transform", transform);
      if (this.strokes_.size > 0 || this.tool_) requestAnimationFrame(step);
      else this.ticking_ = false;
    };
    requestAnimationFrame(step);
  }
}
