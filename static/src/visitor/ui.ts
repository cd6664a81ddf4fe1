// The default visitor UI, its own bundle loaded by ui-entry.ts: the terms dialog, a status
// panel (connecting, the session key, how many agents watch, remote control, connection
// warnings, errors, a stop button) and the remote control prompt. It reacts only to the
// public GLANCE.Cobrowse.Visitor events and calls only its public methods.
//
// Everything lives in one fixed, zero-size host element marked with UI_HOST_ATTRIBUTE: the
// recorder blocks it (mask.ts), so nothing of the UI reaches an agent. Its open shadow
// root keeps the page's CSS and ours apart.
import { ANSWERED_EVENT, MESSAGE_EVENT, REVERSE_ANSWERED_EVENT, SESSION_CONFIRM_EVENT } from "./events";
import { UI_HOST_ATTRIBUTE } from "./mask";
import { createChat } from "./ui-chat";
import type { TandemApi, TermsOptions, VisitorApi, VisitorUi } from "./ui-entry";
import { openModal, type Modal } from "./ui-modal";
import { UI_CSS } from "./ui-styles";

type Phase = "idle" | "starting" | "active" | "failed";

type State = {
  phase: Phase;
  key: string | null;
  agents: number;
  rc: boolean;
  reconnecting: boolean;
  error: string | null;
  /** Whether the failure stopped a session that had started, or one that never did. */
  failedWhileStarting: boolean;
};

const IDLE: State = {
  phase: "idle",
  key: null,
  agents: 0,
  rc: false,
  reconnecting: false,
  error: null,
  failedWhileStarting: false,
};

const TEXT = {
  termsTitle: "Let an agent see this page?",
  termsBody:
    "An agent from this website will see this page, live, as you use it, until you stop " +
    "sharing. Passwords and payment card details stay hidden from them.",
  accept: "Accept",
  decline: "Decline",
  region: "Co-browsing",
  connecting: "Connecting…",
  active: "You are sharing this page",
  failedStart: "Co-browsing could not start",
  failedLater: "Co-browsing has stopped",
  keyLabel: "Session key — read it to the agent",
  stop: "Stop sharing",
  cancel: "Cancel",
  close: "Close",
  rcTitle: "Let the agent control this page?",
  rcBody:
    "The agent is asking to click, type and scroll on this page for you. Hidden fields stay " +
    "hidden and cannot be changed by the agent. Stop sharing at any time to end it.",
  crossTitle: "Keep sharing on this site?",
  crossBody:
    "You came here from a page you were sharing with an agent. Continue co-browsing on this " +
    "site too?",
  continueSharing: "Continue sharing",
  notHere: "Not here",
  a11yOn: "The agent is using accessibility mode.",
  allow: "Allow",
  deny: "Deny",
  rcOn: "The agent can control this page.",
  reverseTitle: "Watch the agent's screen?",
  reverseBody:
    "The agent would like to show you their screen. While you watch, the agent no longer " +
    "sees this page.",
  watch: "Watch",
  noThanks: "No thanks",
  reverseEnded: "The agent ended the screen session.",
  shareStarted: "The agent is showing you their screen.",
  videoStarted: "The agent is showing you their camera.",
  shareEnded: "The agent stopped sharing.",
  reconnecting: "Connection lost. Reconnecting…",
  reconnected: "Connection restored.",
  ended: "Co-browsing has ended.",
  cancelled: "Co-browsing was cancelled.",
  fallbackError: "Something went wrong with co-browsing.",
  noticeTitle: "Message from the support team",
  dismiss: "Dismiss",
  chat: {
    openChat: "Chat",
    unread: (count: number) => (count === 1 ? "1 unread message" : `${count} unread messages`),
    title: "Chat with the agent",
    close: "Close chat",
    reply: "Write a reply",
    send: "Send",
    you: "You",
    from: (name: string, text: string) => `Message from ${name}: ${text}`,
    empty: "No messages yet.",
  },
} as const;

