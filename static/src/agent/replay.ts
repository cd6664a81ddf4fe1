// The visitor's page replayed live with rrweb in a sandboxed iframe (no allow-scripts),
// scaled to fit the agent's window without cropping. Mirror frames come in order
// (mirror.ts); each snapshot starts a fresh replayer, and a view that falls behind or
// waits too long asks for one.
import { Replayer } from "@rrweb/replay";
import type { eventWithTime } from "@rrweb/types";
import type { AgentToServer, MirrorFrame } from "../protocol";
import type { AssetRewriter } from "./assets";
import { FIDELITY_STYLES, fidelityPlugin, prepareEvents } from "./fidelity";
import { MirrorStream } from "./mirror";
import type { VisitorPage } from "./pageinfo";
import { ViewerZoom } from "./zoom";

const RESYNC_RETRY_MS = 3000;
// The replayer keeps every event it was given: a long stretch without a snapshot asks
// for one, so an all-day session stays small.
const MAX_EVENTS_PER_REPLAYER = 20_000;

// Masked elements arrive as empty boxes; make them visibly masked for the agent.
const REPLAY_STYLES = [
  "[data-tandem-masked]{background:repeating-linear-gradient(45deg,#d9d9de 0 6px,#eeeef2 6px 12px)!important;color:transparent!important}",
  ...FIDELITY_STYLES,
];

export type ReplayHooks = {
  setState(state: string, text: string): void;
  send(frame: AgentToServer): void;
  visitorPage: VisitorPage;
  /** A snapshot of page `page` is coming: the node ids that follow are its. */
  page(page: string | undefined): void;
  /** The snapshot is rebuilt in `replayer`'s iframe. */
  rebuilt(replayer: Replayer): void;
};

/** Scale and centre the replay's frame in `stage` (at `zoom`); the scale, or null when the
 * frame has no size yet. */
function fitFrame(stage: HTMLElement, zoom: ViewerZoom): { scale: number; viewport: string } | null {
  const wrapper = stage.querySelector<HTMLElement>(".replayer-wrapper");
  const frame = wrapper?.querySelector("iframe");
  if (!wrapper || !frame) return null;
  const width = Number(frame.getAttribute("width")) || frame.offsetWidth;
  const height = Number(frame.getAttribute("height")) || frame.offsetHeight;
  if (!width || !height) return null;
  const scale = zoom.scale(Math.min(stage.clientWidth / width, stage.clientHeight / height));
  wrapper.style.transform = `scale(${scale})`;
  // Centred while it fits (a zoomed replay larger than the stage scrolls from its corner),
  // on whole pixels of the page (the stage itself may sit between two): a frame at a
  // half-pixel offset shows its text blurred.
  const box = stage.getBoundingClientRect();
  const offsetX = Math.max(0, (stage.clientWidth - width * scale) / 2);
  const offsetY = Math.max(0, (stage.clientHeight - height * scale) / 2);
  const left = Math.round(box.left + stage.clientLeft + offsetX);
  const top = Math.round(box.top + stage.clientTop + offsetY);
  wrapper.style.left = `${left - box.left - stage.clientLeft}px`;
  wrapper.style.top = `${top - box.top - stage.clientTop}px`;
  return { scale, viewport: `${width}x${height}` };
}

