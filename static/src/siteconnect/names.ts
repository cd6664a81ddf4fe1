// The topics Tandem itself publishes or acts on (docs/site-connect.md lists their payloads).
import { MESSAGE_EVENT } from "../visitor/events";

/** The session events the broker turns into topics (host.ts); the loader's stub keeps
 * those that fire while the broker loads. */
export const SESSION_EVENTS = ["sessionstart", "statereceived", "sessionend", MESSAGE_EVENT] as const;
export type SessionEventName = (typeof SESSION_EVENTS)[number];

export const TOPICS = {
  ready: "~/site_connect/ready",
  retry: "~/site_connect/retry",
  error: "~/site_connect/error",
  newCode: "~/site_connect/new_code",
  /** Tandem's own: whether an agent is available, `{available}`; drives the chat buttons. */
  agents: "~/site_connect/agents",
  cobrowsingStart: "~pagesession/cobrowsing/start",
  cobrowsingStop: "~pagesession/cobrowsing/stop",
  showFrame: "~pagesession/show_frame",
  minimizeFrame: "~pagesession/minimize_frame",
  hideFrame: "~pagesession/hide_frame",
  chatTrigger: "~pagesession/chat/trigger",
  proactiveTrigger: "~pagesession/proactive/trigger",
  /** Tandem's own: an agent's chat message in a co-browse session, `{data, name, from}`. */
  chatMessage: "~pagesession/chat/message",
  /** Tandem's own: publish to send the agents of the session a chat message. */
  chatSend: "~pagesession/chat/send",
} as const;

/** `~/site_connect/chat_button/<id>/enabled|disabled`. */
export function chatButtonTopic(id: string, enabled: boolean): string {
  return `~/site_connect/chat_button/${id}/${enabled ? "enabled" : "disabled"}`;
}

/** Marks an element of the host page as a chat button: its value is the button's id. */
export const CHAT_BUTTON_ATTRIBUTE = "data-site-connect-chat-button";
