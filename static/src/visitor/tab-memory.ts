// What a tab remembers of its session between pages: the key, the server-signed resume
// token and how the session records (session-state.ts Mode), in sessionStorage; and a copy
// in localStorage, shared by the site's tabs, so that a new tab of the site (a typed URL,
// a target=_blank link) joins the session too. Storage can be unavailable (privacy modes,
// sandboxed frames): then a session simply ends with its page.
import type { Mode } from "./session-state";

export type Stored = { key: string; token: string } & Mode;

export type TabMemory = {
  /** What this tab remembered at load, or else what the site's other tabs share (`tab`). */
  read_(): (Stored & { tab: boolean }) | null;
  write_(stored: Stored): void;
  clear_(): void;
};

// Reading window.sessionStorage itself throws where storage is blocked.
function storage(name: "sessionStorage" | "localStorage"): Storage | null {
  try {
    return window[name];
  } catch {
    return null;
  }
}

function readStored(from: Storage | null, name: string): Stored | null {
  try {
    const raw = from?.getItem(name);
    const stored = raw ? (JSON.parse(raw) as Partial<Stored>) : null;
    if (!stored || typeof stored.key !== "string" || typeof stored.token !== "string") return null;
    const { key, token, watching, reverseOnly, paused } = stored;
    return { key, token, watching: watching === true, reverseOnly: reverseOnly === true, paused: paused === true };
  } catch {
    return null;
  }
}

/** The memory of the sessions of `group` (one per group on a site). */
export function tabMemory(group: number | null): TabMemory {
  const own = `tandem.cobrowse.${group ?? 0}`;
  const shared = `tandem.cobrowse.tabs.${group ?? 0}`;
  const places = () => [[storage("sessionStorage"), own] as const, [storage("localStorage"), shared] as const];
  return {
    read_() {
      const mine = readStored(storage("sessionStorage"), own);
      if (mine) return { ...mine, tab: false };
      const theirs = readStored(storage("localStorage"), shared);
      return theirs && { ...theirs, tab: true };
    },
    write_(stored) {
      const text = JSON.stringify(stored);
      for (const [place, name] of places()) {
        try {
          place?.setItem(name, text);
        } catch {
          return; // see above
        }
      }
    },
    clear_() {
      for (const [place, name] of places()) {
        try {
          place?.removeItem(name);
        } catch {
          // see above
        }
      }
    },
  };
}
