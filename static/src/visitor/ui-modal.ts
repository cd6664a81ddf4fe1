// A two-choice modal dialog for the visitor UI (the terms, the remote control prompt): a
// native <dialog> opened with showModal(), so the rest of the page is inert without any
// change to the page's own DOM, with focus kept inside it and given back when it closes.
// Also the UI's two DOM helpers (element, button), which the panel and the chat use too:
// this is the module all of them import.

export type Role = "dialog" | "alertdialog";

/** What a dialog says: its title and text, its buttons (`no` declines, `yes` accepts) and
 * a page to read before choosing (the terms of co-browsing), opened in a new tab. */
export type ModalLabels = { title: string; body: string; no: string; yes: string; link?: { href: string; label: string } };

/** The two choices. Declining is the safe one: it has the initial focus, and Escape or
 * the browser closing the dialog means it. */
export type Choice = { accept(): void; decline(): void };

export type Modal = {
  /** Close without running either choice (the session it asked about is gone). The "_":
   * private to the UI bundle, so the build shortens it. */
  dismiss_(): void;
  /** Not yet answered nor dismissed. */
  open_(): boolean;
};

let counter = 0;

/** A new `tag` element of `className`, with `text` if any: every element of the UI (the
 * panel, the chat, the dialogs) is made by this one function. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ""): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** A button that never submits a form unless `type` says so. */
export function button(className: string, text = "", type: "button" | "submit" = "button"): HTMLButtonElement {
  const made = element("button", className, text);
  made.type = type;
  return made;
}

/** The element that has focus, looking inside shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}

/** The dialog's elements, labelled for assistive technology. */
function buildDialog(role: Role, labels: ModalLabels) {
  const id = `tandem-modal-${++counter}`;
  const dialog = element("dialog", "modal");
  dialog.setAttribute("role", role);
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", `${id}-title`);
  dialog.setAttribute("aria-describedby", `${id}-body`);
  const title = element("h2", "modal-title", labels.title);
  title.id = `${id}-title`;
  const body = element("p", "modal-body", labels.body);
  body.id = `${id}-body`;
  const link = labels.link ? element("a", "modal-link", labels.link.label) : null;
  if (link && labels.link) {
    link.href = labels.link.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  }
  const actions = element("div", "actions");
  const decline = button("secondary", labels.no);
  const accept = button("primary", labels.yes);
  actions.append(decline, accept);
  dialog.append(title, body, ...(link ? [link] : []), actions);
  return { dialog, link, decline, accept };
}

/** Opens the dialog in the UI's shadow `root`; `choice` runs what the visitor chose. */
export function openModal(root: ShadowRoot, role: Role, labels: ModalLabels, choice: Choice): Modal {
  const { dialog, link, decline, accept } = buildDialog(role, labels);
  const opener = deepActiveElement();
  let settled = false;

  function close(chosen: (() => void) | null): void {
    if (settled) return;
    settled = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    // Give focus back to whatever the visitor was on, if the choice did not move it.
    const now = deepActiveElement();
    if (opener?.isConnected && (!now || now === document.body)) opener.focus();
    chosen?.();
  }

  decline.addEventListener("click", () => close(choice.decline));
  accept.addEventListener("click", () => close(choice.accept));
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close(choice.decline);
    } else if (event.key === "Tab") {
      trapTab(event, link ? [link, decline, accept] : [decline, accept], root);
    }
  });
  // The browser may close a modal dialog itself (a close request it does not let the page
  // cancel): that is a decline too.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    close(choice.decline);
  });
  dialog.addEventListener("close", () => close(choice.decline));

  root.append(dialog);
  dialog.showModal();
  decline.focus();
  return { dismiss_: () => close(null), open_: () => !settled };
}

/** Tab and Shift+Tab cycle through the dialog's buttons and never leave it. */
function trapTab(event: KeyboardEvent, order: HTMLElement[], root: ShadowRoot): void {
  const current = order.indexOf(root.activeElement as HTMLElement);
  const step = event.shiftKey ? -1 : 1;
  const next = current === -1 ? 0 : (current + step + order.length) % order.length;
  event.preventDefault();
  order[next].focus();
}
