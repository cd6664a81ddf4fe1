// The default visitor UI, its own bundle loaded by ui-entry.ts: the terms dialog, a status
// panel (connecting, the session key, who is viewing, remote control and taking it back,
// connection warnings, errors, a stop button), which the visitor can minimise and move,
// and the remote control prompt. It reacts only to the public GLANCE.Cobrowse.Visitor
// events and calls only its public methods. Its words come from texts.ts, in the page's
// language, with the integrator's overrides.
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
  type Prompt,
  type VisitorEvents,
} from "./events";
import { UI_HOST_ATTRIBUTE } from "./mask";
import { createChat } from "./ui-chat";
import type { TandemApi, TermsOptions, UiEvent, UiSettings, VisitorApi, VisitorUi } from "./ui-entry";
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
import { openModal, type Modal } from "./ui-modal";
import { UI_CSS } from "./ui-styles";
import { agentsText, fill, pickLocale, resolveTexts, type Texts } from "./texts";

type Phase = "idle" | "starting" | "active" | "failed";

type State = {
  phase: Phase;
  key: string | null;
  agents: number;
  names: string[];
  rc: boolean;
  /** The visitor accepted to watch the agent's screen ("Show my screen"): this page is not shown. */
  watching: boolean;
  /** The agent's screen is on show. */
  sharing: boolean;
  reconnecting: boolean;
  error: string | null;
  /** Whether the failure stopped a session that had started, or one that never did. */
  failedWhileStarting: boolean;
};

const IDLE: State = {
  phase: "idle",
  key: null,
  agents: 0,
  names: [],
  rc: false,
  watching: false,
  sharing: false,
  reconnecting: false,
  error: null,
  failedWhileStarting: false,
};

/** Digits in groups of three (a trailing single digit joins the group before it). */
function keyGroups(key: string): string[] {
  if (!/^\d{5,}$/.test(key)) return [key];
  const groups = key.match(/\d{1,3}/g) ?? [key];
  if (groups.length > 1 && groups[groups.length - 1].length === 1) {
    groups[groups.length - 2] += groups.pop();
  }
  return groups;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = "",
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}

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

type Panel = ReturnType<typeof buildPanel>;

function buildPanel(text: Texts) {
  const panel = element("section", "panel");
  panel.setAttribute("aria-label", text.region);
  const head = element("div", "head");
  const title = element("p", "title");
  const grip = element("button", "icon grip", "⠿");
  grip.type = "button";
  grip.setAttribute("aria-label", text.move);
  grip.title = text.move;
  const minimise = element("button", "icon minimise");
  minimise.type = "button";
  head.append(title, grip, minimise);
  const body = element("div", "body");
  body.id = "tandem-panel-body";
  minimise.setAttribute("aria-controls", body.id);
  const keyBox = element("p", "key");
  const keyLabel = element("span", "key-label", text.keyLabel);
  const digits = element("span", "digits");
  // Screen readers get the key digit by digit; the grouped display is for the eyes.
  digits.setAttribute("aria-hidden", "true");
  const spokenKey = element("span", "sr-only");
  keyBox.append(keyLabel, digits, spokenKey);
  const agents = element("p", "agents");
  const rc = element("div", "note rc");
  const rcText = element("p", "rc-text", text.rcOn);
  const takeBack = element("button", "secondary take-back", text.takeBack);
  takeBack.type = "button";
  rc.append(rcText, takeBack);
  const watching = element("p", "note share", text.notSharingPage);
  const warning = element("p", "note warning", text.reconnecting);
  const error = element("p", "note error");
  const stop = element("button", "stop");
  stop.type = "button";
  body.append(keyBox, agents, rc, watching, warning, error, stop);
  panel.append(head, body);
  return { panel, head, title, grip, minimise, body, keyBox, digits, spokenKey, agents, rc, takeBack, watching, warning, error, stop };
}

function titleOf(text: Texts, state: State): string {
  const { phase } = state;
  if (phase === "starting") return text.connecting;
  if (phase === "failed") return state.failedWhileStarting ? text.failedStart : text.failedLater;
  if (state.watching) return state.sharing ? text.watching : text.watchingWait;
  return text.active;
}

