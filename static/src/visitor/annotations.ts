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
import { hostCSS } from "./host-css";
import { UI_HOST_ATTRIBUTE } from "./mask";

const FADE_OUT_MS = 600;
const SVG = "http://www.w3.org/2000/svg";

const CSS =
  hostCSS(2147483645, "none") +
  `
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

// Names ending in "_" never leave the recorder bundle, which shortens them (static/build.mjs).
export type AnnotationsOptions = {
  /** The visitor dismissed the drawings: tell the agents. */
  dismissed_: () => void;
  /** The dismiss button's text. */
  dismissText_?: string;
};

export type Annotations = {
  receive_(frame: AgentMark): void;
  stop_(): void;
};

type Stroke = { path_: SVGPathElement; d_: string; fade_: number | undefined };

/** The marks' host (blocked by the recorder), its closed shadow root, the layer strokes
 * are drawn in, and the visitor's button that hides them. */
function buildMarks(dismissText: string) {
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
  dismiss.textContent = dismissText;
  dismiss.hidden = true;
  root.append(style, svg, dismiss);
  (document.body ?? document.documentElement).append(host);
  return { host_: host, root_: root, layer_: layer, dismiss_: dismiss };
}

/** The agents' strokes, by `from:id`: a pen line fades on its own, a highlight stays.
 * `changed` hears the count change and each point drawn. */
function strokeLayer(layer: SVGGElement, changed: (count: number) => void) {
  const strokes = new Map<string, Stroke>();
  const remove = (key: string) => {
    const stroke = strokes.get(key);
    if (!stroke) return;
    window.clearTimeout(stroke.fade_);
    stroke.path_.remove();
    strokes.delete(key);
    changed(strokes.size);
  };
  const start = (key: string, from: number, kind: StrokeKind) => {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("class", kind);
    path.setAttribute("data-from", String(from));
    layer.append(path);
    const stroke: Stroke = { path_: path, d_: "", fade_: undefined };
    strokes.set(key, stroke);
    changed(strokes.size);
    return stroke;
  };
  return {
    draw_(from: number, id: number, kind: StrokeKind, pts: number[]) {
      const key = `${from}:${id}`;
      const stroke = strokes.get(key) ?? start(key, from, kind);
      for (let i = 0; i + 1 < pts.length; i += 2) {
        stroke.d_ += `${stroke.d_ ? "L" : "M"}${pts[i]} ${pts[i + 1]}`;
      }
      // A single point is a dot: a zero-length line with round caps.
      stroke.path_.setAttribute("d", /L/.test(stroke.d_) ? stroke.d_ : `${stroke.d_}l0 0.01`);
      if (kind !== "pen") return;
      window.clearTimeout(stroke.fade_);
      stroke.fade_ = window.setTimeout(() => {
        stroke.path_.classList.add("fading");
        stroke.fade_ = window.setTimeout(() => remove(key), FADE_OUT_MS);
      }, PEN_FADE_MS);
    },
    /** Clear agent `from`'s strokes, or everyone's (null). */
    clear_(from: number | null) {
      for (const key of [...strokes.keys()]) if (from === null || key.startsWith(`${from}:`)) remove(key);
    },
    stop_() {
      for (const stroke of strokes.values()) window.clearTimeout(stroke.fade_);
      strokes.clear();
    },
  };
}

/** The agents' pointers, by client index, named, at document coordinates. */
function pointerLayer(root: ShadowRoot) {
  const pointers = new Map<number, { element_: HTMLElement; x: number; y: number }>();
  const create = (from: number, x: number, y: number) => {
    const element = document.createElement("div");
    element.className = "pointer";
    element.dataset.from = String(from);
    element.append(arrow(), document.createElement("span"));
    root.append(element);
    const pointer = { element_: element, x, y };
    pointers.set(from, pointer);
    return pointer;
  };
  return {
    point_(from: number, name: string, x: number, y: number) {
      const pointer = pointers.get(from) ?? create(from, x, y);
      pointer.element_.querySelector("span")!.textContent = name;
      pointer.x = x;
      pointer.y = y;
      // At once, not on the next frame: the pointer is as live as the mirror.
      pointer.element_.style.transform = `translate(${x - window.scrollX}px, ${y - window.scrollY}px)`;
    },
    unpoint_(from: number) {
      pointers.get(from)?.element_.remove();
      pointers.delete(from);
    },
    /** Follow the page's scroll (`sx`, `sy`). */
    place_(sx: number, sy: number) {
      for (const pointer of pointers.values()) {
        pointer.element_.style.transform = `translate(${pointer.x - sx}px, ${pointer.y - sy}px)`;
      }
    },
    stop_: () => pointers.clear(),
  };
}

export function startAnnotations(options: AnnotationsOptions): Annotations {
  const dismissText = options.dismissText_ ?? "Hide the agent's drawings ✕";
  const { host_: host, root_: root, layer_: layer, dismiss_: dismiss } = buildMarks(dismissText);
  const pointers = pointerLayer(root);
  let queued = false;
  // Document coordinates to the viewport's: everything moves with the page's scroll.
  const place = () => {
    queued = false;
    layer.setAttribute("transform", `translate(${-window.scrollX} ${-window.scrollY})`);
    pointers.place_(window.scrollX, window.scrollY);
  };
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(place);
  };
  const strokes = strokeLayer(layer, (count) => (dismiss.hidden = count === 0));
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule, { passive: true });
  dismiss.addEventListener("click", () => {
    strokes.clear_(null);
    options.dismissed_();
  });
  place();
  return {
    receive_(frame: AgentMark) {
      if (frame.t === "pointer") pointers.point_(frame.from, frame.name, frame.x, frame.y);
      else if (frame.t === "pointer_hide") pointers.unpoint_(frame.from);
      else if (frame.t === "draw") {
        strokes.draw_(frame.from, frame.id, frame.kind, frame.pts);
        schedule();
      } else if (frame.t === "draw_clear") strokes.clear_(frame.from);
    },
    stop_() {
      window.removeEventListener("scroll", schedule);
      window.removeEventListener("resize", schedule);
      strokes.stop_();
      pointers.stop_();
      host.remove();
    },
  };
}
