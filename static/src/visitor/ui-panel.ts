// The default UI's status panel: what it shows in each state of the session (connecting,
// the key, who is viewing, remote control and taking it back, connection warnings,
// errors) and its parts. ui.ts moves the state; this module only draws it.
import type { Layout } from "./ui-layout";
import { button, element } from "./ui-modal";
import { agentsText, type Texts } from "./texts";

/** The session as the panel shows it. `key` stays in a failed state so that closing the
 * panel forgets the layout saved under it. */
export type PanelState =
  | { phase: "idle" }
  | { phase: "starting" }
  | Active
  | { phase: "failed"; key: string | null; error: string; whileStarting: boolean };

/** In a session (started, or continued on this page). `watching`: the visitor accepted to
 * watch the agent's screen ("Show my screen"), so this page is not shown; `sharing`: the
 * agent's screen is on show; `error`: a problem that did not end the session. */
export type Active = {
  phase: "active";
  key: string | null;
  agents: number;
  names: string[];
  rc: boolean;
  watching: boolean;
  sharing: boolean;
  reconnecting: boolean;
  error: string | null;
};

export function active(key: string | null): Active {
  return { phase: "active", key, agents: 0, names: [], rc: false, watching: false, sharing: false, reconnecting: false, error: null };
}

/** The session's key, where the state has one. */
export function keyOf(state: PanelState): string | null {
  return state.phase === "active" || state.phase === "failed" ? state.key : null;
}

/** Digits in groups of three (a trailing single digit joins the group before it). */
function keyGroups(key: string): string[] {
  if (!/^\d{5,}$/.test(key)) return [key];
  const groups = key.match(/\d{1,3}/g) ?? [key];
  if (groups.length > 1 && groups[groups.length - 1].length === 1) {
    groups[groups.length - 2] += groups.pop();
  }
  return groups;
}

export type Panel = ReturnType<typeof buildPanel>;

export function buildPanel(text: Texts) {
  const panel = element("section", "panel");
  panel.setAttribute("aria-label", text.region);
  const head = element("div", "head");
  const title = element("p", "title");
  const grip = button("icon grip", "⠿");
  grip.setAttribute("aria-label", text.move);
  grip.title = text.move;
  const minimise = button("icon minimise");
  head.append(title, grip, minimise);
  const body = element("div", "body");
  body.id = "tandem-panel-body";
  minimise.setAttribute("aria-controls", body.id);
  const keyBox = element("p", "key");
  const digits = element("span", "digits");
  // Screen readers get the key digit by digit; the grouped display is for the eyes.
  digits.setAttribute("aria-hidden", "true");
  const spokenKey = element("span", "sr-only");
  keyBox.append(element("span", "key-label", text.keyLabel), digits, spokenKey);
  const agents = element("p", "agents");
  const rc = element("div", "note rc");
  const takeBack = button("secondary take-back", text.takeBack);
  rc.append(element("p", "rc-text", text.rcOn), takeBack);
  const watching = element("p", "note share", text.notSharingPage);
  const warning = element("p", "note warning", text.reconnecting);
  const error = element("p", "note error");
  const stop = button("stop");
  body.append(keyBox, agents, rc, watching, warning, error, stop);
  panel.append(head, body);
  // Names ending in "_" are private to the UI bundle: the build shortens them.
  return {
    panel_: panel,
    title_: title,
    grip_: grip,
    minimise_: minimise,
    body_: body,
    keyBox_: keyBox,
    digits_: digits,
    spokenKey_: spokenKey,
    agents_: agents,
    rc_: rc,
    takeBack_: takeBack,
    watching_: watching,
    warning_: warning,
    error_: error,
    stop_: stop,
  };
}

function titleOf(text: Texts, state: PanelState): string {
  if (state.phase === "starting") return text.connecting;
  if (state.phase === "failed") return state.whileStarting ? text.failedStart : text.failedLater;
  if (state.phase === "active" && state.watching) return state.sharing ? text.watching : text.watchingWait;
  return text.active;
}

function renderLayout(parts: Panel, text: Texts, layout: Layout): void {
  parts.panel_.dataset.corner = layout.corner;
  parts.panel_.classList.toggle("min", layout.minimised);
  parts.body_.hidden = layout.minimised;
  parts.minimise_.textContent = layout.minimised ? "▢" : "–";
  parts.minimise_.setAttribute("aria-label", layout.minimised ? text.restore : text.minimise);
  parts.minimise_.title = layout.minimised ? text.restore : text.minimise;
  parts.minimise_.setAttribute("aria-expanded", String(!layout.minimised));
}

export function renderPanel(parts: Panel, state: PanelState, text: Texts, locale: string, layout: Layout): void {
  const { phase } = state;
  parts.panel_.hidden = phase === "idle";
  if (phase === "idle") return;
  renderLayout(parts, text, layout);
  parts.title_.textContent = titleOf(text, state);
  const live = phase === "active" ? state : null;
  const key = keyOf(state);
  parts.keyBox_.hidden = !live || !key;
  if (key) {
    parts.digits_.replaceChildren(...keyGroups(key).map((group) => element("span", "", group)));
    parts.spokenKey_.textContent = key.split("").join(" ");
  }
  parts.agents_.hidden = !live;
  parts.agents_.textContent = agentsText(text, locale, live?.agents ?? 0, live?.names ?? []);
  parts.rc_.hidden = !live?.rc;
  parts.watching_.hidden = !live?.watching;
  parts.warning_.hidden = !live?.reconnecting;
  const error = phase === "failed" ? state.error : (live?.error ?? null);
  parts.error_.hidden = !error;
  parts.error_.textContent = error ?? "";
  parts.stop_.textContent = phase === "starting" ? text.cancel : live ? text.stop : text.close;
}