function renderPanel(parts: Panel, state: State, text: Texts, locale: string, layout: Layout): void {
  const { phase } = state;
  parts.panel.hidden = phase === "idle";
  if (phase === "idle") return;
  parts.panel.dataset.corner = layout.corner;
  parts.panel.classList.toggle("min", layout.minimised);
  parts.body.hidden = layout.minimised;
  parts.minimise.textContent = layout.minimised ? "▢" : "–";
  parts.minimise.setAttribute("aria-label", layout.minimised ? text.restore : text.minimise);
  parts.minimise.title = layout.minimised ? text.restore : text.minimise;
  parts.minimise.setAttribute("aria-expanded", String(!layout.minimised));
  parts.title.textContent = titleOf(text, state);
  parts.keyBox.hidden = phase !== "active" || !state.key;
  if (state.key) {
    parts.digits.replaceChildren(...keyGroups(state.key).map((group) => element("span", "", group)));
    parts.spokenKey.textContent = state.key.split("").join(" ");
  }
  parts.agents.hidden = phase !== "active";
  parts.agents.textContent = agentsText(text, locale, state.agents, state.names);
  parts.rc.hidden = phase !== "active" || !state.rc;
  parts.watching.hidden = phase !== "active" || !state.watching;
  parts.warning.hidden = phase === "failed" || !state.reconnecting;
  parts.error.hidden = !state.error;
  parts.error.textContent = state.error ?? "";
  parts.stop.textContent =
    phase === "starting" ? text.cancel : phase === "active" ? text.stop : text.close;
}

