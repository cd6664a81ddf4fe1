// The visitor UI's stylesheet, scoped to its shadow root (host-css.ts says why its :host
// rules are !important). Sizes are in px so a page that changes the root font size does not
// shrink the UI. Colours meet WCAG AA contrast.
// Comments live outside the CSS text (the build joins the parts into one string), so that none of
// them ships in the bundle.
import { hostCSS } from "./host-css";

export const UI_CSS =
  hostCSS(2147483647, "auto") +
  `
* { box-sizing: border-box; }
.panel, .modal, .drawer, .notice {
  font: 400 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1b1b1f;
  background: #ffffff;
  text-align: start;
  letter-spacing: normal;
  border: 1px solid #c4c6d0;
  border-radius: 12px;
}
.panel, .drawer, .notice {
  position: fixed;
  width: min(320px, calc(100vw - 32px));
  box-shadow: 0 8px 28px rgb(0 0 0 / 0.22);
}
.panel, .modal, .notice { animation: tandem-in 160ms ease-out; }
.panel {
  max-height: calc(100vh - 32px);
  overflow-y: auto;
  padding: 12px 16px 16px;
}
` +
  // The visitor's corner (ui-layout.ts); bottom left unless moved: chat launchers sit
  // bottom right. The drawer follows the panel.
  `.panel, .drawer { left: 16px; bottom: 16px; }
[data-corner="br"] { left: auto; right: 16px; }
[data-corner="tl"] { bottom: auto; top: 16px; }
[data-corner="tr"] { left: auto; right: 16px; bottom: auto; top: 16px; }
.panel.min { width: auto; max-width: calc(100vw - 32px); padding: 8px 8px 8px 16px; }
.panel.min .title { margin: 0; }
.panel.dragging { animation: none; opacity: 0.92; cursor: grabbing; }
.head { display: flex; align-items: center; gap: 4px; margin: 0 0 4px; }
.head .title { flex: 1 1 auto; min-width: 0; }
button.icon {
  flex: 0 0 auto;
  min-width: 36px;
  min-height: 36px;
  padding: 0 8px;
  font-size: 18px;
  line-height: 1;
  color: #44474f;
  background: transparent;
  border: 2px solid transparent;
}
button.icon:hover { background: #f0f2f8; }
.grip { cursor: grab; touch-action: none; }
.take-back { width: 100%; margin: 8px 0 0; }
.rc-text { margin: 0; }
.share { background: #e6f4ea; color: #0d5224; }
.title { margin: 0 0 8px; font-size: 16px; font-weight: 700; }
.key { margin: 0 0 8px; }
.key-label { display: block; font-size: 13px; color: #44474f; }
.digits {
  display: block;
  font: 700 30px/1.2 ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  letter-spacing: 0.06em;
  font-variant-numeric: tabular-nums;
  color: #1b1b1f;
  user-select: all;
}
.digits span + span { margin-left: 0.45em; }
.agents { margin: 0 0 12px; color: #44474f; }
.note {
  margin: 0 0 12px;
  padding: 8px 10px;
  border-radius: 8px;
  border: 1px solid transparent;
  font-size: 14px;
}
.rc { background: #e8f0fe; color: #0b3d91; }
.warning { background: #fff4d6; color: #5c3c00; }
.error { background: #fde7e9; color: #8c1d18; }
.sr-only {
  position: absolute;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}
button {
  font-family: inherit;
  font-size: 15px;
  font-weight: 600;
  line-height: 1.2;
  min-height: 40px;
  padding: 8px 16px;
  border-radius: 8px;
  border: 2px solid transparent;
  cursor: pointer;
}
button:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.primary { background: #0b57d0; color: #ffffff; }
.primary:hover { background: #0842a0; }
.secondary { background: #ffffff; color: #0b57d0; border-color: #747775; }
.secondary:hover { background: #f0f4fc; }
.stop { background: #b3261e; color: #ffffff; width: 100%; }
.stop:hover { background: #8c1d18; }
.modal {
  width: min(440px, calc(100vw - 32px));
  max-width: calc(100vw - 32px);
  max-height: calc(100vh - 32px);
  overflow-y: auto;
  margin: auto;
  padding: 24px;
  box-shadow: 0 12px 40px rgb(0 0 0 / 0.3);
}
.modal::backdrop { background: rgb(0 0 0 / 0.45); }
.modal-title { margin: 0 0 12px; font-size: 20px; font-weight: 700; line-height: 1.3; }
.modal-body { margin: 0 0 20px; }
.modal-link { display: inline-block; margin: 0 0 20px; color: #0b57d0; text-decoration: underline; }
.modal-link:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.actions { display: flex; justify-content: flex-end; gap: 12px; flex-wrap: wrap; }
.actions button { max-width: 100%; overflow-wrap: anywhere; }
` +
  // Phones: smaller padding, and the two choices share the width, so both are in view.
  `@media (max-width: 480px) {
  .modal { padding: 16px; }
  .modal-title { font-size: 18px; }
  .actions button { flex: 1 1 0; min-width: 0; padding: 8px; }
}
.chat-open { width: 100%; margin: 0 0 8px; display: flex; align-items: center; justify-content: center; gap: 8px; }
.badge {
  min-width: 22px;
  padding: 1px 6px;
  border-radius: 11px;
  background: #b3261e;
  color: #ffffff;
  font-size: 13px;
  line-height: 20px;
}
.drawer {
  max-height: min(480px, calc(100vh - 32px));
  display: flex;
  flex-direction: column;
  padding: 12px;
}
.drawer-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin: 0 0 8px; }
.drawer-title { margin: 0; font-size: 16px; font-weight: 700; }
.drawer-close { min-height: 32px; padding: 4px 10px; font-size: 14px; }
.messages { list-style: none; margin: 0 0 8px; padding: 0; overflow-y: auto; flex: 1 1 auto; min-height: 60px; }
.messages li { margin: 0 0 8px; padding: 6px 10px; border-radius: 8px; background: #f0f2f8; }
.messages li.mine { background: #e8f0fe; margin-left: 24px; }
.messages li.agent { margin-right: 24px; }
.meta { margin: 0; font-size: 12px; color: #44474f; }
.who { font-weight: 700; }
.body { margin: 2px 0 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.empty { margin: 0 0 8px; color: #44474f; font-size: 14px; }
.reply { display: flex; gap: 8px; }
.reply-text {
  flex: 1 1 auto;
  min-width: 0;
  min-height: 40px;
  padding: 8px 10px;
  font: inherit;
  color: #1b1b1f;
  background: #ffffff;
  border: 1px solid #747775;
  border-radius: 8px;
}
.reply-text:focus-visible { outline: 3px solid #0b57d0; outline-offset: 1px; }
.notice {
  top: 16px;
  right: 16px;
  padding: 12px 16px;
}
.notice-text { margin: 0 0 12px; overflow-wrap: anywhere; white-space: pre-wrap; }
@keyframes tandem-in { from { opacity: 0; transform: translateY(8px); } }
@media (prefers-reduced-motion: reduce) {
  .panel, .modal { animation: none; }
}
@media (forced-colors: active) {
  .panel, .modal, .note, .drawer, .notice { border-color: CanvasText; }
}
`;
