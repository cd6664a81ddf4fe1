// Remote control from the agent's viewer: ask for control, and once the visitor agrees,
// turn the agent's clicks, typing and scrolling in the replayed page into inputs the
// visitor's page applies, addressed by rrweb mirror node id.
import type { Replayer } from "@rrweb/replay";
import type { eventWithTime } from "@rrweb/types";
import type { AgentInput, AgentToServer } from "../protocol";
import { EVENT_INCREMENTAL_SNAPSHOT, SOURCE_INPUT } from "../rrweb-codes";

type ControlState = "off" | "pending" | "on";

/** A field the agent types in: the values it sent that the visitor's page has not yet
 * reported back, and the page's latest report of it, held back meanwhile. */
type Typing = { sent: string[]; page?: string };

// A scroll of the replayed page is the agent's own only shortly after its wheel or keys;
// otherwise it is the visitor's scroll being replayed, and must not echo back.
const OWN_SCROLL_MS = 400;

export class RemoteControl {
  /** The visitor page the replay shows: node ids are only meaningful on it. */
  page: string | undefined;
  private state_: ControlState = "off";
  private replayer_: Replayer | null = null;
  private ownScrollUntil_ = 0;
  private scrollQueued_ = new Set<Node>();
  private typing_ = new Map<number, Typing>();
  /** Another agent holding control (its client index), or 0. */
  private holder_ = 0;

  constructor(
    private readonly root_: HTMLElement,
    private readonly send_: (frame: AgentToServer) => void,
  ) {
    this.button_("request").addEventListener("click", () => {
      this.send_({ t: "rc_request" });
      this.show_("pending", "Asking the visitor for control…");
    });
    this.button_("end").addEventListener("click", () => this.send_({ t: "rc_end" }));
    this.show_("off", "");
  }

  /** The replayer rebuilt its document (a first snapshot, a resync, a new page). */
  attach(replayer: Replayer): void {
    this.replayer_ = replayer;
    this.typing_.clear(); // node ids of the page before
    // Never a stop of the agent's Tab key: focus enters the replay only by a click in
    // control (and `inert` keeps it out altogether without control).
    replayer.iframe.setAttribute("tabindex", "-1");
    this.listen_();
    if (this.state_ === "on") replayer.enableInteract();
    else replayer.disableInteract();
  }

  pending(): void {
    this.show_("pending", "Waiting for the visitor to allow control…");
  }

  declined(): void {
    this.show_("off", "The visitor declined control.");
  }

  /** Control moved: `enabled` when this agent holds it; `to` says who does (0: the
   * visitor). Pages embedding the viewer hear it as a `tandem:control` event. */
  changed(enabled: boolean, to = 0): void {
    const had = this.state_ === "on";
    this.holder_ = enabled ? 0 : to;
    if (enabled) {
      this.show_("on", "You have control of the visitor's page.");
      this.replayer_?.enableInteract();
    } else {
      this.show_("off", to > 0 ? `Agent ${to} has control of the visitor's page.` : had ? "Control has ended." : "");
      this.replayer_?.disableInteract();
    }
    this.root_.dispatchEvent(new CustomEvent("tandem:control", { bubbles: true, detail: { to, gained: enabled } }));
  }

  /** The session ended: nothing of the replay can be acted on any more. */
  ended(): void {
    this.show_("off", "");
    this.replayer_?.disableInteract();
  }

  /** An input or a request of this agent's was refused: a request no longer waits. */
  refused(msg: string): void {
    if (this.state_ === "pending") return this.show_("off", msg);
    this.release_();
    this.note_(msg);
  }

  /** The visitor page's events without its reports of a field this agent is typing in
   * while inputs the agent sent it are still on their way: each input carries the whole
   * value, so the page's report of it, a few keys behind, would roll the agent's field
   * back (and the next key send the value without the keys in between). Once the page
   * reported the last of them, its reports apply again (a page that rewrites the value
   * shows its own). */
  unsent(events: eventWithTime[]): eventWithTime[] {
    if (this.typing_.size === 0) return events;
    return events.filter((event) => {
      if (event.type !== EVENT_INCREMENTAL_SNAPSHOT || event.data.source !== SOURCE_INPUT) return true;
      const typing = this.typing_.get(event.data.id);
      if (!typing) return true;
      // Reports come in order: one of the agent's values is applied, with all sent before it.
      typing.sent.splice(0, typing.sent.indexOf(event.data.text) + 1);
      typing.page = event.data.text;
      if (typing.sent.length === 0) this.typing_.delete(event.data.id);
      return false;
    });
  }

