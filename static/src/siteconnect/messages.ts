// What the host page and the site-connect frame say to each other by postMessage. Every
// message is `{"tandem.siteconnect": {t, ...}}`; messages without that key belong to other
// scripts and are left alone, ours are checked field by field before anything acts on them.
import type { TermsStatus } from "../protocol";
import { isSessionKey } from "../visitor/keys";
import { isPattern, isTopic } from "./topics";

export const ENVELOPE = "tandem.siteconnect";

/** The host page's url and title, for the agents' list of visitors online. */
export type PageInfo = { url: string; title: string };

export type HostToFrame =
  | { t: "hello"; page: PageInfo }
  | { t: "subscribe"; id: number; pattern: string }
  | { t: "unsubscribe"; id: number }
  | { t: "publish"; topic: string; msg: unknown }
  /** What the visitor made of an agent's startSession (the consent prompt), for the agents. */
  | { t: "terms"; status: TermsStatus; key: string };

const TERMS_STATUSES: readonly string[] = ["displayed", "accepted", "declined"];

export type FrameToHost =
  | { t: "hello" }
  | { t: "suback"; id: number }
  | { t: "publish"; topic: string; msg: unknown }
  /** An agent's presence invoke, for the host page's session client to carry out. */
  | { t: "invoke"; func: "startSession"; sessionKey: string }
  | { t: "invoke"; func: "stopSession" };

/** The envelope's content, or null when the message is not a site_connect one. */
export function opened(data: unknown): { body: unknown } | null {
  if (!isRecord(data) || !Object.prototype.hasOwnProperty.call(data, ENVELOPE)) return null;
  return { body: data[ENVELOPE] };
}

export function sealed(message: HostToFrame | FrameToHost): Record<string, unknown> {
  return { [ENVELOPE]: message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

function short(value: unknown, limit = 200): string {
  return typeof value === "string" ? value.slice(0, limit) : "";
}

/** A host page message the frame may act on, or why not. */
export function parseHostMessage(body: unknown): HostToFrame | string {
  if (!isRecord(body)) return "not an object";
  switch (body.t) {
    case "hello": {
      const page = isRecord(body.page) ? body.page : {};
      return { t: "hello", page: { url: short(page.url, 2000), title: short(page.title, 500) } };
    }
    case "subscribe":
      if (!isId(body.id)) return "subscribe without a valid id";
      if (!isPattern(body.pattern)) return "subscribe without a valid topic filter";
      return { t: "subscribe", id: body.id, pattern: body.pattern };
    case "unsubscribe":
      return isId(body.id) ? { t: "unsubscribe", id: body.id } : "unsubscribe without a valid id";
    case "publish":
      if (!isTopic(body.topic)) return "publish without a valid topic";
      return { t: "publish", topic: body.topic, msg: body.msg };
    case "terms":
      if (typeof body.status !== "string" || !TERMS_STATUSES.includes(body.status)) return "terms without a valid status";
      if (!isSessionKey(body.key)) return "terms without a valid session key";
      return { t: "terms", status: body.status as TermsStatus, key: body.key };
    default:
      return `unknown type ${JSON.stringify(body.t) ?? "undefined"}`.slice(0, 80);
  }
}

/** A frame message the host page may act on, or why not. */
export function parseFrameMessage(body: unknown): FrameToHost | string {
  if (!isRecord(body)) return "not an object";
  switch (body.t) {
    case "hello":
      return { t: "hello" };
    case "suback":
      return isId(body.id) ? { t: "suback", id: body.id } : "suback without a valid id";
    case "publish":
      if (!isTopic(body.topic)) return "publish without a valid topic";
      return { t: "publish", topic: body.topic, msg: body.msg };
    case "invoke":
      if (body.func === "stopSession") return { t: "invoke", func: "stopSession" };
      if (body.func !== "startSession") return "invoke of an unknown function";
      if (!isSessionKey(body.sessionKey)) {
        return "startSession without a valid session key";
      }
      return { t: "invoke", func: "startSession", sessionKey: body.sessionKey };
    default:
      return `unknown type ${JSON.stringify(body.t) ?? "undefined"}`.slice(0, 80);
  }
}
