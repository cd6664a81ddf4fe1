// The live viewer: the visitor's page replayed with rrweb in a sandboxed iframe
// (no allow-scripts), scaled to fit the agent's window without cropping.
import { Replayer } from "@rrweb/replay";
import { FIDELITY_STYLES, fidelityPlugin, prepareEvents } from "./fidelity";
import "@rrweb/replay/dist/style.css";
import type { eventWithTime } from "@rrweb/types";
import { CloseCode, ErrorCode, type AgentToServer, type ServerToAgent } from "../protocol";
import { MarkTools } from "./annotate";
import { AssetRewriter } from "./assets";
import { ChatPanel } from "./chat";
import { RemoteControl } from "./control";
import { showEnded } from "./ended";
import { MirrorStream } from "./mirror";
import { VisitorPage } from "./pageinfo";
import { StatusLine } from "./statusline";
import { startViewerQueue } from "./switcher";
import { ShareControls } from "./share";
import { visitorText } from "./visitor-info";
import { WaitForSession } from "./waiting";
import { ViewerZoom } from "./zoom";
import { openSocket, type Socket, type SocketStatus, type StatusDetail } from "../socket";

const RESYNC_RETRY_MS = 3000;
const SIGNED_OUT = "You are signed out: sign in again to watch this session.";
const MAX_EVENTS_PER_REPLAYER = 20_000;

// Masked elements arrive as empty boxes; make them visibly masked for the agent.
const REPLAY_STYLES = [
  "[data-tandem-masked]{background:repeating-linear-gradient(45deg,#d9d9de 0 6px,#eeeef2 6px 12px)!important;color:transparent!important}",
  ...FIDELITY_STYLES,
];

