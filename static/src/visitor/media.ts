// The visitor page's side of an agent's screen share or webcam (its own bundle, imported
// by the session when the first share or reverse-session frame arrives): the view
// iframes, the relay of WebRTC signalling between them and the session socket, and the
// Glance events screenshare, screensharepause, screenshareresume, viewerinfo,
// reverseconfirm and reverseended.
//
// The media never passes through this page: each view iframe (media/view.ts, Tandem's
// origin) holds its own RTCPeerConnection with the sharing agent. With the default UI the
// iframes sit in a panel of our own (media-dock.ts), in a host element the recorder
// blocks; a custom UI provides hidden iframes with Glance's ids, which the recorder blocks
// too (mask.ts).
import { VIEW_TAG, type FromView, type ToView, type ViewStats, viewMessage } from "../media/messages";
import type { ReverseState, ServerToVisitor, ShareState, ShareView, VisitorToServer } from "../protocol";
import type { LoaderConfig } from "./config";
import { type Emitter, REVERSE_ANSWERED_EVENT, type ViewerInfoChanges } from "./events";
import { createDock, type Dock, type Panel } from "./media-dock";

/** The session frames this module handles. */
export type MediaFrame = Extract<ServerToVisitor, { t: "share" | "share_paused" | "share_resumed" | "rtc" | "reverse" }>;

export type MediaHost = {
  config: LoaderConfig;
  events: Emitter;
  /** Send a frame on the session socket (dropped while it is not linked). */
  send(frame: VisitorToServer): void;
};

export type Media = {
  receive(frame: MediaFrame): void;
  /** The session ended: close the views; a running share ends for the page too. */
  stop(): void;
};

/** Glance's viewerinfo, as the last one told it (the base for "only what changed"). */
type Info = {
  screen: { width: number; height: number };
  scaledview: { width: number; height: number };
  stats: { fpslimit: number; viewerfps: number; displayfps: number };
};

type Slot = {
  view_: ShareView;
  frame_: HTMLIFrameElement;
  /** The default UI's panel around the frame; null for a custom UI's own iframe. */
  panel_: Panel | null;
  /** The view's current RTCPeerConnection, named by the view once it says ready. */
  peer_: string | null;
  /** Whether the view has shown any video since it said ready. */
  playing_: boolean;
  info_: Info | null;
};

/** Everything of the page's share side; `invitation_` numbers reverse invitations, so
 * each one's callbacks answer only it, once. Names ending in "_" here, in Slot and in
 * media-dock.ts never leave this bundle, which shortens them (static/build.mjs). */
type Views = MediaHost & {
  origin_: string;
  slots_: Map<ShareView, Slot>;
  share_: { view_: ShareView; paused_: boolean } | null;
  dock_: Dock | null;
  invitation_: number;
};

function customUi(): boolean {
  const script = document.querySelector<HTMLScriptElement>("script#glance-cobrowse, script#cobrowsescript");
  return script?.dataset.ui === "custom";
}

function viewUrl(config: LoaderConfig, view: ShareView): string {
  const url = new URL("/cobrowse/view/", config.server);
  url.searchParams.set("group", String(config.group ?? 0));
  url.searchParams.set("view", view);
  return url.href;
}

function toView(views: Views, slot: Slot, message: ToView): void {
  slot.frame_.contentWindow?.postMessage(message, views.origin_);
}

/** The view's slot, its iframe loading: the page's own (custom UI) or a panel's. */
function open(views: Views, view: ShareView): Slot | null {
  const existing = views.slots_.get(view);
  if (existing) return existing;
  let frame: HTMLIFrameElement;
  let panel: Panel | null = null;
  const provided = document.getElementById(view);
  if (provided instanceof HTMLIFrameElement) {
    frame = provided; // the page's own (custom UI): the page shows it on `screenshare`
  } else if (customUi()) {
    console.warn(`[Tandem] the page has no iframe#${view} to show the agent's ${view === "glance_agentvideo" ? "video" : "screen"} in`);
    return null;
  } else {
    if (!views.dock_) views.dock_ = createDock();
    panel = views.dock_.add_(view);
    frame = panel.frame_;
  }
  const slot: Slot = { view_: view, frame_: frame, panel_: panel, peer_: null, playing_: false, info_: null };
  views.slots_.set(view, slot);
  frame.src = viewUrl(views.config, view);
  return slot;
}

function close(views: Views, slot: Slot): void {
  views.slots_.delete(slot.view_);
  if (slot.panel_) slot.panel_.remove_();
  // A custom UI's iframe stays where the page put it, emptied: its connection closes.
  else slot.frame_.src = "about:blank";
}

function shared(views: Views, view: ShareView, state: ShareState, paused: boolean): void {
  if (state === "ended") {
    if (views.share_?.view_ === view) views.share_ = null;
    const slot = views.slots_.get(view);
    if (slot) close(views, slot);
  } else {
    views.share_ = { view_: view, paused_: paused };
    const slot = open(views, view);
    if (slot) {
      if (state === "new") slot.info_ = null;
      setPaused(views, slot, paused);
      // A view that said ready while the socket was down was never offered a connection.
      if (slot.peer_ && !slot.playing_) announce(views, slot);
    }
  }
  views.events.emit("screenshare", { screenshareView: view, state, paused });
}

function setPaused(views: Views, slot: Slot, paused: boolean): void {
  toView(views, slot, { tandem: VIEW_TAG, t: "paused", paused });
  slot.panel_?.paused_(paused);
}

