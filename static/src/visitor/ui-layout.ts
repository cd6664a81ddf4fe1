// Where the visitor panel sits and whether it is minimised. The visitor drags it by its
// grip to any spot and it settles in the nearest corner (as Glance's widget does); the
// grip's click (Enter, Space) moves it to the next corner for keyboard users. The choice
// is kept in the tab's sessionStorage under the session key, so every page of the site
// shows the panel where the visitor left it, until the session ends.
//
// The default corner is bottom left: bottom right is where chat launchers sit. A script tag
// may choose another with data-uiposition="top-left|top-right|bottom-left|bottom-right".

export type Corner = "tl" | "tr" | "bl" | "br";
export type Layout = { corner: Corner; minimised: boolean };

const CORNERS: Corner[] = ["bl", "tl", "tr", "br"];
const NAMES: Record<string, Corner> = {
  "top-left": "tl",
  "top-right": "tr",
  "bottom-left": "bl",
  "bottom-right": "br",
};
const STORE_PREFIX = "tandem:panel:";
// A press that moves less than this is a click, not a drag.
const DRAG_PX = 5;

export function defaultCorner(position: string | undefined): Corner {
  return NAMES[(position ?? "").trim().toLowerCase()] ?? "bl";
}

export function nextCorner(corner: Corner): Corner {
  return CORNERS[(CORNERS.indexOf(corner) + 1) % CORNERS.length];
}

function isCorner(value: unknown): value is Corner {
  return typeof value === "string" && (CORNERS as string[]).includes(value);
}

export function loadLayout(key: string | null, fallback: Layout): Layout {
  if (!key) return fallback;
  try {
    const kept = JSON.parse(sessionStorage.getItem(STORE_PREFIX + key) ?? "null") as Partial<Layout> | null;
    if (!kept) return fallback;
    return {
      corner: isCorner(kept.corner) ? kept.corner : fallback.corner,
      minimised: kept.minimised === true,
    };
  } catch {
    return fallback;
  }
}

export function saveLayout(key: string | null, layout: Layout): void {
  if (!key) return;
  try {
    sessionStorage.setItem(STORE_PREFIX + key, JSON.stringify(layout));
  } catch {
    // Storage refused: the layout holds on this page only.
  }
}

export function forgetLayout(key: string | null): void {
  if (!key) return;
  try {
    sessionStorage.removeItem(STORE_PREFIX + key);
  } catch {
    // nothing kept
  }
}

/** The corner nearest to a point of the viewport. */
export function cornerAt(x: number, y: number): Corner {
  return `${y < window.innerHeight / 2 ? "t" : "b"}${x < window.innerWidth / 2 ? "l" : "r"}` as Corner;
}

/**
 * Lets `grip` drag `panel` around; on release the panel settles in the corner nearest its
 * centre (`settle`). A press without movement is left to the grip's click.
 */
export function makeDraggable(panel: HTMLElement, grip: HTMLElement, settle: (corner: Corner) => void): void {
  let start: { x: number; y: number; left: number; top: number; id: number } | null = null;
  let dragged = false;

  grip.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const box = panel.getBoundingClientRect();
    start = { x: event.clientX, y: event.clientY, left: box.left, top: box.top, id: event.pointerId };
    dragged = false;
    grip.setPointerCapture?.(event.pointerId);
  });
  grip.addEventListener("pointermove", (event) => {
    if (!start || event.pointerId !== start.id) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (!dragged && Math.hypot(dx, dy) < DRAG_PX) return;
    dragged = true;
    const box = panel.getBoundingClientRect();
    const left = Math.min(Math.max(0, start.left + dx), Math.max(0, window.innerWidth - box.width));
    const top = Math.min(Math.max(0, start.top + dy), Math.max(0, window.innerHeight - box.height));
    panel.classList.add("dragging");
    Object.assign(panel.style, { left: `${left}px`, top: `${top}px`, right: "auto", bottom: "auto" });
  });
  const finish = (event: PointerEvent) => {
    if (!start || event.pointerId !== start.id) return;
    start = null;
    if (!dragged) return;
    const box = panel.getBoundingClientRect();
    panel.classList.remove("dragging");
    panel.removeAttribute("style");
    settle(cornerAt(box.left + box.width / 2, box.top + box.height / 2));
  };
  grip.addEventListener("pointerup", finish);
  grip.addEventListener("pointercancel", finish);
  // The click that ends a drag is not a request to move on to the next corner.
  grip.addEventListener(
    "click",
    (event) => {
      if (!dragged) return;
      dragged = false;
      event.stopImmediatePropagation();
    },
    true,
  );
}
