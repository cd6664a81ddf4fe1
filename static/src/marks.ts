// The agents' pointer and drawings on the visitor's page, shared by the viewer
// (agent/annotate.ts) and the page (visitor/annotations.ts); frames in protocol.ts.
import type { ServerToVisitor } from "./protocol";

/** How long a pen line stays on the page (and in the viewer) after its last point. */
export const PEN_FADE_MS = 8000;

/** The frames that carry an agent's marks to the visitor's page. */
export type AgentMark = Extract<ServerToVisitor, { t: "pointer" | "pointer_hide" | "draw" | "draw_clear" }>;
