// The viewer's chat panel: the conversation of everyone in the session, and a box to
// write to the visitor (who gets it as a `message`: Surfly's event, or site_connect's topic).
import type { AgentToServer, SessionMessage } from "../protocol";

/** A message's data as one line of text: text as is, `{text}` by its text, else JSON. */
export function messageText(data: unknown): string {
  if (typeof data === "string") return data;
  if (data && typeof data === "object" && typeof (data as { text?: unknown }).text === "string") {
    return (data as { text: string }).text;
  }
  return JSON.stringify(data);
}

export class ChatPanel {
  private readonly list_: HTMLOListElement;
  /** This agent's client index, known once joined: its own messages are marked. */
  index: number | null = null;

  constructor(
    panel: HTMLElement,
    send: (frame: AgentToServer) => void,
  ) {
    this.list_ = panel.querySelector("ol.messages")!;
    const form = panel.querySelector<HTMLFormElement>("form.chat-form")!;
    const input = form.querySelector<HTMLInputElement>("input[name=text]")!;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      send({ t: "message", data: text });
      input.value = "";
    });
  }

  show(message: SessionMessage): void {
    const item = document.createElement("li");
    item.className = message.from === 0 ? "visitor" : message.from === this.index ? "mine" : "agent";
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = message.from === this.index ? "You" : message.name;
    const when = document.createElement("time");
    when.className = "when";
    const at = typeof message.at === "number" ? new Date(message.at) : new Date();
    when.dateTime = at.toISOString();
    when.textContent = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = messageText(message.data);
    item.append(who, " ", when, " ", text);
    this.list_.append(item);
    item.scrollIntoView({ block: "nearest" });
  }
}
