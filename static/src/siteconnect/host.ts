// site_connect's broker on the host page (subscribe, unsubscribe, publish), the
// site-connect frame it talks to by postMessage, the chat buttons, and the glue to the one
// session client (docs/site-connect.md is the contract). Its own bundle: the loader's
// window.site_connect (stub.ts) imports it the first time the page uses site_connect.
//
// The frame is created the first time the page uses site_connect (or has a chat button),
// not on every page that loads the loader: it holds a presence connection, and pages that
// never use site_connect should not show up as visitors with a contact code.
import type { LoaderConfig } from "../visitor/config";
import { originTrusted } from "../domains";
import { UI_HOST_ATTRIBUTE } from "../visitor/mask";
import { MESSAGE_EVENT, type Handler, type VisitorEvents } from "../visitor/events";
import type { SessionClient } from "../visitor/session";
import { Broker, type MessageFn } from "./broker";
import { type FrameToHost, type HostToFrame, opened, parseFrameMessage, sealed } from "./messages";
import { CHAT_BUTTON_ATTRIBUTE, SESSION_EVENTS, TOPICS, chatButtonTopic, type SessionEventName } from "./names";
import { isLocal, isTopic, matches } from "./topics";

type AckFn = () => void;

type Mode = "hidden" | "shown" | "minimized";

const FRAME_STYLE: Record<Mode, string> = {
  hidden: "display:none",
  shown: "display:block;height:440px",
  minimized: "display:block;height:52px",
};
const FRAME_BASE_STYLE =
  "position:fixed;right:16px;bottom:16px;width:340px;max-width:calc(100vw - 32px);" +
  "border:0;border-radius:10px;box-shadow:0 4px 24px rgba(0,0,0,.25);z-index:2147483000;" +
  "background:transparent;color-scheme:normal;";

const STATUS_TOPIC = /^~\/site_connect\/(ready|retry|error|new_code)$/;
const BUTTON_TOPIC = /^~\/site_connect\/chat_button\/([^/]+)\/(enabled|disabled)$/;
const OUTBOX_LIMIT = 200;

/**
 * Which retained slot a publication fills (the latest message of each slot is handed to
 * subscriptions made later, MQTT's "retained messages"), or null. `clear` empties it.
 */
function retainedSlot(topic: string): { slot: string; clear: boolean } | null {
  if (STATUS_TOPIC.test(topic)) return { slot: "status", clear: false };
  if (topic === TOPICS.agents) return { slot: topic, clear: false };
  const button = BUTTON_TOPIC.exec(topic);
  if (button) return { slot: `button:${button[1]}`, clear: false };
  if (topic === TOPICS.cobrowsingStart) return { slot: "cobrowsing", clear: false };
  if (topic === TOPICS.cobrowsingStop) return { slot: "cobrowsing", clear: true };
  return null;
}

/** Filters that can only ever match "~/" topics need no frame; "~/#" also matches "~". */
function onlyLocal(pattern: string): boolean {
  return pattern.startsWith("~/") && pattern !== "~/#";
}

/** A chat button id named literally in a filter: ~/site_connect/chat_button/<id>/... */
function buttonIdIn(pattern: string): string | null {
  const levels = pattern.split("/");
  const named = levels.length >= 4 && levels[0] === "~" && levels[1] === "site_connect" && levels[2] === "chat_button";
  return named && levels[3] !== "+" && levels[3] !== "#" ? levels[3] : null;
}

function validButtonId(id: string): boolean {
  return id.length > 0 && id.length <= 100 && isTopic(id) && !id.includes("/");
}

export class SiteConnectHost {
  private readonly broker = new Broker("host page");
  private readonly origin: string | null;
  // Why site_connect cannot work on this page (~/site_connect/error's reason), or null.
  private readonly unavailable: string | null;
  private frame: HTMLIFrameElement | null = null;
  private frameOpen = false;
  /** Publications made while the frame loads. */
  private outbox: HostToFrame[] = [];
  /** Subscriptions waiting for the frame's suback, with their ack_fn. */
  private readonly awaitingAck = new Map<number, { ack: AckFn | undefined; since: number }>();
  private readonly retained = new Map<string, { topic: string; msg: unknown; seq: number }>();
  /** How many publications this page has delivered: orders them against subscriptions. */
  private delivered = 0;
  private readonly buttonIds = new Set<string>();
  private available: boolean | null = null;
  private sessionKey: string | null = null;
  private reportedError = false;

