// Remote control from the agent's viewer: ask for control, and once the visitor agrees,
// turn the agent's clicks, typing and scrolling in the replayed page into inputs the
// visitor's page applies, addressed by rrweb mirror node id.
import type { Replayer } from "@rrweb/replay";
import type { AgentInput, AgentToServer } from "../protocol";

type ControlState = "off" | "pending" | "on";

// A scroll of the replayed page is the agent's own only shortly after its wheel or keys;
// otherwise it is the visitor's scroll being replayed, and must not echo back.
const OWN_SCROLL_MS = 400;

export class RemoteControl {
  /** The visitor page the replay shows: node ids are only meaningful on it. */
  page: string | undefined;
  private state: ControlState = "off";
  private replayer: Replayer | null = null;
  private ownScrollUntil = 0;
  private scrollQueued = new Set<Node>();

  constructor(
    private readonly root: HTMLElement,
    private readonly send: (frame: AgentToServer) => void,
  ) {
    this.button("request").addEventListener("click", () => {
      this.send({ t: "rc_request" });
      this.show("pending", "Asking the visitor for control…");
    });
    this.button("end").addEventListener("click", () => this.send({ t: "rc_end" }));
    this.show("off", "");
  }

  /** The replayer rebuilt its document (a first snapshot, a resync, a new page). */
  attach(replayer: Replayer): void {
    this.replayer = replayer;
    // Never a stop of the agent's Tab key: focus enters the replay only by a click in
    // control (and `inert` keeps it out altogether without control).
    replayer.iframe.setAttribute("tabindex", "-1");
    this.listen();
    if (this.state === "on") replayer.enableInteract();
    else replayer.disableInteract();
  }

  pending(): void {
    this.show("pending", "Waiting for the visitor to allow control…");
  }

  declined(): void {
    this.show("off", "The visitor declined control.");
  }

  /** Control moved: `enabled` when this agent holds it; `to` says who does (0: the
   * visitor). Pages embedding the viewer hear it as a `tandem:control` event. */
  changed(enabled: boolean, to = 0): void {
    const had = this.state === "on";
    if (enabled) {
      this.show("on", "You have control of the visitor's page.");
      this.replayer?.enableInteract();
    } else {
      this.show("off", to > 0 ? `Agent ${to} has control of the visitor's page.` : had ? "Control has ended." : "");
      this.replayer?.disableInteract();
    }
    this.root.dispatchEvent(new CustomEvent("tandem:control", { bubbles: true, detail: { to, gained: enabled } }));
  }

  /** The session ended: nothing of the replay can be acted on any more. */
  ended(): void {
    this.show("off", "");
    this.replayer?.disableInteract();
  }

  refused(msg: string): void {
    this.note(msg);
  }

  // Stable handler references: adding them again is a no-op while they are attached,
  // and restores them after rrweb rebuilt the document (which drops its listeners).
  private readonly handlers: [string, EventListener, AddEventListenerOptions][] = [
    ["click", (event) => this.onClick(event), { capture: true }],
    ["input", (event) => this.onInput(event), { capture: true }],
    ["change", (event) => this.onInput(event), { capture: true }],
    ["submit", (event) => event.preventDefault(), { capture: true }],
    ["wheel", () => this.markOwnScroll(), { capture: true, passive: true }],
    ["keydown", () => this.markOwnScroll(), { capture: true }],
    ["scroll", (event) => this.onScroll(event), { capture: true }],
  ];

  private listen(): void {
    const doc = this.replayer?.iframe.contentDocument;
    // Capture phase: the agent acts on the visitor's page, never on the replay itself.
    for (const [name, handler, options] of this.handlers) doc?.addEventListener(name, handler, options);
  }

  private idOf(target: EventTarget | null): number | null {
    if (!this.replayer || !target) return null;
    const id = this.replayer.getMirror().getId(target as Node);
    return id > 0 ? id : null;
  }

  private input(input: AgentInput): void {
    if (this.state === "on") this.send({ t: "input", ...input, p: this.page });
  }

  private onClick(event: Event): void {
    if (this.state !== "on") return;
    event.preventDefault(); // a link must open on the visitor's page, not in the replay
    const id = this.idOf(event.target);
    if (id !== null) this.input({ kind: "click", id });
  }

  private onInput(event: Event): void {
    // The replay's elements belong to the iframe's realm: test tag names, not classes.
    const target = event.target as HTMLInputElement;
    if (!target || !["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
    const id = this.idOf(target);
    if (id === null) return;
    const toggles = target.tagName === "INPUT" && (target.type === "checkbox" || target.type === "radio");
    this.input({ kind: "input", id, value: toggles ? target.checked : target.value });
  }

  private markOwnScroll(): void {
    this.ownScrollUntil = Date.now() + OWN_SCROLL_MS;
  }

  private onScroll(event: Event): void {
    if (this.state !== "on" || Date.now() > this.ownScrollUntil) return;
    const target = event.target as Node;
    if (this.scrollQueued.has(target)) return;
    this.scrollQueued.add(target);
    requestAnimationFrame(() => {
      this.scrollQueued.delete(target);
      const id = this.idOf(target);
      if (id === null) return;
      const box = target.nodeType === Node.DOCUMENT_NODE ? (target as Document).scrollingElement : (target as Element);
      if (box) this.input({ kind: "scroll", id, x: box.scrollLeft, y: box.scrollTop });
    });
  }

  private button(name: string): HTMLButtonElement {
    return this.root.querySelector<HTMLButtonElement>(`.rc-${name}`)!;
  }

  private show(state: ControlState, text: string): void {
    this.state = state;
    this.root.dataset.rc = state;
    // Without control the replay is inert: no focus, no typing, no clicks reach its
    // fields, which would change only this agent's copy and never the visitor's page.
    const stage = this.root.querySelector<HTMLElement>(".stage");
    if (stage) stage.inert = state !== "on";
    this.button("request").hidden = state !== "off";
    this.button("end").hidden = state === "off";
    this.button("end").textContent = state === "pending" ? "Cancel request" : "End control";
    this.note(text);
  }

  private note(text: string): void {
    this.root.querySelector<HTMLElement>(".rc-status")!.textContent = text;
  }
}
