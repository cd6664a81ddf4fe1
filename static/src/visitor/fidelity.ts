// What rrweb does not record but an agent must see: which element has focus, which
// popovers are open, checkboxes' `indeterminate`, and where Web Animations left elements
// (fill: forwards). Sent as rrweb custom events tagged FIDELITY_TAG; the agent's replay
// applies them (static/src/agent/fidelity.ts). Nothing here carries page content: ids of
// nodes rrweb already numbered, booleans, and computed values of animated properties.
import { EVENT_INCREMENTAL_SNAPSHOT, EVENT_CUSTOM, SOURCE_MUTATION } from "../rrweb-codes";
import type { eventWithTime } from "@rrweb/types";

export const FIDELITY_TAG = "tandem";

/** One change, or (`state`) everything at once after a full snapshot. */
export type FidelityPayload =
  | { k: "focus"; id: number | null; visible: boolean }
  | { k: "popover"; id: number; open: boolean }
  | { k: "indeterminate"; id: number; on: boolean }
  | { k: "anim"; id: number; style: Record<string, string> | null }
  | { k: "state"; changes: FidelityPayload[] };

type Ids = { getId(node: Node): number };

export type FidelityRecorder = {
  /** Every current state, as one custom event to follow a full snapshot. */
  state_(): eventWithTime;
  stop_(): void;
};

type Known = (node: Node | null) => number | null;
type Emit = (payload: FidelityPayload) => void;

function focusNow(known: Known): FidelityPayload {
  const element = focusedElement();
  const id = element && element !== document.body ? known(element) : null;
  return { k: "focus", id, visible: id !== null && matches(element!, ":focus-visible") };
}

/** Focus moves, popovers toggled, and checkboxes whose click cleared `indeterminate`;
 * returns how to stop. */
function watchEvents(known: Known, emit: Emit): () => void {
  const onFocus = () => queueMicrotask(() => emit(focusNow(known)));
  const onToggle = (event: Event) => {
    const id = known(event.target as Node);
    const state = (event as ToggleEvent).newState;
    if (id !== null && state) emit({ k: "popover", id, open: state === "open" });
  };
  // A click on an indeterminate checkbox clears the flag without any setter call.
  const onChange = (event: Event) => {
    const target = event.target;
    const id = known(target as Node);
    if (id !== null && target instanceof HTMLInputElement && target.type === "checkbox") {
      emit({ k: "indeterminate", id, on: target.indeterminate });
    }
  };
  const listeners: [string, (event: Event) => void][] = [
    ["focusin", onFocus],
    ["focusout", onFocus],
    ["toggle", onToggle],
    ["change", onChange],
  ];
  for (const [name, listener] of listeners) document.addEventListener(name, listener, true);
  return () => {
    for (const [name, listener] of listeners) document.removeEventListener(name, listener, true);
  };
}

/** `indeterminate` is set only by script: its setter reports, for as long as we record;
 * returns how to put it back. */
function watchIndeterminate(known: Known, emit: Emit): () => void {
  const proto = HTMLInputElement.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(proto, "indeterminate");
  if (!descriptor?.set || !descriptor.configurable) return () => undefined;
  Object.defineProperty(proto, "indeterminate", {
    ...descriptor,
    set(this: HTMLInputElement, value: boolean) {
      descriptor.set!.call(this, value);
      const id = known(this);
      if (id !== null) emit({ k: "indeterminate", id, on: this.indeterminate });
    },
  });
  return () => Object.defineProperty(proto, "indeterminate", descriptor);
}

/** Animations started from now on report where they end (`watch_` adds older ones, read
 * at each snapshot); masked elements' are not reported. */
function watchAnimations(known: Known, isMasked: (node: Node) => boolean, emit: Emit) {
  const watched = new WeakSet<Animation>();
  function watch(animation: Animation) {
    if (watched.has(animation)) return;
    watched.add(animation);
    const target = targetOf(animation);
    if (!target) return;
    const report = () => {
      const id = known(target);
      if (id !== null && !isMasked(target)) emit({ k: "anim", id, style: heldStyle(target) });
    };
    animation.addEventListener("finish", report);
    animation.addEventListener("cancel", report);
    animation.addEventListener("remove", report);
  }
  const originalAnimate = Element.prototype.animate;
  Element.prototype.animate = function (this: Element, ...args: Parameters<Element["animate"]>) {
    const animation = originalAnimate.apply(this, args);
    watch(animation);
    return animation;
  };
  return {
    watch_: watch,
    stop_() {
      Element.prototype.animate = originalAnimate;
    },
  };
}

