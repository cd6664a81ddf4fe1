// The site-connect frame (served by Tandem at /cobrowse/site-connect/frame/): it holds the
// server connections of a site_connect page (the contact code, agent availability), runs
// the frame's half of the broker and shows the support panel.
//
// It does nothing until its parent page says hello, and then only if that page is the
// frame's own parent and its origin one of the group's trusted domains; every later
// message must come from that same window and origin, and every message it sends goes
// to that origin alone.
import type { LoaderConfig } from "../visitor/config";
import { watchAgentStatus } from "../visitor/agentstatus";
import { originTrusted } from "../domains";
import { Broker, type MessageFn } from "./broker";
import { ContactCode } from "./contact";
import { type FrameMode, FrameUi, messageText } from "./frame-ui";
import { type FrameToHost, type HostToFrame, type PageInfo, opened, parseHostMessage, sealed } from "./messages";
import { TOPICS } from "./names";
import { isLocal, matches } from "./topics";

type FrameConfig = {
  group: number | null;
  site: string;
  trustedDomains: string[];
  presenceSocket: string | null;
  statusSocket: string | null;
  error: string | null;
};

function readConfig(): FrameConfig {
  const text = document.getElementById("site-connect-config")?.textContent ?? "";
  return JSON.parse(text) as FrameConfig;
}

class SiteConnectFrame {
  private readonly broker = new Broker("frame");
  /** The host page's subscriptions that travel here: what to send it. */
  private readonly hostPatterns = new Map<number, string>();
  private parentOrigin: string | null = null;
  private contact: ContactCode | null = null;
  private nextId = 1;
  private readonly ui: FrameUi;

  constructor(private readonly config: FrameConfig) {
    this.ui = new FrameUi({
      minimize: () => this.publish(TOPICS.minimizeFrame, {}),
      restore: () => this.publish(TOPICS.showFrame, {}),
      close: () => this.publish(TOPICS.hideFrame, {}),
      stopSession: () => this.toHost({ t: "invoke", func: "stopSession" }),
      send: (text) => this.publish(TOPICS.chatSend, text),
    });
    const modes: [string, FrameMode][] = [
      [TOPICS.showFrame, "shown"],
      [TOPICS.minimizeFrame, "minimized"],
      [TOPICS.hideFrame, "hidden"],
    ];
    for (const [topic, mode] of modes) this.on(topic, () => this.ui.mode(mode));
    this.on(TOPICS.cobrowsingStart, (msg) => {
      this.ui.session(String((msg as { key?: unknown } | null)?.key ?? ""));
      this.ui.status("An agent is co-browsing this page with you.");
    });
    this.on(TOPICS.cobrowsingStop, () => {
      this.ui.session(null);
      // The code read out for that session has served: the next visit gets another.
      this.contact?.renew();
    });
    this.on(TOPICS.chatMessage, (msg) => {
      const { data, name } = (msg ?? {}) as { data?: unknown; name?: unknown };
      this.ui.message(typeof name === "string" && name ? name : "Agent", messageText(data));
    });
    this.on(TOPICS.chatSend, (msg) => this.ui.message("You", messageText(msg)));
    this.on(TOPICS.chatTrigger, (msg) => {
      const id = (msg as { id?: unknown } | null)?.id;
      this.contact?.report({ chat: "requested", button: typeof id === "string" ? id : "" });
      this.ui.status("An agent will be with you shortly.");
    });
    this.on(TOPICS.proactiveTrigger, (msg) => {
      const data = (msg as { data?: unknown } | null)?.data;
      if (data !== undefined) this.ui.message("Agent", messageText(data));
    });
    window.addEventListener("message", (event) => this.receive(event));
  }

  private on(pattern: string, fn: MessageFn): void {
    this.broker.add(this.nextId++, pattern, fn);
  }

  /** Publish from the frame: here, and to the page when it is the page's or it listens. */
  private publish(topic: string, msg: unknown): void {
    this.broker.deliver(topic, msg);
    const wanted = isLocal(topic) || [...this.hostPatterns.values()].some((pattern) => matches(pattern, topic));
    if (wanted) this.toHost({ t: "publish", topic, msg });
  }

