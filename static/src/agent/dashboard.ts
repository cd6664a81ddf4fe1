// The agent dashboard: the live queue of sessions in the agent's groups, the visitors
// online, and the notices of new sessions (title badge, optional tone and notification).
import { ErrorCode, type DashboardToServer, type ServerToDashboard, type SessionSummary } from "../protocol";
import { PERMANENT_CLOSE, openSocket, sameOrigin, type Socket, type SocketStatus } from "../socket";
import { Notifier, TitleBadge, pageSeen, type Announcement } from "./notify";
import { SessionQueue, visitorLabel, watchHref } from "./queue";
import { VisitorsTable } from "./visitors";

type Send = (frame: DashboardToServer) => boolean;

/** What a new session's notice says: who, and on which page. */
function announcement(session: SessionSummary): Announcement {
  const page = session.page.title || session.page.url;
  return {
    title_: `New co-browsing session: ${visitorLabel(session)}`,
    body_: page ? `On ${page} (${session.site})` : `Session ${session.key} (${session.site})`,
    tag_: `tandem-session-${session.group}-${session.key}`,
    href_: watchHref(session),
  };
}

/** The Available / Away switch: the server says where it stands (the same on every open
 * dashboard of the agent), a click asks to change it. Returns how to show a new state,
 * and how to show that the socket is down. */
function bindAvailability(send: Send): { show_(available: boolean): void; down_(text: string): void } | null {
  const box = document.getElementById("availability");
  const status = document.getElementById("availability-status");
  if (!(box instanceof HTMLInputElement) || !status) return null;
  box.addEventListener("change", () => {
    if (!send({ t: "availability", available: box.checked })) return;
    box.disabled = true; // until the server confirms
  });
  return {
    show_(available: boolean) {
      box.checked = available;
      box.disabled = false;
      status.textContent = available
        ? "Available: visitors on your sites see that an agent is here."
        : "Away: visitors see that no agent is available.";
    },
    down_(text: string) {
      box.disabled = true;
      status.textContent = text;
    },
  };
}

/** The visitors online, with the forms to message and find one (absent when the page
 * has no visitors table). */
function bindVisitors(send: Send): VisitorsTable | null {
  const table = document.getElementById("visitors");
  if (!(table instanceof HTMLTableElement)) return null;
  const visitors = new VisitorsTable(table, send);
  const messageForm = document.getElementById("message-visitor");
  if (messageForm instanceof HTMLFormElement) visitors.bindMessageForm(messageForm);
  const findForm = document.getElementById("find-visitor");
  const found = document.getElementById("found-visitor");
  if (findForm instanceof HTMLFormElement && found instanceof HTMLTableElement) visitors.bindFindForm(findForm, found);
  return visitors;
}

/** The dashboard's parts, each driven by the frames that concern it (names private to
 * this bundle end in "_": static/build.mjs). */
function dashboardParts(table: HTMLTableElement, send: Send) {
  const body = table.tBodies[0];
  const empty = document.getElementById("no-sessions");
  const count = document.getElementById("session-count");
  const noMatch = document.getElementById("no-match");
  const refreshEmpty = () => {
    empty?.toggleAttribute("hidden", queue.size > 0);
    const shown = body.rows.length;
    noMatch?.toggleAttribute("hidden", shown > 0 || !queue.size);
    if (count) count.textContent = shown === queue.size ? `${queue.size}` : `${shown} of ${queue.size}`;
  };
  const queue = new SessionQueue(body, () => refreshEmpty());
  const controls = document.getElementById("queue-controls");
  if (controls instanceof HTMLFormElement) queue.bindControls(controls);
  const notifier = new Notifier();
  notifier.bind(
    document.getElementById("notify-sound") as HTMLInputElement | null,
    document.getElementById("notify-desktop") as HTMLButtonElement | null,
    document.getElementById("notify-status"),
  );
  const badge = new TitleBadge();
  const visitors = bindVisitors(send);
  const availability = bindAvailability(send);
  const connection = document.getElementById("connection");
  return { table_: table, queue_: queue, refreshEmpty_: refreshEmpty, notifier_: notifier, badge_: badge, visitors_: visitors, availability_: availability, connection_: connection };
}
type Parts = ReturnType<typeof dashboardParts>;

function dashboardFrame(parts: Parts, frame: ServerToDashboard): void {
  const { queue_: queue } = parts;
  parts.visitors_?.handle(frame);
  switch (frame.t) {
    case "sessions": // in parts: the first replaces the list, the others extend it
      queue.replace(frame.sessions, Boolean(frame.part));
      break;
    case "session":
      // A new session, or one that changed (its visitor went to another page).
      if (queue.upsert(frame.session)) {
        if (!pageSeen()) parts.badge_.add();
        parts.notifier_.announce(announcement(frame.session));
      }
      break;
    case "session_ended":
      queue.remove(frame.key);
      break;
    case "agents":
      queue.agents(frame.key, frame.count);
      break;
    case "availability":
      parts.availability_?.show_(frame.available);
      break;
    case "error":
      document.getElementById("signal-status")!.textContent = parts.table_.dataset.error = frame.msg;
      break;
  }
  parts.refreshEmpty_();
  parts.table_.dataset.ready = "true";
}

/** While the socket is down the lists are stale: they are sent whole again on reconnect.
 * `signedOut`: the server refused the agent (not signed in, signed out, deactivated), which
 * it always says in an error frame before its 4401 close. */
function connectionChanged(parts: Parts, status: SocketStatus, signedOut: boolean): void {
  const { connection_: connection } = parts;
  parts.table_.dataset.connection = status;
  if (status === "open" || status === "connecting") {
    if (connection) connection.hidden = true;
    return;
  }
  const text =
    status === "reconnecting"
      ? "Connection lost. Reconnecting…"
      : signedOut
        ? "You are signed out. Sign in again to see sessions."
        : "Disconnected: reload the page.";
  if (status === "closed") {
    parts.queue_.clear();
    parts.visitors_?.clear();
    parts.refreshEmpty_();
  }
  parts.availability_?.down_(text);
  if (connection) {
    connection.textContent = text;
    connection.hidden = false;
  }
}

function startDashboard(table: HTMLTableElement): () => void {
  let socket: Socket<DashboardToServer> | null = null;
  const parts = dashboardParts(table, (frame) => socket?.send(frame) ?? false);
  let signedOut = false;
  socket = openSocket<ServerToDashboard, DashboardToServer>({
    url_: sameOrigin("/ws/agent/dashboard/"),
    onFrame_: (frame) => dashboardFrame(parts, frame),
    onStatus_: (status) => connectionChanged(parts, status, signedOut),
    // Signed out is the end even when the server's 4401 close after it is lost on the way.
    isFinal_: (frame) => (signedOut ||= frame.t === "error" && frame.code === ErrorCode.UNAUTHENTICATED),
    permanent_: PERMANENT_CLOSE,
  });
  return () => socket?.close();
}

const table = document.getElementById("sessions");
if (table instanceof HTMLTableElement) startDashboard(table);