export function createVisitorUi(visitor: VisitorApi, tandem?: TandemApi, settings?: UiSettings): VisitorUi {
  const { locale, texts: text, termsUrl, corner: firstCorner } = resolveSettings(settings ?? { config: {}, attrs: {} });
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
  const parts = buildPanel(text);
  const { panel, stop } = parts;
  const chat = createChat({
    text: {
      openChat: text.chatOpen,
      unread: (count) => (count === 1 ? text.chatUnreadOne : fill(text.chatUnreadMany, { count })),
      title: text.chatTitle,
      close: text.chatClose,
      reply: text.chatReply,
      send: text.chatSend,
      you: text.chatYou,
      agent: text.chatAgent,
      from: (name, said) => fill(text.chatFrom, { name, text: said }),
      empty: text.chatEmpty,
    },
    send: (data) => tandem?.sendMessage(data) ?? false,
    announce: (said) => announce(said),
  });
  chat.launcher.hidden = true;
  parts.body.insertBefore(chat.launcher, stop);
  const notice = element("section", "notice");
  notice.setAttribute("aria-label", text.noticeTitle);
  notice.hidden = true;
  const noticeTitle = element("p", "title", text.noticeTitle);
  const noticeText = element("p", "notice-text");
  const dismiss = element("button", "secondary", text.dismiss);
  dismiss.type = "button";
  dismiss.addEventListener("click", () => {
    notice.hidden = true;
  });
  notice.append(noticeTitle, noticeText, dismiss);
  root.append(style, polite, assertive, panel, chat.drawer, notice);

  const firstLayout: Layout = { corner: firstCorner, minimised: false };
  let layout: Layout = { ...firstLayout };
  let state: State = { ...IDLE };
  let terms: Modal | null = null;
  let rcPrompt: Modal | null = null;
  let reversePrompt: Modal | null = null;
  // Set when the visitor pressed "Take back control", to say so when control ends.
  let takingBack = false;
  // The prompt payload each open dialog answers: it closes when the page answers it.
  const asked = new Map<unknown, () => void>();
  function ask(payload: unknown, modal: Modal, forget: () => void): void {
    asked.set(payload, () => {
      modal.dismiss();
      forget();
    });
  }
  // Where the visitor was before moving into the panel, to return there when it closes.
  let returnFocus: HTMLElement | null = null;

  function mount(): void {
    if (host.isConnected) return;
    // A page that rewrites its body removes the host with it: put it back on next use.
    (document.body ?? document.documentElement).append(host);
  }

  function announce(said: string, urgent = false): void {
    const region = urgent ? assertive : polite;
    // A new node each time, so the same words said twice are read twice.
    region.replaceChildren(element("p", "", said));
  }

  function render(): void {
    if (state.phase !== "idle") mount();
    renderPanel(parts, state, text, locale, layout);
    chat.drawer.dataset.corner = layout.corner;
    chat.launcher.hidden = state.phase !== "active" || !tandem;
  }

  function update(change: Partial<State>): void {
    state = { ...state, ...change };
    render();
  }

  function setLayout(change: Partial<Layout>): void {
    layout = { ...layout, ...change };
    saveLayout(state.key, layout);
    render();
  }

  function reset(message: string): void {
    rcPrompt?.dismiss();
    rcPrompt = null;
    reversePrompt?.dismiss();
    reversePrompt = null;
    const hadFocus =
      root.activeElement !== null &&
      (panel.contains(root.activeElement) || chat.drawer.contains(root.activeElement));
    chat.reset();
    forgetLayout(state.key);
    layout = { ...firstLayout };
    takingBack = false;
    update({ ...IDLE });
    if (message) announce(message);
    if (hadFocus && returnFocus?.isConnected) returnFocus.focus();
    returnFocus = null;
  }

  panel.addEventListener("focusin", (event) => {
    const from = event.relatedTarget;
    if (from instanceof HTMLElement && from !== host && !root.contains(from)) returnFocus = from;
  });

  stop.addEventListener("click", () => {
    if (state.phase === "failed") {
      reset("");
      return;
    }
    visitor.stopSession();
    // Stopping while still connecting fires no sessionend: the panel closes here instead.
    if (state.phase !== "idle" && !visitor.inSession()) reset(text.cancelled);
  });

  // Control ends, the session goes on: the agent keeps watching (Glance's endRemoteControl).
  parts.takeBack.addEventListener("click", () => {
    takingBack = true;
    visitor.endRemoteControl?.();
  });

  parts.minimise.addEventListener("click", () => {
    setLayout({ minimised: !layout.minimised });
    parts.minimise.focus();
  });
  const settle = (corner: Corner) => {
    setLayout({ corner });
    announce(fill(text.moved, { corner: text[CORNER_TEXT[corner]] }));
  };
  parts.grip.addEventListener("click", () => settle(nextCorner(layout.corner)));
  makeDraggable(panel, parts.grip, settle);

  function started(continued: boolean): void {
    const key = visitor.getKey();
    chat.start(key);
    layout = loadLayout(key, firstLayout);
    update({ phase: "active", key, error: null, failedWhileStarting: false });
    const spoken = key ? " " + fill(text.spokenKey, { key: key.split("").join(" ") }) : "";
    announce((continued ? text.continued : text.started) + spoken);
  }

  function requestControl(payload: Prompt): void {
    const { accept, decline } = payload;
    rcPrompt?.dismiss();
    if (payload.answered) return; // the page answered first
    mount();
    const modal = (rcPrompt = openModal({
      root,
      role: "alertdialog",
      title: text.rcTitle,
      body: text.rcBody,
      decline: {
        label: text.deny,
        run: () => {
          rcPrompt = null;
          decline();
        },
      },
      accept: {
        label: text.allow,
        run: () => {
          rcPrompt = null;
          accept();
        },
      },
    }));
    ask(payload, modal, () => rcPrompt === modal && (rcPrompt = null));
  }

  function inviteToReverse({ accept, decline }: Prompt): void {
    reversePrompt?.dismiss();
    mount();
    reversePrompt = openModal({
      root,
      role: "alertdialog",
      title: text.reverseTitle,
      body: text.reverseBody,
      decline: {
        label: text.noThanks,
        run: () => {
          reversePrompt = null;
          decline();
        },
      },
      accept: {
        label: text.watch,
        run: () => {
          reversePrompt = null;
          accept();
        },
      },
    });
  }

  function failed({ msg }: VisitorEvents["error"]): void {
    const message = msg || text.fallbackError;
    if (visitor.inSession()) {
      update({ error: message });
    } else {
      rcPrompt?.dismiss();
      rcPrompt = null;
      update({
        phase: "failed",
        error: message,
        failedWhileStarting: state.phase !== "active",
        reconnecting: false,
        rc: false,
      });
    }
    announce(message, true);
  }

  function consent(options: { accept(): void; decline(): void }): Modal {
    return openModal({
      root,
      role: "dialog",
      title: text.termsTitle,
      body: text.termsBody,
      link: termsUrl ? { href: termsUrl, label: text.termsLink } : undefined,
      decline: { label: text.decline, run: () => ((terms = null), options.decline()) },
      accept: { label: text.accept, run: () => ((terms = null), options.accept()) },
    });
  }

  const handlers: { [K in UiEvent]: Handler<K> } = {
    sessionstarting: () => {
      update({ ...IDLE, phase: "starting" });
      announce(text.connecting);
    },
    sessionstart: () => started(false),
    sessioncontinue: () => started(true),
    // A session carried over from another domain learns its key only now.
    statereceived: () => {
      const key = visitor.getKey();
      chat.start(key);
      if (key !== state.key) layout = loadLayout(key, layout);
      update({ key });
    },
    [MESSAGE_EVENT]: (payload) => {
      if (state.phase === "active") chat.receive(payload);
    },
    agents: ({ count, names: given }) => {
      const names = given.filter((name) => name !== "");
      if (count === state.agents && names.join("\n") === state.names.join("\n")) return;
      update({ agents: count, names });
      if (state.phase === "active") announce(agentsText(text, locale, count, names));
    },
    connection: ({ status }) => {
      const reconnecting = status === "reconnecting";
      if (reconnecting === state.reconnecting) return;
      update({ reconnecting });
      announce(reconnecting ? text.reconnecting : text.reconnected, reconnecting);
    },
    rcrequested: requestControl,
    urlstartwarning: (payload) => {
      const { accept, decline } = payload;
      if (payload.answered) return; // the page answered first
      mount();
      const modal = openModal({
        root,
        role: "alertdialog",
        title: text.crossTitle,
        body: text.crossBody,
        decline: { label: text.notHere, run: () => decline() },
        accept: { label: text.continueSharing, run: () => accept() },
      });
      ask(payload, modal, () => undefined);
    },
    [ANSWERED_EVENT]: (payload) => {
      // The page's own handler (or this UI) answered a prompt: its dialog has nothing to ask.
      asked.get(payload)?.();
      asked.delete(payload);
    },
    accessibility: ({ enabled }) => {
      if (enabled) announce(text.a11yOn);
    },
    rc: ({ enabled }) => {
      if (enabled === state.rc) return;
      const tookBack = takingBack && !enabled;
      takingBack = false;
      const focusWasOnTakeBack = root.activeElement === parts.takeBack;
      update({ rc: enabled });
      announce(enabled ? text.rcOn : tookBack ? text.tookBack : text.rcOff);
      // The button goes with control: focus stays in the panel rather than drop to the page.
      if (focusWasOnTakeBack) stop.focus();
    },
    reverseconfirm: inviteToReverse,
    [SESSION_CONFIRM_EVENT]: (payload) => {
      // An agent's one-click co-browse: the same consent as the terms dialog, and nothing
      // starts (not even a connection) unless the visitor accepts.
      const { accept, decline } = payload;
      if (state.phase === "starting" || state.phase === "active") return;
      if (payload.answered) return; // the page answered first
      terms?.dismiss();
      mount();
      const modal = (terms = consent({ accept: () => accept(), decline: () => decline() }));
      ask(payload, modal, () => terms === modal && (terms = null));
    },
    [REVERSE_ANSWERED_EVENT]: ({ accepted }) => {
      // Answered in another tab of the session: this tab's dialog has nothing left to ask.
      reversePrompt?.dismiss();
      reversePrompt = null;
      if (accepted) update({ watching: true });
    },
    reverseended: () => {
      // The agent withdrew the invitation (or ended the session it led to).
      const pending = reversePrompt !== null;
      reversePrompt?.dismiss();
      reversePrompt = null;
      update({ watching: false, sharing: false });
      if (pending) announce(text.reverseEnded);
    },
    screenshare: ({ screenshareView, state: shared }) => {
      if (shared === "new") {
        update({ sharing: true });
        announce(screenshareView === "glance_agentvideo" ? text.videoStarted : text.shareStarted);
      } else if (shared === "ended") {
        update({ sharing: false });
        if (visitor.inSession()) announce(text.shareEnded);
      }
    },
    error: failed,
    sessionend: () => reset(text.ended),
  };

  mount();
  render();

  return {
    handle(name, payload) {
      handlers[name](payload);
    },
    notice(said: string) {
      mount();
      noticeText.textContent = said;
      notice.hidden = false;
      announce(`${text.noticeTitle}: ${said}`);
    },
    promptCrossDomain(url: string) {
      let host = url;
      try {
        host = new URL(url, location.href).host;
      } catch {
        // shown as given
      }
      mount();
      return new Promise<boolean>((resolve) => {
        openModal({
          root,
          role: "alertdialog",
          title: text.crossTitle,
          body: fill(text.continueOn, { host }),
          decline: { label: text.notHere, run: () => resolve(false) },
          accept: { label: text.continueSharing, run: () => resolve(true) },
        });
      });
    },
    showTerms(options: TermsOptions) {
      if (terms || state.phase === "starting" || state.phase === "active") return;
      mount();
      const sessionKey = options.sessionKey;
      terms = consent({
        accept: () => visitor.startSession(sessionKey === undefined ? undefined : { sessionKey }),
        decline: () => undefined,
      });
    },
  };
}
