// The view iframe's page (/cobrowse/view/, served from Tandem's origin inside a visitor's
// page): it holds the RTCPeerConnection that receives the sharing agent's screen or
// webcam, shows the video, answers the agent's offers and reports frame rates.
//
// It speaks only to the page it is in (visitor/media.ts), which relays signalling over
// the session socket; it takes messages only from its parent window on a trusted domain,
// and after the page first spoke to it, sends only to that page's origin.
import { originTrusted } from "../domains";
import type { RtcData } from "../protocol";
import { type FromView, type ToView, VIEW_TAG, type ViewStats, viewMessage } from "./messages";

type ViewConfig = { view: string; group: number; iceServers: RTCIceServer[]; trustedDomains: string[] };

const STATS_EVERY_MS = 1000;
// A connection that failed is retried with a new peer id, a few times.
const RETRY_MS = 3000;
const MAX_RETRIES = 5;

function readConfig(): ViewConfig {
  const text = document.getElementById("tandem-view-config")?.textContent ?? "{}";
  const parsed = JSON.parse(text) as Partial<ViewConfig>;
  return {
    view: String(parsed.view ?? ""),
    group: Number(parsed.group ?? 0),
    iceServers: Array.isArray(parsed.iceServers) ? parsed.iceServers : [],
    trustedDomains: Array.isArray(parsed.trustedDomains) ? parsed.trustedDomains : [],
  };
}

function newPeerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Frame counters at the last stats tick, to turn totals into rates. */
type Counters = { at: number; decoded: number; presented: number };

class View {
  private peer_ = newPeerId();
  private pc_: RTCPeerConnection | null = null;
  private parentOrigin_: string | null = null;
  private fpslimit_ = 0;
  private last_: Counters | null = null;
  private lastStats_: ViewStats | null = null;
  private retries_ = 0;
  private retryTimer_: number | undefined;
  private readonly video_ = document.getElementById("video") as HTMLVideoElement;
  private readonly paused_ = document.getElementById("paused") as HTMLElement;

  constructor(private readonly config: ViewConfig) {
    window.addEventListener("message", (event) => this.receive_(event));
    // The picture's size changed (the agent's resolution) or the frame's: report now.
    this.video_.addEventListener("resize", () => void this.report_());
    window.addEventListener("resize", () => void this.report_());
    window.setInterval(() => void this.report_(), STATS_EVERY_MS);
    window.addEventListener("pagehide", () => this.post_({ tandem: VIEW_TAG, t: "rtc", peer: this.peer_, kind: "bye", data: {} }));
    this.announce_();
  }

  /** Tell the page this view is ready for an offer, under its (new) peer id. */
  private announce_(): void {
    if (window.parent === window) return;
    const ready: FromView = { tandem: VIEW_TAG, t: "ready", view: this.config.view, peer: this.peer_ };
    // The page has not spoken yet, so its origin is unknown: `ready` names no secret.
    window.parent.postMessage(ready, this.parentOrigin_ ?? "*");
  }

  private post_(message: FromView): void {
    if (this.parentOrigin_) window.parent.postMessage(message, this.parentOrigin_);
  }

  private receive_(event: MessageEvent): void {
    const message = viewMessage(event.data) as ToView | null;
    if (!message || event.source !== window.parent || window.parent === window) return;
    if (this.parentOrigin_ === null ? !originTrusted(event.origin, this.config.trustedDomains) : event.origin !== this.parentOrigin_) {
      console.warn(`[Tandem] view: ignored a message from ${JSON.stringify(event.origin).slice(0, 80)}`);
      return;
    }
    this.parentOrigin_ = event.origin;
    if (message.t === "paused") {
      this.paused_.hidden = message.paused !== true;
    } else if (message.t === "rtc" && message.peer === this.peer_) {
      this.signal_(message.kind, message.data ?? {});
    }
  }

  private signal_(kind: string, data: RtcData): void {
    switch (kind) {
      case "offer":
        void this.answer_(data);
        break;
      case "ice":
        if (this.pc_ && typeof data.candidate === "string") {
          this.pc_.addIceCandidate(data as RTCIceCandidateInit).catch((error: unknown) => console.warn("[Tandem] view: bad ICE candidate", error));
        }
        break;
      case "bye":
        // The agent closed this connection: offer a fresh one.
        this.close_();
        this.peer_ = newPeerId();
        this.announce_();
        break;
    }
  }

