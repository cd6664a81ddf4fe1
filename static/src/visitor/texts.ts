// Every word the default visitor UI shows, in one place, per language. English is complete
// and the fallback for any key a language or an integrator leaves out.
//
// The language: the script tag's `data-locale`, else GLANCE_COBROWSE.locale, else the
// group's setting (Group.ui_locale), else the browser's languages, else English. An integrator overrides any text with GLANCE_COBROWSE.texts:
// `{stop: "End"}` for every language, or `{de: {stop: "Beenden"}}` for one
// (docs/visitor-ui.md). Texts with `{name}`-style placeholders get them filled in.

export const EN = {
  termsTitle: "Let an agent see this page?",
  termsBody:
    "An agent from this website will see this page, live, as you use it, until you stop " +
    "sharing. Passwords and payment card details stay hidden from them.",
  termsLink: "Read the terms of co-browsing",
  accept: "Accept",
  decline: "Decline",
  region: "Co-browsing",
  connecting: "Connecting…",
  active: "You are sharing this page",
  watching: "You are watching the agent's screen",
  watchingWait: "The agent is about to show you their screen",
  notSharingPage: "The agent does not see this page while you watch.",
  failedStart: "Co-browsing could not start",
  failedLater: "Co-browsing has stopped",
  keyLabel: "Session key — read it to the agent",
  stop: "Stop sharing",
  cancel: "Cancel",
  close: "Close",
  minimise: "Minimise",
  restore: "Show co-browsing panel",
  move: "Move the panel",
  moved: "Panel moved to the {corner}.",
  cornerTopLeft: "top left",
  cornerTopRight: "top right",
  cornerBottomLeft: "bottom left",
  cornerBottomRight: "bottom right",
  agentsNone: "No agent yet",
  agentsOne: "1 agent is viewing",
  agentsMany: "{count} agents are viewing",
  namedOne: "{name} is viewing",
  namedMany: "{names} are viewing",
  rcTitle: "Let the agent control this page?",
  rcBody:
    "The agent is asking to click, type and scroll on this page for you. Hidden fields stay " +
    "hidden and cannot be changed by the agent. You can take back control at any time.",
  rcOn: "The agent can control this page.",
  rcOff: "The agent no longer controls this page.",
  takeBack: "Take back control",
  tookBack: "You have control again. The agent still sees this page.",
  crossTitle: "Keep sharing on this site?",
  crossBody:
    "You came here from a page you were sharing with an agent. Continue co-browsing on this " +
    "site too?",
  continueSharing: "Continue sharing",
  notHere: "Not here",
  continueOn: "Would you like to continue the session on {host}?",
  a11yOn: "The agent is using accessibility mode.",
  allow: "Allow",
  deny: "Deny",
  reverseTitle: "Watch the agent's screen?",
  reverseBody:
    "The agent would like to show you their screen. While you watch, the agent no longer " +
    "sees this page.",
  watch: "Watch",
  noThanks: "No thanks",
  reverseEnded: "The agent ended the screen session.",
  shareStarted: "The agent is showing you their screen.",
  videoStarted: "The agent is showing you their camera.",
  shareEnded: "The agent stopped sharing.",
  reconnecting: "Connection lost. Reconnecting…",
  reconnected: "Connection restored.",
  started: "Co-browsing started.",
  continued: "Co-browsing continues on this page.",
  spokenKey: "Your session key is {key}.",
  ended: "Co-browsing has ended.",
  cancelled: "Co-browsing was cancelled.",
  fallbackError: "Something went wrong with co-browsing.",
  noticeTitle: "Message from the support team",
  dismiss: "Dismiss",
  chatOpen: "Chat",
  chatUnreadOne: "1 unread message",
  chatUnreadMany: "{count} unread messages",
  chatTitle: "Chat with the agent",
  chatClose: "Close chat",
  chatReply: "Write a reply",
  chatSend: "Send",
  chatYou: "You",
  chatAgent: "Agent",
  chatFrom: "Message from {name}: {text}",
  chatEmpty: "No messages yet.",
};

