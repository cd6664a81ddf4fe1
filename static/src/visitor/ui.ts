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
//
// The members of the objects these modules hand each other (the view, the panel's parts
// and state, the prompts, the chat) end in "_": they never leave this bundle, so the build
// shortens them (mangleProps in build.mjs). Only VisitorUi, the Glance API, the texts and
// what is stored keep their names.
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
    locale_: locale,
    texts_: resolveTexts(locale, page.texts),
    termsUrl_: safeUrl(settings.attrs.termsurl ?? (typeof page.termsUrl === "string" ? page.termsUrl : undefined) ?? settings.config.termsUrl),
    corner_: defaultCorner(settings.attrs.uiposition),
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
  return { host_: host, root_: root, polite_: polite, assertive_: assertive };
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
  return { notice_: notice, said_: said };
}

/** Everything the UI shows, in one host element; `mount_` puts it in the page. */
function createView(text: Texts, locale: string, tandem: TandemApi | undefined) {
  const shell = createShell(locale);
  const parts = buildPanel(text);
  const announce = (said: string, urgent = false) => {
    // A new node each time, so the same words said twice are read twice.
    (urgent ? shell.assertive_ : shell.polite_).replaceChildren(element("p", "", said));
  };
  const chat = createChat(text, (data) => tandem?.sendMessage(data) ?? false, (said) => announce(said));
  chat.launcher_.hidden = true;
  parts.body_.insertBefore(chat.launcher_, parts.stop_);
  const notes = createNotice(text);
  shell.root_.append(parts.panel_, chat.drawer_, notes.notice_);
  const mount = () => {
    // A page that rewrites its body removes the host with it: put it back on next use.
    if (!shell.host_.isConnected) (document.body ?? document.documentElement).append(shell.host_);
  };
  const notice = (said: string) => {
    mount();
    notes.said_.textContent = said;
    notes.notice_.hidden = false;
    announce(`${text.noticeTitle}: ${said}`);
  };
  return { ...shell, parts_: parts, chat_: chat, announce_: announce, mount_: mount, notice_: notice, text_: text, locale_: locale, tandem_: tandem };
}
type View = ReturnType<typeof createView>;

/** Where the panel sits and whether it is minimised, per session key; the visitor moves
 * it (its grip, or dragging) and minimises it. */