function startViewer(root: HTMLElement): () => void {
  const key = root.dataset.key!;
  const stage = root.querySelector<HTMLElement>(".stage")!;
  const status = root.querySelector<HTMLElement>(".status")!;
  const agents = root.querySelector<HTMLElement>(".agents")!;
  let replayer: Replayer | null = null;
  let lastStamp = 0;
  let resyncTimer: number | undefined;
  let started = 0; // when the session started (epoch ms), from `joined`

  const line = new StatusLine(root, status);
  const setState = (state: string, text: string) => line.connection(state, text);
  const visitorPage = new VisitorPage(
    root.querySelector<HTMLElement>(".page-title")!,
    root.querySelector<HTMLElement>(".page-url")!,
  );
  // The replayed document's title changes with the visitor's: read it at most once a frame.
  let titleQueued = false;
  const readTitle = () => {
    if (titleQueued) return;
    titleQueued = true;
    requestAnimationFrame(() => {
      titleQueued = false;
      visitorPage.document(replayer?.iframe.contentDocument);
    });
  };

  // Replay now: stamp events with the agent's clock so none waits on the visitor's.
  const restamp = (events: eventWithTime[]) => {
    for (const event of events) {
      lastStamp = Math.max(Date.now(), lastStamp + 1);
      event.timestamp = lastStamp;
    }
    return events;
  };

  const fit = () => {
    const wrapper = stage.querySelector<HTMLElement>(".replayer-wrapper");
    const frame = wrapper?.querySelector("iframe");
    if (!wrapper || !frame) return;
    const width = Number(frame.getAttribute("width")) || frame.offsetWidth;
    const height = Number(frame.getAttribute("height")) || frame.offsetHeight;
    if (!width || !height) return;
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
    root.dataset.scale = scale.toFixed(4);
    root.dataset.viewport = `${width}x${height}`;
  };

  const zoom = new ViewerZoom(root, fit);

  // Assigned below, once the handlers it calls exist; nothing sends before it opens.
  let socket: Socket<AgentToServer> | null = null;
  // ?group= picks the group when the key is live in several of the agent's groups.
  const group = new URLSearchParams(location.search).get("group");
  const query = group ? `?group=${encodeURIComponent(group)}` : "";
  const send = (frame: AgentToServer) => {
    socket?.send(frame);
  };
  const control = new RemoteControl(root, send);
  const sharing = new ShareControls(root, send);
  const marks = new MarkTools(root, stage, send, () => replayer?.iframe ?? null);
  const chatPanel = root.querySelector<HTMLElement>(".chat");
  const chat = chatPanel ? new ChatPanel(chatPanel, send) : null;
  // Accessibility mode: a high-contrast, larger view for the agent, and the visitor's
  // page is told (its `accessibility` event).
  const a11y = root.querySelector<HTMLButtonElement>(".a11y-toggle")!;
  const showA11y = (enabled: boolean) => {
    a11y.setAttribute("aria-pressed", String(enabled));
    root.dataset.a11y = enabled ? "on" : "off";
  };
  a11y.addEventListener("click", () =>
    send({ t: "accessibility", enabled: a11y.getAttribute("aria-pressed") !== "true" }),
  );

  // The replayer keeps every event it was given: each snapshot starts a fresh one, and a
  // long stretch without one asks for a snapshot, so an all-day session stays small.
  let sinceSnapshot = 0;
  let refreshAsked = false;

  const newReplayer = () => {
    const created = new Replayer([], {
      root: stage,
      liveMode: true,
      mouseTail: false,
      insertStyleRules: REPLAY_STYLES,
      showWarning: false,
      triggerFocus: false,
      plugins: [fidelityPlugin()],
    });
    // Screen readers name the frame (and axe's frame-title rule asks for it).
    created.iframe.title = "The visitor's page (live replay)";
    created.on("resize", () => requestAnimationFrame(fit));
    // Events apply on the replayer's own clock: read the title once they did.
    created.on("event-cast", readTitle);
    created.on("fullsnapshot-rebuilded", () => {
      setState("live", "Live");
      visitorPage.document(created.iframe.contentDocument);
      control.attach(created);
      requestAnimationFrame(fit);
    });
    created.startLive(Date.now());
    return created;
  };

  const assets = new AssetRewriter();
  const stream = new MirrorStream({
    reset(events, page) {
      control.page = page;
      marks.page(page);
      replayer?.destroy();
      replayer = newReplayer();
      visitorPage.events(events);
      for (const event of restamp(prepareEvents(events, null))) replayer.addEvent(event);
      sinceSnapshot = 0;
      refreshAsked = false;
      window.clearTimeout(resyncTimer);
    },
    apply(events) {
      visitorPage.events(events);
      for (const event of restamp(prepareEvents(events, replayer))) replayer?.addEvent(event);
      sinceSnapshot += events.length;
      if (sinceSnapshot > MAX_EVENTS_PER_REPLAYER && !refreshAsked) {
        refreshAsked = true;
        send({ t: "resync" });
      }
    },
    resync() {
      setState("syncing", "Catching up…");
      requestSnapshot();
    },
  }, assets);

  function requestSnapshot() {
    window.clearTimeout(resyncTimer);
    send({ t: "resync" });
    resyncTimer = window.setTimeout(() => {
      if (!stream.synced) requestSnapshot();
    }, RESYNC_RETRY_MS);
  }

  const queue = startViewerQueue(root, key);
  const onFrame = (frame: ServerToAgent) => {
    switch (frame.t) {
      case "session_new": // another session started in the group: the agent hears of it here
        queue.session(frame.session);
        break;
      case "joined":
        queue.joined();
        waiting.joined();
        agents.textContent = String(frame.agents);
        root.querySelector(".visitor")!.textContent = visitorText(frame.visitor);
        if (chat) chat.index = frame.index;
        started = frame.started;
        line.visitor(frame.presence);
        control.changed(frame.rc, frame.rc_to);
        showA11y(frame.accessibility);
        sharing.joined(frame.index, frame.share, frame.reverse);
        assets.configure(frame.assets);
        if (frame.reverse_only) {
          // Nothing of the visitor's page will come: do not wait for it.
          setState("reverse", "Reverse session: the visitor's page is not shown here.");
          break;
        }
        setState("waiting", "Waiting for the visitor's page…");
        resyncTimer = window.setTimeout(() => !stream.synced && requestSnapshot(), RESYNC_RETRY_MS);
        break;
      case "ev":
      case "snap":
        stream.receive(frame);
        break;
      case "agents":
        agents.textContent = String(frame.count);
        break;
      case "visitor":
        line.visitor(frame);
        break;
      case "message":
        chat?.show(frame);
        break;
      case "ended":
        window.clearTimeout(resyncTimer);
        setState("ended", "The session has ended.");
        line.stop();
        sharing.ended();
        control.ended();
        marks.ended();
        showEnded(root, frame.reason, started);
        break;
      case "rc":
        control.changed(frame.enabled, frame.to);
        break;
      case "accessibility":
        showA11y(frame.enabled);
        break;
      case "rc_pending":
        control.pending();
        break;
      case "rc_declined":
        control.declined();
        break;
      case "share":
        sharing.shared(frame);
        break;
      case "rtc":
        sharing.rtc(frame);
        break;
      case "draw_dismissed":
        marks.dismissed();
        break;
      case "reverse":
        sharing.reversed(frame.state);
        break;
      case "error":
        // Refused inputs leave the session as it was; anything else ends this view.
        if (frame.code === ErrorCode.MASKED || frame.code === ErrorCode.RC_OFF) control.refused(frame.msg);
        else if (frame.code === ErrorCode.UNAUTHENTICATED) shutOut("signed-out", `${frame.msg} ${SIGNED_OUT}`);
        else if (frame.code === ErrorCode.FORBIDDEN) shutOut("error", frame.msg);
        else if (frame.code === ErrorCode.NOT_FOUND && waiting.notLive(frame.msg)) break;
        else if (!sharing.refused(frame.code, frame.msg)) setState("error", frame.msg);
        break;
    }
  };
  // Signed out (here or in another tab), deactivated, or out of the session's group: the
  // visitor's page goes from the screen too.
  const shutOut = (state: string, text: string) => {
    replayer?.destroy();
    replayer = null;
    marks.ended();
    stage.replaceChildren();
    setState(state, text);
  };

  const onStatus = (status: SocketStatus, detail: StatusDetail) => {
    if (status === "open") {
      if (detail.reconnected) setState("connecting", "Reconnected: catching up…");
      return;
    }
    if (status === "connecting") return;
    // The server process went away (or the view was closed): whatever this view showed is
    // stale until the next `joined` and snapshot, and a share cannot outlive its socket.
    window.clearTimeout(resyncTimer);
    stream.restart();
    sharing.ended();
    marks.disconnected();
    if (status === "reconnecting") {
      setState("reconnecting", "Connection lost. Reconnecting…");
      return;
    }
    const shown = root.dataset.state;
    if (shown === "ended" || shown === "error" || shown === "signed-out" || waiting.waiting) return;
    if (detail.code === CloseCode.UNAUTHENTICATED) shutOut("signed-out", SIGNED_OUT);
    else setState("closed", "Disconnected from the session.");
  };
  // End the session for everyone, or leave it to the others and go back to the dashboard.
  const endButton = root.querySelector<HTMLButtonElement>(".session-end")!;
  endButton.addEventListener("click", () => {
    endButton.disabled = true;
    send({ t: "end" });
  });
  root.querySelector<HTMLButtonElement>(".session-leave")!.addEventListener("click", () => {
    socket?.close();
    location.assign(root.dataset.dashboard || "/");
  });

  window.addEventListener("resize", fit);
  setState("connecting", "Connecting…");
  const connect = () => {
    socket = openSocket<ServerToAgent, AgentToServer>({
      url: `/ws/agent/session/${encodeURIComponent(key)}/${query}`,
      onFrame,
      onStatus,
      isFinal: (frame) => frame.t === "ended",
    });
  };
  const waiting = new WaitForSession(root, key, setState, connect);
  connect();

  return () => {
    window.removeEventListener("resize", fit);
    zoom.stop();
    window.clearTimeout(resyncTimer);
    waiting.stop();
    socket?.close();
    sharing.ended();
    replayer?.destroy();
  };
}

const root = document.getElementById("viewer");
if (root) startViewer(root);
