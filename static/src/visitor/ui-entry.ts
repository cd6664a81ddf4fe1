// The loader's side of the default visitor UI: defines GLANCE.Cobrowse.VisitorUI, listens
// to the session's events from the start, and imports the UI bundle only when it is needed
// (a session starts or continues, or the page asks for the terms dialog).
import type { LoaderConfig } from "./config";
import { extendVisitorUi } from "./glance-api";
import {
  ANSWERED_EVENT,
  MESSAGE_EVENT,
  REVERSE_ANSWERED_EVENT,
  SESSION_CONFIRM_EVENT,
  messageText,
  type EventName,
  type Handler,
  type VisitorEvents,
} from "./events";

/** The part of GLANCE.Cobrowse.Visitor the UI drives: what any integrator's UI uses too. */
export type VisitorApi = {
  startSession(options?: { sessionKey?: string | number }): void;
  stopSession(): void;
  inSession(): boolean;
  getKey(): string | null;
  /** Hand control back to the visitor; the session goes on (the panel's "Take back control"). */
  endRemoteControl?(): void;
  addEventListener<K extends EventName>(name: K, fn: Handler<K>): void;
};

/** What the UI reads of the loader: the group's settings and the script tag's attributes
 * (`data-locale`, `data-termsurl`, `data-uiposition`). */
export type UiSettings = { config: Partial<LoaderConfig>; attrs: Record<string, string> };

/** Tandem's own methods the default UI uses besides the Glance API (chat replies). */
export type TandemApi = { sendMessage(data: unknown): boolean };

export type TermsOptions = { sessionKey?: string | number };

/** What the UI bundle (ui.ts) gives back once loaded. */
export type VisitorUi = {
  handle<K extends UiEvent>(name: K, payload: VisitorEvents[K]): void;
  showTerms(options: TermsOptions): void;
  /** A presence signal's text, shown as a small notice. */
  notice(text: string): void;
  /** Ask whether to continue the session on `url`'s site (VisitorUI.promptCrossDomain). */
  promptCrossDomain(url: string): Promise<boolean>;
};

export type UiModule = { createVisitorUi(visitor: VisitorApi, tandem?: TandemApi, settings?: UiSettings): VisitorUi };

/** The events the default UI reacts to, as GLANCE.Cobrowse.Visitor fires them. */
export const UI_EVENTS = [
  "sessionstarting",
  "sessionstart",
  "sessioncontinue",
  "statereceived",
  "agents",
  "connection",
  "rcrequested",
  "rc",
  "urlstartwarning",
  SESSION_CONFIRM_EVENT,
  "accessibility",
  "reverseconfirm",
  "reverseended",
  REVERSE_ANSWERED_EVENT,
  ANSWERED_EVENT,
  "screenshare",
  MESSAGE_EVENT,
  "error",
  "sessionend",
] as const;
export type UiEvent = (typeof UI_EVENTS)[number];

type InstallOptions = {
  cobrowse: Record<string, unknown>;
  tandem: TandemApi;
  config: LoaderConfig;
  attrs: Record<string, string>;
};

/** The UI bundle, imported on first need (`load`); events that fire while it loads are
 * handed to it in order (`deliver`), so it never misses the sessionstarting that caused
 * the load. */
function lazyUi({ cobrowse, tandem, config, attrs }: InstallOptions) {
  const visitor = cobrowse.Visitor as VisitorApi;
  let ui: VisitorUi | null = null;
  let loading: Promise<VisitorUi> | null = null;
  let early: ((ui: VisitorUi) => void)[] = [];
  const load = (): Promise<VisitorUi> =>
    (loading ??= (import(/* webpackIgnore: true */ config.ui) as Promise<UiModule>).then(
      (module) => {
        const created = module.createVisitorUi(visitor, tandem, { config, attrs });
        ui = created;
        for (const handle of early) handle(created);
        early = [];
        return created;
      },
      (error: unknown) => {
        console.error("[Tandem] could not load the co-browsing UI", error);
        loading = null; // the next event or showTerms tries again
        early = [];
        throw error;
      },
    ));
  const deliver = <K extends UiEvent>(name: K, payload: VisitorEvents[K]) => {
    if (ui) {
      ui.handle(name, payload);
      return;
    }
    early.push((loaded) => loaded.handle(name, payload));
    load().catch(() => undefined);
  };
  return { load, deliver };
}

/**
 * Installs the default UI unless the script tag says `data-ui="custom"`: then, as with
 * Glance, GLANCE.Cobrowse.VisitorUI stays undefined and the page drives everything itself.
 * Call after GLANCE.Cobrowse.Visitor is defined.
 */
export function installDefaultUi(options: InstallOptions): ((data: unknown) => boolean) | undefined {
  const { cobrowse } = options;
  if (options.attrs.ui === "custom") return undefined;
  const visitor = cobrowse.Visitor as VisitorApi;
  const { load, deliver } = lazyUi(options);
  const listen = <K extends UiEvent>(name: K) => visitor.addEventListener(name, (payload) => deliver(name, payload));
  UI_EVENTS.forEach(listen);
  // A session carried over from the previous page may already be running.
  if (visitor.inSession()) deliver("sessioncontinue", undefined);

  cobrowse.VisitorUI = {
    showTerms(terms?: TermsOptions) {
      load().then(
        (loaded) => loaded.showTerms(terms ?? {}),
        () => undefined,
      );
    },
  };
  extendVisitorUi(cobrowse.VisitorUI as Record<string, unknown>, cobrowse.Visitor as Record<string, unknown>, (url) =>
    load().then(
      (loaded) => loaded.promptCrossDomain(url),
      () => false,
    ),
  );
  // A presence signal the page has no onsignal for: the UI shows its text (only text).
  return (data: unknown) => {
    const text = messageText(data);
    if (text === null) return false;
    load().then(
      (loaded) => loaded.notice(text),
      () => undefined,
    );
    return true;
  };
}
