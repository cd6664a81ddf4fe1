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
  private readonly broker_ = new Broker("frame");
  /** The host page's subscriptions that travel here: what to send it. */
  private readonly hostPatterns_ = new Map<number, string>();
  private parentOrigin_: string | null = null;
  private contact_: ContactCode | null = null;
  private nextId_ = 1;
  private readonly ui_: FrameUi;

  constructor(private readonly config: FrameConfig) {
    this.ui_ = new FrameUi({
      minimize: () => this.publish_(TOPICS.minimizeFrame, {}),
      restore: () => this.publish_(TOPICS.showFrame, {}),
      close: () => this.publish_(TOPICS.hideFrame, {}),
      stopSession: () => this.toHost_({ t: "invoke", func: "stopSession" }),
      send: (text) => this.publish_(TOPICS.chatSend, text),
    });
    const modes: [string, FrameMode][] = [
      [TOPICS.showFrame, "shown"],
      [TOPICS.minimizeFrame, "minimized"],
      [TOPICS.hideFrame, "hidden"],
    ];
    for (const [topic, mode] of modes) this.on_(topic, () => this.ui_.mode(mode));
    this.on_(TOPICS.cobrowsingStart, (msg) => {
      this.ui_.session(String((msg as { key?: unknown } | null)?.key ?? ""));
      this.ui_.status("An agent is co-browsing this page with you.");
    });
    this.on_(TOPICS.cobrowsingStop, () => {
      this.ui_.session(null);
      // The code read out for that session has served: the next visit gets another.
      this.contact_?.renew();
    });
    this.on_(TOPICS.chatMessage, (msg) => {
      const { data, name } = (msg ?? {}) as { data?: unknown; name?: unknown };
      this.ui_.message(typeof name === "string" && name ? name : "Agent", messageText(data));
    });
    this.on_(TOPICS.chatSend, (msg) => this.ui_.message("You", messageText(msg)));
    this.on_(TOPICS.chatTrigger, (msg) => {
      const id = (msg as { id?: unknown } | null)?.id;
      this.contact_?.report({ chat: "requested", button: typeof id === "string" ? id : "" });
      this.ui_.status("An agent will be with you shortly.");
    });
    this.on_(TOPICS.proactiveTrigger, (msg) => {
      const data = (msg as { data?: unknown } | null)?.data;
      if (data !== undefined) this.ui_.message("Agent", messageText(data));
    });
    window.addEventListener("message", (event) => this.receive_(event));
  }

  private on_(pattern: string, fn: MessageFn): void {
    this.broker_.add(this.nextId_++, pattern, fn);
  }

  /** Publish from the frame: here, and to the page when it is the page's or it listens. */
  private publish_(topic: string, msg: unknown): void {
    this.broker_.deliver(topic, msg);
    const wanted = isLocal(topic) || [...this.hostPatterns_.values()].some((pattern) => matches(pattern, topic));
    if (wanted) this.toHost_({ t: "publish", topic, msg });
  }

  private toHost_(message: FrameToHost): void {
    if (this.parentOrigin_) window.parent.postMessage(sealed(message), this.parentOrigin_);
  }

  private receive_(event: MessageEvent): void {
    const envelope = opened(event.data);
    if (!envelope) return;
    if (event.source !== window.parent || window.parent === window) {
      ignore("it did not come from the page this frame is in");
      return;
    }
    if (this.parentOrigin_ === null ? !originTrusted(event.origin, this.config.trustedDomains) : event.origin !== this.parentOrigin_) {
      ignore(`origin ${JSON.stringify(event.origin).slice(0, 80)} is not a trusted domain of group ${this.config.group}`);
      return;
    }
    const message = parseHostMessage(envelope.body);
    if (typeof message === "string") {
      ignore(message);
      return;
    }
    this.handle_(message, event.origin);
  }

  private handle_(message: HostToFrame, origin: string): void {
    switch (message.t) {
      case "hello":
        if (this.parentOrigin_ === null) {
          this.parentOrigin_ = origin;
          this.toHost_({ t: "hello" });
          this.connect_(message.page);
        } else {
          this.toHost_({ t: "hello" });
        }
        break;
      case "subscribe":
        this.hostPatterns_.set(message.id, message.pattern);
        this.toHost_({ t: "suback", id: message.id });
        break;
      case "unsubscribe":
        this.hostPatterns_.delete(message.id);
        break;
      case "publish":
        // From the page, which has delivered it there already: for the frame only.
        this.broker_.deliver(message.topic, message.msg);
        break;
      case "terms":
        this.contact_?.terms(message.status, message.key);
        break;
    }
  }

  private connect_(page: PageInfo): void {
    const { presenceSocket, statusSocket, error } = this.config;
    if (error || !presenceSocket) {
      this.ui_.status("Support is not available on this site.");
      this.publish_(TOPICS.error, { reason: error ?? "no presence socket" });
      return;
    }
    this.contact_ = new ContactCode(presenceSocket, { ...page, data: { via: "site_connect" } }, {
      code: (code, renewed) => {
        this.ui_.code(code);
        this.publish_(renewed ? TOPICS.newCode : TOPICS.ready, { code });
      },
      retry: (attempt, delay, reason) => {
        this.ui_.code(null);
        this.ui_.status("Connecting to support…");
        this.publish_(TOPICS.retry, { attempt, delay_ms: delay, reason });
      },
      failed: (reason) => {
        this.ui_.code(null);
        this.ui_.status("Support is not available right now.");
        this.publish_(TOPICS.error, { reason });
      },
      signal: (data) => this.publish_(TOPICS.proactiveTrigger, { data }),
      invoke: (func, args) => this.invoke_(func, args),
    });
    this.contact_.start();
    if (statusSocket) {
      // watchAgentStatus reads only the status socket of the loader's config.
      const statusConfig = { statusSocket } as LoaderConfig;
      watchAgentStatus(statusConfig, (available) => {
        this.ui_.agents(available);
        this.publish_(TOPICS.agents, { available });
      });
    }
  }

  /** An agent's presence invoke: the page's session client carries it out. */
  private invoke_(func: string, args: Record<string, unknown> | null | undefined): void {
    const key = args?.sessionKey;
    if (func === "startSession" && (typeof key === "string" || typeof key === "number")) {
      this.toHost_({ t: "invoke", func, sessionKey: String(key) });
    } else if (func === "stopSession") {
      this.toHost_({ t: "invoke", func });
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
