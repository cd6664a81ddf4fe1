// The default visitor UI, its own bundle loaded by ui-entry.ts: a status panel
// (ui-panel.ts: connecting, the session key, who is viewing, remote control and taking it
// back, connection warnings, errors, a stop button), which the visitor can minimise and
// move, the chat (ui-chat.ts) and the questions to the visitor (ui-prompts.ts). It reacts
// only to the public GLANCE.Cobrowse.Visitor events and calls only its public methods. Its
// words come from texts.ts, in the page's language, with the integrator's overrides.
//
// Everything lives in one fixed, zero-size host element marked with UI_HOST_ATTRIBUTE: the
// recorder blocks it (mask.ts), so nothing of the UI reaches an agent. Its open shadow
// root keeps the page's CSS and ours apart.
import {
  ANSWERED_EVENT,
  MESSAGE_EVENT,
  REVERSE_ANSWERED_EVENT,
  SESSION_CONFIRM_EVENT,
  type Handler,
} from "./events";
import { UI_HOST_ATTRIBUTE } from "./mask";
import { createChat } from "./ui-chat";
import type { TandemApi, UiEvent, UiSettings, VisitorApi, VisitorUi } from "./ui-entry";
import {
  defaultCorner,
  forgetLayout,
  loadLayout,
  makeDraggable,
  nextCorner,
  saveLayout,
  type Corner,
  type Layout,
} from "./ui-layout";
import { button, element } from "./ui-modal";
import { active, buildPanel, keyOf, renderPanel, type Active, type PanelState } from "./ui-panel";
import { agentPrompts, answers, asker, consent, continueHere, continueThere, type AgentPrompts } from "./ui-prompts";
import { UI_CSS } from "./ui-styles";
import { agentsText, fill, pickLocale, resolveTexts, type Texts } from "./texts";

/** Only a web page may be linked as the terms (never a javascript: or data: URL). */
function safeUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw, location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function pageSettings(): Record<string, unknown> {
  const given = (window as { GLANCE_COBROWSE?: unknown }).GLANCE_COBROWSE;
  return given && typeof given === "object" ? (given as Record<string, unknown>) : {};
}

/** The language, the texts and the terms link, from the tag, the page and the group. */
function resolveSettings(settings: UiSettings) {
  const page = pageSettings();
  const locale = pickLocale([
    settings.attrs.locale,
    typeof page.locale === "string" ? page.locale : undefined,
    settings.config.locale,
    ...(navigator.languages ?? [navigator.language]),
  ]);
  return {
    locale,
    texts: resolveTexts(locale, page.texts),
    termsUrl: safeUrl(settings.attrs.termsurl ?? (typeof page.termsUrl === "string" ? page.termsUrl : undefined) ?? settings.config.termsUrl),
    corner: defaultCorner(settings.attrs.uiposition),
  };
}

const CORNER_TEXT: Record<Corner, "cornerTopLeft" | "cornerTopRight" | "cornerBottomLeft" | "cornerBottomRight"> = {
  tl: "cornerTopLeft",
  tr: "cornerTopRight",
  bl: "cornerBottomLeft",
  br: "cornerBottomRight",
};


/** The UI's host element (in no page until used), its shadow root, and the live regions
 * that read what happens to screen readers. */
function createShell(locale: string) {
  const host = document.createElement("div");
  // Marked before it is ever in the document, so no recorder mutation sees it unmarked.
  host.setAttribute(UI_HOST_ATTRIBUTE, "");
  host.lang = locale;
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = UI_CSS;
  const polite = element("div", "sr-only");
  polite.setAttribute("aria-live", "polite");
  const assertive = element("div", "sr-only");
  assertive.setAttribute("aria-live", "assertive");
  root.append(style, polite, assertive);
  return { host, root, polite, assertive };
}

/** A presence signal's text, shown until dismissed. */
function createNotice(text: Texts) {
  const notice = element("section", "notice");
  notice.setAttribute("aria-label", text.noticeTitle);
  notice.hidden = true;
  const said = element("p", "notice-text");
  const dismiss = button("secondary", text.dismiss);
  dismiss.addEventListener("click", () => {
    notice.hidden = true;
  });
  notice.append(element("p", "title", text.noticeTitle), said, dismiss);
  return { notice, said };
}

/** Everything the UI shows, in one host element; `mount` puts it in the page. */
function createView(text: Texts, locale: string, tandem: TandemApi | undefined) {
  const shell = createShell(locale);
  const parts = buildPanel(text);
  const announce = (said: string, urgent = false) => {
    // A new node each time, so the same words said twice are read twice.
    (urgent ? shell.assertive : shell.polite).replaceChildren(element("p", "", said));
  };
  const chat = createChat(text, (data) => tandem?.sendMessage(data) ?? false, (said) => announce(said));
  chat.launcher_.hidden = true;
  parts.body.insertBefore(chat.launcher_, parts.stop);
  const notes = createNotice(text);
  shell.root.append(parts.panel, chat.drawer_, notes.notice);
  const mount = () => {
    // A page that rewrites its body removes the host with it: put it back on next use.
    if (!shell.host.isConnected) (document.body ?? document.documentElement).append(shell.host);
  };
  const notice = (said: string) => {
    mount();
    notes.said.textContent = said;
    notes.notice.hidden = false;
    announce(`${text.noticeTitle}: ${said}`);
  };
  return { ...shell, parts, chat, announce, mount, notice, text, locale, tandem };
}
type View = ReturnType<typeof createView>;

