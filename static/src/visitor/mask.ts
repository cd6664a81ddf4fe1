// Masking in the visitor's browser: the last check on every rrweb event before it leaves.
//
// rrweb's blockSelector already keeps masked elements out of what it records; this
// filter does not trust that alone. It looks at the live node behind every serialized
// node, attribute change, text change and input event, and drops or blanks anything
// inside a masked element, whatever path produced it (controlled-input value
// attributes, a password field switched to text, shadow roots, srcdoc iframes...).
import {
  EVENT_FULL_SNAPSHOT,
  EVENT_INCREMENTAL_SNAPSHOT,
  NODE_ELEMENT,
  SOURCE_CANVAS_MUTATION,
  SOURCE_INPUT,
  SOURCE_MUTATION,
} from "../rrweb-codes";
import type {
  attributeMutation,
  eventWithTime,
  mutationData,
  serializedNodeWithId,
} from "@rrweb/types";

/** Marks Tandem's own visitor UI (ui.ts): blocked like a mask, but never shown to agents. */
export const UI_HOST_ATTRIBUTE = "data-tandem-ui";

/** The screen share views a custom UI puts in its page (Glance's ids): Tandem's UI too. */
export const VIEW_FRAMES = "#glance_screenshare, #glance_agentvideo";

/** Autocomplete tokens that mark a field as a password, whatever its type. */
const PASSWORD_TOKENS = ["current-password", "new-password", "one-time-code"];
const FIELDS = ["input", "select", "textarea"];

/** Always masked, whatever the group configures. The autocomplete selectors catch the
 * common spellings early (rrweb's blockSelector); `isSensitiveField` is the full rule.
 * Built by a call, not held in a constant: the bundles that only mark Tandem's UI
 * (UI_HOST_ATTRIBUTE) then leave the list out. */
function builtinMasks(): string[] {
  return [
    `[${UI_HOST_ATTRIBUTE}]`,
    VIEW_FRAMES,
    'input[type="password" i]',
    ...FIELDS.flatMap((field) => [
      `${field}[autocomplete^="cc-" i]`,
      `${field}[autocomplete*=" cc-" i]`,
      ...PASSWORD_TOKENS.map((token) => `${field}[autocomplete~="${token}" i]`),
    ]),
    "[data-tandem-mask]",
    "[data-rr-is-password]",
  ];
}

/** A card or password field by its autocomplete tokens: any `cc-*` token (after a
 * section, billing or shipping hint too) or a password token, on input, select, textarea. */
export function isSensitiveField(element: Element): boolean {
  if (!FIELDS.includes(element.localName)) return false;
  const tokens = (element.getAttribute("autocomplete") ?? "").toLowerCase().split(/[\t\n\f\r ]+/);
  return tokens.some((token) => token.startsWith("cc-") || PASSWORD_TOKENS.includes(token));
}

/** The group's selectors plus the built-in ones, as one selector; invalid ones are dropped. */
export function maskSelector(groupSelectors: string[]): string {
  const probe = document.createDocumentFragment();
  const valid = groupSelectors.filter((selector) => {
    try {
      probe.querySelector(selector);
      return true;
    } catch {
      console.warn(`[Tandem] ignoring invalid masking selector: ${selector}`);
      return false;
    }
  });
  return [...builtinMasks(), ...valid].join(", ");
}

type NodeLookup = { getNode(id: number): Node | null };
type Where = "outside" | "root" | "inside";

const ELEMENT = 1;
const DOCUMENT = 9;
const FRAGMENT = 11;

function frameOf(doc: Document): Element | null {
  try {
    return doc.defaultView?.frameElement ?? null;
  } catch {
    return null;
  }
}

/** Blank a masked element's serialized node: an empty box of its size, no children. */
function blank(sn: serializedNodeWithId, live: Node): void {
  if (sn.type !== NODE_ELEMENT) return;
  const rect = (live as Element).getBoundingClientRect();
  const attrs: Record<string, string> = {
    rr_width: String(sn.attributes.rr_width ?? `${rect.width}px`),
    rr_height: String(sn.attributes.rr_height ?? `${rect.height}px`),
  };
  // Tandem's own UI (the zero-size host, the view iframes) stays an anonymous empty
  // box: not striped, no class.
  if (!(live as Element).matches(`[${UI_HOST_ATTRIBUTE}], ${VIEW_FRAMES}`)) {
    attrs["data-tandem-masked"] = "";
    if (typeof sn.attributes.class === "string") attrs.class = sn.attributes.class;
  }
  sn.attributes = attrs;
  sn.childNodes = [];
}

