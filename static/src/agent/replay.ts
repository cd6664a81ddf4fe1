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
  /** The events to replay of those that came (RemoteControl.unsent). */
  replayed(events: eventWithTime[]): eventWithTime[];
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
  private replayer_: Replayer | null = null;
  private readonly stream_: MirrorStream;
  private readonly zoom_: ViewerZoom;
  private lastStamp_ = 0;
  private resyncTimer_: number | undefined;
  private sinceSnapshot_ = 0;
  private refreshAsked_ = false;
  private titleQueued_ = false;

  constructor(
    private readonly root_: HTMLElement,
    private readonly stage_: HTMLElement,
    private readonly hooks_: ReplayHooks,
    assets: AssetRewriter,
  ) {
    this.zoom_ = new ViewerZoom(root_, this.fit_);
    this.stream_ = new MirrorStream(
      {
        reset: (events, page) => this.reset_(events, page),
        apply: (events) => this.apply_(events),
        resync: () => {
          hooks_.setState("syncing", "Catching up…");
          this.requestSnapshot_();
        },
      },
      assets,
    );
    window.addEventListener("resize", this.fit_);
  }

  /** The replayed page's iframe, while there is one. */
  get iframe(): HTMLIFrameElement | null {
    return this.replayer_?.iframe ?? null;
  }

  receive(frame: MirrorFrame): void {
    this.stream_.receive(frame);
  }

  /** Joined: the server asks for a snapshot; ask again if none comes. */
  awaitSnapshot(): void {
    this.resyncTimer_ = window.setTimeout(() => !this.stream_.synced && this.requestSnapshot_(), RESYNC_RETRY_MS);
  }

  /** No snapshot to ask for any more (the session ended). */
  stopWaiting(): void {
    window.clearTimeout(this.resyncTimer_);
  }

  /** The socket dropped: wait for the next snapshot, keep nothing of this stream. */
  restart(): void {
    this.stopWaiting();
    this.stream_.restart();
  }

  /** The visitor's page goes from the screen (the agent may no longer see it). */
  clear(): void {
    this.replayer_?.destroy();
    this.replayer_ = null;
    this.stage_.replaceChildren();
  }

  stop(): void {
    window.removeEventListener("resize", this.fit_);
    this.zoom_.stop();
    window.clearTimeout(this.resyncTimer_);
    this.replayer_?.destroy();
  }

  private reset_(events: eventWithTime[], page: string | undefined): void {
    this.hooks_.page(page);
    this.replayer_?.destroy();
    const replayer = (this.replayer_ = this.newReplayer_());
    this.hooks_.visitorPage.events(events);
    for (const event of this.restamp_(prepareEvents(events, null))) replayer.addEvent(event);
    this.sinceSnapshot_ = 0;
    this.refreshAsked_ = false;
    window.clearTimeout(this.resyncTimer_);
  }

  private apply_(events: eventWithTime[]): void {
    this.hooks_.visitorPage.events(events);
    for (const event of this.restamp_(prepareEvents(this.hooks_.replayed(events), this.replayer_))) this.replayer_?.addEvent(event);
    this.sinceSnapshot_ += events.length;
    if (this.sinceSnapshot_ > MAX_EVENTS_PER_REPLAYER && !this.refreshAsked_) {
      this.refreshAsked_ = true;
      this.hooks_.send({ t: "resync" });
    }
  }

  private requestSnapshot_(): void {
    window.clearTimeout(this.resyncTimer_);
    this.hooks_.send({ t: "resync" });
    this.resyncTimer_ = window.setTimeout(() => !this.stream_.synced && this.requestSnapshot_(), RESYNC_RETRY_MS);
  }

  private newReplayer_(): Replayer {
    const created = new Replayer([], {
      root: this.stage_,
      liveMode: true,
      mouseTail: false,
      insertStyleRules: REPLAY_STYLES,
      showWarning: false,
      triggerFocus: false,
      plugins: [fidelityPlugin()],
    });
    // Screen readers name the frame (and axe's frame-title rule asks for it).
    created.iframe.title = "The visitor's page (live replay)";
    created.on("resize", () => requestAnimationFrame(this.fit_));
    // Events apply on the replayer's own clock: read the title once they did.
    created.on("event-cast", this.readTitle_);
    created.on("fullsnapshot-rebuilded", () => {
      this.hooks_.setState("live", "Live");
      this.hooks_.visitorPage.document(created.iframe.contentDocument);
      this.hooks_.rebuilt(created);
      requestAnimationFrame(this.fit_);
    });
    created.startLive(Date.now());
    return created;
  }

  /** Replay now: stamp events with the agent's clock so none waits on the visitor's. */
  private restamp_(events: eventWithTime[]): eventWithTime[] {
    for (const event of events) {
      this.lastStamp_ = Math.max(Date.now(), this.lastStamp_ + 1);
      event.timestamp = this.lastStamp_;
    }
    return events;
  }

  // The replayed document's title changes with the visitor's: read it at most once a frame.
  private readonly readTitle_ = () => {
    if (this.titleQueued_) return;
    this.titleQueued_ = true;
    requestAnimationFrame(() => {
      this.titleQueued_ = false;
      this.hooks_.visitorPage.document(this.replayer_?.iframe.contentDocument);
    });
  };

  private readonly fit_ = () => {
    const fitted = fitFrame(this.stage_, this.zoom_);
    if (!fitted) return;
    this.root_.dataset.scale = fitted.scale.toFixed(4);
    this.root_.dataset.viewport = fitted.viewport;
  };
}