function agentsText(count: number): string {
  if (count <= 0) return "No agent yet";
  if (count === 1) return "1 agent is viewing";
  return `${count} agents are viewing`;
}

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

type Panel = ReturnType<typeof buildPanel>;

function buildPanel() {
  const panel = element("section", "panel");
  panel.setAttribute("aria-label", TEXT.region);
  const title = element("p", "title");
  const keyBox = element("p", "key");
  const keyLabel = element("span", "key-label", TEXT.keyLabel);
  const digits = element("span", "digits");
  // Screen readers get the key digit by digit; the grouped display is for the eyes.
  digits.setAttribute("aria-hidden", "true");
  const spokenKey = element("span", "sr-only");
  keyBox.append(keyLabel, digits, spokenKey);
  const agents = element("p", "agents");
  const rc = element("p", "note rc", TEXT.rcOn);
  const warning = element("p", "note warning", TEXT.reconnecting);
  const error = element("p", "note error");
  const stop = element("button", "stop");
  stop.type = "button";
  panel.append(title, keyBox, agents, rc, warning, error, stop);
  return { panel, title, keyBox, digits, spokenKey, agents, rc, warning, error, stop };
}

function renderPanel(parts: Panel, state: State): void {
  const { phase } = state;
  parts.panel.hidden = phase === "idle";
  if (phase === "idle") return;
  parts.title.textContent =
    phase === "starting"
      ? TEXT.connecting
      : phase === "active"
        ? TEXT.active
        : state.failedWhileStarting
          ? TEXT.failedStart
          : TEXT.failedLater;
  parts.keyBox.hidden = phase !== "active" || !state.key;
  if (state.key) {
    parts.digits.replaceChildren(...keyGroups(state.key).map((group) => element("span", "", group)));
    parts.spokenKey.textContent = state.key.split("").join(" ");
  }
  parts.agents.hidden = phase !== "active";
  parts.agents.textContent = agentsText(state.agents);
  parts.rc.hidden = phase !== "active" || !state.rc;
  parts.warning.hidden = phase === "failed" || !state.reconnecting;
  parts.error.hidden = !state.error;
  parts.error.textContent = state.error ?? "";
  parts.stop.textContent =
    phase === "starting" ? TEXT.cancel : phase === "active" ? TEXT.stop : TEXT.close;
}