  /** `ids` numbers subscriptions, the page's and Tandem's own, from one sequence.
   * `wasInSession`: a session was already running when the page first used site_connect. */
  constructor(
    private readonly client: SessionClient,
    private readonly config: LoaderConfig,
    private readonly ids: () => number,
    wasInSession: boolean,
  ) {
    // The frame may be embedded only by the group's trusted domains (frame-ancestors): on
    // another origin it would be refused silently, so the page is told at once instead.
    const trusted = originTrusted(location.origin, config.trustedDomains ?? []);
    this.unavailable =
      config.error ??
      (trusted ? null : `This page's origin ${location.origin} is not one of group ${config.group}'s trusted domains.`);
    this.origin = this.unavailable ? null : originOf(config.server);
    window.addEventListener("message", (event) => this.receive(event));
    this.listenToSession(wasInSession);
    this.internal("~pagesession/#", (msg, topic) => this.pageSession(topic, msg));
    this.internal(TOPICS.agents, (msg) => this.agents(msg));
    document.addEventListener("click", (event) => {
      const target = event.target instanceof Element ? event.target.closest(`[${CHAT_BUTTON_ATTRIBUTE}]`) : null;
      if (target) this.clicked(target);
    });
    // A page with chat buttons uses site_connect even if its script never calls it.
    if (this.buttons().length > 0) this.ensureFrame();
  }

  /** A subscription the page made through window.site_connect (stub.ts checked it). */
  subscribe(id: number, pattern: string, msgFn: MessageFn, ack: AckFn | undefined): void {
    const since = this.delivered;
    this.broker.add(id, pattern, msgFn);
    if (onlyLocal(pattern) || this.origin === null) {
      // Nothing to register with a frame: ready on the next turn, never during subscribe().
      setTimeout(() => this.acked(id, ack, since), 0);
    } else {
      // Registered now if the frame is open, else by the frame's hello (see handle()).
      this.awaitingAck.set(id, { ack, since });
      this.toFrame({ t: "subscribe", id, pattern });
    }
    this.ensureFrame();
    const buttonId = buttonIdIn(pattern);
    if (buttonId !== null && validButtonId(buttonId) && !this.buttonIds.has(buttonId)) {
      this.buttonIds.add(buttonId);
      // After the ack (timers run in order), so the new subscriber hears it once.
      if (this.available !== null) setTimeout(() => this.publishButton(buttonId), 0);
    }
  }

  unsubscribe(id: number): void {
    if (!this.broker.remove(id)) return;
    this.awaitingAck.delete(id);
    this.toFrame({ t: "unsubscribe", id });
  }

  publish(topic: string, msg: unknown): void {
    this.ensureFrame();
    this.emit(topic, msg);
  }

  /** Deliver here, and to the frame unless the topic stays on the page. */
  private emit(topic: string, msg: unknown): void {
    this.deliver(topic, msg);
    if (!isLocal(topic)) this.toFrame({ t: "publish", topic, msg });
  }

  private deliver(topic: string, msg: unknown): void {
    const seq = ++this.delivered;
    const retain = retainedSlot(topic);
    if (retain?.clear) this.retained.delete(retain.slot);
    else if (retain) this.retained.set(retain.slot, { topic, msg, seq });
    this.broker.deliver(topic, msg);
  }

  /** Subscription `id` is ready: its ack_fn, then the retained messages it has not had
   * (those from before it was made; later ones reached it as they came). */
  private acked(id: number, ack: AckFn | undefined, since: number): void {
    if (!this.broker.has(id)) return;
    if (ack) {
      try {
        ack();
      } catch (error) {
        console.error("[Tandem] a site_connect ack function threw", error);
      }
    }
    const pattern = this.broker.pattern(id);
    for (const { topic, msg, seq } of [...this.retained.values()]) {
      if (seq <= since && pattern !== undefined && matches(pattern, topic)) this.broker.call(id, topic, msg);
    }
  }