/** Where the panel sits and whether it is minimised, per session key; the visitor moves
 * it (its grip, or dragging) and minimises it. */
function panelLayout(view: View, firstCorner: Corner, key: () => string | null, render: () => void) {
  const first: Layout = { corner: firstCorner, minimised: false };
  let layout: Layout = { ...first };
  const { parts, text } = view;
  const set = (change: Partial<Layout>) => {
    layout = { ...layout, ...change };
    saveLayout(key(), layout);
    render();
  };
  parts.minimise.addEventListener("click", () => {
    set({ minimised: !layout.minimised });
    parts.minimise.focus();
  });
  const settle = (corner: Corner) => {
    set({ corner });
    view.announce(fill(text.moved, { corner: text[CORNER_TEXT[corner]] }));
  };
  parts.grip.addEventListener("click", () => settle(nextCorner(layout.corner)));
  makeDraggable(parts.panel, parts.grip, settle);
  return {
    get: () => layout,
    /** The layout saved for `forKey` (or `fallback`'s, the first one's by default). */
    load: (forKey: string | null, fallback = first) => (layout = loadLayout(forKey, fallback)),
    forget: () => {
      forgetLayout(key());
      layout = { ...first };
    },
  };
}

/** The panel's state and its changes; it redraws on each. */
function panelState(view: View, visitor: VisitorApi, corner: Corner, prompts: AgentPrompts) {
  let state: PanelState = { phase: "idle" };
  // Where the visitor was before moving into the panel, to return there when it closes.
  let returnFocus: HTMLElement | null = null;
  const onReset: (() => void)[] = [];
  const render = () => {
    if (state.phase !== "idle") view.mount();
    renderPanel(view.parts, state, view.text, view.locale, layout.get());
    view.chat.drawer_.dataset.corner = layout.get().corner;
    view.chat.launcher_.hidden = state.phase !== "active" || !view.tandem;
  };
  const layout = panelLayout(view, corner, () => keyOf(state), render);
  const update = (next: PanelState) => {
    state = next;
    render();
  };
  const reset = (message: string) => {
    prompts.dropControl();
    prompts.reverseSettled();
    const focused = view.root.activeElement;
    const hadFocus = focused !== null && (view.parts.panel.contains(focused) || view.chat.drawer_.contains(focused));
    view.chat.reset_();
    layout.forget();
    for (const forget of onReset) forget();
    update({ phase: "idle" });
    if (message) view.announce(message);
    if (hadFocus && returnFocus?.isConnected) returnFocus.focus();
    returnFocus = null;
  };
  view.parts.panel.addEventListener("focusin", (event) => {
    const from = event.relatedTarget;
    if (from instanceof HTMLElement && from !== view.host && !view.root.contains(from)) returnFocus = from;
  });
  view.parts.stop.addEventListener("click", () => {
    if (state.phase === "failed") return reset("");
    visitor.stopSession();
    // Stopping while still connecting fires no sessionend: the panel closes here instead.
    if (state.phase !== "idle" && !visitor.inSession()) reset(view.text.cancelled);
  });
  return {
    get: () => state,
    update,
    /** Change the session's state, if there is one. */
    change: (change: Partial<Active>) => state.phase === "active" && update({ ...state, ...change }),
    reset,
    /** `forget` what a session left, when the panel closes. */
    onReset: (forget: () => void) => onReset.push(forget),
    layout,
    /** A session is starting or running: no terms to ask. */
    busy: () => state.phase === "starting" || state.phase === "active",
  };
}
type Panel = ReturnType<typeof panelState>;

/** The session's lifecycle: the panel opens, shows the key, fails, closes. */
function lifecycle(panel: Panel, view: View, visitor: VisitorApi, prompts: AgentPrompts) {
  const { text } = view;
  const started = (continued: boolean) => {
    const key = visitor.getKey();
    view.chat.start_(key);
    panel.layout.load(key);
    const before = panel.get();
    panel.update(before.phase === "active" ? { ...before, key, error: null } : active(key));
    const spoken = key ? " " + fill(text.spokenKey, { key: key.split("").join(" ") }) : "";
    view.announce((continued ? text.continued : text.started) + spoken);
  };
  const failed = (msg: string) => {
    const message = msg || text.fallbackError;
    const state = panel.get();
    if (visitor.inSession()) {
      panel.change({ error: message });
    } else {
      prompts.dropControl();
      panel.update({ phase: "failed", key: keyOf(state), error: message, whileStarting: state.phase !== "active" });
    }
    view.announce(message, true);
  };
  return {
    sessionstarting: () => {
      panel.update({ phase: "starting" });
      view.announce(text.connecting);
    },
    sessionstart: () => started(false),
    sessioncontinue: () => started(true),
    // A session carried over from another domain learns its key only now.
    statereceived: () => {
      const key = visitor.getKey();
      view.chat.start_(key);
      if (key !== keyOf(panel.get())) panel.layout.load(key, panel.layout.get());
      panel.change({ key });
    },
    error: ({ msg }: { msg: string }) => failed(msg),
    sessionend: () => panel.reset(text.ended),
  };
}