export function createVisitorUi(visitor: VisitorApi, tandem?: TandemApi): VisitorUi {
  const host = document.createElement("div");
  // Marked before it is ever in the document, so no recorder mutation sees it unmarked.
  host.setAttribute(UI_HOST_ATTRIBUTE, "");
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = UI_CSS;
  const polite = element("div", "sr-only");
  polite.setAttribute("aria-live", "polite");
  const assertive = element("div", "sr-only");
  assertive.setAttribute("aria-live", "assertive");
  const parts = buildPanel();
  const { panel, stop } = parts;
  const chat = createChat({
    text: TEXT.chat,
    send: (data) => tandem?.sendMessage(data) ?? false,
    announce: (text) => announce(text),
  });
  chat.launcher.hidden = true;
  panel.insertBefore(chat.launcher, stop);
  const notice = element("section", "notice");
  notice.setAttribute("aria-label", TEXT.noticeTitle);
  notice.hidden = true;
  const noticeTitle = element("p", "title", TEXT.noticeTitle);
  const noticeText = element("p", "notice-text");
  const dismiss = element("button", "secondary", TEXT.dismiss);
  dismiss.type = "button";
  dismiss.addEventListener("click", () => {
    notice.hidden = true;
  });
  notice.append(noticeTitle, noticeText, dismiss);
  root.append(style, polite, assertive, panel, chat.drawer, notice);

  let state: State = { ...IDLE };
  let terms: Modal | null = null;
  let rcPrompt: Modal | null = null;
  let reversePrompt: Modal | null = null;
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

  function announce(text: string, urgent = false): void {
    const region = urgent ? assertive : polite;
    // A new node each time, so the same words said twice are read twice.
    region.replaceChildren(element("p", "", text));
  }

  function render(): void {
    if (state.phase !== "idle") mount();
    renderPanel(parts, state);
    chat.launcher.hidden = state.phase !== "active" || !tandem;
  }

  function update(change: Partial<State>): void {
    state = { ...state, ...change };
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
    if (state.phase !== "idle" && !visitor.inSession()) reset(TEXT.cancelled);
  });

  function started(continued: boolean): void {
    const key = visitor.getKey();
    chat.start(key);
    update({ phase: "active", key, error: null, failedWhileStarting: false });
    const spoken = key ? ` Your session key is ${key.split("").join(" ")}.` : "";
    announce((continued ? "Co-browsing continues on this page." : "Co-browsing started.") + spoken);
  }

  function requestControl(payload: unknown): void {
    const { accept, decline } = (payload ?? {}) as { accept?: unknown; decline?: unknown };
    if (typeof accept !== "function" || typeof decline !== "function") return;
    rcPrompt?.dismiss();
    if ((payload as { answered?: boolean }).answered) return; // the page answered first
    mount();
    const modal = (rcPrompt = openModal({
      root,
      role: "alertdialog",
      title: TEXT.rcTitle,
      body: TEXT.rcBody,
      decline: {
        label: TEXT.deny,
        run: () => {
          rcPrompt = null;
          decline();
        },
      },
      accept: {
        label: TEXT.allow,
        run: () => {
          rcPrompt = null;
          accept();
        },
      },
    }));
    ask(payload, modal, () => rcPrompt === modal && (rcPrompt = null));
  }

  function inviteToReverse(payload: unknown): void {
    const { accept, decline } = (payload ?? {}) as { accept?: unknown; decline?: unknown };
    if (typeof accept !== "function" || typeof decline !== "function") return;
    reversePrompt?.dismiss();
    mount();
    reversePrompt = openModal({
      root,
      role: "alertdialog",
      title: TEXT.reverseTitle,
      body: TEXT.reverseBody,
      decline: {
        label: TEXT.noThanks,
        run: () => {
          reversePrompt = null;
          decline();
        },
      },
      accept: {
        label: TEXT.watch,
        run: () => {
          reversePrompt = null;
          accept();
        },
      },
    });
  }

  function failed(payload: unknown): void {
    const { msg } = (payload ?? {}) as { msg?: unknown };
    const message = typeof msg === "string" && msg ? msg : TEXT.fallbackError;
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

  const handlers: Record<string, (payload: unknown) => void> = {
    sessionstarting: () => {
      update({ ...IDLE, phase: "starting" });
      announce(TEXT.connecting);
    },
    sessionstart: () => started(false),
    sessioncontinue: () => started(true),
    // A session carried over from another domain learns its key only now.
    statereceived: () => {
      chat.start(visitor.getKey());
      update({ key: visitor.getKey() });
    },
    [MESSAGE_EVENT]: (payload) => {
      if (state.phase === "active") chat.receive(payload);
    },
    agents: (payload) => {
      const count = Number((payload as { count?: unknown } | undefined)?.count);
      if (!Number.isFinite(count) || count === state.agents) return;
      update({ agents: count });
      if (state.phase === "active") announce(agentsText(count));
    },
    connection: (payload) => {
      const reconnecting = (payload as { status?: unknown } | undefined)?.status === "reconnecting";
      if (reconnecting === state.reconnecting) return;
      update({ reconnecting });
      announce(reconnecting ? TEXT.reconnecting : TEXT.reconnected, reconnecting);
    },
    rcrequested: requestControl,
    urlstartwarning: (payload) => {
      const { accept, decline } = (payload ?? {}) as { accept?: unknown; decline?: unknown };
      if (typeof accept !== "function" || typeof decline !== "function") return;
      if ((payload as { answered?: boolean }).answered) return; // the page answered first
      mount();
      const modal = openModal({
        root,
        role: "alertdialog",
        title: TEXT.crossTitle,
        body: TEXT.crossBody,
        decline: { label: TEXT.notHere, run: () => decline() },
        accept: { label: TEXT.continueSharing, run: () => accept() },
      });
      ask(payload, modal, () => undefined);
    },
    [ANSWERED_EVENT]: (payload) => {
      // The page's own handler (or this UI) answered a prompt: its dialog has nothing to ask.
      asked.get(payload)?.();
      asked.delete(payload);
    },
    accessibility: (payload) => {
      if ((payload as { enabled?: unknown } | undefined)?.enabled === true) announce(TEXT.a11yOn);
    },
    rc: (payload) => {
      const enabled = (payload as { enabled?: unknown } | undefined)?.enabled === true;
      if (enabled === state.rc) return;
      update({ rc: enabled });
      announce(enabled ? TEXT.rcOn : "The agent no longer controls this page.");
    },
    reverseconfirm: inviteToReverse,
    [SESSION_CONFIRM_EVENT]: (payload) => {
      // An agent's one-click co-browse: the same consent as the terms dialog, and nothing
      // starts (not even a connection) unless the visitor accepts.
      const { accept, decline } = (payload ?? {}) as { accept?: unknown; decline?: unknown };
      if (typeof accept !== "function" || typeof decline !== "function") return;
      if (state.phase === "starting" || state.phase === "active") return;
      if ((payload as { answered?: boolean }).answered) return; // the page answered first
      terms?.dismiss();
      mount();
      const modal = (terms = openModal({
        root,
        role: "dialog",
        title: TEXT.termsTitle,
        body: TEXT.termsBody,
        decline: { label: TEXT.decline, run: () => ((terms = null), decline()) },
        accept: { label: TEXT.accept, run: () => ((terms = null), accept()) },
      }));
      ask(payload, modal, () => terms === modal && (terms = null));
    },
    [REVERSE_ANSWERED_EVENT]: () => {
      // Answered in another tab of the session: this tab's dialog has nothing left to ask.
      reversePrompt?.dismiss();
      reversePrompt = null;
    },
    reverseended: () => {
      // The agent withdrew the invitation (or ended the session it led to).
      const pending = reversePrompt !== null;
      reversePrompt?.dismiss();
      reversePrompt = null;
      if (pending) announce(TEXT.reverseEnded);
    },
    screenshare: (payload) => {
      const { screenshareView, state } = (payload ?? {}) as { screenshareView?: unknown; state?: unknown };
      if (state === "new") announce(screenshareView === "glance_agentvideo" ? TEXT.videoStarted : TEXT.shareStarted);
      else if (state === "ended" && visitor.inSession()) announce(TEXT.shareEnded);
    },
    error: failed,
    sessionend: () => reset(TEXT.ended),
  };

  mount();
  render();

  return {
    handle(name, payload) {
      handlers[name]?.(payload);
    },
    notice(text: string) {
      mount();
      noticeText.textContent = text;
      notice.hidden = false;
      announce(`${TEXT.noticeTitle}: ${text}`);
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
          title: TEXT.crossTitle,
          body: `Would you like to continue the session on ${host}?`,
          decline: { label: TEXT.notHere, run: () => resolve(false) },
          accept: { label: TEXT.continueSharing, run: () => resolve(true) },
        });
      });
    },
    showTerms(options: TermsOptions) {
      if (terms || state.phase === "starting" || state.phase === "active") return;
      mount();
      const sessionKey = options.sessionKey;
      terms = openModal({
        root,
        role: "dialog",
        title: TEXT.termsTitle,
        body: TEXT.termsBody,
        decline: { label: TEXT.decline, run: () => (terms = null) },
        accept: {
          label: TEXT.accept,
          run: () => {
            terms = null;
            visitor.startSession(sessionKey === undefined ? undefined : { sessionKey });
          },
        },
      });
    },
  };
}