function panelLayout(view: View, firstCorner: Corner, key: () => string | null, render: () => void) {
  const first: Layout = { corner: firstCorner, minimised: false };
  let layout: Layout = { ...first };
  const { parts_: parts, text_: text } = view;
  const set = (change: Partial<Layout>) => {
    layout = { ...layout, ...change };
    saveLayout(key(), layout);
    render();
  };
  parts.minimise_.addEventListener("click", () => {
    set({ minimised: !layout.minimised });
    parts.minimise_.focus();
  });
  const settle = (corner: Corner) => {
    set({ corner });
    view.announce_(fill(text.moved, { corner: text[CORNER_TEXT[corner]] }));
  };
  parts.grip_.addEventListener("click", () => settle(nextCorner(layout.corner)));
  makeDraggable(parts.panel_, parts.grip_, settle);
  return {
    get_: () => layout,
    /** The layout saved for `forKey` (or `fallback`'s, the first one's by default). */
    load_: (forKey: string | null, fallback = first) => (layout = loadLayout(forKey, fallback)),
    forget_: () => {
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
    if (state.phase !== "idle") view.mount_();
    renderPanel(view.parts_, state, view.text_, view.locale_, layout.get_());
    view.chat_.drawer_.dataset.corner = layout.get_().corner;
    view.chat_.launcher_.hidden = state.phase !== "active" || !view.tandem_;
  };
  const layout = panelLayout(view, corner, () => keyOf(state), render);
  const update = (next: PanelState) => {
    state = next;
    render();
  };
  const reset = (message: string) => {
    prompts.dropControl_();
    prompts.reverseSettled_();
    const focused = view.root_.activeElement;
    const hadFocus = focused !== null && (view.parts_.panel_.contains(focused) || view.chat_.drawer_.contains(focused));
    view.chat_.reset_();
    layout.forget_();
    for (const forget of onReset) forget();
    update({ phase: "idle" });
    if (message) view.announce_(message);
    if (hadFocus && returnFocus?.isConnected) returnFocus.focus();
    returnFocus = null;
  };
  view.parts_.panel_.addEventListener("focusin", (event) => {
    const from = event.relatedTarget;
    if (from instanceof HTMLElement && from !== view.host_ && !view.root_.contains(from)) returnFocus = from;
  });
  view.parts_.stop_.addEventListener("click", () => {
    if (state.phase === "failed") return reset("");
    visitor.stopSession();
    // Stopping while still connecting fires no sessionend: the panel closes here instead.
    if (state.phase !== "idle" && !visitor.inSession()) reset(view.text_.cancelled);
  });
  return {
    get_: () => state,
    update_: update,
    /** Change the session's state, if there is one. */
    change_: (change: Partial<Active>) => state.phase === "active" && update({ ...state, ...change }),
    reset_: reset,
    /** `forget` what a session left, when the panel closes. */
    onReset_: (forget: () => void) => onReset.push(forget),
    layout_: layout,
    /** A session is starting or running: no terms to ask. */
    busy_: () => state.phase === "starting" || state.phase === "active",
  };
}
type Panel = ReturnType<typeof panelState>;

/** The session's lifecycle: the panel opens, shows the key, fails, closes. */
function lifecycle(panel: Panel, view: View, visitor: VisitorApi, prompts: AgentPrompts) {
  const { text_: text } = view;
  const started = (continued: boolean) => {
    const key = visitor.getKey();
    view.chat_.start_(key);
    panel.layout_.load_(key);
    const before = panel.get_();
    panel.update_(before.phase === "active" ? { ...before, key, error: null } : active(key));
    const spoken = key ? " " + fill(text.spokenKey, { key: key.split("").join(" ") }) : "";
    view.announce_((continued ? text.continued : text.started) + spoken);
  };
  const failed = (msg: string) => {
    const message = msg || text.fallbackError;
    const state = panel.get_();
    if (visitor.inSession()) {
      panel.change_({ error: message });
    } else {
      prompts.dropControl_();
      panel.update_({ phase: "failed", key: keyOf(state), error: message, whileStarting: state.phase !== "active" });
    }
    view.announce_(message, true);
  };
  return {
    sessionstarting: () => {
      panel.update_({ phase: "starting" });
      view.announce_(text.connecting);
    },
    sessionstart: () => started(false),
    sessioncontinue: () => started(true),
    // A session carried over from another domain learns its key only now.
    statereceived: () => {
      const key = visitor.getKey();
      view.chat_.start_(key);
      if (key !== keyOf(panel.get_())) panel.layout_.load_(key, panel.layout_.get_());
      panel.change_({ key });
    },
    error: ({ msg }: { msg: string }) => failed(msg),
    sessionend: () => panel.reset_(text.ended),
  };
}

/** What changes during a session: agents, the connection, control, the agent's screen. */
function duringSession(panel: Panel, view: View, visitor: VisitorApi) {
  const { text_: text } = view;
  // Set when the visitor pressed "Take back control", to say so when control ends.
  let takingBack = false;
  panel.onReset_(() => (takingBack = false));
  view.parts_.takeBack_.addEventListener("click", () => {
    takingBack = true;
    // Control ends, the session goes on: the agent keeps watching (Glance's endRemoteControl).
    visitor.endRemoteControl?.();
  });
  const handlers: { [K in "agents" | "connection" | "rc" | "screenshare"]: Handler<K> } = {
    agents: ({ count, names: given }) => {
      const names = given.filter((name) => name !== "");
      const state = panel.get_();
      if (state.phase !== "active" || (count === state.agents && names.join("\n") === state.names.join("\n"))) return;
      panel.update_({ ...state, agents: count, names });
      view.announce_(agentsText(text, view.locale_, count, names));
    },
    connection: ({ status }) => {
      const state = panel.get_();
      const reconnecting = status === "reconnecting";
      if (state.phase !== "active" || reconnecting === state.reconnecting) return;
      panel.change_({ reconnecting });
      view.announce_(reconnecting ? text.reconnecting : text.reconnected, reconnecting);
    },
    rc: ({ enabled }) => {
      const state = panel.get_();
      if (state.phase !== "active" || enabled === state.rc) return;
      const tookBack = takingBack && !enabled;
      takingBack = false;
      const focusWasOnTakeBack = view.root_.activeElement === view.parts_.takeBack_;
      panel.change_({ rc: enabled });
      view.announce_(enabled ? text.rcOn : tookBack ? text.tookBack : text.rcOff);
      // The button goes with control: focus stays in the panel rather than drop to the page.
      if (focusWasOnTakeBack) view.parts_.stop_.focus();
    },
    screenshare: ({ screenshareView, state }) => {
      if (state === "new") {
        panel.change_({ sharing: true });
        view.announce_(screenshareView === "glance_agentvideo" ? text.videoStarted : text.shareStarted);
      } else if (state === "ended") {
        panel.change_({ sharing: false });
        if (visitor.inSession()) view.announce_(text.shareEnded);
      }
    },
  };
  return handlers;
}

export function createVisitorUi(visitor: VisitorApi, tandem?: TandemApi, settings?: UiSettings): VisitorUi {
  const { locale_: locale, texts_: text, termsUrl_: termsUrl, corner_: corner } = resolveSettings(settings ?? { config: {}, attrs: {} });
  const view = createView(text, locale, tandem);
  const ask = asker(view.root_, view.mount_);
  const waiting = answers();
  const terms = consent(ask, text, termsUrl, waiting);
  const agent = agentPrompts(ask, text, waiting);
  const panel = panelState(view, visitor, corner, agent);
  const handlers: { [K in UiEvent]: Handler<K> } = {
    ...lifecycle(panel, view, visitor, agent),
    ...duringSession(panel, view, visitor),
    [MESSAGE_EVENT]: (payload) => panel.get_().phase === "active" && view.chat_.receive_(payload),
    accessibility: ({ enabled }) => enabled && view.announce_(text.a11yOn),
    rcrequested: agent.requestControl_,
    reverseconfirm: agent.inviteToReverse_,
    urlstartwarning: (payload) => continueHere(ask, text, waiting, payload),
    [SESSION_CONFIRM_EVENT]: (payload) => panel.busy_() || terms.confirm_(payload),
    [ANSWERED_EVENT]: waiting.answered_,
    // Answered in another tab of the session: this tab's dialog has nothing left to ask.
    [REVERSE_ANSWERED_EVENT]: ({ accepted }) => {
      agent.reverseSettled_();
      if (accepted) panel.change_({ watching: true });
    },
    reverseended: () => {
      // The agent withdrew the invitation (or ended the session it led to).
      const pending = agent.reverseSettled_();
      panel.change_({ watching: false, sharing: false });
      if (pending) view.announce_(text.reverseEnded);
    },
  };
  view.mount_();
  panel.update_({ phase: "idle" });
  return {
    handle: (name, payload) => handlers[name](payload),
    notice: view.notice_,
    promptCrossDomain: (url) => continueThere(ask, text, url),
    showTerms({ sessionKey }) {
      if (terms.asking_() || panel.busy_()) return;
      terms.showTerms_(() => visitor.startSession(sessionKey === undefined ? undefined : { sessionKey }));
    },
  };
}
