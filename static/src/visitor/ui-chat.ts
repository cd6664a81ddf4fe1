// The default UI's chat with the agents: a "Chat" button on the status panel with an
// unread badge, and a drawer over the panel with the conversation (names and times) and
// a reply box. Part of the UI bundle, so it loads lazily with it; it lives in the UI's
// shadow root, which the recorder never records.
//
// Only text is chat: a message whose data is a string or `{text}`. Other data is an
// integrator's own traffic (Surfly's sendMessage) and is left to the page. The
// conversation is kept in the tab's sessionStorage while the session lasts, so it
// survives the visitor moving to another page.

import { messageText, type ChatMessage } from "./events";

export type ChatText = {
  openChat: string;
  unread: (count: number) => string;
  title: string;
  close: string;
  reply: string;
  send: string;
  you: string;
  /** The sender's name when a message comes without one. */
  agent: string;
  from: (name: string, text: string) => string;
  empty: string;
};

type Line = { mine: boolean; name: string; text: string; at: number };
type Stored = { lines: Line[]; unread: number };

const KEEP_LINES = 100;
const STORE_PREFIX = "tandem:chat:";
const MAX_REPLY = 2000;

export type Chat = {
  launcher: HTMLButtonElement;
  drawer: HTMLElement;
  /** A session (re)started or continued with `key`: its conversation so far comes back. */
  start(key: string | null): void;
  /** A `message` from an agent, as the visitor's `tandem:message` event gives it. */
  receive(message: ChatMessage): void;
  /** The session ended: the conversation goes, from the screen and from storage. */
  reset(): void;
};


function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function node<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ""): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  made.className = className;
  if (text) made.textContent = text;
  return made;
}

/** The chat's elements: the panel's launcher (with its unread badge) and the drawer. */
function buildChat(text: ChatText) {
  const launcher = node("button", "secondary chat-open");
  launcher.type = "button";
  const badge = node("span", "badge");
  badge.setAttribute("aria-hidden", "true");
  launcher.append(node("span", "", text.openChat), badge);
  const drawer = node("section", "drawer");
  drawer.setAttribute("aria-label", text.title);
  drawer.hidden = true;
  const head = node("div", "drawer-head");
  const close = node("button", "secondary drawer-close", text.close);
  close.type = "button";
  head.append(node("h2", "drawer-title", text.title), close);
  const list = node("ol", "messages");
  list.setAttribute("role", "log");
  const empty = node("p", "empty", text.empty);
  const form = node("form", "reply");
  const label = node("label", "sr-only", text.reply);
  const input = node("input", "reply-text");
  input.id = "tandem-chat-reply";
  label.htmlFor = input.id;
  input.maxLength = MAX_REPLY;
  input.autocomplete = "off";
  input.placeholder = text.reply;
  const submit = node("button", "primary", text.send);
  submit.type = "submit";
  form.append(label, input, submit);
  drawer.append(head, list, empty, form);
  return { launcher, badge, drawer, close, list, empty, form, input };
}

function showLine(list: HTMLElement, text: ChatText, line: Line): void {
  const item = node("li", line.mine ? "mine" : "agent");
  const meta = node("p", "meta");
  const when = node("time", "when", clock(line.at));
  when.dateTime = new Date(line.at).toISOString();
  meta.append(node("span", "who", line.mine ? text.you : line.name), " · ", when);
  item.append(meta, node("p", "body", line.text));
  list.append(item);
  item.scrollIntoView?.({ block: "nearest" });
}

// The conversation of session `key`, kept in the tab's sessionStorage.

function loadConversation(key: string | null): Stored {
  try {
    const kept = key ? sessionStorage.getItem(STORE_PREFIX + key) : null;
    if (kept) return JSON.parse(kept) as Stored;
  } catch {
    // nothing kept, or not readable
  }
  return { lines: [], unread: 0 };
}

function keepConversation(key: string | null, state: Stored | null): void {
  if (!key) return;
  try {
    if (state) sessionStorage.setItem(STORE_PREFIX + key, JSON.stringify(state));
    else sessionStorage.removeItem(STORE_PREFIX + key);
  } catch {
    // Storage full or refused: the conversation still shows on this page.
  }
}

type ChatParts = ReturnType<typeof buildChat>;

/** The drawer's controls: the launcher opens it (`opened`), its close button and Escape
 * close it, and a reply that `send` took is cleared from the box and handed to `sent`. */
function wireDrawer(
  parts: ChatParts,
  on: { opened(): void; send(reply: string): boolean; sent(reply: string): void },
): void {
  const { launcher, drawer, input } = parts;
  const hide = () => {
    drawer.hidden = true;
    launcher.focus();
  };
  launcher.addEventListener("click", () => {
    drawer.hidden = false;
    on.opened();
    input.focus();
  });
  parts.close.addEventListener("click", hide);
  drawer.addEventListener("keydown", (event) => event.key === "Escape" && hide());
  parts.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const reply = input.value.trim();
    if (!reply || !on.send(reply)) return;
    input.value = "";
    on.sent(reply);
  });
}

export function createChat(options: {
  text: ChatText;
  send: (data: unknown) => boolean;
  announce: (text: string) => void;
}): Chat {
  const { text, send, announce } = options;
  const parts = buildChat(text);
  const { launcher, badge, drawer, list, empty } = parts;
  let key: string | null = null;
  let state: Stored = { lines: [], unread: 0 };

  const renderBadge = () => {
    badge.hidden = state.unread === 0;
    badge.textContent = String(state.unread);
    launcher.setAttribute("aria-label", state.unread ? `${text.openChat}, ${text.unread(state.unread)}` : text.openChat);
    empty.hidden = state.lines.length > 0;
  };
  const add = (line: Line) => {
    state.lines.push(line);
    if (state.lines.length > KEEP_LINES) state.lines.splice(0, state.lines.length - KEEP_LINES);
    showLine(list, text, line);
    if (!line.mine && drawer.hidden) state.unread += 1;
    renderBadge();
    keepConversation(key, state);
  };
  wireDrawer(parts, {
    opened() {
      state.unread = 0;
      renderBadge();
      keepConversation(key, state);
    },
    send,
    sent: (reply) => add({ mine: true, name: "", text: reply, at: Date.now() }),
  });
  const show = (started: string | null) => {
    key = started;
    state = loadConversation(key);
    list.replaceChildren();
    for (const line of state.lines) showLine(list, text, line);
    renderBadge();
  };
  renderBadge();
  return {
    launcher,
    drawer,
    start: (started) => started !== key && show(started),
    receive({ data, name, at }) {
      const said = messageText(data);
      if (said === null) return;
      const who = typeof name === "string" && name ? name : text.agent;
      add({ mine: false, name: who, text: said, at: typeof at === "number" ? at : Date.now() });
      if (drawer.hidden) announce(text.from(who, said));
    },
    reset() {
      keepConversation(key, null);
      show(null);
      drawer.hidden = true;
    },
  };
}