/** Every current state, as the changes of one `state` payload. */
function stateNow(known: Known, isMasked: (node: Node) => boolean, watch: (animation: Animation) => void) {
  const changes: FidelityPayload[] = [focusNow(known)];
  for (const element of document.querySelectorAll(":popover-open")) {
    const id = known(element);
    if (id !== null) changes.push({ k: "popover", id, open: true });
  }
  for (const input of document.querySelectorAll<HTMLInputElement>("input[type=checkbox]")) {
    const id = input.indeterminate ? known(input) : null;
    if (id !== null) changes.push({ k: "indeterminate", id, on: true });
  }
  for (const animation of document.getAnimations?.() ?? []) {
    watch(animation);
    const target = targetOf(animation);
    const id = target && !isMasked(target) ? known(target) : null;
    if (id !== null && animation.playState === "finished") {
      changes.push({ k: "anim", id, style: heldStyle(target!) });
    }
  }
  return changes;
}

/**
 * Watch the page and call `emit` for each change. `isMasked` elements are skipped for
 * animation values (a masked element shows as a blank box; its styles stay home).
 */
export function recordFidelity(ids: Ids, emit: Emit, isMasked: (node: Node) => boolean): FidelityRecorder {
  const known: Known = (node) => {
    if (!node) return null;
    const id = ids.getId(node);
    return id > 0 ? id : null;
  };
  const stopEvents = watchEvents(known, emit);
  const unwrapIndeterminate = watchIndeterminate(known, emit);
  const animations = watchAnimations(known, isMasked, emit);
  return {
    state_(): eventWithTime {
      const changes = stateNow(known, isMasked, animations.watch_);
      return {
        type: EVENT_CUSTOM,
        data: { tag: FIDELITY_TAG, payload: { k: "state", changes } },
        timestamp: Date.now(),
      } as eventWithTime;
    },
    stop_() {
      stopEvents();
      unwrapIndeterminate();
      animations.stop_();
    },
  };
}

/**
 * True for rrweb's attach of a frame's document before that document loaded: the empty
 * about:blank a `src`/`srcdoc` frame starts with, or its document still parsing. rrweb
 * attaches the document again, under the same node id, when the frame loads; the replay,
 * seeing that id already built, would keep the empty one. So the early one never goes out.
 */
export function isUnloadedFrameDocument(event: eventWithTime, ids: { getNode(id: number): Node | null }): boolean {
  if (event.type !== EVENT_INCREMENTAL_SNAPSHOT || event.data.source !== SOURCE_MUTATION) return false;
  const data = event.data as { isAttachIframe?: boolean; adds: { parentId: number; node: { id: number } }[] };
  if (!data.isAttachIframe || data.adds.length !== 1) return false;
  const frame = ids.getNode(data.adds[0].parentId);
  const doc = ids.getNode(data.adds[0].node.id) as Document | null;
  if (!(frame instanceof HTMLIFrameElement) || !doc || doc.nodeType !== Node.DOCUMENT_NODE) return false;
  const navigates = frame.hasAttribute("srcdoc") || !["", "about:blank"].includes(frame.getAttribute("src") ?? "");
  return navigates && (doc.URL === "about:blank" || doc.readyState !== "complete");
}

/**
 * The element that has focus, inside open shadow roots too: `document.activeElement` is
 * only the outermost host (a web component's button or field is inside its shadow root,
 * and its `:focus-visible` rule matches there). A closed root stops the search at its
 * host, as rrweb records nothing inside one.
 */
function focusedElement(): Element | null {
  let element = document.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  return element;
}

function matches(element: Element, selector: string): boolean {
  try {
    return element.matches(selector);
  } catch {
    return false;
  }
}

function targetOf(animation: Animation): Element | null {
  const effect = animation.effect;
  return effect instanceof KeyframeEffect && effect.target instanceof Element ? effect.target : null;
}

/**
 * The values the element's finished, filling animations hold it at: the computed value
 * of each property they animate. Null when none holds it any more.
 */
function heldStyle(element: Element): Record<string, string> | null {
  const style: Record<string, string> = {};
  const computed = getComputedStyle(element);
  for (const animation of element.getAnimations()) {
    if (animation.playState !== "finished" || !(animation.effect instanceof KeyframeEffect)) continue;
    const fill = animation.effect.getComputedTiming().fill;
    if (fill !== "forwards" && fill !== "both") continue;
    for (const keyframe of animation.effect.getKeyframes()) {
      for (const property of Object.keys(keyframe)) {
        if (["offset", "easing", "composite", "computedOffset"].includes(property)) continue;
        const name = property === "cssFloat" ? "float" : property.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        style[name] = computed.getPropertyValue(name);
      }
    }
  }
  return Object.keys(style).length > 0 ? style : null;
}