  /** A subscription of Tandem's own (frame handling, chat buttons), like any other. */
  private internal(pattern: string, fn: MessageFn): void {
    this.broker.add(this.ids(), pattern, fn);
  }

  // The frame.

  private ensureFrame(): void {
    if (this.frame) return;
    if (this.origin === null) {
      if (!this.reportedError) {
        this.reportedError = true;
        const reason = this.unavailable ?? "site_connect is unavailable";
        setTimeout(() => this.deliver(TOPICS.error, { reason }), 0);
      }
      return;
    }
    const frame = document.createElement("iframe");
    this.frame = frame;
    const params = new URLSearchParams({ group: String(this.config.group), site: this.config.site });
    frame.src = `${this.config.server}/cobrowse/site-connect/frame/?${params}`;
    frame.title = "Customer support";
    frame.setAttribute(UI_HOST_ATTRIBUTE, "site-connect");
    frame.setAttribute("data-site-connect-frame", "");
    this.setMode("hidden");
    // Each load of the frame (a reload too) starts with the page's hello.
    frame.addEventListener("load", () => {
      this.frameOpen = false;
      const page = { url: location.href, title: document.title };
      frame.contentWindow?.postMessage(sealed({ t: "hello", page }), this.origin as string);
    });
    const attach = () => document.body.append(frame);
    if (document.body) attach();
    else document.addEventListener("DOMContentLoaded", attach, { once: true });
  }

  private setMode(mode: Mode): void {
    if (!this.frame) return;
    this.frame.setAttribute("style", FRAME_BASE_STYLE + FRAME_STYLE[mode]);
    this.frame.setAttribute("data-mode", mode);
  }

  private toFrame(message: HostToFrame): void {
    if (!this.frame) return; // the page never used site_connect: nothing listens there
    if (this.frameOpen) {
      this.frame.contentWindow?.postMessage(sealed(message), this.origin as string);
    } else if (message.t === "publish") {
      // Subscriptions are not queued: the frame's hello registers every one there is then.
      if (this.outbox.length >= OUTBOX_LIMIT) console.warn("[Tandem] site_connect: the frame is not ready; dropped an old publication");
      this.outbox = [...this.outbox.slice(-(OUTBOX_LIMIT - 1)), message];
    }
  }

  /** Only Tandem's own frame, from Tandem's origin, may talk to the page. */
  private receive(event: MessageEvent): void {
    const envelope = opened(event.data);
    if (!envelope) return;
    const frame = this.frame;
    if (!frame || event.source !== frame.contentWindow || event.origin !== this.origin) {
      ignore(`it came from ${JSON.stringify(event.origin).slice(0, 80)}, not Tandem's site-connect frame`);
      return;
    }
    const message = parseFrameMessage(envelope.body);
    if (typeof message === "string") {
      ignore(message);
      return;
    }
    this.handle(message);
  }

  private handle(message: FrameToHost): void {
    switch (message.t) {
      case "hello":
        this.frameOpen = true;
        for (const [id, pattern] of this.broker.entries()) {
          if (!onlyLocal(pattern)) this.toFrame({ t: "subscribe", id, pattern });
        }
        for (const queued of this.outbox.splice(0)) this.toFrame(queued);
        break;
      case "suback": {
        const waiting = this.awaitingAck.get(message.id);
        if (waiting) {
          this.awaitingAck.delete(message.id);
          this.acked(message.id, waiting.ack, waiting.since);
        }
        break;
      }
      case "publish":
        // From the frame: for this page's subscribers; never sent back.
        this.deliver(message.topic, message.msg);
        break;
      case "invoke":
        if (message.func === "startSession") {
          // Asked first (the group's one-click consent); the frame tells the agents.
          const key = message.sessionKey;
          this.client.startForAgent({ sessionKey: key }, (status) => this.toFrame({ t: "terms", status, key }));
        } else {
          this.client.stop();
        }
        break;
    }
  }

