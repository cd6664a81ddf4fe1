// The replay side of what stock rrweb loses (the visitor side: static/src/visitor/fidelity.ts):
// canvas pictures shown without scripts in the replay, the visitor's focus shown with the
// page's own :focus styles, open popovers, indeterminate checkboxes, animation end states,
// and no media controls the visitor does not have.
import type { Replayer } from "@rrweb/replay";
import { EVENT_CUSTOM, EVENT_FULL_SNAPSHOT, EVENT_INCREMENTAL_SNAPSHOT, NODE_DOCUMENT, NODE_ELEMENT, NODE_TEXT, SOURCE_ADOPTED_STYLESHEET, SOURCE_CANVAS_MUTATION, SOURCE_MUTATION, SOURCE_STYLESHEET_RULE } from "../rrweb-codes";
import type { eventWithTime, serializedNodeWithId } from "@rrweb/types";

const FIDELITY_TAG = "tandem";

type Change =
  | { k: "focus"; id: number | null; visible: boolean }
  | { k: "popover"; id: number; open: boolean }
  | { k: "indeterminate"; id: number; on: boolean }
  | { k: "anim"; id: number; style: Record<string, string> | null }
  | { k: "state"; changes: Change[] };

const FOCUS = "data-tandem-focus";
const FOCUS_VISIBLE = "data-tandem-focus-visible";
const FOCUS_WITHIN = "data-tandem-focus-within";
const ANIMATED = "data-tandem-anim";
const CANVAS = "data-tandem-canvas";
const STATE_STYLE_ID = "tandem-replay-state";

/** Rules the replayed document gets besides the page's own. */
export const FIDELITY_STYLES = [
  // The replay runs no scripts, and Chromium then shows media controls (and a loading
  // spinner) on every video and audio element, whatever the page said.
  "video:not([controls])::-webkit-media-controls{display:none!important}",
  "audio:not([controls]){display:none!important}",
  // The field the visitor is in: a short pulse, then only the page's own focus styles.
  `@keyframes tandem-focus-pulse{from{box-shadow:0 0 0 4px rgba(37,99,235,.55)}to{box-shadow:0 0 0 4px rgba(37,99,235,0)}}`,
  `[${FOCUS}]{animation:tandem-focus-pulse 1.2s ease-out 1}`,
];

// `:focus`, `:focus-visible` and `:focus-within` in the page's CSS match the elements the
// visitor's focus is on in the replay (nothing in the replay ever has real focus: it is inert).
const FOCUS_PSEUDO = /:focus(-visible|-within)?(?![\w-])/g;

export function rewriteFocusSelectors(css: string): string {
  if (!css.includes(":focus")) return css;
  return css.replace(FOCUS_PSEUDO, (_, kind: string | undefined) =>
    kind === "-visible" ? `[${FOCUS_VISIBLE}]` : kind === "-within" ? `[${FOCUS_WITHIN}]` : `[${FOCUS}]`,
  );
}

function rewriteTree(node: serializedNodeWithId): void {
  if (node.type === NODE_ELEMENT) {
    const css = node.attributes._cssText;
    if (typeof css === "string") node.attributes._cssText = rewriteFocusSelectors(css);
    for (const child of node.childNodes) rewriteTree(child);
  } else if (node.type === NODE_TEXT && node.isStyle) {
    node.textContent = rewriteFocusSelectors(node.textContent);
  } else if (node.type === NODE_DOCUMENT) {
    for (const child of node.childNodes) rewriteTree(child);
  }
}

/** Rewrites the focus selectors of every stylesheet the events carry, in place. */
export function prepareEvents(events: eventWithTime[], replayer: Replayer | null): eventWithTime[] {
  for (const event of events) {
    if (event.type === EVENT_FULL_SNAPSHOT) {
      rewriteTree(event.data.node);
      continue;
    }
    if (event.type !== EVENT_INCREMENTAL_SNAPSHOT) continue;
    const data = event.data;
    switch (data.source) {
      case SOURCE_MUTATION:
        for (const add of data.adds) rewriteTree(add.node);
        for (const change of data.attributes) {
          const css = change.attributes._cssText;
          if (typeof css === "string") change.attributes._cssText = rewriteFocusSelectors(css);
        }
        for (const text of data.texts) {
          const parent = replayer?.getMirror().getNode(text.id)?.parentNode;
          if (text.value && parent?.nodeName === "STYLE") text.value = rewriteFocusSelectors(text.value);
        }
        break;
      case SOURCE_STYLESHEET_RULE:
        for (const add of data.adds ?? []) add.rule = rewriteFocusSelectors(add.rule);
        break;
      case SOURCE_ADOPTED_STYLESHEET:
        for (const style of data.styles ?? []) {
          for (const rule of style.rules) rule.rule = rewriteFocusSelectors(rule.rule);
        }
        break;
    }
  }
  return events;
}

