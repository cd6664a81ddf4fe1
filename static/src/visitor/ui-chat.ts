// The default UI's chat with the agents: a "Chat" button on the status panel with an
// unread badge, and a drawer over the panel with the conversation (names and times) and
// a reply box. Part of the UI bundle, so it loads lazily with it; it lives in the UI's
// shadow root, which the recorder never records.
//
// Only text is chat: a message whose data is a string or `{text}`. Other data is an
// integrator's own traffic (Surfly's sendMessage) and is left to the page. The
// conversation is kept in the tab's sessionStorage while the session lasts, so it
// survives the visitor moving to another page.

import { messageText } from "./events";

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
  receive(payload: unknown): void;
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

export function createChat(options: {
  text: ChatText;
  send: (data: unknown) => boolean;
  announce: (text: string) => void;
}): Chat {
  const { text, send, announce } = options;
  const launcher = node("button", "secondary chat-open");
  launcher.type = "button";
  const launcherLabel = node("span", "", text.openChat);
  const badge = node("span", "badge");
  badge.setAttribute("aria-hidden", "true");
  launcher.append(launcherLabel, badge);

  const drawer = node("section", "drawer");
  drawer.setAttribute("aria-label", text.title);
  drawer.hidden = true;
  const head = node("div", "drawer-head");
  const title = node("h2", "drawer-title", text.title);
  const close = node("button", "secondary drawer-close", text.close);
  close.type = "button";
  head.append(title, close);
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

  let key: string | null = null;
  let state: Stored = { lines: [], unread: 0 };

  const store = () => {
    if (!key) return;
    try {
      sessionStorage.setItem(STORE_PREFIX + key, JSON.stringify(state));
    } catch {
      // Storage full or refused: the conversation still shows on this page.
    }
  };

  const renderLine = (line: Line) => {
    const item = node("li", line.mine ? "mine" : "agent");
    const meta = node("p", "meta");
    const who = node("span", "who", line.mine ? text.you : line.name);
    const when = node("time", "when", clock(line.at));
    when.dateTime = new Date(line.at).toISOString();
    meta.append(who, " · ", when);
    item.append(meta, node("p", "body", line.text));
    list.append(item);
    item.scrollIntoView?.({ block: "nearest" });
  };

  const renderBadge = () => {
    badge.hidden = state.unread === 0;
    badge.textContent = String(state.unread);
    launcher.setAttribute("aria-label", state.unread ? `${text.openChat}, ${text.unread(state.unread)}` : text.openChat);
    empty.hidden = state.lines.length > 0;
  };

  const add = (line: Line) => {
    state.lines.push(line);
    if (state.lines.length > KEEP_LINES) state.lines.splice(0, state.lines.length - KEEP_LINES);
    renderLine(line);
    if (!line.mine && drawer.hidden) state.unread += 1;
    renderBadge();
    store();
  };

  const open = () => {
    drawer.hidden = false;
    state.unread = 0;
    renderBadge();
    store();
    input.focus();
  };

  launcher.addEventListener("click", open);
  close.addEventListener("click", () => {
    drawer.hidden = true;
    launcher.focus();
  });
  drawer.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    drawer.hidden = true;
    launcher.focus();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const reply = input.value.trim();
    if (!reply || !send(reply)) return;
    input.value = "";
    add({ mine: true, name: "", text: reply, at: Date.now() });
  });

  renderBadge();
  return {
    launcher,
    drawer,
    start(started) {
      if (started === key) return;
      key = started;
      state = { lines: [], unread: 0 };
      try {
        const kept = key ? sessionStorage.getItem(STORE_PREFIX + key) : null;
        if (kept) state = JSON.parse(kept) as Stored;
      } catch {
        state = { lines: [], unread: 0 };
      }
      list.replaceChildren();
      for (const line of state.lines) renderLine(line);
      renderBadge();
    },
    receive(payload) {
      const { data, name, at } = (payload ?? {}) as { data?: unknown; name?: unknown; at?: unknown };
      const said = messageText(data);
      if (said === null) return;
      const who = typeof name === "string" && name ? name : text.agent;
      add({ mine: false, name: who, text: said, at: typeof at === "number" ? at : Date.now() });
      if (drawer.hidden) announce(text.from(who, said));
    },
    reset() {
      if (key) {
        try {
          sessionStorage.removeItem(STORE_PREFIX + key);
        } catch {
          // nothing kept
        }
      }
      key = null;
      state = { lines: [], unread: 0 };
      list.replaceChildren();
      drawer.hidden = true;
      renderBadge();
    },
  };
}
