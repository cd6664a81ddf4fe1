// The :host rules of each shadow root Tandem puts into the visitor's page (the UI, the view
// panels, the agents' marks). Every rule is !important: across a shadow boundary, an
// important rule from inside beats the page's own, so no page stylesheet can hide, move or
// restyle them. The host is a box of no size at the top left; what is inside places itself
// with position: fixed.

/** The :host block. `zIndex`: the UI (2147483647, the highest there is) stays above the
 * view panels, and both above the marks. `pointerEvents`: "none" for the marks, which must
 * never take a click meant for the page. */
export function hostCSS(zIndex: number, pointerEvents: "auto" | "none"): string {
  return `
:host {
  all: initial !important;
  display: block !important;
  position: fixed !important;
  top: 0 !important;
  left: 0 !important;
  width: 0 !important;
  height: 0 !important;
  overflow: visible !important;
  z-index: ${zIndex} !important;
  visibility: visible !important;
  opacity: 1 !important;
  transform: none !important;
  pointer-events: ${pointerEvents} !important;
}
[hidden] { display: none !important; }
`;
}