export class LiveReplay {
  private replayer: Replayer | null = null;
  private readonly stream: MirrorStream;
  private readonly zoom: ViewerZoom;
  private lastStamp = 0;
  private resyncTimer: number | undefined;
  private sinceSnapshot = 0;
  private refreshAsked = false;
  private titleQueued = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly stage: HTMLElement,
    private readonly hooks: ReplayHooks,
    assets: AssetRewriter,
  ) {
    this.zoom = new ViewerZoom(root, this.fit);
    this.stream = new MirrorStream(
      {
        reset: (events, page) => this.reset(events, page),
        apply: (events) => this.apply(events),
        resync: () => {
          hooks.setState("syncing", "Catching up…");
          this.requestSnapshot();
        },
      },
      assets,
    );
    window.addEventListener("resize", this.fit);
  }

  /** The replayed page's iframe, while there is one. */
  get iframe(): HTMLIFrameElement | null {
    return this.replayer?.iframe ?? null;
  }

  receive(frame: MirrorFrame): void {
    this.stream.receive(frame);
  }

  /** Joined: the server asks for a snapshot; ask again if none comes. */
  awaitSnapshot(): void {
    this.resyncTimer = window.setTimeout(() => !this.stream.synced && this.requestSnapshot(), RESYNC_RETRY_MS);
  }

  /** No snapshot to ask for any more (the session ended). */
  stopWaiting(): void {
    window.clearTimeout(this.resyncTimer);
  }

  /** The socket dropped: wait for the next snapshot, keep nothing of this stream. */
  restart(): void {
    this.stopWaiting();
    this.stream.restart();
  }

  /** The visitor's page goes from the screen (the agent may no longer see it). */
  clear(): void {
    this.replayer?.destroy();
    this.replayer = null;
    this.stage.replaceChildren();
  }

  stop(): void {
    window.removeEventListener("resize", this.fit);
    this.zoom.stop();
    window.clearTimeout(this.resyncTimer);
    this.replayer?.destroy();
  }

  private reset(events: eventWithTime[], page: string | undefined): void {
    this.hooks.page(page);
    this.replayer?.destroy();
    const replayer = (this.replayer = this.newReplayer());
    this.hooks.visitorPage.events(events);
    for (const event of this.restamp(prepareEvents(events, null))) replayer.addEvent(event);
    this.sinceSnapshot = 0;
    this.refreshAsked = false;
    window.clearTimeout(this.resyncTimer);
  }

  private apply(events: eventWithTime[]): void {
    this.hooks.visitorPage.events(events);
    for (const event of this.restamp(prepareEvents(events, this.replayer))) this.replayer?.addEvent(event);
    this.sinceSnapshot += events.length;
    if (this.sinceSnapshot > MAX_EVENTS_PER_REPLAYER && !this.refreshAsked) {
      this.refreshAsked = true;
      this.hooks.send({ t: "resync" });
    }
  }

  private requestSnapshot(): void {
    window.clearTimeout(this.resyncTimer);
    this.hooks.send({ t: "resync" });
    this.resyncTimer = window.setTimeout(() => !this.stream.synced && this.requestSnapshot(), RESYNC_RETRY_MS);
  }

  private newReplayer(): Replayer {
    const created = new Replayer([], {
      root: this.stage,
      liveMode: true,
      mouseTail: false,
      insertStyleRules: REPLAY_STYLES,
      showWarning: false,
      triggerFocus: false,
      plugins: [fidelityPlugin()],
    });
    // Screen readers name the frame (and axe's frame-title rule asks for it).
    created.iframe.title = "The visitor's page (live replay)";
    created.on("resize", () => requestAnimationFrame(this.fit));
    // Events apply on the replayer's own clock: read the title once they did.
    created.on("event-cast", this.readTitle);
    created.on("fullsnapshot-rebuilded", () => {
      this.hooks.setState("live", "Live");
      this.hooks.visitorPage.document(created.iframe.contentDocument);
      this.hooks.rebuilt(created);
      requestAnimationFrame(this.fit);
    });
    created.startLive(Date.now());
    return created;
  }

  /** Replay now: stamp events with the agent's clock so none waits on the visitor's. */
  private restamp(events: eventWithTime[]): eventWithTime[] {
    for (const event of events) {
      this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
      event.timestamp = this.lastStamp;
    }
    return events;
  }

  // The replayed document's title changes with the visitor's: read it at most once a frame.
  private readonly readTitle = () => {
    if (this.titleQueued) return;
    this.titleQueued = true;
    requestAnimationFrame(() => {
      this.titleQueued = false;
      this.hooks.visitorPage.document(this.replayer?.iframe.contentDocument);
    });
  };

  private readonly fit = () => {
    const fitted = fitFrame(this.stage, this.zoom);
    if (!fitted) return;
    this.root.dataset.scale = fitted.scale.toFixed(4);
    this.root.dataset.viewport = fitted.viewport;
  };
}