  private async answer_(data: RtcData): Promise<void> {
    if (data.type !== "offer" || typeof data.sdp !== "string") return;
    // A second offer for this peer means the agent started over (it lost the first).
    if (this.pc_?.remoteDescription) this.close_();
    this.fpslimit_ = Number(data.fps) || 0;
    const pc = this.pc_ ?? this.connect_();
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: data.sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      if (this.pc_ !== pc) return;
      this.post_({ tandem: VIEW_TAG, t: "rtc", peer: this.peer_, kind: "answer", data: { type: "answer", sdp: answer.sdp ?? "" } });
    } catch (error) {
      console.error("[Tandem] view: could not answer the agent's offer", error);
    }
  }

  private connect_(): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: this.config.iceServers });
    this.pc_ = pc;
    const peer = this.peer_;
    pc.ontrack = (event) => {
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      if (this.video_.srcObject !== stream) this.video_.srcObject = stream;
      this.video_.play().catch(() => undefined); // muted autoplay: allowed everywhere
    };
    pc.onicecandidate = (event) => {
      if (event.candidate && this.pc_ === pc) {
        this.post_({ tandem: VIEW_TAG, t: "rtc", peer, kind: "ice", data: event.candidate.toJSON() as RtcData });
      }
    };
    pc.onconnectionstatechange = () => {
      if (this.pc_ !== pc) return;
      if (pc.connectionState === "connected") this.retries_ = 0;
      if (pc.connectionState === "failed") this.retry_();
    };
    return pc;
  }

  private retry_(): void {
    this.post_({ tandem: VIEW_TAG, t: "rtc", peer: this.peer_, kind: "bye", data: {} });
    this.close_();
    if (this.retries_ >= MAX_RETRIES) return;
    this.retries_ += 1;
    window.clearTimeout(this.retryTimer_);
    this.retryTimer_ = window.setTimeout(() => {
      this.peer_ = newPeerId();
      this.announce_();
    }, RETRY_MS);
  }

  private close_(): void {
    this.pc_?.close();
    this.pc_ = null;
    this.last_ = null;
    this.lastStats_ = null;
    this.video_.srcObject = null;
  }

  /** Post what the video looks like now; the page decides what changed. */
  private async report_(): Promise<void> {
    const pc = this.pc_;
    if (!pc || !this.parentOrigin_) return;
    let inbound: Record<string, unknown> | null = null;
    try {
      (await pc.getStats()).forEach((entry: Record<string, unknown>) => {
        if (entry.type === "inbound-rtp" && entry.kind === "video") inbound = entry;
      });
    } catch {
      return; // closed meanwhile
    }
    const stats = this.measure_(inbound);
    if (stats && this.pc_ === pc) this.post_({ tandem: VIEW_TAG, t: "stats", view: this.config.view, peer: this.peer_, stats });
  }

  private measure_(inbound: Record<string, unknown> | null): ViewStats | null {
    const width = Number(inbound?.frameWidth) || this.video_.videoWidth;
    const height = Number(inbound?.frameHeight) || this.video_.videoHeight;
    if (!width || !height) return null; // nothing shown yet
    const now = performance.now();
    const decoded = Number(inbound?.framesDecoded) || 0;
    const presented = this.video_.getVideoPlaybackQuality?.().totalVideoFrames ?? decoded;
    const last = this.last_;
    // Rates need two readings at least ~half a tick apart: the first only starts the count.
    if (last && now - last.at < STATS_EVERY_MS / 2) {
      // Too soon for a rate (a resize between ticks): the last rates, the new sizes.
      return this.lastStats_ && { ...this.lastStats_, width, height, ...this.scaled_(width, height) };
    }
    this.last_ = { at: now, decoded, presented };
    if (!last) return null;
    const seconds = (now - last.at) / 1000;
    const rate = (count: number, before: number) => Math.max(0, Math.round((count - before) / seconds));
    this.lastStats_ = {
      width,
      height,
      ...this.scaled_(width, height),
      fpslimit: this.fpslimit_,
      viewerfps: rate(decoded, last.decoded),
      displayfps: rate(presented, last.presented),
    };
    return this.lastStats_;
  }

  /** The picture as shown: letterboxed into the frame (object-fit: contain). */
  private scaled_(width: number, height: number): { scaledWidth: number; scaledHeight: number } {
    const box = this.video_.getBoundingClientRect();
    const scale = Math.min(box.width / width, box.height / height) || 0;
    return { scaledWidth: Math.round(width * scale), scaledHeight: Math.round(height * scale) };
  }
}

new View(readConfig());
