// Which fields were passwords at any time since the page loaded. The loader starts this
// at page load; the recorder, which loads only when a session starts, asks it, so a
// password the visitor switched to visible text before the session stays masked.
// Kept tiny: it ships in the loader.

/** True when `element` is, or ever was since the loader ran, a password field. */
export type PastPasswords = (element: Element) => boolean;

export function watchPasswords(): PastPasswords {
  const seen = new WeakSet<Element>();
  const isPassword = (node: unknown): node is HTMLInputElement =>
    node instanceof HTMLInputElement && node.type === "password";
  // A type change from password, whoever made it (attribute or `.type =`, both reflect).
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.oldValue?.toLowerCase() === "password") seen.add(record.target as Element);
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["type"], attributeOldValue: true });
  // Fields in shadow roots are out of the observer's reach: one the visitor focuses or
  // types into while it is a password is remembered from the event.
  const note = (event: Event) => {
    const target = event.composedPath()[0];
    if (isPassword(target)) seen.add(target);
  };
  window.addEventListener("focusin", note, true);
  window.addEventListener("input", note, true);
  return (element) => seen.has(element) || isPassword(element);
}
