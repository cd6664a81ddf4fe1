// The default UI's views of an agent's screen share or webcam: a panel per view, bottom
// left, in a host element the recorder blocks, that the visitor can minimize but not close
// (only the agent ends a share). A custom UI brings its own iframes instead (media.ts).
import type { ShareView } from "../protocol";
import { UI_HOST_ATTRIBUTE } from "./mask";
import { MEDIA_CSS } from "./media-styles";

const TITLES: Record<ShareView, string> = {
  glance_screenshare: "Agent's screen",
  glance_agentvideo: "Agent's video",
};

// Panel and Dock never leave this bundle: their members end in "_", which it shortens.
export type Panel = {
  frame_: HTMLIFrameElement;
  paused_(paused: boolean): void;
  /** Give the frame the agent's picture's proportions. */
  fit_(width: number, height: number): void;
  remove_(): void;
};

export type Dock = { add_(view: ShareView): Panel; remove_(): void };

/** One view's panel, at the end of `column`: a heading, a minimize toggle, the iframe. */
function addPanel(column: HTMLElement, view: ShareView): Panel {
  const title = TITLES[view];
  const panel = document.createElement("section");
  panel.className = "view";
  panel.setAttribute("aria-label", title);
  const header = document.createElement("div");
  header.className = "head";
  const heading = document.createElement("h2");
  heading.textContent = title;
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "toggle";
  const screen = document.createElement("div");
  screen.className = "screen";
  const frame = document.createElement("iframe");
  frame.id = view;
  frame.title = title;
  frame.allow = "autoplay";
  screen.append(frame);
  header.append(heading, toggle);
  panel.append(header, screen);
  const setOpen = (open: boolean) => {
    screen.hidden = !open;
    toggle.textContent = open ? "Minimize" : "Show";
    toggle.setAttribute("aria-expanded", String(open));
  };
  setOpen(true);
  toggle.addEventListener("click", () => setOpen(screen.hidden));
  column.append(panel);
  return {
    frame_: frame,
    paused_(paused) {
      heading.textContent = paused ? `${title} (paused)` : title;
    },
    fit_(width, height) {
      if (width > 0 && height > 0) screen.style.aspectRatio = `${width} / ${height}`;
    },
    remove_() {
      panel.remove();
    },
  };
}

export function createDock(): Dock {
  const hostElement = document.createElement("div");
  // Marked before it is in the document: the recorder never sees it unmarked.
  hostElement.setAttribute(UI_HOST_ATTRIBUTE, "");
  const root = hostElement.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = MEDIA_CSS;
  const column = document.createElement("div");
  column.className = "views";
  root.append(style, column);
  const place = () => (document.body ?? document.documentElement).append(hostElement);
  place();
  return {
    add_(view: ShareView): Panel {
      const panel = addPanel(column, view);
      if (!hostElement.isConnected) place();
      return panel;
    },
    remove_() {
      hostElement.remove();
    },
  };
}