/** Attributes that can carry content no matter where the element is. */
function scrubAttributes(tagName: string, attrs: Record<string, unknown>, live: Node): void {
  delete attrs.srcdoc; // the iframe's own document is recorded, and filtered, separately
  if (tagName === "input" && (live as HTMLInputElement).type === "hidden") delete attrs.value;
}

/** Whether a live node is a masked element (`isMaskRoot`), and where it stands relative to
 * masked elements (`where`), across shadow roots and iframes. `pastPasswords` (from the
 * loader) names fields that were passwords before recording began. */
function maskedPlaces(selector: string, pastPasswords: (element: Element) => boolean) {
  // Once masked, always masked: a password field switched to text stays hidden.
  const masked = new WeakSet<Node>();
  const isMaskRoot = (node: Node): boolean => {
    if (node.nodeType !== ELEMENT) return false;
    if (masked.has(node)) return true;
    let hit = false;
    try {
      const element = node as Element;
      hit = element.matches(selector) || isSensitiveField(element) || pastPasswords(element);
    } catch {
      hit = true; // an element we cannot test is not one we send
    }
    if (hit) masked.add(node);
    return hit;
  };
  const where = (node: Node): Where => {
    let current: Node | null = node;
    let self = true;
    while (current) {
      if (isMaskRoot(current)) return self ? "root" : "inside";
      self = false;
      const parent: Node | null = current.parentNode;
      if (parent) {
        current = parent.nodeType === FRAGMENT && "host" in parent ? (parent as ShadowRoot).host : parent;
      } else if (current.nodeType === DOCUMENT) {
        current = frameOf(current as Document);
      } else {
        current = null;
      }
    }
    return "outside";
  };
  return { isMaskRoot, where };
}

/** Cleaning of serialized nodes and mutations in place: masked elements blanked, what is
 * inside them dropped, attributes scrubbed. */
function serializedCleaner(mirror: NodeLookup, { isMaskRoot, where }: ReturnType<typeof maskedPlaces>) {
  /** Filter a serialized subtree in place; false when the node itself must not be sent. */
  function cleanTree(sn: serializedNodeWithId): boolean {
    const live = mirror.getNode(sn.id);
    if (!live) return false;
    if (sn.type === NODE_ELEMENT) {
      if (isMaskRoot(live)) {
        blank(sn, live);
        return true;
      }
      scrubAttributes(sn.tagName, sn.attributes, live);
    }
    if ("childNodes" in sn && sn.childNodes) {
      sn.childNodes = sn.childNodes.filter(cleanTree);
    }
    return true;
  }

  function cleanAttributes(change: attributeMutation): boolean {
    const live = mirror.getNode(change.id);
    if (!live || where(live) !== "outside") return false;
    scrubAttributes((live as Element).tagName?.toLowerCase() ?? "", change.attributes, live);
    return Object.keys(change.attributes).length > 0;
  }

  function cleanMutation(data: mutationData, outside: (id: number) => boolean): void {
    data.adds = data.adds.filter((add) => {
      const live = mirror.getNode(add.node.id);
      if (!live) return false;
      const place = where(live);
      if (place === "inside") return false;
      if (place === "root") {
        blank(add.node, live);
        return true;
      }
      return cleanTree(add.node);
    });
    data.attributes = data.attributes.filter(cleanAttributes);
    data.texts = data.texts.filter((text) => outside(text.id));
  }

  return { cleanTree, cleanMutation };
}

/** The mask filter every rrweb event goes through (`isMasked`: whether a live node is
 * masked or inside a masked element, so that no agent may touch it). */
export function createMaskFilter(
  selector: string,
  mirror: NodeLookup,
  pastPasswords: (element: Element) => boolean = () => false,
) {
  const places = maskedPlaces(selector, pastPasswords);
  const { cleanTree, cleanMutation } = serializedCleaner(mirror, places);
  const outside = (id: number) => {
    const live = mirror.getNode(id);
    return !!live && places.where(live) === "outside";
  };

  /** The event to send, cleaned in place, or null when nothing of it may leave. */
  function filter(event: eventWithTime): eventWithTime | null {
    if (event.type === EVENT_FULL_SNAPSHOT) return cleanTree(event.data.node) ? event : null;
    if (event.type !== EVENT_INCREMENTAL_SNAPSHOT) return event;
    const data = event.data;
    if (data.source === SOURCE_MUTATION) cleanMutation(data, outside);
    else if (data.source === SOURCE_INPUT || data.source === SOURCE_CANVAS_MUTATION) {
      return outside(data.id) ? event : null;
    }
    return event;
  }

  return Object.assign(filter, { isMasked: (node: Node) => places.where(node) !== "outside" });
}