export type TextKey = keyof typeof EN;
export type Texts = Record<TextKey, string>;

const DE: Texts = {
  termsTitle: "Darf ein Mitarbeiter diese Seite sehen?",
  termsBody:
    "Ein Mitarbeiter dieser Website sieht diese Seite live, während Sie sie nutzen, bis Sie " +
    "die Freigabe beenden. Passwörter und Kartendaten bleiben für ihn verborgen.",
  termsLink: "Nutzungsbedingungen für Co-Browsing lesen",
  accept: "Zustimmen",
  decline: "Ablehnen",
  region: "Co-Browsing",
  connecting: "Verbindung wird hergestellt…",
  active: "Sie teilen diese Seite",
  watching: "Sie sehen den Bildschirm des Mitarbeiters",
  watchingWait: "Der Mitarbeiter zeigt Ihnen gleich seinen Bildschirm",
  notSharingPage: "Während Sie zusehen, sieht der Mitarbeiter diese Seite nicht.",
  failedStart: "Co-Browsing konnte nicht starten",
  failedLater: "Co-Browsing wurde beendet",
  keyLabel: "Sitzungsschlüssel – lesen Sie ihn dem Mitarbeiter vor",
  stop: "Freigabe beenden",
  cancel: "Abbrechen",
  close: "Schließen",
  minimise: "Minimieren",
  restore: "Co-Browsing-Fenster anzeigen",
  move: "Fenster verschieben",
  moved: "Fenster nach {corner} verschoben.",
  cornerTopLeft: "oben links",
  cornerTopRight: "oben rechts",
  cornerBottomLeft: "unten links",
  cornerBottomRight: "unten rechts",
  agentsNone: "Noch kein Mitarbeiter",
  agentsOne: "1 Mitarbeiter sieht zu",
  agentsMany: "{count} Mitarbeiter sehen zu",
  namedOne: "{name} sieht zu",
  namedMany: "{names} sehen zu",
  rcTitle: "Darf der Mitarbeiter diese Seite steuern?",
  rcBody:
    "Der Mitarbeiter möchte auf dieser Seite für Sie klicken, tippen und scrollen. Verborgene " +
    "Felder bleiben verborgen und können nicht geändert werden. Sie können die Steuerung " +
    "jederzeit zurücknehmen.",
  rcOn: "Der Mitarbeiter kann diese Seite steuern.",
  rcOff: "Der Mitarbeiter steuert diese Seite nicht mehr.",
  takeBack: "Steuerung zurücknehmen",
  tookBack: "Sie haben wieder die Steuerung. Der Mitarbeiter sieht die Seite weiterhin.",
  crossTitle: "Auch auf dieser Website weiter teilen?",
  crossBody:
    "Sie kommen von einer Seite, die Sie mit einem Mitarbeiter geteilt haben. Co-Browsing " +
    "auch auf dieser Website fortsetzen?",
  continueSharing: "Weiter teilen",
  notHere: "Hier nicht",
  continueOn: "Möchten Sie die Sitzung auf {host} fortsetzen?",
  a11yOn: "Der Mitarbeiter nutzt den Barrierefreiheitsmodus.",
  allow: "Erlauben",
  deny: "Verweigern",
  reverseTitle: "Den Bildschirm des Mitarbeiters ansehen?",
  reverseBody:
    "Der Mitarbeiter möchte Ihnen seinen Bildschirm zeigen. Während Sie zusehen, sieht er " +
    "diese Seite nicht mehr.",
  watch: "Ansehen",
  noThanks: "Nein danke",
  reverseEnded: "Der Mitarbeiter hat die Bildschirmfreigabe beendet.",
  shareStarted: "Der Mitarbeiter zeigt Ihnen seinen Bildschirm.",
  videoStarted: "Der Mitarbeiter zeigt Ihnen seine Kamera.",
  shareEnded: "Der Mitarbeiter hat die Freigabe beendet.",
  reconnecting: "Verbindung unterbrochen. Neuer Versuch…",
  reconnected: "Verbindung wiederhergestellt.",
  started: "Co-Browsing gestartet.",
  continued: "Co-Browsing geht auf dieser Seite weiter.",
  spokenKey: "Ihr Sitzungsschlüssel ist {key}.",
  ended: "Co-Browsing ist beendet.",
  cancelled: "Co-Browsing wurde abgebrochen.",
  fallbackError: "Beim Co-Browsing ist ein Fehler aufgetreten.",
  noticeTitle: "Nachricht vom Support-Team",
  dismiss: "Schließen",
  chatOpen: "Chat",
  chatUnreadOne: "1 ungelesene Nachricht",
  chatUnreadMany: "{count} ungelesene Nachrichten",
  chatTitle: "Chat mit dem Mitarbeiter",
  chatClose: "Chat schließen",
  chatReply: "Antwort schreiben",
  chatSend: "Senden",
  chatYou: "Sie",
  chatAgent: "Mitarbeiter",
  chatFrom: "Nachricht von {name}: {text}",
  chatEmpty: "Noch keine Nachrichten.",
};