  private toHost(message: FrameToHost): void {
    if (this.parentOrigin) window.parent.postMessage(sealed(message), this.parentOrigin);
  }

  private receive(event: MessageEvent): void {
    const envelope = opened(event.data);
    if (!envelope) return;
    if (event.source !== window.parent || window.parent === window) {
      ignore("it did not come from the page this frame is in");
      return;
    }
    if (this.parentOrigin === null ? !originTrusted(event.origin, this.config.trustedDomains) : event.origin !== this.parentOrigin) {
      ignore(`origin ${JSON.stringify(event.origin).slice(0, 80)} is not a trusted domain of group ${this.config.group}`);
      return;
    }
    const message = parseHostMessage(envelope.body);
    if (typeof message === "string") {
      ignore(message);
      return;
    }
    this.handle(message, event.origin);
  }

  private handle(message: HostToFrame, origin: string): void {
    switch (message.t) {
      case "hello":
        if (this.parentOrigin === null) {
          this.parentOrigin = origin;
          this.toHost({ t: "hello" });
          this.connect(message.page);
        } else {
          this.toHost({ t: "hello" });
        }
        break;
      case "subscribe":
        this.hostPatterns.set(message.id, message.pattern);
        this.toHost({ t: "suback", id: message.id });
        break;
      case "unsubscribe":
        this.hostPatterns.delete(message.id);
        break;
      case "publish":
        // From the page, which has delivered it there already: for the frame only.
        this.broker.deliver(message.topic, message.msg);
        break;
      case "terms":
        this.contact?.terms(message.status, message.key);
        break;
    }
  }

  private connect(page: PageInfo): void {
    const { presenceSocket, statusSocket, error } = this.config;
    if (error || !presenceSocket) {
      this.ui.status("Support is not available on this site.");
      this.publish(TOPICS.error, { reason: error ?? "no presence socket" });
      return;
    }
    this.contact = new ContactCode(presenceSocket, { ...page, data: { via: "site_connect" } }, {
      code: (code, renewed) => {
        this.ui.code(code);
        this.publish(renewed ? TOPICS.newCode : TOPICS.ready, { code });
      },
      retry: (attempt, delay, reason) => {
        this.ui.code(null);
        this.ui.status("Connecting to support…");
        this.publish(TOPICS.retry, { attempt, delay_ms: delay, reason });
      },
      failed: (reason) => {
        this.ui.code(null);
        this.ui.status("Support is not available right now.");
        this.publish(TOPICS.error, { reason });
      },
      signal: (data) => this.publish(TOPICS.proactiveTrigger, { data }),
      invoke: (func, args) => this.invoke(func, args),
    });
    this.contact.start();
    if (statusSocket) {
      // watchAgentStatus reads only the status socket of the loader's config.
      const statusConfig = { statusSocket } as LoaderConfig;
      watchAgentStatus(statusConfig, (available) => {
        this.ui.agents(available);
        this.publish(TOPICS.agents, { available });
      });
    }
  }

  /** An agent's presence invoke: the page's session client carries it out. */
  private invoke(func: string, args: Record<string, unknown> | null | undefined): void {
    const key = args?.sessionKey;
    if (func === "startSession" && (typeof key === "string" || typeof key === "number")) {
      this.toHost({ t: "invoke", func, sessionKey: String(key) });
    } else if (func === "stopSession") {
      this.toHost({ t: "invoke", func });
    } else {
      console.warn(`[Tandem] site_connect frame: ignored an agent's invoke of ${JSON.stringify(func).slice(0, 60)}`);
    }
  }
}

function ignore(why: string): void {
  console.warn(`[Tandem] site_connect frame ignored a message: ${why}`);
}

function main(): void {
  if (window.parent === window) {
    const status = document.getElementById("status");
    if (status) status.textContent = "This panel belongs inside a site that offers Tandem support.";
    return;
  }
  new SiteConnectFrame(readConfig());
}

main();