/** What changes during a session: agents, the connection, control, the agent's screen. */
function duringSession(panel: Panel, view: View, visitor: VisitorApi) {
  const { text } = view;
  // Set when the visitor pressed "Take back control", to say so when control ends.
  let takingBack = false;
  panel.onReset(() => (takingBack = false));
  view.parts.takeBack.addEventListener("click", () => {
    takingBack = true;
    // Control ends, the session goes on: the agent keeps watching (Glance's endRemoteControl).
    visitor.endRemoteControl?.();
  });
  const handlers: { [K in "agents" | "connection" | "rc" | "screenshare"]: Handler<K> } = {
    agents: ({ count, names: given }) => {
      const names = given.filter((name) => name !== "");
      const state = panel.get();
      if (state.phase !== "active" || (count === state.agents && names.join("\n") === state.names.join("\n"))) return;
      panel.update({ ...state, agents: count, names });
      view.announce(agentsText(text, view.locale, count, names));
    },
    connection: ({ status }) => {
      const state = panel.get();
      const reconnecting = status === "reconnecting";
      if (state.phase !== "active" || reconnecting === state.reconnecting) return;
      panel.change({ reconnecting });
      view.announce(reconnecting ? text.reconnecting : text.reconnected, reconnecting);
    },
    rc: ({ enabled }) => {
      const state = panel.get();
      if (state.phase !== "active" || enabled === state.rc) return;
      const tookBack = takingBack && !enabled;
      takingBack = false;
      const focusWasOnTakeBack = view.root.activeElement === view.parts.takeBack;
      panel.change({ rc: enabled });
      view.announce(enabled ? text.rcOn : tookBack ? text.tookBack : text.rcOff);
      // The button goes with control: focus stays in the panel rather than drop to the page.
      if (focusWasOnTakeBack) view.parts.stop.focus();
    },
    screenshare: ({ screenshareView, state }) => {
      if (state === "new") {
        panel.change({ sharing: true });
        view.announce(screenshareView === "glance_agentvideo" ? text.videoStarted : text.shareStarted);
      } else if (state === "ended") {
        panel.change({ sharing: false });
        if (visitor.inSession()) view.announce(text.shareEnded);
      }
    },
  };
  return handlers;
}

export function createVisitorUi(visitor: VisitorApi, tandem?: TandemApi, settings?: UiSettings): VisitorUi {
  const { locale, texts: text, termsUrl, corner } = resolveSettings(settings ?? { config: {}, attrs: {} });
  const view = createView(text, locale, tandem);
  const ask = asker(view.root, view.mount);
  const waiting = answers();
  const terms = consent(ask, text, termsUrl, waiting);
  const agent = agentPrompts(ask, text, waiting);
  const panel = panelState(view, visitor, corner, agent);
  const handlers: { [K in UiEvent]: Handler<K> } = {
    ...lifecycle(panel, view, visitor, agent),
    ...duringSession(panel, view, visitor),
    [MESSAGE_EVENT]: (payload) => panel.get().phase === "active" && view.chat.receive_(payload),
    accessibility: ({ enabled }) => enabled && view.announce(text.a11yOn),
    rcrequested: agent.requestControl,
    reverseconfirm: agent.inviteToReverse,
    urlstartwarning: (payload) => continueHere(ask, text, waiting, payload),
    [SESSION_CONFIRM_EVENT]: (payload) => panel.busy() || terms.confirm(payload),
    [ANSWERED_EVENT]: waiting.answered,
    // Answered in another tab of the session: this tab's dialog has nothing left to ask.
    [REVERSE_ANSWERED_EVENT]: ({ accepted }) => {
      agent.reverseSettled();
      if (accepted) panel.change({ watching: true });
    },
    reverseended: () => {
      // The agent withdrew the invitation (or ended the session it led to).
      const pending = agent.reverseSettled();
      panel.change({ watching: false, sharing: false });
      if (pending) view.announce(text.reverseEnded);
    },
  };
  view.mount();
  panel.update({ phase: "idle" });
  return {
    handle: (name, payload) => handlers[name](payload),
    notice: view.notice,
    promptCrossDomain: (url) => continueThere(ask, text, url),
    showTerms({ sessionKey }) {
      if (terms.asking() || panel.busy()) return;
      terms.showTerms(() => visitor.startSession(sessionKey === undefined ? undefined : { sessionKey }));
    },
  };
}
