// Every agent page (templates/agents/base.html): its POST forms (Log out) go through fetch().
// The pages under /agent/ show visitor content and send `Referrer-Policy: no-referrer`, so
// nothing they load tells anyone where it was asked from. Under that policy a browser sends
// `Origin: null` with a form's own POST (a navigation), which Django's CSRF check refuses;
// a fetch() in "cors" mode always carries the page's real origin (Fetch, "append a request
// Origin header"), which the check accepts. The server answers such a POST with a redirect,
// and the browser goes where it points.

const FETCHED = "form[data-post=fetch]";

async function post(form: HTMLFormElement, submitter: HTMLElement | null): Promise<void> {
  const buttons = [...form.querySelectorAll<HTMLButtonElement>("button")];
  const status = form.querySelector<HTMLElement>("[role=alert]") ?? form.appendChild(alertBox());
  status.textContent = "";
  for (const button of buttons) button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form, submitter),
      credentials: "same-origin",
      mode: "cors", // not "same-origin": that mode sends `Origin: null` under no-referrer
      redirect: "follow",
    });
    if (response.ok) {
      window.location.assign(response.url);
      return;
    }
    status.textContent = `That did not work (HTTP ${response.status}). Reload the page and try again.`;
  } catch {
    status.textContent = "Tandem cannot be reached. Check the connection and try again.";
  }
  for (const button of buttons) button.disabled = false;
}

function alertBox(): HTMLElement {
  const box = document.createElement("span");
  box.setAttribute("role", "alert");
  box.className = "error";
  return box;
}

/** Send the page's `form[data-post=fetch]` with fetch(); returns the disposer. */
export function startFetchedForms(root: Document): () => void {
  const submit = (event: SubmitEvent): void => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches(FETCHED)) return;
    event.preventDefault();
    void post(form, event.submitter);
  };
  root.addEventListener("submit", submit);
  return () => root.removeEventListener("submit", submit);
}

startFetchedForms(document);
