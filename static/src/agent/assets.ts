// The replayed page's assets come through Tandem's asset proxy (cobrowse/asset_proxy.py):
// before rrweb rebuilds a snapshot or applies a mutation, every URL the replay would
// fetch (src, srcset, poster, stylesheets, CSS url() and @import, SVG href, fonts...) is
// made absolute against the visitor's page and pointed at the proxy. The agent page's CSP
// allows nothing else, so anything missed here is blocked, not fetched from elsewhere.
// Events come from the visitor's browser and may be forged: every field is checked.
import type { eventWithTime } from "@rrweb/types";
import { rewriteCssUrls } from "./css";

type Json = Record<string, unknown>;

// rrweb's event, source and node numbers (@rrweb/types).
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const META = 4;
const MUTATION = 0;
const STYLE_SHEET_RULE = 8;
const CANVAS_MUTATION = 9;
const FONT = 10;
const STYLE_DECLARATION = 13;
const ADOPTED_STYLE_SHEET = 15;
const ELEMENT = 2;
const TEXT = 3;

/** Attributes whose value is one URL the browser fetches (rr_dataURL: a canvas image). */
const URL_ATTRIBUTES = new Set([
  "src",
  "poster",
  "background",
  "data",
  "codebase",
  "href",
  "xlink:href",
  "lowsrc",
  "manifest",
  "rr_dataurl",
]);
const SRCSET_ATTRIBUTES = new Set(["srcset", "imagesrcset"]);
/** CSS text, including SVG presentation attributes that take `url(...)`. */
const CSS_ATTRIBUTES = new Set([
  "style",
  "_csstext",
  "fill",
  "stroke",
  "filter",
  "clip-path",
  "mask",
  "marker-start",
  "marker-mid",
  "marker-end",
  "marker",
  "cursor",
]);
/** Never wanted in the replay: a visitor's `ping`s, integrity (a proxied stylesheet is
 * rewritten, so its hash no longer matches), referrer policies of its own, an iframe's
 * inline document (rrweb sends frames' documents on their own), SVG's xml:base. */
const DROPPED = new Set(["ping", "integrity", "referrerpolicy", "srcdoc", "xml:base"]);
/** SVG animation (SMIL) runs without script: its values may hold url(), and it must not
 * animate an element's address to somewhere else. */
const ANIMATIONS = new Set(["animate", "set", "animatemotion", "animatetransform", "animatecolor"]);
const ANIMATION_VALUES = new Set(["to", "from", "by", "values"]);
const ADDRESSES = /^(?:xlink:)?(?:href|src)$/i;
/** Links that navigate rather than fetch keep their address (the agent may read it). */
const NAVIGATING = new Set(["a", "area"]);
/** Documents: never loaded in the replay (Tandem serves no pages for a visitor's site). */
const FRAMES = new Set(["iframe", "frame"]);

