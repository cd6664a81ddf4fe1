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
import { button, element } from "./ui-modal";
import { fill, type Texts } from "./texts";

type Line = { mine: boolean; name: string; text: string; at: number };
export type Stored = { lines: Line[]; unread: number };

const KEEP_LINES = 100;
const STORE_PREFIX = "tandem:chat:";
const MAX_REPLY = 2000;

// Members ending in "_" are private to the UI bundle (the build shortens them).
export type Chat = {
  launcher_: HTMLButtonElement;
  drawer_: HTMLElement;
  /** A session (re)started or continued with `key`: its conversation so far comes back. */
  start_(key: string | null): void;
  /** A `message` from an agent, as the visitor's `tandem:message` event gives it. */
  receive_(message: ChatMessage): void;
  /** The session ended: the conversation goes, from the screen and from storage. */
  reset_(): void;
};


function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** The chat's elements: the panel's launcher (with its unread badge) and the drawer. */
function buildChat(text: Texts) {
  const launcher = button("secondary chat-open");
  const badge = element("span", "badge");
  badge.setAttribute("aria-hidden", "true");
  launcher.append(element("span", "", text.chatOpen), badge);
  const drawer = element("section", "drawer");
  drawer.setAttribute("aria-label", text.chatTitle);
  drawer.hidden = true;
  const head = element("div", "drawer-head");
  const close = button("secondary drawer-close", text.chatClose);
  head.append(element("h2", "drawer-title", text.chatTitle), close);
  const list = element("ol", "messages");
  list.setAttribute("role", "log");
  const empty = element("p", "empty", text.chatEmpty);
  const form = element("form", "reply");
  const label = element("label", "sr-only", text.chatReply);
  const input = element("input", "reply-text");
  input.id = "tandem-chat-reply";
  label.htmlFor = input.id;
  input.maxLength = MAX_REPLY;
  input.autocomplete = "off";
  input.placeholder = text.chatReply;
  form.append(label, input, button("primary", text.chatSend, "submit"));
  drawer.append(head, list, empty, form);
  // Names ending in "_" are private to the UI bundle: the build shortens them.
  return { launcher_: launcher, badge_: badge, drawer_: drawer, close_: close, list_: list, empty_: empty, form_: form, input_: input };
}

function showLine(list: HTMLElement, text: Texts, line: Line): void {
  const item = element("li", line.mine ? "mine" : "agent");
  const meta = element("p", "meta");
  const when = element("time", "when", clock(line.at));
  when.dateTime = new Date(line.at).toISOString();
  meta.append(element("span", "who", line.mine ? text.chatYou : line.name), " · ", when);
  item.append(meta, element("p", "body", line.text));
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

/** The drawer's controls: the launcher opens it (`opened_`), its close button and Escape
 * close it, and a reply that `send_` took is cleared from the box and handed to `sent_`. */
function wireDrawer(
  parts: ChatParts,
  on: { opened_(): void; send_(reply: string): boolean; sent_(reply: string): void },
): void {
  const { launcher_: launcher, drawer_: drawer, input_: input } = parts;
  const hide = () => {
    drawer.hidden = true;
    launcher.focus();
  };
  launcher.addEventListener("click", () => {
    drawer.hidden = false;
    on.opened_();
    input.focus();
  });
  parts.close_.addEventListener("click", hide);
  drawer.addEventListener("keydown", (event) => event.key === "Escape" && hide());
  parts.form_.addEventListener("submit", (event) => {
    event.preventDefault();
    const reply = input.value.trim();
    if (!reply || !on.send_(reply)) return;
    input.value = "";
    on.sent_(reply);
  });
}

/** The chat in `text`'s words; `send` hands a reply to the session (false: not sent),
 * `announce` reads an agent's message aloud while the drawer is closed. */
export function createChat(text: Texts, send: (data: unknown) => boolean, announce: (said: string) => void): Chat {
  const parts = buildChat(text);
  const { launcher_: launcher, badge_: badge, drawer_: drawer, list_: list, empty_: empty } = parts;
  let key: string | null = null;
  let state: Stored = { lines: [], unread: 0 };

  const renderBadge = () => {
    badge.hidden = state.unread === 0;
    badge.textContent = String(state.unread);
    const unread = state.unread === 1 ? text.chatUnreadOne : fill(text.chatUnreadMany, { count: state.unread });
    launcher.setAttribute("aria-label", state.unread ? `${text.chatOpen}, ${unread}` : text.chatOpen);
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
    opened_() {
      state.unread = 0;
      renderBadge();
      keepConversation(key, state);
    },
    send_: send,
    sent_: (reply) => add({ mine: true, name: "", text: reply, at: Date.now() }),
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
    launcher_: launcher,
    drawer_: drawer,
    start_: (started) => started !== key && show(started),
    receive_({ data, name, at }) {
      const said = messageText(data);
      if (said === null) return;
      const who = typeof name === "string" && name ? name : text.chatAgent;
      add({ mine: false, name: who, text: said, at: typeof at === "number" ? at : Date.now() });
      if (drawer.hidden) announce(fill(text.chatFrom, { name: who, text: said }));
    },
    reset_() {
      keepConversation(key, null);
      show(null);
      drawer.hidden = true;
    },
  };
}