/** The languages shipped, by their primary language subtag. */
export const LOCALES: Record<string, Texts> = { en: EN, de: DE };

/** The first of `wanted` (language tags, best first) Tandem ships; English otherwise. */
export function pickLocale(wanted: readonly (string | null | undefined)[]): string {
  for (const tag of wanted) {
    const primary = typeof tag === "string" ? tag.trim().toLowerCase().split(/[-_]/)[0] : "";
    if (primary && primary in LOCALES) return primary;
  }
  return "en";
}

function isTextKey(name: string): name is TextKey {
  return Object.prototype.hasOwnProperty.call(EN, name);
}

/** Overrides an integrator gave: flat `{key: text}` for every language, and
 * `{<locale>: {key: text}}` for one; anything else is ignored (with a warning). */
function overridesFor(locale: string, given: unknown): Partial<Texts> {
  const out: Partial<Texts> = {};
  if (!given || typeof given !== "object") return out;
  const take = (from: Record<string, unknown>, perLocale: boolean) => {
    for (const [name, value] of Object.entries(from)) {
      if (isTextKey(name) && typeof value === "string") out[name] = value;
      else if (!perLocale && name in LOCALES) continue;
      else console.warn(`[Tandem] GLANCE_COBROWSE.texts: no text '${name}' to override`);
    }
  };
  take(given as Record<string, unknown>, false);
  const own = (given as Record<string, unknown>)[locale];
  if (own && typeof own === "object") take(own as Record<string, unknown>, true);
  return out;
}

export function resolveTexts(locale: string, overrides?: unknown): Texts {
  return { ...EN, ...LOCALES[locale], ...overridesFor(locale, overrides) };
}

/** `template` with each `{name}` replaced by `values[name]` (left as is when not given). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** "Ana", "Ana and Ben", "Ana, Ben and Cy", in the language's own way. */
export function listNames(locale: string, names: string[]): string {
  try {
    return new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).format(names);
  } catch {
    return names.join(", ");
  }
}

/** Who is viewing: by name when the server named them, else by count. */
export function agentsText(texts: Texts, locale: string, count: number, names: string[]): string {
  if (count <= 0) return texts.agentsNone;
  // One agent in two tabs is one name: the names say who, the count only how many sockets.
  if (names.length === 1) return fill(texts.namedOne, { name: names[0] });
  if (names.length > 1) return fill(texts.namedMany, { names: listNames(locale, names) });
  return count === 1 ? texts.agentsOne : fill(texts.agentsMany, { count });
}
