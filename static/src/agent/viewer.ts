// The live viewer: the visitor's page replayed (replay.ts), the session's controls (remote
// control, share, marks, chat, accessibility) and its socket, which comes back by itself.
import "@rrweb/replay/dist/style.css";
import { CloseCode, ErrorCode, type AgentToServer, type ServerToAgent } from "../protocol";
import { agentFinal } from "./final";
import { PERMANENT_CLOSE, openSocket, sameOrigin, type Socket, type SocketStatus, type StatusDetail } from "../socket";
import { MarkTools } from "./annotate";
import { AssetRewriter } from "./assets";
import { ChatPanel } from "./chat";
import { RemoteControl } from "./control";
import { showEnded } from "./ended";
import { VisitorPage } from "./pageinfo";
import { LiveReplay } from "./replay";
import { ShareControls } from "./share";
import { StatusLine } from "./statusline";
import { startViewerQueue } from "./switcher";
import { visitorText } from "./visitor-info";
import { WaitForSession } from "./waiting";

const SIGNED_OUT = "You are signed out: sign in again to watch this session.";

type Frame<T extends ServerToAgent["t"]> = Extract<ServerToAgent, { t: T }>;
type FrameHandlers = { [T in ServerToAgent["t"]]: (frame: Frame<T>) => void };

/** The viewer's parts, each driven by the frames that concern it. */
function viewerParts(root: HTMLElement, send: (frame: AgentToServer) => void) {
  const stage = root.querySelector<HTMLElement>(".stage")!;
  const line = new StatusLine(root, root.querySelector<HTMLElement>(".status")!);
  const visitorPage = new VisitorPage(root.querySelector<HTMLElement>(".page-title")!, root.querySelector<HTMLElement>(".page-url")!);
  const control = new RemoteControl(root, send);
  const assets = new AssetRewriter();
  const setState = (state: string, text: string) => line.connection(state, text);
  const replay = new LiveReplay(root, stage, {
    setState,
    send,
    visitorPage,
    page(page) {
      control.page = page;
      marks.page(page);
    },
    rebuilt: (replayer) => control.attach(replayer),
    replayed: (events) => control.unsent(events),
  }, assets);
  const marks = new MarkTools(root, stage, send, () => replay.iframe);
  const chatPanel = root.querySelector<HTMLElement>(".chat");
  return {
    root,
    line,
    setState,
    replay,
    control,
    assets,
    marks,
    sharing: new ShareControls(root, send),
    chat: chatPanel ? new ChatPanel(chatPanel, send) : null,
    queue: startViewerQueue(root, root.dataset.key!),
  };
}
type Parts = ReturnType<typeof viewerParts>;

/** Accessibility mode: a high-contrast, larger view for the agent, and the visitor's page
 * is told (its `accessibility` event). Returns how to show it. */
function accessibilityToggle(root: HTMLElement, send: (frame: AgentToServer) => void): (enabled: boolean) => void {
  const toggle = root.querySelector<HTMLButtonElement>(".a11y-toggle")!;
  toggle.addEventListener("click", () => send({ t: "accessibility", enabled: toggle.getAttribute("aria-pressed") !== "true" }));
  return (enabled) => {
    toggle.setAttribute("aria-pressed", String(enabled));
    root.dataset.a11y = enabled ? "on" : "off";
  };
}

/** The server's frames, one handler each. `waiting` is for keys no session has yet. */
function viewerFrames(parts: Parts, showA11y: (enabled: boolean) => void, waiting: WaitForSession): FrameHandlers {
  const { root, line, setState, replay, control, sharing, marks, chat } = parts;
  let started = 0; // when the session started (epoch ms), from `joined`
  const joined = (frame: Frame<"joined">) => {
    parts.queue.joined();
    waiting.joined();
    root.querySelector(".agents")!.textContent = String(frame.agents);
    root.querySelector(".visitor")!.textContent = visitorText(frame.visitor);
    if (chat) chat.index = frame.index;
    started = frame.started;
    line.visitor(frame.presence);
    control.changed(frame.rc, frame.rc_to);
    showA11y(frame.accessibility);
    sharing.joined(frame.index, frame.share, frame.reverse);
    parts.assets.configure(frame.assets);
    // A reverse-only session: nothing of the visitor's page will come, do not wait for it.
    if (frame.reverse_only) return setState("reverse", "Reverse session: the visitor's page is not shown here.");
    setState("waiting", "Waiting for the visitor's page…");
    replay.awaitSnapshot();
  };
  return {
    // Another session started in the group: the agent hears of it here.
    session_new: (frame) => parts.queue.session(frame.session),
    joined,
    ev: (frame) => replay.receive(frame),
    snap: (frame) => replay.receive(frame),
    agents: (frame) => (root.querySelector(".agents")!.textContent = String(frame.count)),
    visitor: (frame) => line.visitor(frame),
    message: (frame) => chat?.show(frame),
    ended: (frame) => {
      replay.stopWaiting();
      setState("ended", "The session has ended.");
      line.stop();
      sharing.ended();
      control.ended();
      marks.ended();
      showEnded(root, frame.reason, started);
    },
    rc: (frame) => control.changed(frame.enabled, frame.to),
    accessibility: (frame) => showA11y(frame.enabled),
    rc_pending: () => control.pending(),
    rc_declined: () => control.declined(),
    share: (frame) => sharing.shared(frame),
    rtc: (frame) => sharing.rtc(frame),
    draw_dismissed: () => marks.dismissed(),
    reverse: (frame) => sharing.reversed(frame.state),
    error: (frame) => refused(parts, waiting, frame.code, frame.msg),
  };
}