const NOTHING = "about:invalid";
const C0_AND_SPACE = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g; // what the URL parser strips
const HTML_SPACE = /[\t\n\f\r ]/;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export class AssetRewriter {
  private proxy_: string | null = null;
  private base_ = "about:blank";
  private readonly tags_ = new Map<number, string>(); // element id -> lower-case tag name
  private readonly styleTexts_ = new Set<number>(); // text nodes inside <style>

  /** The proxy URL for this agent and session (`joined.assets`), to append `&u=` to. */
  configure(proxy: string): void {
    this.proxy_ = proxy;
  }

  /** Rewrite `events` in place, in the order they are applied. */
  rewrite(events: eventWithTime[]): void {
    for (const event of events) this.event_(event as unknown as Json);
  }

  /** `url` as the replay may load it: through the proxy, data:/blob: and #ids kept. */
  url(raw: string): string {
    const value = raw.replace(C0_AND_SPACE, "");
    if (value === "" || value.startsWith("#")) return value;
    if (/^(data|blob):/i.test(value)) return value;
    let absolute: URL;
    try {
      absolute = new URL(value, this.base_);
    } catch {
      return NOTHING;
    }
    if (!this.proxy_ || (absolute.protocol !== "http:" && absolute.protocol !== "https:")) {
      return NOTHING;
    }
    const fragment = absolute.hash;
    absolute.hash = "";
    return `${this.proxy_}&u=${encodeURIComponent(absolute.href)}${fragment}`;
  }

  /** CSS (a sheet, a rule, a declaration list or one value) with every URL it loads
   * pointed at the proxy, read as the browser reads it (./css.ts). */
  css(text: string): string {
    return rewriteCssUrls(text, (url) => this.url(url));
  }

  /** A srcset, split as HTML does ("parse a srcset attribute"): a URL is a run of
   * non-space characters (commas included: `data:` URLs have them), its descriptors run
   * to the next comma outside parentheses. */
  srcset(text: string): string {
    const candidates: string[] = [];
    let at = 0;
    while (at < text.length) {
      while (at < text.length && (HTML_SPACE.test(text[at]) || text[at] === ",")) at += 1;
      if (at >= text.length) break;
      const start = at;
      while (at < text.length && !HTML_SPACE.test(text[at])) at += 1;
      let address = text.slice(start, at);
      let descriptors = "";
      if (address.endsWith(",")) {
        address = address.replace(/,+$/, "");
      } else {
        const begin = at;
        let depth = 0;
        for (; at < text.length; at += 1) {
          const c = text[at];
          if (c === "(") depth += 1;
          else if (c === ")") depth = Math.max(0, depth - 1);
          else if (c === "," && depth === 0) break;
        }
        descriptors = text.slice(begin, at).trim();
        at += 1;
      }
      candidates.push(descriptors ? `${this.url(address)} ${descriptors}` : this.url(address));
    }
    return candidates.join(", ");
  }

  private event_(event: Json): void {
    const data = event.data;
    if (!isObject(data)) return;
    if (event.type === META && typeof data.href === "string") {
      this.base_ = /^https?:/i.test(data.href) ? data.href : "about:blank";
    } else if (event.type === FULL_SNAPSHOT) {
      this.tags_.clear();
      this.styleTexts_.clear();
      this.node_(data.node, false);
    } else if (event.type === INCREMENTAL) {
      this.incremental_(data);
    }
  }

  private incremental_(data: Json): void {
    switch (data.source) {
      case MUTATION:
        return this.mutation_(data);
      case STYLE_SHEET_RULE:
        // A constructed sheet's replace()/replaceSync() text, or rules added one by one.
        for (const whole of ["replace", "replaceSync"]) {
          if (typeof data[whole] === "string") data[whole] = this.css(data[whole] as string);
        }
        return this.rules_(data.adds);
      case STYLE_DECLARATION:
        if (isObject(data.set) && typeof data.set.value === "string") {
          data.set.value = this.css(data.set.value);
        }
        return;
      case ADOPTED_STYLE_SHEET:
        if (Array.isArray(data.styles)) {
          for (const style of data.styles) if (isObject(style)) this.rules_(style.rules);
        }
        return;
      case FONT:
        // A FontFace made from a URL (`url(...)`); a buffer source is data already.
        if (typeof data.fontSource === "string" && !data.buffer) {
          data.fontSource = this.css(data.fontSource);
        }
        return;
      case CANVAS_MUTATION:
        return this.canvasImages_(data);
    }
  }

  private rules_(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const rule of list) {
      if (isObject(rule) && typeof rule.rule === "string") rule.rule = this.css(rule.rule);
    }
  }

  /** Canvas commands may draw an image by its address (`{rr_type: "HTMLImageElement"}`). */
  private canvasImages_(value: unknown, depth = 0): void {
    if (depth > 8 || (typeof value !== "object" || value === null)) return;
    if (isObject(value) && value.rr_type === "HTMLImageElement" && typeof value.src === "string") {
      value.src = this.url(value.src);
    }
    for (const inner of Object.values(value)) this.canvasImages_(inner, depth + 1);
  }

  private mutation_(data: Json): void {
    if (Array.isArray(data.adds)) {
      for (const add of data.adds) {
        if (!isObject(add)) continue;
        const parent = typeof add.parentId === "number" ? this.tags_.get(add.parentId) : undefined;
        this.node_(add.node, parent === "style");
      }
    }
    if (Array.isArray(data.texts)) {
      for (const text of data.texts) {
        if (isObject(text) && typeof text.id === "number" && typeof text.value === "string") {
          if (this.styleTexts_.has(text.id) || this.tags_.get(text.id) === "style") {
            text.value = this.css(text.value);
          }
        }
      }
    }
    if (Array.isArray(data.attributes)) {
      for (const change of data.attributes) {
        if (!isObject(change) || !isObject(change.attributes)) continue;
        const tag = typeof change.id === "number" ? (this.tags_.get(change.id) ?? "") : "";
        this.attributes_(tag, change.attributes);
      }
    }
  }

  private node_(node: unknown, inStyle: boolean, depth = 0): void {
    if (!isObject(node) || depth > 2000) return;
    if (node.type === TEXT && typeof node.textContent === "string") {
      if (inStyle || node.isStyle) {
        if (typeof node.id === "number") this.styleTexts_.add(node.id);
        node.textContent = this.css(node.textContent);
      }
      return;
    }
    let tag = "";
    if (node.type === ELEMENT) {
      tag = typeof node.tagName === "string" ? node.tagName.toLowerCase() : "";
      if (typeof node.id === "number") this.tags_.set(node.id, tag);
      if (isObject(node.attributes)) this.attributes_(tag, node.attributes);
    }
    if (Array.isArray(node.childNodes)) {
      for (const child of node.childNodes) this.node_(child, tag === "style", depth + 1);
    }
  }

  /** Rewrite one element's attributes in place (a snapshot's, or a mutation's changes). */
  private attributes_(tag: string, attributes: Json): void {
    if (tag === "base") delete attributes.href; // URLs are absolute already
    if (tag === "meta") {
      delete attributes["http-equiv"]; // a refresh, a policy, cookies: none for the replay
      if (typeof attributes.name === "string" && attributes.name.toLowerCase() === "referrer") delete attributes.name;
    }
    for (const [name, value] of Object.entries(attributes)) {
      const key = name.toLowerCase();
      if (key === "style" && isObject(value)) {
        this.styleObject_(value);
      } else if (typeof value !== "string") {
        continue;
      } else if (key.startsWith("on") || DROPPED.has(key) || key === "http-equiv") {
        delete attributes[name]; // never run, nothing to fetch, nothing wanted
      } else if (ANIMATIONS.has(tag) && key === "attributename" && ADDRESSES.test(value.trim())) {
        delete attributes[name];
      } else if (CSS_ATTRIBUTES.has(key) || (ANIMATIONS.has(tag) && ANIMATION_VALUES.has(key))) {
        attributes[name] = this.css(value);
      } else if (SRCSET_ATTRIBUTES.has(key)) {
        attributes[name] = this.srcset(value);
      } else if (URL_ATTRIBUTES.has(key) || key.endsWith(":href")) {
        if ((key === "href" || key.endsWith(":href")) && NAVIGATING.has(tag)) continue;
        attributes[name] = FRAMES.has(tag) && key === "src" ? "about:blank" : this.url(value);
      }
    }
  }

  /** A mutation's style changes: `{property: value | [value, priority] | false}`. */
  private styleObject_(style: Json): void {
    for (const [property, value] of Object.entries(style)) {
      if (typeof value === "string") style[property] = this.css(value);
      else if (Array.isArray(value) && typeof value[0] === "string") {
        style[property] = [this.css(value[0]), ...value.slice(1)];
      }
    }
  }
}
