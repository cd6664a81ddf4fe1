// A two-choice modal dialog for the visitor UI (the terms, the remote control prompt): a
// native <dialog> opened with showModal(), so the rest of the page is inert without any
// change to the page's own DOM, with focus kept inside it and given back when it closes.

export type ModalOptions = {
  root: ShadowRoot;
  role: "dialog" | "alertdialog";
  title: string;
  body: string;
  /** A page to read before choosing (the terms of co-browsing), opened in a new tab. */
  link?: { href: string; label: string };
  /** The safe choice: initial focus, and what Escape means. */
  decline: { label: string; run(): void };
  accept: { label: string; run(): void };
};

export type Modal = {
  /** Close without running either choice (the session it asked about is gone). */
  dismiss(): void;
};

let counter = 0;

/** The element that has focus, looking inside shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}

/** The dialog's elements, labelled for assistive technology. */
function buildDialog(options: ModalOptions) {
  const id = `tandem-modal-${++counter}`;
  const dialog = document.createElement("dialog");
  dialog.className = "modal";
  dialog.setAttribute("role", options.role);
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", `${id}-title`);
  dialog.setAttribute("aria-describedby", `${id}-body`);
  const title = document.createElement("h2");
  title.id = `${id}-title`;
  title.className = "modal-title";
  title.textContent = options.title;
  const body = document.createElement("p");
  body.id = `${id}-body`;
  body.className = "modal-body";
  body.textContent = options.body;
  const link = options.link ? document.createElement("a") : null;
  if (link && options.link) {
    link.className = "modal-link";
    link.href = options.link.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = options.link.label;
  }
  const actions = document.createElement("div");
  actions.className = "actions";
  const decline = button(options.decline.label, "secondary");
  const accept = button(options.accept.label, "primary");
  actions.append(decline, accept);
  dialog.append(title, body, ...(link ? [link] : []), actions);
  return { dialog, link, decline, accept };
}

export function openModal(options: ModalOptions): Modal {
  const { dialog, link, decline, accept } = buildDialog(options);
  const opener = deepActiveElement();
  let settled = false;

  function close(choice: (() => void) | null): void {
    if (settled) return;
    settled = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    // Give focus back to whatever the visitor was on, if the choice did not move it.
    const now = deepActiveElement();
    if (opener?.isConnected && (!now || now === document.body)) opener.focus();
    choice?.();
  }

  decline.addEventListener("click", () => close(options.decline.run));
  accept.addEventListener("click", () => close(options.accept.run));
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close(options.decline.run);
    } else if (event.key === "Tab") {
      trapTab(event, link ? [link, decline, accept] : [decline, accept], options.root);
    }
  });
  // The browser may close a modal dialog itself (a close request it does not let the page
  // cancel): that is a decline too.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    close(options.decline.run);
  });
  dialog.addEventListener("close", () => close(options.decline.run));

  options.root.append(dialog);
  dialog.showModal();
  decline.focus();
  return { dismiss: () => close(null) };
}

function button(label: string, kind: "primary" | "secondary"): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.className = kind;
  element.textContent = label;
  return element;
}

/** Tab and Shift+Tab cycle through the dialog's buttons and never leave it. */
function trapTab(event: KeyboardEvent, order: HTMLElement[], root: ShadowRoot): void {
  const current = order.indexOf(root.activeElement as HTMLElement);
  const step = event.shiftKey ? -1 : 1;
  const next = current === -1 ? 0 : (current + step + order.length) % order.length;
  event.preventDefault();
  order[next].focus();
}
