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
  private tool: Tool | null = null;
  private readonly layer: HTMLElement;
  private readonly group: SVGGElement;
  private readonly pointer: AgentPointer;
  private readonly strokes = new Map<number, Stroke>();
  private drawing: { stroke: Stroke; pending: number[]; last: PagePoint } | null = null;
  private flushQueued = false;
  private nextId = 1;
  private started = 0; // strokes since the last clear, as the server counts them
  private ticking = false;
  private pageId: string | undefined;
  private enabled = true;

  constructor(
    private readonly root: HTMLElement,
    private readonly stage: HTMLElement,
    private readonly send: (frame: AgentToServer) => void,
    private readonly frame: () => HTMLIFrameElement | null,
  ) {
    this.pointer = new AgentPointer(send, () => this.pageId);
    this.layer = document.createElement("div");
    this.layer.className = "marks-layer";
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("aria-hidden", "true");
    this.group = document.createElementNS(SVG, "g");
    svg.append(this.group);
    this.layer.append(svg);
    stage.after(this.layer);
    new ResizeObserver(() => this.fitLayer()).observe(stage);
    window.addEventListener("resize", () => this.fitLayer());

    for (const tool of ["point", "pen", "highlight"] as const) {
      this.button(tool).addEventListener("click", () => this.use(this.tool === tool ? null : tool));
    }
    this.root.querySelector<HTMLButtonElement>(".marks-clear")!.addEventListener("click", () => this.clear(true));
    this.layer.addEventListener("pointermove", (event) => this.onMove(event));
    this.layer.addEventListener("pointerdown", (event) => this.onDown(event));
    this.layer.addEventListener("pointerup", (event) => this.onUp(event));
    this.layer.addEventListener("pointercancel", (event) => this.onUp(event));
    this.layer.addEventListener("pointerleave", () => this.pointer.hide());
    // A zoomed stage still scrolls under the layer.
    this.layer.addEventListener("wheel", (event) => stage.scrollBy(event.deltaX, event.deltaY), { passive: true });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.tool) this.use(null);
    });
    this.showButtons();
  }

  /** The replay shows page `page` (its latest snapshot's id): another page has no marks. */
  page(page: string | undefined): void {
    if (page !== this.pageId) this.clear(this.started > 0);
    this.pageId = page;
  }

  /** The visitor dismissed the drawings. */
  dismissed(): void {
    this.clear(false);
    this.note("The visitor hid your drawings.");
  }

  /** The socket closed or reconnects: the server took the pointer and drawings away. */
  disconnected(): void {
    this.pointer.reset();
    this.drawing = null;
    this.clear(false);
  }

  /** The session ended or this view was shut out: no tool any more. */
  ended(): void {
    this.enabled = false;
    this.use(null);
    this.disconnected();
    this.showButtons();
  }

  private use(tool: Tool | null): void {
    if (!this.enabled) tool = null;
    if (this.tool && !tool) this.pointer.hide();
    this.endStroke();
    this.tool = tool;
    if (tool) this.root.dataset.marks = tool;
    else delete this.root.dataset.marks;
    this.fitLayer();
    this.showButtons();
    this.tick();
  }

  private showButtons(): void {
    for (const tool of ["point", "pen", "highlight"] as const) {
      const button = this.button(tool);
      button.setAttribute("aria-pressed", String(this.tool === tool));
      button.disabled = !this.enabled;
    }
    this.root.querySelector<HTMLButtonElement>(".marks-clear")!.disabled = !this.enabled || this.strokes.size === 0;
  }

  private button(tool: Tool): HTMLButtonElement {
    return this.root.querySelector<HTMLButtonElement>(`.tool-${tool}`)!;
  }

  private note(text: string): void {
    const status = this.root.querySelector<HTMLElement>(".marks-status");
    if (status) status.textContent = text;
  }

  // The layer covers the stage exactly, wherever the stage is laid out.
  private fitLayer(): void {
    const style = this.layer.style;
    style.left = `${this.stage.offsetLeft}px`;
    style.top = `${this.stage.offsetTop}px`;
    style.width = `${this.stage.offsetWidth}px`;
    style.height = `${this.stage.offsetHeight}px`;
  }

  private at(event: PointerEvent, anywhere = false): PagePoint | null {
    const frame = this.frame();
    return frame ? toPage(frame, event.clientX, event.clientY, anywhere) : null;
  }

  private onMove(event: PointerEvent): void {
    if (!this.tool) return;
    this.pointer.move(this.at(event));
    if (!this.drawing) return;
    const coalesced = event.getCoalescedEvents?.() ?? [];
    for (const each of coalesced.length > 0 ? coalesced : [event]) {
      const point = this.at(each, true);
      if (point) this.addPoint(point);
    }
  }

  private onDown(event: PointerEvent): void {
    if ((this.tool !== "pen" && this.tool !== "highlight") || event.button !== 0) return;
    const point = this.at(event);
    if (!point) return;
    event.preventDefault();
    if (this.started >= MAX_STROKES) {
      this.note("Clear the drawings to draw more.");
      return;
    }
    this.layer.setPointerCapture(event.pointerId);
    this.drawing = { stroke: this.newStroke(this.tool), pending: [], last: point };
    this.drawing.pending.push(point.x, point.y);
    this.extend(this.drawing.stroke, point);
    this.queueFlush();
  }

  private onUp(event: PointerEvent): void {
    if (!this.drawing) return;
    if (this.layer.hasPointerCapture(event.pointerId)) this.layer.releasePointerCapture(event.pointerId);
    this.endStroke();
  }

  private newStroke(kind: StrokeKind): Stroke {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("class", kind);
    this.group.append(path);
    const stroke: Stroke = { id: this.nextId++, kind, path, d: "", points: 0 };
    this.strokes.set(stroke.id, stroke);
    this.started += 1;
    this.showButtons();
    this.tick();
    return stroke;
  }

  private addPoint(point: PagePoint): void {
    const drawing = this.drawing!;
    if (Math.hypot(point.x - drawing.last.x, point.y - drawing.last.y) < MIN_STEP) return;
    if (drawing.stroke.points >= STROKE_POINTS) {
      // A long line goes on as a new stroke from where the last one ended.
      this.flush();
      drawing.stroke = this.newStroke(drawing.stroke.kind);
      drawing.pending.push(drawing.last.x, drawing.last.y);
      this.extend(drawing.stroke, drawing.last);
    }
    drawing.last = point;
    drawing.pending.push(point.x, point.y);
    this.extend(drawing.stroke, point);
    this.queueFlush();
  }

  private extend(stroke: Stroke, point: PagePoint): void {
    stroke.d += `${stroke.d ? "L" : "M"}${point.x} ${point.y}`;
    stroke.points += 1;
    stroke.path.setAttribute("d", stroke.points > 1 ? stroke.d : `${stroke.d}l0 0.01`);
    if (stroke.kind === "pen") this.fadeLater(stroke);
  }

  private fadeLater(stroke: Stroke): void {
    window.clearTimeout(stroke.fade);
    stroke.fade = window.setTimeout(() => this.remove(stroke.id), PEN_FADE_MS);
  }

  private remove(id: number): void {
    const stroke = this.strokes.get(id);
    if (!stroke) return;
    window.clearTimeout(stroke.fade);
    stroke.path.remove();
    this.strokes.delete(id);
    this.showButtons();
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    requestAnimationFrame(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  // What was drawn since the last frame goes out in frames the server takes.
  private flush(): void {
    const drawing = this.drawing;
    if (!drawing || drawing.pending.length === 0) return;
    const { stroke } = drawing;
    for (let start = 0; start < drawing.pending.length; start += 2 * FRAME_POINTS) {
      const pts = drawing.pending.slice(start, start + 2 * FRAME_POINTS);
      this.send(this.pageId ? { t: "draw", id: stroke.id, kind: stroke.kind, pts, p: this.pageId } : { t: "draw", id: stroke.id, kind: stroke.kind, pts });
    }
    drawing.pending = [];
  }

  private endStroke(): void {
    this.flush();
    this.drawing = null;
  }

  private clear(tell: boolean): void {
    this.endStroke();
    for (const id of [...this.strokes.keys()]) this.remove(id);
    this.started = 0;
    if (tell) {
      this.send({ t: "draw_clear" });
      this.note("");
    }
    this.showButtons();
  }

  // While there is something to show, the agent's copy follows the replay's scroll and scale.
  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    const step = () => {
      const frame = this.frame();
      const transform = frame ? pageTransform(frame, this.layer) : null;
      if (transform) this.group.setAttribute("transform", transform);
      if (this.strokes.size > 0 || this.tool) requestAnimationFrame(step);
      else this.ticking = false;
    };
    requestAnimationFrame(step);
  }
}
