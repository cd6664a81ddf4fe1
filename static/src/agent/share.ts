// Screen share, agent video and reverse sessions from the agent's viewer: capture the
// agent's screen (getDisplayMedia) or webcam (getUserMedia), offer it over WebRTC to every
// view iframe the visitor's tabs open (one RTCPeerConnection per view, named by its
// `peer`), pause, resume and stop it, and invite the visitor to a reverse session.
//
// The server decides who shares (one agent at a time); this side only reflects its
// `share` and `reverse` frames, and shows whether a visitor's view is connected.
import { ErrorCode, type AgentToServer, type ReverseState, type RtcData, type ShareInfo, type ShareState, type ShareView } from "../protocol";

type SendFn = (frame: AgentToServer) => void;
type Local = { view: ShareView; stream: MediaStream };

// A visitor with many tabs open gets this many connections at most; the oldest goes.
const MAX_PEERS = 8;
const FRAME_RATE = 15;

const NOUN: Record<ShareView, string> = { glance_screenshare: "screen", glance_agentvideo: "camera" };

function iceServers(): RTCIceServer[] {
  try {
    const parsed: unknown = JSON.parse(document.getElementById("tandem-ice-servers")?.textContent ?? "[]");
    return Array.isArray(parsed) ? (parsed as RTCIceServer[]) : [];
  } catch {
    return [];
  }
}

export class ShareControls {
  /** This agent's client index in the session (from `joined`). */
  index = 0;
  private share_: ShareInfo | null = null;
  private local_: Local | null = null;
  private starting_ = false;
  private readonly peers_ = new Map<string, RTCPeerConnection>();
  private readonly servers_ = iceServers();
  private readonly preview_: HTMLVideoElement | null;

  constructor(
    private readonly root_: HTMLElement,
    private readonly send_: SendFn,
  ) {
    this.preview_ = root_.querySelector<HTMLVideoElement>(".share-preview");
    this.on_("share-screen", () => void this.start_("glance_screenshare"));
    this.on_("share-camera", () => void this.start_("glance_agentvideo"));
    this.on_("share-pause", () => this.pause_(true));
    this.on_("share-resume", () => this.pause_(false));
    this.on_("share-stop", () => this.stop_());
    this.on_("reverse-invite", () => this.send_({ t: "reverse_invite" }));
    this.on_("reverse-end", () => this.send_({ t: "reverse_end" }));
    this.render_();
    this.showReverse_("");
  }

  /** The session as this agent joined it: a share or reverse session may be on already. */
  joined(index: number, share: ShareInfo | null | undefined, reverse: ReverseState | undefined): void {
    this.index = index;
    this.share_ = share ?? null;
    this.render_();
    this.showReverse_(reverse ?? "");
  }

  shared(frame: { view: ShareView; state: ShareState; paused: boolean; by: number }): void {
    if (frame.state === "ended") {
      if (this.share_?.view === frame.view) this.share_ = null;
      // The server ended our share (e.g. another view replaced it, or the session ended).
      if (frame.by === this.index && this.local_?.view === frame.view) this.release_();
    } else {
      this.share_ = { view: frame.view, paused: frame.paused, by: frame.by };
    }
    this.render_();
  }

  reversed(state: ReverseState): void {
    this.showReverse_(state);
  }

  /** A view iframe's signalling, relayed by the server to this agent (the sharer). */
  rtc(frame: { peer: string; kind: string; data: RtcData }): void {
    const { peer, kind, data } = frame;
    switch (kind) {
      case "ready":
        if (this.local_ && data.view === this.local_.view) void this.offer_(peer, this.local_);
        break;
      case "answer": {
        const pc = this.peers_.get(peer);
        if (pc && data.type === "answer" && typeof data.sdp === "string") {
          pc.setRemoteDescription({ type: "answer", sdp: data.sdp }).catch((error: unknown) => console.warn("[Tandem] bad answer", error));
        }
        break;
      }
      case "ice": {
        const pc = this.peers_.get(peer);
        if (pc && typeof data.candidate === "string") {
          pc.addIceCandidate(data as RTCIceCandidateInit).catch((error: unknown) => console.warn("[Tandem] bad ICE candidate", error));
        }
        break;
      }
      case "bye":
        this.drop_(peer);
        break;
    }
  }

  /** Errors about sharing; false when the code is not ours. */
  refused(code: string, msg: string): boolean {
    if (code === ErrorCode.SHARE_BUSY || code === ErrorCode.NOT_SHARER || code === ErrorCode.NO_SHARE) {
      if (code === ErrorCode.SHARE_BUSY && this.local_ && this.share_?.by !== this.index) this.release_();
      this.starting_ = false;
      this.render_(msg);
      return true;
    }
    if (code === ErrorCode.BAD_STATE) {
      this.status_(".reverse-status", msg);
      return true;
    }
    return false;
  }

  /** The viewer is going away or the session ended: let the camera / screen go. */
  ended(): void {
    this.release_();
    this.share_ = null;
    this.render_();
  }

  private async start_(view: ShareView): Promise<void> {
    if (this.starting_ || this.local_?.view === view) return;
    this.starting_ = true;
    this.render_(`Choose the ${NOUN[view]} to share…`);
    let stream: MediaStream;
    try {
      const video = { frameRate: { ideal: FRAME_RATE, max: 30 } };
      stream =
        view === "glance_screenshare"
          ? await navigator.mediaDevices.getDisplayMedia({ video, audio: false })
          : await navigator.mediaDevices.getUserMedia({ video, audio: false });
    } catch (error) {
      this.starting_ = false;
      const denied = error instanceof DOMException && error.name === "NotAllowedError";
      this.render_(denied ? `Sharing your ${NOUN[view]} was cancelled or blocked.` : `Could not share your ${NOUN[view]}.`);
      return;
    }
    this.starting_ = false;
    this.release_(); // switching view: the old stream and its connections go
    this.local_ = { view, stream };
    // The browser's own "Stop sharing" ends the track: stop the share with it.
    for (const track of stream.getTracks()) track.addEventListener("ended", () => this.local_?.stream === stream && this.stop_());
    if (this.preview_) {
      this.preview_.srcObject = stream;
      this.preview_.hidden = false;
      this.preview_.play().catch(() => undefined);
    }
    this.send_({ t: "share_start", view });
    this.render_();
  }

