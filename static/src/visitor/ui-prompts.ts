// The default UI's questions to the visitor: the terms (before a session, or an agent's
// one-click co-browse), an agent's remote control request, a reverse-session invitation,
// and continuing the session on another domain. Each is a modal (ui-modal.ts); a prompt
// the page's own handler answers first closes by itself (ANSWERED_EVENT).
import type { Prompt } from "./events";
import { openModal, type Choice, type Modal, type ModalLabels, type Role } from "./ui-modal";
import { fill, type Texts } from "./texts";

/** Opens a two-choice dialog in the UI (put in the page first). */
export type Ask = (role: Role, labels: ModalLabels, choice: Choice) => Modal;

export function asker(root: ShadowRoot, mount: () => void): Ask {
  return (role, labels, choice) => {
    mount();
    return openModal(root, role, labels, choice);
  };
}

/** The open dialogs of prompts the page may answer first, by prompt. */
export function answers() {
  const open = new Map<Prompt, Modal>();
  return {
    /** `modal` asks `payload`: it closes if the page answers first. */
    wait_(payload: Prompt, modal: Modal): void {
      open.set(payload, modal);
    },
    /** The page's handler (or this UI) answered `payload`: its dialog has nothing to ask. */
    answered_(payload: Prompt): void {
      open.get(payload)?.dismiss_();
      open.delete(payload);
    },
  };
}
export type Answers = ReturnType<typeof answers>;

/** The terms: before the visitor's own session (showTerms) or an agent's one-click
 * co-browse (confirm), where nothing starts, not even a connection, unless accepted. */
export function consent(ask: Ask, text: Texts, termsUrl: string | null, waiting: Answers) {
  // The last terms dialog opened (it may be closed since).
  let terms: Modal | null = null;
  const show = (choice: Choice) => {
    const link = termsUrl ? { href: termsUrl, label: text.termsLink } : undefined;
    const labels = { title: text.termsTitle, body: text.termsBody, no: text.decline, yes: text.accept, link };
    return (terms = ask("dialog", labels, choice));
  };
  return {
    /** The terms dialog is open. */
    asking_: () => !!terms?.open_(),
    showTerms_: (start: () => void) => void show({ accept: start, decline: () => undefined }),
    confirm_(payload: Prompt): void {
      if (payload.answered) return; // the page answered first
      terms?.dismiss_();
      waiting.wait_(payload, show(payload));
    },
  };
}

/** An agent's requests during a session: remote control, and a reverse session. Each
 * holds the last dialog it opened (it may be closed since). */
export function agentPrompts(ask: Ask, text: Texts, waiting: Answers) {
  let control: Modal | null = null;
  let reverse: Modal | null = null;
  return {
    requestControl_(payload: Prompt): void {
      control?.dismiss_();
      if (payload.answered) return; // the page answered first
      const labels = { title: text.rcTitle, body: text.rcBody, no: text.deny, yes: text.allow };
      waiting.wait_(payload, (control = ask("alertdialog", labels, payload)));
    },
    inviteToReverse_(payload: Prompt): void {
      reverse?.dismiss_();
      const labels = { title: text.reverseTitle, body: text.reverseBody, no: text.noThanks, yes: text.watch };
      reverse = ask("alertdialog", labels, payload);
    },
    /** The invitation is answered (in another tab too) or withdrawn: its dialog goes;
     * whether one was open. */
    reverseSettled_(): boolean {
      const pending = !!reverse?.open_();
      reverse?.dismiss_();
      return pending;
    },
    /** Control is no longer asked for (the session failed or ended). */
    dropControl_: () => control?.dismiss_(),
  };
}
export type AgentPrompts = ReturnType<typeof agentPrompts>;

/** Continue the session a page on another domain handed over (urlstartwarning)? */
export function continueHere(ask: Ask, text: Texts, waiting: Answers, payload: Prompt): void {
  if (payload.answered) return; // the page answered first
  const labels = { title: text.crossTitle, body: text.crossBody, no: text.notHere, yes: text.continueSharing };
  waiting.wait_(payload, ask("alertdialog", labels, payload));
}

/** Continue the session on `url`'s site (VisitorUI.promptCrossDomain)? */
export function continueThere(ask: Ask, text: Texts, url: string): Promise<boolean> {
  let host = url;
  try {
    host = new URL(url, location.href).host;
  } catch {
    // shown as given
  }
  const labels = { title: text.crossTitle, body: fill(text.continueOn, { host }), no: text.notHere, yes: text.continueSharing };
  return new Promise<boolean>((resolve) => {
    ask("alertdialog", labels, { decline: () => resolve(false), accept: () => resolve(true) });
  });
}