  // What Tandem itself does with the topics.

  private pageSession(topic: string, msg: unknown): void {
    switch (topic) {
      case TOPICS.showFrame:
        this.ensureFrame();
        return this.setMode("shown");
      case TOPICS.minimizeFrame:
        return this.setMode("minimized");
      case TOPICS.hideFrame:
        return this.setMode("hidden");
      case TOPICS.chatTrigger:
      case TOPICS.proactiveTrigger:
        return this.emit(TOPICS.showFrame, { reason: topic.split("/")[1] });
      case TOPICS.chatSend:
        if (!this.client.sendMessage(msg)) console.warn(`[Tandem] ${TOPICS.chatSend} needs a running co-browse session`);
        return;
    }
  }

  private listenToSession(wasInSession: boolean): void {
    for (const name of SESSION_EVENTS) this.listen(name);
    // Retained: a subscriber made later still learns that a session is running.
    if (wasInSession) this.sessionEvent("statereceived", undefined);
  }

  private listen<K extends SessionEventName>(name: K): void {
    this.client.events.on(name, (payload) => this.sessionEvent(name, payload));
  }

  /** One of the session client's events (stub.ts replays those from while this loaded). */
  sessionEvent<K extends SessionEventName>(name: K, payload: VisitorEvents[K]): void {
    this.onSession[name](payload);
  }

  private readonly onSession: { [K in SessionEventName]: Handler<K> } = {
    sessionstart: () => this.cobrowsingStarted(false),
    statereceived: () => this.cobrowsingStarted(true),
    sessionend: () => {
      const key = this.sessionKey;
      this.sessionKey = null;
      this.emit(TOPICS.cobrowsingStop, { key });
    },
    [MESSAGE_EVENT]: ({ data, name, from }) => this.emit(TOPICS.chatMessage, { data, name, from }),
  };

  private cobrowsingStarted(continued: boolean): void {
    this.sessionKey = this.client.getKey();
    this.emit(TOPICS.cobrowsingStart, { key: this.sessionKey, continued });
  }

  // Chat buttons.

  private buttons(): HTMLElement[] {
    return [...document.querySelectorAll<HTMLElement>(`[${CHAT_BUTTON_ATTRIBUTE}]`)];
  }

  private agents(msg: unknown): void {
    const available = (msg as { available?: unknown } | null)?.available;
    if (typeof available !== "boolean") return;
    this.available = available;
    for (const element of this.buttons()) {
      const id = element.getAttribute(CHAT_BUTTON_ATTRIBUTE) ?? "";
      if (validButtonId(id)) this.buttonIds.add(id);
      if ("disabled" in element) (element as HTMLButtonElement).disabled = !available;
      element.setAttribute("aria-disabled", String(!available));
    }
    // After every subscriber has heard ~/site_connect/agents itself.
    queueMicrotask(() => {
      for (const id of this.buttonIds) this.publishButton(id, available);
    });
  }

  private publishButton(id: string, available: boolean | null = this.available): void {
    if (available !== null) this.deliver(chatButtonTopic(id, available), { id });
  }

  /** A click on a chat button. */
  clicked(target: Element): void {
    if (target.getAttribute("aria-disabled") === "true") return;
    const id = target.getAttribute(CHAT_BUTTON_ATTRIBUTE) ?? "";
    if (!validButtonId(id)) return;
    this.ensureFrame();
    this.emit(TOPICS.chatTrigger, { id });
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function ignore(why: string): void {
  console.warn(`[Tandem] ignored a site_connect message: ${why}`);
}

/** What the stub imports: the broker over the page's one session client. */
export function createHost(
  client: SessionClient,
  config: LoaderConfig,
  ids: () => number,
  wasInSession: boolean,
): SiteConnectHost {
  return new SiteConnectHost(client, config, ids, wasInSession);
}

export type HostModule = { createHost: typeof createHost };
