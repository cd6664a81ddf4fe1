// What the visitor sees inside the site-connect frame: the contact code to read out to an
// agent, whether an agent is available, the agents' messages and the running co-browse
// session. The elements come from templates/siteconnect/frame.html; text only, never HTML.

export type FrameMode = "hidden" | "shown" | "minimized";

export type FrameUiActions = {
  minimize(): void;
  restore(): void;
  close(): void;
  stopSession(): void;
  send(text: string): void;
};

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`site-connect frame: #${id} is missing from the page`);
  return found as T;
}

/** The text an agent's message shows: a string as is, `{text}` as its text. */
export function messageText(data: unknown): string {
  if (typeof data === "string") return data;
  const text = (data as { text?: unknown } | null)?.text;
  if (typeof text === "string") return text;
  return JSON.stringify(data) ?? "";
}

export class FrameUi {
  private readonly statusLine_ = element<HTMLParagraphElement>("status");
  private readonly codeLine_ = element<HTMLParagraphElement>("code-line");
  private readonly codeText_ = element<HTMLElement>("code");
  private readonly agentsLine_ = element<HTMLParagraphElement>("agents");
  private readonly sessionBox_ = element<HTMLElement>("session");
  private readonly messages_ = element<HTMLOListElement>("messages");
  private readonly chat_ = element<HTMLFormElement>("chat");
  private readonly chatText_ = element<HTMLInputElement>("chat-text");
  private readonly minimizeButton_ = element<HTMLButtonElement>("minimize");
  private readonly restoreButton_ = element<HTMLButtonElement>("restore");

  constructor(actions: FrameUiActions) {
    this.minimizeButton_.addEventListener("click", () => actions.minimize());
    this.restoreButton_.addEventListener("click", () => actions.restore());
    element<HTMLButtonElement>("close").addEventListener("click", () => actions.close());
    element<HTMLButtonElement>("stop").addEventListener("click", () => actions.stopSession());
    this.chat_.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.chatText_.value.trim();
      if (!text) return;
      this.chatText_.value = "";
      actions.send(text);
    });
  }

  status(text: string): void {
    this.statusLine_.textContent = text;
  }

  code(code: string | null): void {
    this.codeLine_.hidden = code === null;
    this.codeText_.textContent = code ?? "";
    if (code !== null) this.status("Read this code to the agent who helps you.");
  }

  agents(available: boolean): void {
    this.agentsLine_.textContent = available ? "An agent is available." : "No agent is available right now.";
  }

  session(key: string | null): void {
    this.sessionBox_.hidden = key === null;
    this.chat_.hidden = key === null;
  }

  message(from: string, text: string): void {
    const item = document.createElement("li");
    const who = document.createElement("strong");
    who.textContent = from;
    const body = document.createElement("span");
    body.textContent = text;
    item.append(who, " ", body);
    this.messages_.append(item);
    item.scrollIntoView({ block: "end" });
  }

  mode(mode: FrameMode): void {
    document.body.dataset.mode = mode;
    this.minimizeButton_.hidden = mode === "minimized";
    this.restoreButton_.hidden = mode !== "minimized";
  }
}
