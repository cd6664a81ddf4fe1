// The cells of the dashboard's tables, and how a row is redrawn. The tables draw a row afresh when what it shows changes. An agent may be
// in the middle of something in that row: typing a message, or tabbing to a link. These
// carry that over into the new row, so a visitor's page reporting or another session
// starting never takes the agent's text or focus away.

const CONTROLS = "a[href],button,input";

/** A cell of the dashboard's tables; `label` is shown before its content when the table is
 * a stack of cards (on a narrow screen, agent.css). */
export function cell(label: string, className: string, ...content: (Node | string)[]): HTMLTableCellElement {
  const td = document.createElement("td");
  td.className = className;
  td.dataset.label = label;
  td.append(...content);
  return td;
}

/** What the agent is doing in `row`: each field's text, the focused control and its caret.
 * Returns a function that puts it into the row drawn in its place (once that is in the
 * document), or undefined when there is nothing to keep. Controls are matched by position:
 * both rows are drawn by the same code. */
function rowState(row: Element): ((fresh: Element) => void) | undefined {
  // An input's value is its text; a button's is "" and a link has none, so neither is copied.
  const values = [...row.querySelectorAll<HTMLInputElement>(CONTROLS)].map((control) => control.value);
  const focused = [...row.querySelectorAll(CONTROLS)].indexOf(document.activeElement!);
  if (focused < 0 && !values.some(Boolean)) return undefined;
  const { selectionStart, selectionEnd } = document.activeElement as HTMLInputElement;
  return (fresh) => {
    const now = fresh.querySelectorAll<HTMLInputElement>(CONTROLS);
    now.forEach((control, index) => values[index] && (control.value = values[index]));
    now[focused]?.focus({ preventScroll: true });
    if (selectionStart != null) now[focused]?.setSelectionRange(selectionStart, selectionEnd);
  };
}

/** `old.replaceWith(fresh)`, keeping what the agent was doing in `old`. */
export function replaceRow(old: Element, fresh: Element): void {
  const keep = rowState(old);
  old.replaceWith(fresh);
  keep?.(fresh);
}

/** `body.replaceChildren(...rows)`, keeping what the agent was doing in each old row that
 * has a new one with the same `data-<key>`. */
export function replaceRows(body: HTMLTableSectionElement, rows: HTMLTableRowElement[], key: string): void {
  const kept = new Map<string | undefined, (fresh: Element) => void>();
  for (const row of body.rows) {
    const keep = rowState(row);
    if (keep) kept.set(row.dataset[key], keep);
  }
  body.replaceChildren(...rows);
  for (const row of rows) kept.get(row.dataset[key])?.(row);
}