  // Stable handler references: adding them again is a no-op while they are attached,
  // and restores them after rrweb rebuilt the document (which drops its listeners).
  private readonly handlers_: [string, EventListener, AddEventListenerOptions][] = [
    ["click", (event) => this.onClick_(event), { capture: true }],
    // Not `change` too: it repeats the value an `input` sent (a list fires both), which
    // the page would report back once only.
    ["input", (event) => this.onInput_(event), { capture: true }],
    ["focusout", (event) => this.release_(this.idOf_(event.target)), { capture: true }],
    ["submit", (event) => event.preventDefault(), { capture: true }],
    ["wheel", () => this.markOwnScroll_(), { capture: true, passive: true }],
    ["keydown", () => this.markOwnScroll_(), { capture: true }],
    ["scroll", (event) => this.onScroll_(event), { capture: true }],
  ];

  private listen_(): void {
    const doc = this.replayer_?.iframe.contentDocument;
    // Capture phase: the agent acts on the visitor's page, never on the replay itself.
    for (const [name, handler, options] of this.handlers_) doc?.addEventListener(name, handler, options);
  }

  private idOf_(target: EventTarget | null): number | null {
    if (!this.replayer_ || !target) return null;
    const id = this.replayer_.getMirror().getId(target as Node);
    return id > 0 ? id : null;
  }

  private input_(input: AgentInput): void {
    if (this.state_ === "on") this.send_({ t: "input", ...input, p: this.page });
  }

  private onClick_(event: Event): void {
    if (this.state_ !== "on") return;
    event.preventDefault(); // a link must open on the visitor's page, not in the replay
    const id = this.idOf_(event.target);
    if (id !== null) this.input_({ kind: "click", id });
  }

  private onInput_(event: Event): void {
    // The replay's elements belong to the iframe's realm: test tag names, not classes.
    const target = event.target as HTMLInputElement;
    if (this.state_ !== "on" || !target || !["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
    const id = this.idOf_(target);
    if (id === null) return;
    const toggles = target.tagName === "INPUT" && (target.type === "checkbox" || target.type === "radio");
    if (!toggles) {
      const typing = this.typing_.get(id) ?? { sent: [] };
      typing.sent.push(target.value);
      this.typing_.set(id, typing);
    }
    this.input_({ kind: "input", id, value: toggles ? target.checked : target.value });
  }

  /** The agent stopped typing in field `id` (every field when null): the page's reports
   * of it apply again, starting with the latest held back (the page may have changed
   * the value in a way the agent's never matched: trimmed, refused). */
  private release_(id: number | null = null): void {
    for (const [field, typing] of this.typing_) {
      if (id !== null && field !== id) continue;
      this.typing_.delete(field);
      const node = this.replayer_?.getMirror().getNode(field) as HTMLInputElement | null;
      if (node && typing.page !== undefined && node.value !== typing.page) node.value = typing.page;
    }
  }

  private markOwnScroll_(): void {
    this.ownScrollUntil_ = Date.now() + OWN_SCROLL_MS;
  }

  private onScroll_(event: Event): void {
    if (this.state_ !== "on" || Date.now() > this.ownScrollUntil_) return;
    const target = event.target as Node;
    if (this.scrollQueued_.has(target)) return;
    this.scrollQueued_.add(target);
    requestAnimationFrame(() => {
      this.scrollQueued_.delete(target);
      const id = this.idOf_(target);
      if (id === null) return;
      const box = target.nodeType === Node.DOCUMENT_NODE ? (target as Document).scrollingElement : (target as Element);
      if (box) this.input_({ kind: "scroll", id, x: box.scrollLeft, y: box.scrollTop });
    });
  }

  private button_(name: string): HTMLButtonElement {
    return this.root_.querySelector<HTMLButtonElement>(`.rc-${name}`)!;
  }

  private show_(state: ControlState, text: string): void {
    if (state !== "on") this.release_();
    this.state_ = state;
    this.root_.dataset.rc = state;
    // Without control the replay is inert: no focus, no typing, no clicks reach its
    // fields, which would change only this agent's copy and never the visitor's page.
    const stage = this.root_.querySelector<HTMLElement>(".stage");
    if (stage) stage.inert = state !== "on";
    this.button_("request").hidden = state !== "off";
    // Another agent's control is given back (`rc` to 0) before anyone else can ask.
    this.button_("request").disabled = this.holder_ > 0;
    this.button_("end").hidden = state === "off";
    this.button_("end").textContent = state === "pending" ? "Cancel request" : "End control";
    this.note_(text);
  }

  private note_(text: string): void {
    this.root_.querySelector<HTMLElement>(".rc-status")!.textContent = text;
  }
}