type Picture = { base64: string; type: string };

/** The picture of an rrweb canvas event in FPS mode (clearRect + drawImage of a Blob). */
function pictureOf(data: unknown): Picture | null {
  const commands = (data as { commands?: { property: string; args: unknown[] }[] }).commands;
  const draw = commands?.find((command) => command.property === "drawImage");
  const bitmap = draw?.args[0] as { rr_type?: string; args?: unknown[] } | undefined;
  const blob = bitmap?.rr_type === "ImageBitmap" ? (bitmap.args?.[0] as Record<string, unknown>) : undefined;
  const buffer = (blob?.data as { base64?: string }[] | undefined)?.[0];
  if (blob?.rr_type !== "Blob" || typeof buffer?.base64 !== "string") return null;
  return { base64: buffer.base64, type: typeof blob.type === "string" ? blob.type : "image/webp" };
}

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return bytes;
}

type Rules = Map<string, string>;
type Mirror = ReturnType<Replayer["getMirror"]>;

/** The replayed document's own stylesheet: every rule in `rules`, in one <style>. */
function writeRules(doc: Document, rules: Rules) {
  let style = doc.getElementById(STATE_STYLE_ID);
  if (!style) {
    style = doc.createElement("style");
    style.id = STATE_STYLE_ID;
    (doc.head ?? doc.documentElement).append(style);
  }
  style.textContent = [...rules.values()].join("\n");
}

/** Each canvas's picture as its background image, through a rule keyed to the element. */
function canvasPictures(rules: Rules) {
  const urls = new Map<number, string>(); // blob: URLs to revoke once replaced

  function show(doc: Document, canvas: Element, id: number, url: string) {
    const old = urls.get(id);
    if (old) URL.revokeObjectURL(old);
    if (url.startsWith("blob:")) urls.set(id, url);
    else urls.delete(id);
    canvas.setAttribute(CANVAS, String(id));
    rules.set(
      `canvas:${id}`,
      `[${CANVAS}="${id}"]{background-image:url("${url.replace(/["\\\n]/g, "")}")!important;` +
        "background-size:100% 100%!important;background-repeat:no-repeat!important;" +
        "background-origin:content-box!important}",
    );
    writeRules(doc, rules);
  }

  /** Pictures a snapshot or added nodes carry (rr_dataURL), once they are built. */
  function showTree(doc: Document, node: serializedNodeWithId, replayer: Replayer) {
    if (node.type === NODE_ELEMENT && node.tagName === "canvas") {
      const url = node.attributes.rr_dataURL;
      const built = replayer.getMirror().getNode(node.id);
      if (typeof url === "string" && url.startsWith("data:image/") && built?.nodeType === Node.ELEMENT_NODE) {
        show(doc, built as Element, node.id, url);
      }
    }
    if ("childNodes" in node) for (const child of node.childNodes) showTree(doc, child, replayer);
  }

  /** The pictures `event` brings: in a snapshot, in added nodes, or a canvas change. */
  function receive(doc: Document, event: eventWithTime, replayer: Replayer) {
    if (event.type === EVENT_FULL_SNAPSHOT) return showTree(doc, event.data.node, replayer);
    if (event.type !== EVENT_INCREMENTAL_SNAPSHOT) return;
    const data = event.data;
    if (data.source === SOURCE_MUTATION) {
      for (const add of data.adds) showTree(doc, add.node, replayer);
    } else if (data.source === SOURCE_CANVAS_MUTATION) {
      const canvas = replayer.getMirror().getNode(data.id);
      const picture = pictureOf(data);
      if (picture && canvas?.nodeName === "CANVAS") {
        const url = URL.createObjectURL(new Blob([bytesOf(picture.base64)], { type: picture.type }));
        show(doc, canvas as Element, data.id, url);
      }
    }
  }

  function clear() {
    for (const url of urls.values()) URL.revokeObjectURL(url);
    urls.clear();
  }

  return { receive, clear };
}