function pausedChanged(views: Views, view: ShareView, paused: boolean): void {
  if (views.share_?.view_ === view) views.share_.paused_ = paused;
  const slot = views.slots_.get(view);
  if (slot) setPaused(views, slot, paused);
  views.events.emit(paused ? "screensharepause" : "screenshareresume", { screenshareView: view });
}

/** Tell the sharing agent this view is ready for its offer. */
function announce(views: Views, slot: Slot): void {
  if (slot.peer_) views.send({ t: "rtc", peer: slot.peer_, kind: "ready", data: { view: slot.view_ } });
}

function reverse(views: Views, state: ReverseState): void {
  const { events, send } = views;
  views.invitation_ += 1;
  if (state === "invited") {
    const mine = views.invitation_;
    const answer = (accept: boolean) => () => {
      if (mine !== views.invitation_) return;
      views.invitation_ += 1;
      send({ t: "reverse", accept });
    };
    events.emit("reverseconfirm", { accept: answer(true), decline: answer(false) });
  } else if (state === "ended") {
    events.emit("reverseended");
  } else if (state === "accepted" || state === "declined") {
    // Answered, maybe in another tab: this tab's callbacks no longer answer anything.
    events.emit(REVERSE_ANSWERED_EVENT, { accepted: state === "accepted" });
  }
}

/** A message from one of the view iframes. */
function fromView(views: Views, event: MessageEvent): void {
  const message = viewMessage(event.data) as FromView | null;
  if (!message || event.origin !== views.origin_) return;
  const slot = [...views.slots_.values()].find((candidate) => candidate.frame_.contentWindow === event.source);
  if (!slot) return;
  const share = views.share_;
  // Whether this view is the one the agent shares now.
  const shown = share?.view_ === slot.view_;
  switch (message.t) {
    case "ready":
      if (typeof message.peer !== "string" || !message.peer || message.peer.length > 40) return;
      slot.peer_ = message.peer;
      slot.playing_ = false;
      // Also the page's first word to the view: from now on it talks to this origin only.
      setPaused(views, slot, shown && share.paused_);
      if (shown) announce(views, slot);
      break;
    case "rtc":
      if (message.peer !== slot.peer_ || !["answer", "ice", "bye"].includes(message.kind)) return;
      views.send({ t: "rtc", peer: message.peer, kind: message.kind, data: message.data ?? {} });
      break;
    case "stats":
      if (message.peer !== slot.peer_ || !shown) return;
      slot.playing_ = true;
      viewerInfo(views, slot, message.stats);
      slot.panel_?.fit_(message.stats.width, message.stats.height);
      break;
  }
}

function viewerInfo(views: Views, slot: Slot, stats: ViewStats): void {
  const now: Info = {
    screen: { width: stats.width, height: stats.height },
    scaledview: { width: stats.scaledWidth, height: stats.scaledHeight },
    stats: { fpslimit: stats.fpslimit, viewerfps: stats.viewerfps, displayfps: stats.displayfps },
  };
  const payload = infoChanges(slot.info_, now);
  slot.info_ = now;
  if (payload) views.events.emit("viewerinfo", { screenshareView: slot.view_, ...payload });
}

function receive(views: Views, frame: MediaFrame): void {
  switch (frame.t) {
    case "share":
      shared(views, frame.view, frame.state, frame.paused === true);
      break;
    case "share_paused":
    case "share_resumed":
      pausedChanged(views, frame.view, frame.t === "share_paused");
      break;
    case "rtc": {
      const slot = [...views.slots_.values()].find((candidate) => candidate.peer_ === frame.peer);
      if (slot && ["offer", "ice", "bye"].includes(frame.kind)) {
        toView(views, slot, { tandem: VIEW_TAG, t: "rtc", peer: frame.peer, kind: frame.kind as "offer" | "ice" | "bye", data: frame.data });
      }
      break;
    }
    case "reverse":
      reverse(views, frame.state);
      break;
  }
}

export function startMedia(host: MediaHost): Media {
  const views: Views = { ...host, origin_: new URL(host.config.server).origin, slots_: new Map(), share_: null, dock_: null, invitation_: 0 };
  const listener = (event: MessageEvent) => fromView(views, event);
  window.addEventListener("message", listener);
  return {
    receive: (frame) => receive(views, frame),
    stop() {
      window.removeEventListener("message", listener);
      views.invitation_ += 1;
      const running = views.share_;
      views.share_ = null;
      for (const slot of [...views.slots_.values()]) close(views, slot);
      views.dock_?.remove_();
      views.dock_ = null;
      if (running) host.events.emit("screenshare", { screenshareView: running.view_, state: "ended", paused: false });
    },
  };
}

/** Glance's viewerinfo payload: everything the first time, then only what changed. */
export function infoChanges(before: Info | null, now: Info): ViewerInfoChanges | null {
  const glanceStats = (stats: Partial<Info["stats"]>) => ({ glance_viewer: { stats } });
  if (!before) return { screen: now.screen, scaledview: now.scaledview, ...glanceStats(now.stats) };
  const changes: ViewerInfoChanges = {};
  const same = (a: { width: number; height: number }, b: { width: number; height: number }) =>
    a.width === b.width && a.height === b.height;
  if (!same(before.screen, now.screen)) changes.screen = now.screen;
  if (!same(before.scaledview, now.scaledview)) changes.scaledview = now.scaledview;
  const stats: Partial<Info["stats"]> = {};
  for (const name of ["fpslimit", "viewerfps", "displayfps"] as const) {
    if (before.stats[name] !== now.stats[name]) stats[name] = now.stats[name];
  }
  if (Object.keys(stats).length > 0) Object.assign(changes, glanceStats(stats));
  return Object.keys(changes).length > 0 ? changes : null;
}
