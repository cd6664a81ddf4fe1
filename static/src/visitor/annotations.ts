// The agents' pointer and drawings over the visitor's page (Glance's gestures, Upscope's
// agent cursor, Cobrowse.io's and Surfly's drawing). Positions come in the page's document
// coordinates, so a mark stays on the content it was drawn over as the visitor scrolls.
//
// Everything lives in a closed shadow root of a host the recorder blocks (UI_HOST_ATTRIBUTE,
// mask.ts): the page's scripts cannot read or restyle it and no agent ever sees it in the
// mirror. Nothing in it takes the pointer (pointer-events: none) except the visitor's
// dismiss button, shown while there are drawings.
import type { StrokeKind } from "../protocol";
import { PEN_FADE_MS, type AgentMark } from "../marks";
import { UI_HOST_ATTRIBUTE } from "./mask";

const FADE_OUT_MS = 600;
const SVG = "http://www.w3.org/2000/svg";

const CSS = `
:host {
  all: initial !important;
  display: block !important;
  position: fixed !important;
  top: 0 !important;
  left: 0 !important;
  width: 0 !important;
  height: 0 !important;
  overflow: visible !important;
  z-index: 2147483645 !important;
  visibility: visible !important;
  opacity: 1 !important;
  transform: none !important;
  pointer-events: none !important;
}
[hidden] { display: none !important; }
svg.marks { position: fixed; left: 0; top: 0; width: 100vw; height: 100vh; overflow: visible; pointer-events: none; }
path.arrow { fill: #3b3fd8; stroke: #fff; stroke-width: 1.5px; stroke-linejoin: round; transition: none; }
g path { fill: none; stroke-linecap: round; stroke-linejoin: round; transition: opacity ${FADE_OUT_MS}ms ease-out; }
g path.pen { stroke: #e5484d; stroke-width: 4px; }
g path.highlight { stroke: rgb(255 200 0 / 0.45); stroke-width: 22px; }
g path.fading { opacity: 0; }
.pointer { position: fixed; left: 0; top: 0; pointer-events: none; will-change: transform; }
.pointer svg { display: block; width: 22px; height: 22px; filter: drop-shadow(0 1px 2px rgb(0 0 0 / 0.45)); }
.pointer span {
  position: absolute; left: 18px; top: 18px; padding: 2px 8px; border-radius: 10px;
  background: #3b3fd8; color: #fff; white-space: nowrap;
  font: 600 12px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
}
button.dismiss {
  position: fixed; top: 12px; left: 50%; transform: translateX(-50%); pointer-events: auto;
  font: 600 14px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  padding: 6px 14px; border: 1px solid #3b3fd8; border-radius: 16px; background: #fff; color: #26279a;
  box-shadow: 0 4px 14px rgb(0 0 0 / 0.2); cursor: pointer;
}
button.dismiss:focus-visible { outline: 3px solid #3b3fd8; outline-offset: 2px; }
`;

// Built node by node: a page that enforces Trusted Types refuses innerHTML.
function arrow(): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 22 22");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("class", "arrow");
  path.setAttribute("d", "M2 2 L2 18 L7 13.5 L10.5 21 L13.5 19.6 L10 12.3 L16.5 12.3 Z");
  svg.append(path);
  return svg;
}

export type AnnotationsOptions = {
  /** The visitor dismissed the drawings: tell the agents. */
  dismissed: () => void;
  /** The dismiss button's text. */
  dismissText?: string;
};

export type Annotations = {
  receive(frame: AgentMark): void;
  stop(): void;
};

type Stroke = { path: SVGPathElement; d: string; fade: number | undefined };