/** The visitor's focus on `change.id` (none: null), marked in `marked`'s place. */
function showFocus(mirror: Mirror, marked: Set<Element>, change: Extract<Change, { k: "focus" }>) {
  for (const element of marked) {
    for (const name of [FOCUS, FOCUS_VISIBLE, FOCUS_WITHIN]) element.removeAttribute(name);
  }
  marked.clear();
  const node = change.id === null ? null : mirror.getNode(change.id);
  if (!(node instanceof Element) && !(node && node.nodeType === Node.ELEMENT_NODE)) return;
  const element = node as Element;
  element.setAttribute(FOCUS, "");
  if (change.visible) element.setAttribute(FOCUS_VISIBLE, "");
  // Up to the document, through shadow roots: every ancestor matches :focus-within,
  // and each shadow host on the way matches :focus too (its own :host(:focus) rules).
  for (let at: Node | null = element; at; ) {
    if (at.nodeType === Node.ELEMENT_NODE) {
      (at as Element).setAttribute(FOCUS_WITHIN, "");
      marked.add(at as Element);
    }
    const host: Element | null = at.parentNode ? null : ((at as ShadowRoot).host ?? null);
    if (host) host.setAttribute(FOCUS, "");
    at = at.parentNode ?? host;
  }
}

/** An animation's end state (or none: null) as a rule keyed to the element. */
function showAnimation(mirror: Mirror, rules: Rules, change: Extract<Change, { k: "anim" }>) {
  const node = mirror.getNode(change.id) as Element | null;
  if (!node || node.nodeType !== Node.ELEMENT_NODE) return false;
  if (change.style) {
    node.setAttribute(ANIMATED, String(change.id));
    const declarations = Object.entries(change.style)
      .filter(([name]) => /^[a-z-]+$/.test(name))
      .map(([name, value]) => `${name}:${value.replace(/[;{}<]/g, "")}!important`)
      .join(";");
    rules.set(`anim:${change.id}`, `[${ANIMATED}="${change.id}"]{${declarations}}`);
  } else {
    node.removeAttribute(ANIMATED);
    rules.delete(`anim:${change.id}`);
  }
  return true;
}

function showPopover(node: HTMLElement | null, open: boolean) {
  try {
    if (open) node?.showPopover?.();
    else node?.hidePopover?.();
  } catch {
    // not a popover in the replay (yet): the next snapshot's state has it
  }
}

/**
 * An rrweb replay plugin. A canvas in a document that runs no scripts shows its fallback
 * content, never its bitmap (HTML: "when scripting is disabled"), which is why rrweb
 * replays canvases only with scripts allowed (UNSAFE_replayCanvas). Here each canvas
 * picture becomes the canvas element's background image instead, through a stylesheet
 * rule keyed to the element, so the page's own style changes never undo it.
 */
export function fidelityPlugin() {
  const rules: Rules = new Map();
  const pictures = canvasPictures(rules);
  const focusMarked = new Set<Element>(); // what shows the visitor's focus now
  let sheetDoc: Document | null = null;

  function apply(change: Change, replayer: Replayer) {
    const mirror = replayer.getMirror();
    const doc = replayer.iframe.contentDocument;
    if (!doc) return;
    switch (change.k) {
      case "state":
        for (const key of [...rules.keys()]) if (key.startsWith("anim:")) rules.delete(key);
        for (const inner of change.changes) apply(inner, replayer);
        writeRules(doc, rules);
        break;
      case "focus":
        showFocus(mirror, focusMarked, change);
        break;
      case "popover":
        showPopover(mirror.getNode(change.id) as HTMLElement | null, change.open);
        break;
      case "indeterminate": {
        const node = mirror.getNode(change.id) as HTMLInputElement | null;
        if (node && "indeterminate" in node) node.indeterminate = change.on;
        break;
      }
      case "anim":
        if (showAnimation(mirror, rules, change)) writeRules(doc, rules);
        break;
    }
  }

  return {
    handler(event: eventWithTime, _isSync: boolean, context: { replayer: Replayer }) {
      const replayer = context.replayer;
      const doc = replayer.iframe.contentDocument;
      if (!doc) return;
      if (doc !== sheetDoc) {
        // A new snapshot built a new document: nothing of the old one's state holds.
        sheetDoc = doc;
        rules.clear();
        focusMarked.clear();
        pictures.clear();
      }
      if (event.type === EVENT_CUSTOM && event.data.tag === FIDELITY_TAG) {
        apply(event.data.payload as Change, replayer);
      } else {
        pictures.receive(doc, event, replayer);
      }
    },
  };
}
