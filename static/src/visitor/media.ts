// The visitor page's side of an agent's screen share or webcam (its own bundle, imported
// by the session when the first share or reverse-session frame arrives): the view
// iframes, the relay of WebRTC signalling between them and the session socket, and the
// Glance events screenshare, screensharepause, screenshareresume, viewerinfo,
// reverseconfirm and reverseended.
//
// The media never passes through this page: each view iframe (media/view.ts, Tandem's
// origin) holds its own RTCPeerConnection with the sharing agent. With the default UI the
// iframes sit in a panel of our own, in a host element the recorder blocks; a custom UI
// provides hidden iframes with Glance's ids, which the recorder blocks too (mask.ts).
import { VIEW_TAG, type FromView, type ToView, type ViewStats, viewMessage } from "../media/messages";
import type { ReverseState, ServerToVisitor, ShareView, VisitorToServer } from "../protocol";
import type { LoaderConfig } from "./config";
import { type Emitter, REVERSE_ANSWERED_EVENT } from "./events";
import { UI_HOST_ATTRIBUTE } from "./mask";
import { MEDIA_CSS } from "./media-styles";

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
  view: ShareView;
  frame: HTMLIFrameElement;
  /** The default UI's panel around the frame; null for a custom UI's own iframe. */
  panel: Panel | null;
  /** The view's current RTCPeerConnection, named by the view. */
  peer: string | null;
  /** Whether the view has shown any video since it said ready. */
  playing: boolean;
  info: Info | null;
};

const TITLES: Record<ShareView, string> = {
  glance_screenshare: "Agent's screen",
  glance_agentvideo: "Agent's video",
};

function customUi(): boolean {
  const script = document.querySelector<HTMLScriptElement>("script#glance-cobrowse, script#cobrowsescript");
  return script?.dataset.ui === "custom";
}

export function startMedia(host: MediaHost): Media {
  const { config, events } = host;
  const origin = new URL(config.server).origin;
  const slots = new Map<ShareView, Slot>();
  let share: { view: ShareView; paused: boolean } | null = null;
  let dock: Dock | null = null;
  // Each invitation's callbacks answer only that invitation, once.
  let invitation = 0;

  function viewUrl(view: ShareView): string {
    const url = new URL("/cobrowse/view/", config.server);
    url.searchParams.set("group", String(config.group ?? 0));
    url.searchParams.set("view", view);
    return url.href;
  }

  function toView(slot: Slot, message: ToView): void {
    slot.frame.contentWindow?.postMessage(message, origin);
  }

  function open(view: ShareView): Slot | null {
    const existing = slots.get(view);
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
      dock ??= createDock();
      panel = dock.add(view);
      frame = panel.frame;
    }
    const slot: Slot = { view, frame, panel, peer: null, playing: false, info: null };
    slots.set(view, slot);
    frame.src = viewUrl(view);
    return slot;
  }

  function close(slot: Slot): void {
    slots.delete(slot.view);
    if (slot.panel) slot.panel.remove();
    // A custom UI's iframe stays where the page put it, emptied: its connection closes.
    else slot.frame.src = "about:blank";
  }

  function shared(view: ShareView, state: "new" | "continued" | "ended", paused: boolean): void {
    if (state === "ended") {
      if (share?.view === view) share = null;
      const slot = slots.get(view);
      if (slot) close(slot);
    } else {
      share = { view, paused };
      const slot = open(view);
      if (slot) {
        if (state === "new") slot.info = null;
        setPaused(slot, paused);
        // A view that said ready while the socket was down was never offered a connection.
        if (slot.peer && !slot.playing) announce(slot);
      }
    }
    events.emit("screenshare", { screenshareView: view, state, paused });
  }

  function setPaused(slot: Slot, paused: boolean): void {
    toView(slot, { tandem: VIEW_TAG, t: "paused", paused });
    slot.panel?.paused(paused);
  }

  function pausedChanged(view: ShareView, paused: boolean): void {
    if (share?.view === view) share.paused = paused;
    const slot = slots.get(view);
    if (slot) setPaused(slot, paused);
    events.emit(paused ? "screensharepause" : "screenshareresume", { screenshareView: view });
  }

  function announce(slot: Slot): void {
    if (slot.peer) host.send({ t: "rtc", peer: slot.peer, kind: "ready", data: { view: slot.view } });
  }

  function reverse(state: ReverseState): void {
    invitation += 1;
    if (state === "invited") {
      const mine = invitation;
      const answer = (accept: boolean) => () => {
        if (mine !== invitation) return;
        invitation += 1;
        host.send({ t: "reverse", accept });
      };
      events.emit("reverseconfirm", { accept: answer(true), decline: answer(false) });
    } else if (state === "ended") {
      events.emit("reverseended");
    } else if (state === "accepted" || state === "declined") {
      // Answered, maybe in another tab: this tab's callbacks no longer answer anything.
      events.emit(REVERSE_ANSWERED_EVENT, { accepted: state === "accepted" });
    }
  }

  function fromView(event: MessageEvent): void {
    const message = viewMessage(event.data) as FromView | null;
    if (!message || event.origin !== origin) return;
    const slot = [...slots.values()].find((candidate) => candidate.frame.contentWindow === event.source);
    if (!slot) return;
    switch (message.t) {
      case "ready":
        if (typeof message.peer !== "string" || !message.peer || message.peer.length > 40) return;
        slot.peer = message.peer;
        slot.playing = false;
        // Also the page's first word to the view: from now on it talks to this origin only.
        setPaused(slot, share?.view === slot.view && share.paused);
        if (share?.view === slot.view) announce(slot);
        break;
      case "rtc":
        if (message.peer !== slot.peer || !["answer", "ice", "bye"].includes(message.kind)) return;
        host.send({ t: "rtc", peer: message.peer, kind: message.kind, data: message.data ?? {} });
        break;
      case "stats":
        if (message.peer !== slot.peer || share?.view !== slot.view) return;
        slot.playing = true;
        viewerInfo(slot, message.stats);
        slot.panel?.fit(message.stats.width, message.stats.height);
        break;
    }
  }

  function viewerInfo(slot: Slot, stats: ViewStats): void {
    const now: Info = {
      screen: { width: stats.width, height: stats.height },
      scaledview: { width: stats.scaledWidth, height: stats.scaledHeight },
      stats: { fpslimit: stats.fpslimit, viewerfps: stats.viewerfps, displayfps: stats.displayfps },
    };
    const payload = infoChanges(slot.info, now);
    slot.info = now;
    if (payload) events.emit("viewerinfo", { screenshareView: slot.view, ...payload });
  }

  window.addEventListener("message", fromView);

  return {
    receive(frame: MediaFrame) {
      switch (frame.t) {
        case "share":
          shared(frame.view, frame.state, frame.paused === true);
          break;
        case "share_paused":
        case "share_resumed":
          pausedChanged(frame.view, frame.t === "share_paused");
          break;
        case "rtc": {
          const slot = [...slots.values()].find((candidate) => candidate.peer === frame.peer);
          if (slot && ["offer", "ice", "bye"].includes(frame.kind)) {
            toView(slot, { tandem: VIEW_TAG, t: "rtc", peer: frame.peer, kind: frame.kind as "offer" | "ice" | "bye", data: frame.data });
          }
          break;
        }
        case "reverse":
          reverse(frame.state);
          break;
      }
    },
    stop() {
      window.removeEventListener("message", fromView);
      invitation += 1;
      const running = share;
      share = null;
      for (const slot of [...slots.values()]) close(slot);
      dock?.remove();
      dock = null;
      if (running) events.emit("screenshare", { screenshareView: running.view, state: "ended", paused: false });
    },
  };
}

