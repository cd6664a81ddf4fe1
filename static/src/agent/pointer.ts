// The agent's pointer over the replay, shown on the visitor's page (annotations.ts there):
// no control needed, only a position in the visitor page's document coordinates. At most
// one frame per animation frame goes out; leaving the replay hides it.
import type { AgentToServer } from "../protocol";

export type PagePoint = { x: number; y: number };

/** Where a point of the agent's window (client coordinates) falls on the visitor's page, in
 * its document coordinates, or null outside the replay (unless `anywhere`). Read from the
 * replay frame's box and scroll at the time of the event: zoom changes the scale. */
export function toPage(frame: HTMLIFrameElement, clientX: number, clientY: number, anywhere = false): PagePoint | null {
  const box = frame.getBoundingClientRect();
  const width = frame.offsetWidth; // its layout width: the visitor's viewport, unscaled
  if (!width || !box.width) return null;
  const inside = clientX >= box.left && clientX < box.right && clientY >= box.top && clientY < box.bottom;
  if (!inside && !anywhere) return null;
  const scale = box.width / width;
  const view = frame.contentWindow;
  const x = (clientX - box.left) / scale + (view?.scrollX ?? 0);
  const y = (clientY - box.top) / scale + (view?.scrollY ?? 0);
  return { x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 };
}

/** The transform from page coordinates into an element's own, as an SVG transform. */
export function pageTransform(frame: HTMLIFrameElement, into: HTMLElement): string | null {
  const box = frame.getBoundingClientRect();
  const width = frame.offsetWidth;
  if (!width || !box.width) return null;
  const scale = box.width / width;
  const layer = into.getBoundingClientRect();
  const view = frame.contentWindow;
  return `translate(${box.left - layer.left} ${box.top - layer.top}) scale(${scale}) translate(${-(view?.scrollX ?? 0)} ${-(view?.scrollY ?? 0)})`;
}

export class AgentPointer {
  private shown_ = false;
  private next_: PagePoint | null = null;
  private queued_ = false;

  constructor(
    private readonly send_: (frame: AgentToServer) => void,
    private readonly page_: () => string | undefined,
  ) {}

  /** The agent's pointer is at `point` on the page, or off it (null). */
  move(point: PagePoint | null): void {
    if (point === null) {
      this.hide();
      return;
    }
    this.next_ = point;
    if (this.queued_) return;
    this.queued_ = true;
    requestAnimationFrame(() => {
      this.queued_ = false;
      const at = this.next_;
      if (!at) return;
      this.next_ = null;
      this.shown_ = true;
      const page = this.page_();
      this.send_(page ? { t: "pointer", x: at.x, y: at.y, p: page } : { t: "pointer", x: at.x, y: at.y });
    });
  }

  hide(): void {
    this.next_ = null;
    if (!this.shown_) return;
    this.shown_ = false;
    this.send_({ t: "pointer_hide" });
  }

  /** The socket is gone (the server hid the pointer): nothing to hide any more. */
  reset(): void {
    this.next_ = null;
    this.shown_ = false;
  }
}