  private pause_(paused: boolean): void {
    if (!this.local_) return;
    // A paused track sends black frames; the visitor's view says it is paused.
    for (const track of this.local_.stream.getVideoTracks()) track.enabled = !paused;
    this.send_({ t: paused ? "share_pause" : "share_resume" });
  }

  private stop_(): void {
    if (!this.local_) return;
    this.release_();
    this.send_({ t: "share_stop" });
    this.render_();
  }

  private release_(): void {
    for (const peer of [...this.peers_.keys()]) this.drop_(peer);
    for (const track of this.local_?.stream.getTracks() ?? []) track.stop();
    this.local_ = null;
    if (this.preview_) {
      this.preview_.srcObject = null;
      this.preview_.hidden = true;
    }
  }

  private async offer_(peer: string, local: Local): Promise<void> {
    this.drop_(peer); // a view that says ready again lost its connection: start over
    while (this.peers_.size >= MAX_PEERS) this.drop_(this.peers_.keys().next().value as string);
    const pc = new RTCPeerConnection({ iceServers: this.servers_ });
    this.peers_.set(peer, pc);
    for (const track of local.stream.getTracks()) pc.addTrack(track, local.stream);
    pc.onicecandidate = (event) => {
      if (event.candidate && this.peers_.get(peer) === pc) {
        this.send_({ t: "rtc", peer, kind: "ice", data: event.candidate.toJSON() as RtcData });
      }
    };
    pc.onconnectionstatechange = () => {
      if (this.peers_.get(peer) !== pc) return;
      if (pc.connectionState === "failed" || pc.connectionState === "closed") this.drop_(peer);
      else this.render_();
    };
    try {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      if (this.peers_.get(peer) !== pc) return;
      const fps = local.stream.getVideoTracks()[0]?.getSettings().frameRate ?? 0;
      this.send_({ t: "rtc", peer, kind: "offer", data: { type: "offer", sdp: offer.sdp ?? "", fps: Math.round(fps) } });
    } catch (error) {
      console.error("[Tandem] could not offer the share", error);
      this.drop_(peer);
    }
    this.render_();
  }

  private drop_(peer: string): void {
    const pc = this.peers_.get(peer);
    if (!pc) return;
    this.peers_.delete(peer);
    pc.close();
    this.render_();
  }

  /** The share line and buttons, from the server's view of the share and ours. */
  private render_(note = ""): void {
    const share = this.share_;
    const mine = !!this.local_ && share?.by === this.index && share.view === this.local_.view;
    const other = !!share && share.by !== this.index;
    const connected = [...this.peers_.values()].some((pc) => pc.connectionState === "connected");
    let state: string;
    let text: string;
    if (other) {
      state = "other";
      text = `Agent ${share.by} is sharing their ${NOUN[share.view]}.`;
    } else if (mine && share.paused) {
      state = "paused";
      text = `Sharing your ${NOUN[share.view]} is paused: the visitor sees a paused notice.`;
    } else if (mine && connected) {
      state = "connected";
      text = `Sharing your ${NOUN[share.view]}: the visitor's view is connected.`;
    } else if (mine) {
      state = "waiting";
      text = `Sharing your ${NOUN[share.view]}: waiting for the visitor's view to connect…`;
    } else if (this.local_ || this.starting_) {
      state = "starting";
      text = "Starting to share…";
    } else {
      state = "off";
      text = "";
    }
    this.root_.dataset.share = state;
    this.button_("share-screen").disabled = other || this.starting_ || this.local_?.view === "glance_screenshare";
    this.button_("share-camera").disabled = other || this.starting_ || this.local_?.view === "glance_agentvideo";
    this.button_("share-pause").hidden = !mine || share.paused;
    this.button_("share-resume").hidden = !mine || !share.paused;
    this.button_("share-stop").hidden = !this.local_;
    this.status_(".share-status", note || text);
  }

  private showReverse_(state: ReverseState): void {
    this.root_.dataset.reverse = state || "none";
    const open = state === "invited" || state === "accepted";
    this.button_("reverse-invite").hidden = open;
    const end = this.button_("reverse-end");
    end.hidden = !open;
    end.textContent = state === "invited" ? "Withdraw invitation" : "End reverse session";
    const texts: Record<ReverseState, string> = {
      "": "",
      invited: "Reverse session: waiting for the visitor to accept…",
      accepted: "Reverse session: the visitor accepted. Share your screen or camera to show it to them.",
      declined: "The visitor declined the reverse session.",
      ended: "The reverse session has ended.",
    };
    this.status_(".reverse-status", texts[state]);
  }

  private status_(selector: string, text: string): void {
    const line = this.root_.querySelector<HTMLElement>(selector);
    if (line) line.textContent = text;
  }

  private button_(name: string): HTMLButtonElement {
    return this.root_.querySelector<HTMLButtonElement>(`.${name}`)!;
  }

  private on_(name: string, fn: () => void): void {
    this.root_.querySelector<HTMLButtonElement>(`.${name}`)?.addEventListener("click", fn);
  }
}