/** Glance's viewerinfo payload: everything the first time, then only what changed. */
export function infoChanges(before: Info | null, now: Info): Record<string, unknown> | null {
  const glanceStats = (stats: Partial<Info["stats"]>) => ({ glance_viewer: { stats } });
  if (!before) return { screen: now.screen, scaledview: now.scaledview, ...glanceStats(now.stats) };
  const changes: Record<string, unknown> = {};
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

// The default UI's views: a panel per view, bottom left, that the visitor can minimize
// but not close (only the agent ends a share).

type Panel = {
  frame: HTMLIFrameElement;
  paused(paused: boolean): void;
  /** Give the frame the agent's picture's proportions. */
  fit(width: number, height: number): void;
  remove(): void;
};

type Dock = { add(view: ShareView): Panel; remove(): void };

function createDock(): Dock {
  const hostElement = document.createElement("div");
  // Marked before it is in the document: the recorder never sees it unmarked.
  hostElement.setAttribute(UI_HOST_ATTRIBUTE, "");
  const root = hostElement.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = MEDIA_CSS;
  const column = document.createElement("div");
  column.className = "views";
  root.append(style, column);
  (document.body ?? document.documentElement).append(hostElement);

  return {
    add(view: ShareView): Panel {
      const title = TITLES[view];
      const panel = document.createElement("section");
      panel.className = "view";
      panel.setAttribute("aria-label", title);
      const header = document.createElement("div");
      header.className = "head";
      const heading = document.createElement("h2");
      heading.textContent = title;
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "toggle";
      const screen = document.createElement("div");
      screen.className = "screen";
      const frame = document.createElement("iframe");
      frame.id = view;
      frame.title = title;
      frame.allow = "autoplay";
      screen.append(frame);
      header.append(heading, toggle);
      panel.append(header, screen);
      const setOpen = (open: boolean) => {
        screen.hidden = !open;
        toggle.textContent = open ? "Minimize" : "Show";
        toggle.setAttribute("aria-expanded", String(open));
      };
      setOpen(true);
      toggle.addEventListener("click", () => setOpen(screen.hidden));
      column.append(panel);
      if (!hostElement.isConnected) (document.body ?? document.documentElement).append(hostElement);
      return {
        frame,
        paused(paused) {
          heading.textContent = paused ? `${title} (paused)` : title;
        },
        fit(width, height) {
          if (width > 0 && height > 0) screen.style.aspectRatio = `${width} / ${height}`;
        },
        remove() {
          panel.remove();
        },
      };
    },
    remove() {
      hostElement.remove();
    },
  };
}
