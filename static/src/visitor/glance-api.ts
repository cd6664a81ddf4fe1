// The rest of Glance's documented GLANCE.Cobrowse.Visitor and VisitorUI methods, added to
// the objects the loader and the default UI define: start parameters set ahead, pausing,
// remote control without a prompt, continuing on another page, and the UI's helpers.
import type { SessionClient } from "./session";
import { setStartParams } from "./keys";

type Api = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A boolean argument Glance's way: `true`/`false`, or an object with one of `names`;
 * absent means `fallback`. */
function flag(arg: unknown, names: string[], fallback: boolean): boolean {
  if (typeof arg === "boolean") return arg;
  if (isRecord(arg)) {
    for (const name of names) if (typeof arg[name] === "boolean") return arg[name] as boolean;
  }
  return fallback;
}

/** The URL a continue/cross-domain call names: a string, or `{destination}` / `{url}`. */
function destination(arg: unknown): string | null {
  if (typeof arg === "string") return arg;
  if (isRecord(arg)) {
    const url = arg.destination ?? arg.url;
    if (typeof url === "string") return url;
  }
  return null;
}

/** Add Glance's methods to GLANCE.Cobrowse.Visitor. */
export function extendVisitor(visitor: Api, client: SessionClient): void {
  Object.assign(visitor, {
    setStartParams: (params: unknown) => setStartParams(params),
    pauseSession: (arg?: unknown) => {
      if (!client.pause(flag(arg, ["pause", "paused"], true))) console.warn("[Tandem] pauseSession() needs a running session");
    },
    isSessionPaused: () => client.isPaused(),
    enableRC: (arg?: unknown) => {
      if (!client.enableRc(flag(arg, ["enable", "enabled"], true))) {
        console.warn("[Tandem] enableRC() needs a running session with an agent in it");
      }
    },
    // A URL, or Glance's `{url}` / `{destination}` object (as glance_invoke passes it).
    crossDomain: (arg: unknown) => {
      const url = destination(arg);
      if (url === null) console.warn("[Tandem] crossDomain() needs a URL");
      else client.crossDomain(url);
    },
    continueSessionAt: (arg: unknown) => {
      const url = destination(arg);
      if (url === null) console.warn("[Tandem] continueSessionAt() needs a destination URL");
      else client.crossDomain(url);
    },
  });
}

/** Add Glance's `loaded`, `setStyle` and `promptCrossDomain` to GLANCE.Cobrowse.VisitorUI
 * (defined only with the default UI). `ask` shows the default UI's question. */
export function extendVisitorUi(ui: Api, visitor: Api, ask: (url: string) => Promise<boolean>): void {
  Object.assign(ui, {
    // Every method of VisitorUI works from the start (the UI's code loads on first use).
    loaded: Promise.resolve(ui),
    setStyle: (groupid: unknown) => {
      // One look per Tandem group: the script's group already chose it.
      console.info(`[Tandem] VisitorUI.setStyle(${String(groupid)}): the UI's look is the script's group's`);
    },
    promptCrossDomain: (params: unknown): Promise<void> => {
      const url = destination(params);
      const inSession = typeof visitor.inSession === "function" && (visitor.inSession as () => boolean)();
      if (url === null || !inSession) return Promise.resolve();
      return ask(url).then((yes) => {
        if (yes) (visitor.crossDomain as (url: string) => void)(url);
      });
    },
  });
}