export function startAnnotations(options: AnnotationsOptions): Annotations {
  const host = document.createElement("div");
  // Marked before it is in the document: the recorder never sees it unmarked.
  host.setAttribute(UI_HOST_ATTRIBUTE, "");
  host.setAttribute("data-tandem-marks", "");
  const root = host.attachShadow({ mode: "closed" });
  const style = document.createElement("style");
  style.textContent = CSS;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "marks");
  svg.setAttribute("aria-hidden", "true");
  const layer = document.createElementNS(SVG, "g");
  svg.append(layer);
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "dismiss";
  dismiss.textContent = options.dismissText ?? "Hide the agent's drawings ✕";
  dismiss.hidden = true;
  root.append(style, svg, dismiss);
  (document.body ?? document.documentElement).append(host);

  const strokes = new Map<string, Stroke>();
  const pointers = new Map<number, { element: HTMLElement; x: number; y: number }>();
  let queued = false;

  // Document coordinates to the viewport's: everything moves with the page's scroll.
  const place = () => {
    queued = false;
    const sx = window.scrollX;
    const sy = window.scrollY;
    layer.setAttribute("transform", `translate(${-sx} ${-sy})`);
    for (const pointer of pointers.values()) {
      pointer.element.style.transform = `translate(${pointer.x - sx}px, ${pointer.y - sy}px)`;
    }
  };
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(place);
  };
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule, { passive: true });

  const showDismiss = () => {
    dismiss.hidden = strokes.size === 0;
  };

  const remove = (key: string) => {
    const stroke = strokes.get(key);
    if (!stroke) return;
    window.clearTimeout(stroke.fade);
    stroke.path.remove();
    strokes.delete(key);
    showDismiss();
  };

  const clear = (from: number | null) => {
    for (const key of [...strokes.keys()]) if (from === null || key.startsWith(`${from}:`)) remove(key);
  };

  const draw = (from: number, id: number, kind: StrokeKind, pts: number[]) => {
    const key = `${from}:${id}`;
    let stroke = strokes.get(key);
    if (!stroke) {
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("class", kind);
      path.setAttribute("data-from", String(from));
      layer.append(path);
      stroke = { path, d: "", fade: undefined };
      strokes.set(key, stroke);
      showDismiss();
    }
    for (let i = 0; i + 1 < pts.length; i += 2) {
      stroke.d += `${stroke.d ? "L" : "M"}${pts[i]} ${pts[i + 1]}`;
    }
    // A single point is a dot: a zero-length line with round caps.
    stroke.path.setAttribute("d", /L/.test(stroke.d) ? stroke.d : `${stroke.d}l0 0.01`);
    if (kind === "pen") {
      const current = stroke;
      window.clearTimeout(current.fade);
      current.fade = window.setTimeout(() => {
        current.path.classList.add("fading");
        current.fade = window.setTimeout(() => remove(key), FADE_OUT_MS);
      }, PEN_FADE_MS);
    }
    schedule();
  };

  const point = (from: number, name: string, x: number, y: number) => {
    let pointer = pointers.get(from);
    if (!pointer) {
      const element = document.createElement("div");
      element.className = "pointer";
      element.dataset.from = String(from);
      const label = document.createElement("span");
      element.append(arrow(), label);
      root.append(element);
      pointer = { element, x, y };
      pointers.set(from, pointer);
    }
    pointer.element.querySelector("span")!.textContent = name;
    pointer.x = x;
    pointer.y = y;
    // At once, not on the next frame: the pointer is as live as the mirror.
    pointer.element.style.transform = `translate(${x - window.scrollX}px, ${y - window.scrollY}px)`;
  };

  const unpoint = (from: number) => {
    pointers.get(from)?.element.remove();
    pointers.delete(from);
  };

  dismiss.addEventListener("click", () => {
    clear(null);
    options.dismissed();
  });
  place();

  return {
    receive(frame: AgentMark) {
      switch (frame.t) {
        case "pointer":
          point(frame.from, frame.name, frame.x, frame.y);
          break;
        case "pointer_hide":
          unpoint(frame.from);
          break;
        case "draw":
          draw(frame.from, frame.id, frame.kind, frame.pts);
          break;
        case "draw_clear":
          clear(frame.from);
          break;
      }
    },
    stop() {
      window.removeEventListener("scroll", schedule);
      window.removeEventListener("resize", schedule);
      for (const stroke of strokes.values()) window.clearTimeout(stroke.fade);
      strokes.clear();
      pointers.clear();
      host.remove();
    },
  };
}
