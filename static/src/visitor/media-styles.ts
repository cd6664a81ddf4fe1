// The default UI's view panels (media.ts), scoped to their shadow root (host-css.ts says
// why its :host rules are !important).
import { hostCSS } from "./host-css";

export const MEDIA_CSS =
  hostCSS(2147483646, "auto") +
  `
* { box-sizing: border-box; }
.views {
  position: fixed;
  left: 16px;
  bottom: 16px;
  display: flex;
  flex-direction: column;
  gap: 12px;
  font: 400 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1b1b1f;
}
.view {
  width: min(420px, calc(100vw - 32px));
  background: #ffffff;
  border: 1px solid #c4c6d0;
  border-radius: 12px;
  box-shadow: 0 8px 28px rgb(0 0 0 / 0.22);
  overflow: hidden;
}
.head { display: flex; align-items: center; gap: 8px; padding: 6px 8px 6px 12px; }
h2 { flex: 1; margin: 0; font-size: 14px; font-weight: 700; }
.toggle {
  font: inherit;
  font-weight: 600;
  min-height: 32px;
  padding: 4px 12px;
  border-radius: 8px;
  border: 2px solid #747775;
  background: #ffffff;
  color: #0b57d0;
  cursor: pointer;
}
.toggle:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.screen { aspect-ratio: 16 / 9; max-height: 60vh; background: #000; }
iframe { display: block; width: 100%; height: 100%; border: 0; }
@media (forced-colors: active) { .view { border-color: CanvasText; } }
`;
