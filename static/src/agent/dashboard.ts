// The agent dashboard: the live list of active sessions in the agent's groups.
import { CloseCode, type DashboardToServer, type ServerToDashboard, type SessionSummary } from "../protocol";
import { openAgentSocket, type AgentSocket, type SocketStatus, type StatusDetail } from "../socket";
import { visitorText } from "./visitor-info";
import { VisitorsTable } from "./visitors";

type Send = (frame: DashboardToServer) => boolean;

function row(session: SessionSummary): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.key = session.key;
  const cells = [
    session.key,
    visitorText(session.visitor),
    `${session.groupName} (${session.group})`,
    session.site,
    new Date(session.startedAt).toLocaleTimeString(),
    String(session.agents),
  ];
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  tr.cells[1].className = "visitor";
  tr.cells[5].className = "agents";
  const link = document.createElement("a");
  link.href = `/agent/session/${encodeURIComponent(session.key)}/?group=${session.group}`;
  link.textContent = "Watch";
  link.className = "watch";
  const action = document.createElement("td");
  action.append(link);
  tr.append(action);
  return tr;
}

/** The Available / Away switch: the server says where it stands (the same on every open
 * dashboard of the agent), a click asks to change it. Returns how to show a new state,
 * and how to show that the socket is down. */
function bindAvailability(send: Send): { show(available: boolean): void; down(text: string): void } | null {
  const box = document.getElementById("availability");
  const status = document.getElementById("availability-status");
  if (!(box instanceof HTMLInputElement) || !status) return null;
  box.addEventListener("change", () => {
    if (!send({ t: "availability", available: box.checked })) return;
    box.disabled = true; // until the server confirms
  });
  return {
    show(available: boolean) {
      box.checked = available;
      box.disabled = false;
      status.textContent = available
        ? "Available: visitors on your sites see that an agent is here."
        : "Away: visitors see that no agent is available.";
    },
    down(text: string) {
      box.disabled = true;
      status.textContent = text;
    },
  };
}

function startDashboard(table: HTMLTableElement): () => void {
  const body = table.tBodies[0];
  const empty = document.getElementById("no-sessions");
  const refreshEmpty = () => empty?.toggleAttribute("hidden", body.rows.length > 0);
  const find = (key: string) => body.querySelector<HTMLTableRowElement>(`tr[data-key="${CSS.escape(key)}"]`);
  let socket: AgentSocket<DashboardToServer> | null = null;
  const send: Send = (frame) => socket?.send(frame) ?? false;
  const visitorsTable = document.getElementById("visitors");
  const visitors =
    visitorsTable instanceof HTMLTableElement
      ? new VisitorsTable(visitorsTable, send)
      : null;
  const messageForm = document.getElementById("message-visitor");
  if (visitors && messageForm instanceof HTMLFormElement) visitors.bindMessageForm(messageForm);
  const findForm = document.getElementById("find-visitor");
  const found = document.getElementById("found-visitor");
  if (visitors && findForm instanceof HTMLFormElement && found instanceof HTMLTableElement) visitors.bindFindForm(findForm, found);
  const availability = bindAvailability(send);
  const connection = document.getElementById("connection");
  const onFrame = (frame: ServerToDashboard) => {
    visitors?.handle(frame);
    if (frame.t === "error") document.getElementById("signal-status")!.textContent = frame.msg;
    switch (frame.t) {
      case "sessions": // in parts: the first replaces the list, the others extend it
        if (frame.part) body.append(...frame.sessions.map(row));
        else body.replaceChildren(...frame.sessions.map(row));
        break;
      case "session":
        find(frame.session.key)?.remove();
        body.prepend(row(frame.session));
        break;
      case "session_ended":
        find(frame.key)?.remove();
        break;
      case "agents": {
        const cell = find(frame.key)?.querySelector(".agents");
        if (cell) cell.textContent = String(frame.count);
        break;
      }
      case "availability":
        availability?.show(frame.available);
        break;
      case "error":
        table.dataset.error = frame.msg;
        break;
    }
    refreshEmpty();
    table.dataset.ready = "true";
  };
  // While the socket is down the lists are stale: they are sent whole again on reconnect.
  const onStatus = (status: SocketStatus, detail: StatusDetail) => {
    table.dataset.connection = status;
    if (status === "open" || status === "connecting") {
      if (connection) connection.hidden = true;
      return;
    }
    const text =
      status === "reconnecting"
        ? "Connection lost. Reconnecting…"
        : detail.code === CloseCode.UNAUTHENTICATED
          ? "You are signed out. Sign in again to see sessions."
          : "Disconnected: reload the page.";
    if (status === "closed") {
      body.replaceChildren();
      visitors?.clear();
      refreshEmpty();
    }
    availability?.down(text);
    if (connection) {
      connection.textContent = text;
      connection.hidden = false;
    }
  };
  socket = openAgentSocket<ServerToDashboard, DashboardToServer>({ path: "/ws/agent/dashboard/", onFrame, onStatus });
  return () => socket?.close();
}

const table = document.getElementById("sessions");
if (table instanceof HTMLTableElement) startDashboard(table);
