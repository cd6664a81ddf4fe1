// Fonts a page makes with the FontFace API have no trace in the DOM, and the recorder
// arrives only when a session starts, after the page made them. The loader remembers
// each FontFace's source from the start; the recorder sends every such font the page
// added to document.fonts with each full snapshot, and each one added later, as rrweb
// font events (the replay adds them to the replayed document).
import type { eventWithTime } from "@rrweb/types";
import { SOURCE_FONT, EVENT_INCREMENTAL_SNAPSHOT } from "../rrweb-codes";

type FontSource = string | ArrayBuffer | ArrayBufferView;
type FontRecord = { family: string; source: FontSource; descriptors?: FontFaceDescriptors };
type Lookup = (face: FontFace) => FontRecord | undefined;

// Shared between the loader and the recorder, which are separate bundles.
const REGISTRY = Symbol.for("tandem.fonts");
/** Fonts made from bytes bigger than this are not sent (rrweb sends bytes as JSON). */
const MAX_FONT_BYTES = 1024 * 1024;

/** Called by the loader: remember the source of every FontFace made from now on. */
export function watchFonts(): void {
  const holder = window as unknown as Record<symbol, Lookup | undefined>;
  if (holder[REGISTRY] || typeof window.FontFace !== "function") return;
  const sources = new WeakMap<FontFace, FontRecord>();
  window.FontFace = new Proxy(window.FontFace, {
    construct(target, args: [string, FontSource, FontFaceDescriptors?], newTarget) {
      const face = Reflect.construct(target, args, newTarget) as FontFace;
      sources.set(face, { family: args[0], source: args[1], descriptors: args[2] });
      return face;
    },
  });
  holder[REGISTRY] = (face) => sources.get(face);
}

function lookup(): Lookup {
  return (window as unknown as Record<symbol, Lookup | undefined>)[REGISTRY] ?? (() => undefined);
}

/** `url(...)` references made absolute against the page, so the replay fetches the same. */
function absoluteUrls(source: string): string {
  return source.replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g, (_, quote: string, url: string) => {
    try {
      return `url(${quote}${new URL(url, document.baseURI).href}${quote})`;
    } catch {
      return `url(${quote}${url}${quote})`;
    }
  });
}

function fontEvent(record: FontRecord): eventWithTime | null {
  let fontSource: string;
  let buffer = false;
  if (typeof record.source === "string") {
    fontSource = absoluteUrls(record.source);
  } else {
    const view = ArrayBuffer.isView(record.source)
      ? new Uint8Array(record.source.buffer, record.source.byteOffset, record.source.byteLength)
      : new Uint8Array(record.source);
    if (view.byteLength > MAX_FONT_BYTES) return null;
    fontSource = JSON.stringify(Array.from(view));
    buffer = true;
  }
  return {
    type: EVENT_INCREMENTAL_SNAPSHOT,
    data: {
      source: SOURCE_FONT,
      family: record.family,
      fontSource,
      buffer,
      descriptors: record.descriptors,
    },
    timestamp: Date.now(),
  } as eventWithTime;
}

/** Font events for every FontFace the page made and added to its document. */
export function currentFontEvents(): eventWithTime[] {
  const find = lookup();
  const events: eventWithTime[] = [];
  document.fonts.forEach((face) => {
    const record = find(face);
    const event = record ? fontEvent(record) : null;
    if (event) events.push(event);
  });
  return events;
}

/** Report fonts the page adds from now on; returns the function that stops it. */
export function watchAddedFonts(emit: (event: eventWithTime) => void): () => void {
  const fonts = document.fonts;
  const original = fonts.add;
  fonts.add = function (this: FontFaceSet, face: FontFace) {
    const result = original.call(this, face);
    const record = lookup()(face);
    const event = record ? fontEvent(record) : null;
    if (event) emit(event);
    return result;
  };
  return () => {
    fonts.add = original;
  };
}
