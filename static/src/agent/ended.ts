// The viewer once its session is over: nothing left to press but the way back, and a
// short summary of what happened.

const REASONS: Record<string, string> = {
  stopped: "The visitor ended the session.",
  disconnected: "The visitor's page did not come back in time (tab closed or offline).",
  agent_ended: "An agent ended the session.",
  replaced: "The visitor started a new session.",
  reverse_ended: "The reverse session ended, and the session with it.",
  reverse_declined: "The visitor declined the reverse session.",
};

/** "1 h 02 min", "4 min 05 s", "12 s". */
export function durationText(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (hours) return `${hours} h ${pad(minutes)} min`;
  if (minutes) return `${minutes} min ${pad(seconds)} s`;
  return `${seconds} s`;
}

/** Disable every control of the viewer and show the summary (`started`: epoch ms, 0 when
 * unknown). */
export function showEnded(root: HTMLElement, reason: string, started: number): void {
  for (const control of root.querySelectorAll<HTMLButtonElement | HTMLInputElement>(".bar button, .chat input, .chat button")) {
    control.disabled = true;
  }
  // Gone rather than disabled: parts whose own code redraws them (control, sharing).
  for (const gone of root.querySelectorAll<HTMLElement>(".agents-line, .control, .bar.share")) gone.hidden = true;
  const summary = root.querySelector<HTMLElement>(".summary");
  if (!summary) return;
  const why = REASONS[reason] ?? `The session ended (${reason}).`;
  const lasted = started ? ` It lasted ${durationText(Date.now() - started)}.` : "";
  summary.querySelector<HTMLElement>(".summary-text")!.textContent = `${why}${lasted}`;
  summary.hidden = false;
  summary.querySelector<HTMLElement>("a")?.focus();
}
