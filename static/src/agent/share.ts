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
  private share: ShareInfo | null = null;
  private local: Local | null = null;
  private starting = false;
  private readonly peers = new Map<string, RTCPeerConnection>();
  private readonly servers = iceServers();
  private readonly preview: HTMLVideoElement | null;

  constructor(
    private readonly root: HTMLElement,
    private readonly send: SendFn,
  ) {
    this.preview = root.querySelector<HTMLVideoElement>(".share-preview");
    this.on("share-screen", () => void this.start("glance_screenshare"));
    this.on("share-camera", () => void this.start("glance_agentvideo"));
    this.on("share-pause", () => this.pause(true));
    this.on("share-resume", () => this.pause(false));
    this.on("share-stop", () => this.stop());
    this.on("reverse-invite", () => this.send({ t: "reverse_invite" }));
    this.on("reverse-end", () => this.send({ t: "reverse_end" }));
    this.render();
    this.showReverse("");
  }

  /** The session as this agent joined it: a share or reverse session may be on already. */
  joined(index: number, share: ShareInfo | null | undefined, reverse: ReverseState | undefined): void {
    this.index = index;
    this.share = share ?? null;
    this.render();
    this.showReverse(reverse ?? "");
  }

  shared(frame: { view: ShareView; state: ShareState; paused: boolean; by: number }): void {
    if (frame.state === "ended") {
      if (this.share?.view === frame.view) this.share = null;
      // The server ended our share (e.g. another view replaced it, or the session ended).
      if (frame.by === this.index && this.local?.view === frame.view) this.release();
    } else {
      this.share = { view: frame.view, paused: frame.paused, by: frame.by };
    }
    this.render();
  }

  reversed(state: ReverseState): void {
    this.showReverse(state);
  }

  /** A view iframe's signalling, relayed by the server to this agent (the sharer). */
  rtc(frame: { peer: string; kind: string; data: RtcData }): void {
    const { peer, kind, data } = frame;
    switch (kind) {
      case "ready":
        if (this.local && data.view === this.local.view) void this.offer(peer, this.local);
        break;
      case "answer": {
        const pc = this.peers.get(peer);
        if (pc && data.type === "answer" && typeof data.sdp === "string") {
          pc.setRemoteDescription({ type: "answer", sdp: data.sdp }).catch((error: unknown) => console.warn("[Tandem] bad answer", error));
        }
        break;
      }
      case "ice": {
        const pc = this.peers.get(peer);
        if (pc && typeof data.candidate === "string") {
          pc.addIceCandidate(data as RTCIceCandidateInit).catch((error: unknown) => console.warn("[Tandem] bad ICE candidate", error));
        }
        break;
      }
      case "bye":
        this.drop(peer);
        break;
    }
  }

  /** Errors about sharing; false when the code is not ours. */
  refused(code: string, msg: string): boolean {
    if (code === ErrorCode.SHARE_BUSY || code === ErrorCode.NOT_SHARER || code === ErrorCode.NO_SHARE) {
      if (code === ErrorCode.SHARE_BUSY && this.local && this.share?.by !== this.index) this.release();
      this.starting = false;
      this.render(msg);
      return true;
    }
    if (code === ErrorCode.BAD_STATE) {
      this.status(".reverse-status", msg);
      return true;
    }
    return false;
  }

  /** The viewer is going away or the session ended: let the camera / screen go. */
  ended(): void {
    this.release();
    this.share = null;
    this.render();
  }

  private async start(view: ShareView): Promise<void> {
    if (this.starting || this.local?.view === view) return;
    this.starting = true;
    this.render(`Choose the ${NOUN[view]} to share…`);
    let stream: MediaStream;
    try {
      const video = { frameRate: { ideal: FRAME_RATE, max: 30 } };
      stream =
        view === "glance_screenshare"
          ? await navigator.mediaDevices.getDisplayMedia({ video, audio: false })
          : await navigator.mediaDevices.getUserMedia({ video, audio: false });
    } catch (error) {
      this.starting = false;
      const denied = error instanceof DOMException && error.name === "NotAllowedError";
      this.render(denied ? `Sharing your ${NOUN[view]} was cancelled or blocked.` : `Could not share your ${NOUN[view]}.`);
      return;
    }
    this.starting = false;
    this.release(); // switching view: the old stream and its connections go
    this.local = { view, stream };
    // The browser's own "Stop sharing" ends the track: stop the share with it.
    for (const track of stream.getTracks()) track.addEventListener("ended", () => this.local?.stream === stream && this.stop());
    if (this.preview) {
      this.preview.srcObject = stream;
      this.preview.hidden = false;
      this.preview.play().catch(() => undefined);
    }
    this.send({ t: "share_start", view });
    this.render();
  }

  private pause(paused: boolean): void {
    if (!this.local) return;
    // A paused track sends black frames; the visitor's view says it is paused.
    for (const track of this.local.stream.getVideoTracks()) track.enabled = !paused;
    this.send({ t: paused ? "share_pause" : "share_resume" });
  }

  private stop(): void {
    if (!this.local) return;
    this.release();
    this.send({ t: "share_stop" });
    this.render();
  }

  private release(): void {
    for (const peer of [...this.peers.keys()]) this.drop(peer);
    for (const track of this.local?.stream.getTracks() ?? []) track.stop();
    this.local = null;
    if (this.preview) {
      this.preview.srcObject = null;
      this.preview.hidden = true;
    }
  }

  private async offer(peer: string, local: Local): Promise<void> {
    this.drop(peer); // a view that says ready again lost its connection: start over
    while (this.peers.size >= MAX_PEERS) this.drop(this.peers.keys().next().value as string);
    const pc = new RTCPeerConnection({ iceServers: this.servers });
    this.peers.set(peer, pc);
    for (const track of local.stream.getTracks()) pc.addTrack(track, local.stream);
    pc.onicecandidate = (event) => {
      if (event.candidate && this.peers.get(peer) === pc) {
        this.send({ t: "rtc", peer, kind: "ice", data: event.candidate.toJSON() as RtcData });
      }
    };
    pc.onconnectionstatechange = () => {
      if (this.peers.get(peer) !== pc) return;
      if (pc.connectionState === "failed" || pc.connectionState === "closed") this.drop(peer);
      else this.render();
    };
    try {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      if (this.peers.get(peer) !== pc) return;
      const fps = local.stream.getVideoTracks()[0]?.getSettings().frameRate ?? 0;
      this.send({ t: "rtc", peer, kind: "offer", data: { type: "offer", sdp: offer.sdp ?? "", fps: Math.round(fps) } });
    } catch (error) {
      console.error("[Tandem] could not offer the share", error);
      this.drop(peer);
    }
    this.render();
  }

  private drop(peer: string): void {
    const pc = this.peers.get(peer);
    if (!pc) return;
    this.peers.delete(peer);
    pc.close();
    this.render();
  }

  /** The share line and buttons, from the server's view of the share and ours. */
  private render(note = ""): void {
    const share = this.share;
    const mine = !!this.local && share?.by === this.index && share.view === this.local.view;
    const other = !!share && share.by !== this.index;
    const connected = [...this.peers.values()].some((pc) => pc.connectionState === "connected");
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
    } else if (this.local || this.starting) {
      state = "starting";
      text = "Starting to share…";
    } else {
      state = "off";
      text = "";
    }
    this.root.dataset.share = state;
    this.button("share-screen").disabled = other || this.starting || this.local?.view === "glance_screenshare";
    this.button("share-camera").disabled = other || this.starting || this.local?.view === "glance_agentvideo";
    this.button("share-pause").hidden = !mine || share.paused;
    this.button("share-resume").hidden = !mine || !share.paused;
    this.button("share-stop").hidden = !this.local;
    this.status(".share-status", note || text);
  }

  private showReverse(state: ReverseState): void {
    this.root.dataset.reverse = state || "none";
    const open = state === "invited" || state === "accepted";
    this.button("reverse-invite").hidden = open;
    const end = this.button("reverse-end");
    end.hidden = !open;
    end.textContent = state === "invited" ? "Withdraw invitation" : "End reverse session";
    const texts: Record<ReverseState, string> = {
      "": "",
      invited: "Reverse session: waiting for the visitor to accept…",
      accepted: "Reverse session: the visitor accepted. Share your screen or camera to show it to them.",
      declined: "The visitor declined the reverse session.",
      ended: "The reverse session has ended.",
    };
    this.status(".reverse-status", texts[state]);
  }

  private status(selector: string, text: string): void {
    const line = this.root.querySelector<HTMLElement>(selector);
    if (line) line.textContent = text;
  }

  private button(name: string): HTMLButtonElement {
    return this.root.querySelector<HTMLButtonElement>(`.${name}`)!;
  }

  private on(name: string, fn: () => void): void {
    this.root.querySelector<HTMLButtonElement>(`.${name}`)?.addEventListener("click", fn);
  }
}