/** An error frame: refused inputs leave the session as it was; anything else ends this view. */
function refused(parts: Parts, waiting: WaitForSession, code: string, msg: string): void {
  if (code === ErrorCode.MASKED || code === ErrorCode.RC_OFF || code === ErrorCode.RC_BUSY) parts.control.refused(msg);
  else if (code === ErrorCode.UNAUTHENTICATED) shutOut(parts, "signed-out", `${msg} ${SIGNED_OUT}`);
  else if (code === ErrorCode.FORBIDDEN) shutOut(parts, "error", msg);
  else if (code === ErrorCode.NOT_FOUND && waiting.notLive(msg)) return;
  else if (!parts.sharing.refused(code, msg)) parts.setState("error", msg);
}

/** Signed out (here or in another tab), deactivated, or out of the session's group: the
 * visitor's page goes from the screen too. */
function shutOut(parts: Parts, state: string, text: string): void {
  parts.replay.clear();
  parts.marks.ended();
  parts.setState(state, text);
}

/** The socket's state: while it is down whatever this view showed is stale until the next
 * `joined` and snapshot, and a share cannot outlive its socket. */
function connectionChanged(parts: Parts, waiting: WaitForSession, status: SocketStatus, detail: StatusDetail, reconnected: boolean): void {
  if (status === "open") {
    if (reconnected) parts.setState("connecting", "Reconnected: catching up…");
    return;
  }
  if (status === "connecting") return;
  parts.replay.restart();
  parts.sharing.ended();
  parts.marks.disconnected();
  if (status === "reconnecting") {
    parts.setState("reconnecting", "Connection lost. Reconnecting…");
    return;
  }
  const shown = parts.root.dataset.state;
  if (shown === "ended" || shown === "error" || shown === "signed-out" || waiting.waiting) return;
  if (detail.code_ === CloseCode.UNAUTHENTICATED) shutOut(parts, "signed-out", SIGNED_OUT);
  else parts.setState("closed", "Disconnected from the session.");
}

function startViewer(root: HTMLElement): () => void {
  const key = root.dataset.key!;
  // Assigned below, once the handlers it calls exist; nothing sends before it opens.
  let socket: Socket<AgentToServer> | null = null;
  const send = (frame: AgentToServer) => void socket?.send(frame);
  const parts = viewerParts(root, send);
  // ?group= picks the group when the key is live in several of the agent's groups.
  const group = new URLSearchParams(location.search).get("group");
  const path = `/ws/agent/session/${encodeURIComponent(key)}/${group ? `?group=${encodeURIComponent(group)}` : ""}`;
  const connect = () => {
    let opened = false; // an earlier connection of this socket opened
    socket = openSocket<ServerToAgent, AgentToServer>({
      url_: sameOrigin(path),
      onFrame_: (frame) => (frames[frame.t] as (frame: ServerToAgent) => void)(frame),
      onStatus_: (status, detail) => {
        connectionChanged(parts, waiting, status, detail, opened);
        if (status === "open") opened = true;
      },
      isFinal_: agentFinal,
      permanent_: PERMANENT_CLOSE,
    });
  };
  const waiting = new WaitForSession(root, key, parts.setState, connect);
  const frames = viewerFrames(parts, accessibilityToggle(root, send), waiting);
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
  parts.setState("connecting", "Connecting…");
  connect();
  return () => {
    waiting.stop();
    socket?.close();
    parts.sharing.ended();
    parts.replay.stop();
  };
}

const root = document.getElementById("viewer");
if (root) startViewer(root);
