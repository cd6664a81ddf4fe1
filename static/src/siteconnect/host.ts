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
  private readonly broker_ = new Broker("host page");
  private readonly origin_: string | null;
  // Why site_connect cannot work on this page (~/site_connect/error's reason), or null.
  private readonly unavailable_: string | null;
  private frame_: HTMLIFrameElement | null = null;
  private frameOpen_ = false;
  /** Publications made while the frame loads. */
  private outbox_: HostToFrame[] = [];
  /** Subscriptions waiting for the frame's suback, with their ack_fn. */
  private readonly awaitingAck_ = new Map<number, { ack: AckFn | undefined; since: number }>();
  private readonly retained_ = new Map<string, { topic: string; msg: unknown; seq: number }>();
  /** How many publications this page has delivered: orders them against subscriptions. */
  private delivered_ = 0;
  private readonly buttonIds_ = new Set<string>();
  private available_: boolean | null = null;
  private sessionKey_: string | null = null;
  private reportedError_ = false;

  /** `ids` numbers subscriptions, the page's and Tandem's own, from one sequence.
   * `wasInSession`: a session was already running when the page first used site_connect. */
  constructor(
    private readonly client_: SessionClient,
    private readonly config_: LoaderConfig,
    private readonly ids_: () => number,
    wasInSession: boolean,
  ) {
    // The frame may be embedded only by the group's trusted domains (frame-ancestors): on
    // another origin it would be refused silently, so the page is told at once instead.
    const trusted = originTrusted(location.origin, config_.trustedDomains ?? []);
    this.unavailable_ =
      config_.error ??
      (trusted ? null : `This page's origin ${location.origin} is not one of group ${config_.group}'s trusted domains.`);
    this.origin_ = this.unavailable_ ? null : originOf(config_.server);
    window.addEventListener("message", (event) => this.receive_(event));
    this.listenToSession_(wasInSession);
    this.internal_("~pagesession/#", (msg, topic) => this.pageSession_(topic, msg));
    this.internal_(TOPICS.agents, (msg) => this.agents_(msg));
    document.addEventListener("click", (event) => {
      const target = event.target instanceof Element ? event.target.closest(`[${CHAT_BUTTON_ATTRIBUTE}]`) : null;
      if (target) this.clicked(target);
    });
    // A page with chat buttons uses site_connect even if its script never calls it.
    if (this.buttons_().length > 0) this.ensureFrame_();
  }

  /** A subscription the page made through window.site_connect (stub.ts checked it). */
  subscribe(id: number, pattern: string, msgFn: MessageFn, ack: AckFn | undefined): void {
    const since = this.delivered_;
    this.broker_.add(id, pattern, msgFn);
    if (onlyLocal(pattern) || this.origin_ === null) {
      // Nothing to register with a frame: ready on the next turn, never during subscribe().
      setTimeout(() => this.acked_(id, ack, since), 0);
    } else {
      // Registered now if the frame is open, else by the frame's hello (see handle()).
      this.awaitingAck_.set(id, { ack, since });
      this.toFrame_({ t: "subscribe", id, pattern });
    }
    this.ensureFrame_();
    const buttonId = buttonIdIn(pattern);
    if (buttonId !== null && validButtonId(buttonId) && !this.buttonIds_.has(buttonId)) {
      this.buttonIds_.add(buttonId);
      // After the ack (timers run in order), so the new subscriber hears it once.
      if (this.available_ !== null) setTimeout(() => this.publishButton_(buttonId), 0);
    }
  }

  unsubscribe(id: number): void {
    if (!this.broker_.remove(id)) return;
    this.awaitingAck_.delete(id);
    this.toFrame_({ t: "unsubscribe", id });
  }

  publish(topic: string, msg: unknown): void {
    this.ensureFrame_();
    this.emit_(topic, msg);
  }

  /** Deliver here, and to the frame unless the topic stays on the page. */
  private emit_(topic: string, msg: unknown): void {
    this.deliver_(topic, msg);
    if (!isLocal(topic)) this.toFrame_({ t: "publish", topic, msg });
  }

  private deliver_(topic: string, msg: unknown): void {
    const seq = ++this.delivered_;
    const retain = retainedSlot(topic);
    if (retain?.clear) this.retained_.delete(retain.slot);
    else if (retain) this.retained_.set(retain.slot, { topic, msg, seq });
    this.broker_.deliver(topic, msg);
  }

  /** Subscription `id` is ready: its ack_fn, then the retained messages it has not had
   * (those from before it was made; later ones reached it as they came). */
  private acked_(id: number, ack: AckFn | undefined, since: number): void {
    if (!this.broker_.has(id)) return;
    if (ack) {
      try {
        ack();
      } catch (error) {
        console.error("[Tandem] a site_connect ack function threw", error);
      }
    }
    const pattern = this.broker_.pattern(id);
    for (const { topic, msg, seq } of [...this.retained_.values()]) {
      if (seq <= since && pattern !== undefined && matches(pattern, topic)) this.broker_.call(id, topic, msg);
    }
  }

  /** A subscription of Tandem's own (frame handling, chat buttons), like any other. */
  private internal_(pattern: string, fn: MessageFn): void {
    this.broker_.add(this.ids_(), pattern, fn);
  }

  // The frame.

  private ensureFrame_(): void {
    if (this.frame_) return;
    if (this.origin_ === null) {
      if (!this.reportedError_) {
        this.reportedError_ = true;
        const reason = this.unavailable_ ?? "site_connect is unavailable";
        setTimeout(() => this.deliver_(TOPICS.error, { reason }), 0);
      }
      return;
    }
    const frame = document.createElement("iframe");
    this.frame_ = frame;
    const params = new URLSearchParams({ group: String(this.config_.group), site: this.config_.site });
    frame.src = `${this.config_.server}/cobrowse/site-connect/frame/?${params}`;
    frame.title = "Customer support";
    frame.setAttribute(UI_HOST_ATTRIBUTE, "site-connect");
    frame.setAttribute("data-site-connect-frame", "");
    this.setMode_("hidden");
    // Each load of the frame (a reload too) starts with the page's hello.
    frame.addEventListener("load", () => {
      this.frameOpen_ = false;
      const page = { url: location.href, title: document.title };
      frame.contentWindow?.postMessage(sealed({ t: "hello", page }), this.origin_ as string);
    });
    const attach = () => document.body.append(frame);
    if (document.body) attach();
    else document.addEventListener("DOMContentLoaded", attach, { once: true });
  }

  private setMode_(mode: Mode): void {
    if (!this.frame_) return;
    this.frame_.setAttribute("style", FRAME_BASE_STYLE + FRAME_STYLE[mode]);
    this.frame_.setAttribute("data-mode", mode);
  }

  private toFrame_(message: HostToFrame): void {
    if (!this.frame_) return; // the page never used site_connect: nothing listens there
    if (this.frameOpen_) {
      this.frame_.contentWindow?.postMessage(sealed(message), this.origin_ as string);
    } else if (message.t === "publish") {
      // Subscriptions are not queued: the frame's hello registers every one there is then.
      if (this.outbox_.length >= OUTBOX_LIMIT) console.warn("[Tandem] site_connect: the frame is not ready; dropped an old publication");
      this.outbox_ = [...this.outbox_.slice(-(OUTBOX_LIMIT - 1)), message];
    }
  }

  /** Only Tandem's own frame, from Tandem's origin, may talk to the page. */
  private receive_(event: MessageEvent): void {
    const envelope = opened(event.data);
    if (!envelope) return;
    const frame = this.frame_;
    if (!frame || event.source !== frame.contentWindow || event.origin !== this.origin_) {
      ignore(`it came from ${JSON.stringify(event.origin).slice(0, 80)}, not Tandem's site-connect frame`);
      return;
    }
    const message = parseFrameMessage(envelope.body);
    if (typeof message === "string") {
      ignore(message);
      return;
    }
    this.handle_(message);
  }

  private handle_(message: FrameToHost): void {
    switch (message.t) {
      case "hello":
        this.frameOpen_ = true;
        for (const [id, pattern] of this.broker_.entries()) {
          if (!onlyLocal(pattern)) this.toFrame_({ t: "subscribe", id, pattern });
        }
        for (const queued of this.outbox_.splice(0)) this.toFrame_(queued);
        break;
      case "suback": {
        const waiting = this.awaitingAck_.get(message.id);
        if (waiting) {
          this.awaitingAck_.delete(message.id);
          this.acked_(message.id, waiting.ack, waiting.since);
        }
        break;
      }
      case "publish":
        // From the frame: for this page's subscribers; never sent back.
        this.deliver_(message.topic, message.msg);
        break;
      case "invoke":
        if (message.func === "startSession") {
          // Asked first (the group's one-click consent); the frame tells the agents.
          const key = message.sessionKey;
          this.client_.startForAgent({ sessionKey: key }, (status) => this.toFrame_({ t: "terms", status, key }));
        } else {
          this.client_.stop();
        }
        break;
    }
  }

  // What Tandem itself does with the topics.

  private pageSession_(topic: string, msg: unknown): void {
    switch (topic) {
      case TOPICS.showFrame:
        this.ensureFrame_();
        return this.setMode_("shown");
      case TOPICS.minimizeFrame:
        return this.setMode_("minimized");
      case TOPICS.hideFrame:
        return this.setMode_("hidden");
      case TOPICS.chatTrigger:
      case TOPICS.proactiveTrigger:
        return this.emit_(TOPICS.showFrame, { reason: topic.split("/")[1] });
      case TOPICS.chatSend:
        if (!this.client_.sendMessage(msg)) console.warn(`[Tandem] ${TOPICS.chatSend} needs a running co-browse session`);
        return;
    }
  }

  private listenToSession_(wasInSession: boolean): void {
    for (const name of SESSION_EVENTS) this.listen_(name);
    // Retained: a subscriber made later still learns that a session is running.
    if (wasInSession) this.sessionEvent("statereceived", undefined);
  }

  private listen_<K extends SessionEventName>(name: K): void {
    this.client_.events.on(name, (payload) => this.sessionEvent(name, payload));
  }

  /** One of the session client's events (stub.ts replays those from while this loaded). */
  sessionEvent<K extends SessionEventName>(name: K, payload: VisitorEvents[K]): void {
    this.onSession_[name](payload);
  }

  private readonly onSession_: { [K in SessionEventName]: Handler<K> } = {
    sessionstart: () => this.cobrowsingStarted_(false),
    statereceived: () => this.cobrowsingStarted_(true),
    sessionend: () => {
      const key = this.sessionKey_;
      this.sessionKey_ = null;
      this.emit_(TOPICS.cobrowsingStop, { key });
    },
    [MESSAGE_EVENT]: ({ data, name, from }) => this.emit_(TOPICS.chatMessage, { data, name, from }),
  };

  private cobrowsingStarted_(continued: boolean): void {
    this.sessionKey_ = this.client_.getKey();
    this.emit_(TOPICS.cobrowsingStart, { key: this.sessionKey_, continued });
  }

  // Chat buttons.

  private buttons_(): HTMLElement[] {
    return [...document.querySelectorAll<HTMLElement>(`[${CHAT_BUTTON_ATTRIBUTE}]`)];
  }

  private agents_(msg: unknown): void {
    const available = (msg as { available?: unknown } | null)?.available;
    if (typeof available !== "boolean") return;
    this.available_ = available;
    for (const element of this.buttons_()) {
      const id = element.getAttribute(CHAT_BUTTON_ATTRIBUTE) ?? "";
      if (validButtonId(id)) this.buttonIds_.add(id);
      if ("disabled" in element) (element as HTMLButtonElement).disabled = !available;
      element.setAttribute("aria-disabled", String(!available));
    }
    // After every subscriber has heard ~/site_connect/agents itself.
    queueMicrotask(() => {
      for (const id of this.buttonIds_) this.publishButton_(id, available);
    });
  }

  private publishButton_(id: string, available: boolean | null = this.available_): void {
    if (available !== null) this.deliver_(chatButtonTopic(id, available), { id });
  }

  /** A click on a chat button. */
  clicked(target: Element): void {
    if (target.getAttribute("aria-disabled") === "true") return;
    const id = target.getAttribute(CHAT_BUTTON_ATTRIBUTE) ?? "";
    if (!validButtonId(id)) return;
    this.ensureFrame_();
    this.emit_(TOPICS.chatTrigger, { id });
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
