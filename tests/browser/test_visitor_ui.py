"""The default visitor UI: terms dialog, status panel, custom-UI opt-out, never mirrored."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import SocketSwitch, replay

RECORD_EVENTS = """() => {
  window.seen = [];
  for (const name of ["sessionstarting", "sessionstart", "agents", "sessionend", "error"]) {
    GLANCE.Cobrowse.Visitor.addEventListener(name, (payload) => {
      window.seen.push([name, payload ?? null]);
    });
  }
}"""

TERMS_TITLE = "Let an agent see this page?"
# Words the UI shows while recording runs: none of them may ever reach an agent.
UI_TEXTS = [
    "You are sharing this page",
    "Session key",
    "No agent yet",
    "agent is viewing",
    "Stop sharing",
    "Take back control",
    "Minimise",
    "Co-browsing started",
]


def seen(page: Page) -> list[str]:
    return [name for name, _ in page.evaluate("window.seen")]


def panel(page: Page):
    return page.get_by_role("region", name="Co-browsing")


def open_terms_with_keyboard(page: Page):
    page.locator("#help").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=TERMS_TITLE)
    expect(dialog).to_be_visible()
    return dialog


def test_ui_bundle_loads_only_when_the_terms_are_shown(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert page.evaluate("typeof GLANCE.Cobrowse.VisitorUI.showTerms") == "function"
    assert not [url for url in requested if url.endswith("/static/ui.js")]

    open_terms_with_keyboard(page)

    assert [url for url in requested if url.endswith("/static/ui.js")]


def test_accepting_the_terms_by_keyboard_starts_a_session_and_shows_its_key(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/ui.html").page
    page.evaluate(RECORD_EVENTS)
    page.evaluate("window.termsKey = '482913'")
    dialog = open_terms_with_keyboard(page)
    decline = dialog.get_by_role("button", name="Decline")
    accept = dialog.get_by_role("button", name="Accept")
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog).to_contain_text("Passwords and payment card details stay hidden")

    # Focus starts on the safe choice and Tab cycles inside the dialog, both ways.
    expect(decline).to_be_focused()
    page.keyboard.press("Tab")
    expect(accept).to_be_focused()
    page.keyboard.press("Tab")
    expect(decline).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(accept).to_be_focused()
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    page.wait_for_function("window.seen.some(([name]) => name === 'sessionstart')")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == "482913"
    status = panel(page)
    expect(status).to_be_visible()
    expect(status).to_contain_text("You are sharing this page")
    expect(status.locator(".digits")).to_have_text("482913")
    expect(status.locator(".digits span")).to_have_text(["482", "913"])
    expect(status).to_contain_text("No agent yet")
    expect(status.get_by_role("button", name="Stop sharing")).to_be_visible()
    # Focus went back to the page's button, not lost to the body.
    expect(page.locator("#help")).to_be_focused()


def test_declining_the_terms_starts_nothing(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    page.evaluate(RECORD_EVENTS)
    dialog = open_terms_with_keyboard(page)

    dialog.get_by_role("button", name="Decline").click()

    expect(dialog).to_be_hidden()
    expect(page.locator("#help")).to_be_focused()
    expect(panel(page)).to_be_hidden()
    assert seen(page) == []
    assert visitor.sent == []
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False


def test_escape_declines_the_terms(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    page.evaluate(RECORD_EVENTS)
    dialog = open_terms_with_keyboard(page)

    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    expect(page.locator("#help")).to_be_focused()
    assert seen(page) == []
    assert visitor.sent == []
    # The dialog can be opened again after a decline.
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name=TERMS_TITLE)).to_be_visible()


def test_panel_counts_agents_and_its_stop_button_ends_the_session(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    page.evaluate(RECORD_EVENTS)
    key = visitor.start()
    status = panel(page)
    expect(status.locator(".digits")).to_have_text(key)
    expect(status).to_contain_text("No agent yet")

    # Agents without a first or full name are named by their username.
    open_viewer(key)
    expect(status).to_contain_text("agent is viewing")
    open_viewer(key, username="agent2")
    expect(status).to_contain_text("agent and agent2 are viewing")
    live = page.locator("[aria-live=polite]")
    expect(live).to_have_text("agent and agent2 are viewing")

    status.get_by_role("button", name="Stop sharing").click()

    page.wait_for_function("window.seen.some(([name]) => name === 'sessionend')")
    expect(status).to_be_hidden()
    expect(live).to_have_text("Co-browsing has ended.")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False


def test_a_failed_start_shows_the_error_until_closed(server, pages_url, new_context):
    page = new_context().new_page()
    page.goto(f"{pages_url}/unknown-group.html")
    page.evaluate("GLANCE.Cobrowse.Visitor.startSession()")

    status = panel(page)
    expect(status).to_contain_text("Co-browsing could not start")
    expect(status).to_contain_text("999")
    expect(page.locator("[aria-live=assertive]")).to_contain_text("999")
    status.get_by_role("button", name="Close").click()
    expect(status).to_be_hidden()


def test_the_ui_never_reaches_the_agent(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    status = panel(page)
    expect(status).to_contain_text("agent is viewing")
    # Changes after the panel's last update still reach the agent: the tap sees the wire.
    page.type("#note", "typed-after-the-panel")
    expect(mirror.locator("#note")).to_have_value("typed-after-the-panel")

    sent = visitor.sent_text()
    assert "Need a hand?" in sent
    assert "typed-after-the-panel" in sent
    for text in UI_TEXTS:
        assert text not in sent, text
    assert "data-tandem-ui" not in sent

    mirror_html = mirror.locator("html").evaluate("el => el.outerHTML")
    for text in UI_TEXTS:
        assert text not in mirror_html, text
    expect(mirror.get_by_role("region")).to_have_count(0)
    expect(mirror.get_by_role("button")).to_have_count(1)  # the page's own "Get help"
    expect(mirror.locator("[data-tandem-masked]")).to_have_count(0)
    # What stands in for the UI host is an empty box with no size.
    boxes = mirror.locator("body > div").evaluate_all(
        "els => els.map(el => [el.childNodes.length, el.getBoundingClientRect().width,"
        " el.getBoundingClientRect().height])"
    )
    assert boxes == [[0, 0, 0]]


def test_custom_ui_attribute_leaves_visitor_ui_undefined_and_events_still_fire(
    server, pages_url, open_visitor
):
    visitor = open_visitor(f"{pages_url}/custom-ui.html")
    page = visitor.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert page.evaluate("typeof GLANCE.Cobrowse.VisitorUI") == "undefined"
    page.evaluate(RECORD_EVENTS)

    visitor.start()

    page.wait_for_function("window.seen.length >= 3")
    assert seen(page)[:3] == ["sessionstarting", "sessionstart", "agents"]
    expect(page.locator("[data-tandem-ui]")).to_have_count(0)
    expect(page.get_by_role("region", name="Co-browsing")).to_have_count(0)
    assert not [url for url in requested if url.endswith("/static/ui.js")]


def test_page_styles_do_not_reach_the_ui_and_its_styles_stay_out(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/styled.html").page
    own_button = page.locator("#page-button")
    own_panel = page.locator("#page-panel")
    before = [
        own_button.evaluate("el => getComputedStyle(el).backgroundColor"),
        own_panel.evaluate("el => getComputedStyle(el).position"),
    ]

    page.evaluate("GLANCE.Cobrowse.VisitorUI.showTerms()")

    dialog = page.get_by_role("dialog", name=TERMS_TITLE)
    expect(dialog).to_be_visible()
    accept = dialog.get_by_role("button", name="Accept")
    expect(accept).to_be_visible()
    assert accept.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(11, 87, 208)"
    assert accept.evaluate("el => getComputedStyle(el).color") == "rgb(255, 255, 255)"
    assert accept.evaluate("el => getComputedStyle(el).fontSize") == "15px"
    accept.click()
    status = panel(page)
    expect(status.get_by_role("button", name="Stop sharing")).to_be_visible()
    assert status.evaluate("el => getComputedStyle(el).position") == "fixed"
    assert re.fullmatch(r"\d+", status.locator(".digits").inner_text())
    after = [
        own_button.evaluate("el => getComputedStyle(el).backgroundColor"),
        own_panel.evaluate("el => getComputedStyle(el).position"),
    ]
    assert before == after == ["rgb(255, 0, 0)", "static"]


# The UI's own behaviour in every state, driven through its bundle with a stand-in for
# GLANCE.Cobrowse.Visitor on a page without the default UI; the tests after these drive
# the same states through a real session, agent and network.
STAND_IN_UI = """async (url) => {
  const { createVisitorUi } = await import(url);
  window.calls = [];
  window.active = true;
  window.ui = createVisitorUi({
    startSession: () => calls.push("startSession"),
    stopSession: () => calls.push("stopSession"),
    inSession: () => window.active,
    getKey: () => "123456",
    addEventListener: () => {},
  });
  ui.handle("sessionstart");
  window.requestControl = () => ui.handle("rcrequested", {
    accept: () => calls.push("accept"),
    decline: () => calls.push("decline"),
  });
}"""
RC_TITLE = "Let the agent control this page?"


def stand_in_ui(server, pages_url, new_context) -> Page:
    page = new_context().new_page()
    page.goto(f"{pages_url}/custom-ui.html")
    page.evaluate(STAND_IN_UI, f"{server.url}/static/ui.js")
    expect(panel(page)).to_contain_text("123456")
    return page


def test_remote_control_prompt_takes_focus_and_answers_once(server, pages_url, new_context):
    page = stand_in_ui(server, pages_url, new_context)

    page.evaluate("requestControl()")
    prompt = page.get_by_role("alertdialog", name=RC_TITLE)
    expect(prompt).to_be_visible()
    expect(prompt.get_by_role("button", name="Deny")).to_be_focused()
    page.keyboard.press("Escape")
    expect(prompt).to_be_hidden()
    assert page.evaluate("calls") == ["decline"]

    page.evaluate("requestControl()")
    prompt.get_by_role("button", name="Allow").click()
    expect(prompt).to_be_hidden()
    assert page.evaluate("calls") == ["decline", "accept"]

    indicator = panel(page).get_by_text("The agent can control this page.")
    expect(indicator).to_be_hidden()
    page.evaluate("ui.handle('rc', {enabled: true})")
    expect(indicator).to_be_visible()
    page.evaluate("ui.handle('rc', {enabled: false})")
    expect(indicator).to_be_hidden()
    expect(page.locator("[aria-live=polite]")).to_have_text(
        "The agent no longer controls this page."
    )


def test_session_end_withdraws_an_unanswered_remote_control_prompt(server, pages_url, new_context):
    page = stand_in_ui(server, pages_url, new_context)
    page.evaluate("requestControl()")
    prompt = page.get_by_role("alertdialog", name=RC_TITLE)
    expect(prompt).to_be_visible()

    page.evaluate("active = false; ui.handle('sessionend')")

    expect(prompt).to_be_hidden()
    expect(panel(page)).to_be_hidden()
    assert page.evaluate("calls") == []


def test_connection_warning_shows_while_reconnecting(server, pages_url, new_context):
    page = stand_in_ui(server, pages_url, new_context)
    text = "Connection lost. Reconnecting…"
    warning = panel(page).get_by_text(text)
    expect(warning).to_be_hidden()

    page.evaluate("ui.handle('connection', {status: 'reconnecting'})")
    expect(warning).to_be_visible()
    expect(page.locator("[aria-live=assertive]")).to_have_text(text)

    page.evaluate("ui.handle('connection', {status: 'ok'})")
    expect(warning).to_be_hidden()
    expect(page.locator("[aria-live=polite]")).to_have_text("Connection restored.")


def test_a_dropped_connection_ends_in_an_error_the_visitor_closes(server, pages_url, new_context):
    page = stand_in_ui(server, pages_url, new_context)
    page.evaluate("ui.handle('connection', {status: 'reconnecting'})")

    page.evaluate("active = false; ui.handle('error', {code: 'conndrop', msg: 'Connection lost.'})")

    status = panel(page)
    expect(status).to_contain_text("Co-browsing has stopped")
    expect(status).to_contain_text("Connection lost.")
    expect(status.get_by_text("Connection lost. Reconnecting…")).to_be_hidden()
    status.get_by_role("button", name="Close").click()
    expect(status).to_be_hidden()
    assert page.evaluate("calls") == []


def test_agents_request_shows_the_prompt_and_allowing_gives_control(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    key = visitor.start()
    viewer = open_viewer(key)
    expect(replay(viewer).locator("#content")).to_be_visible()

    viewer.get_by_role("button", name="Request control").click()

    prompt = page.get_by_role("alertdialog", name=RC_TITLE)
    expect(prompt).to_be_visible()
    expect(prompt.get_by_role("button", name="Deny")).to_be_focused()
    prompt.get_by_role("button", name="Allow").click()
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    indicator = panel(page).get_by_text("The agent can control this page.")
    expect(indicator).to_be_visible()
    viewer.get_by_role("button", name="End control").click()
    expect(indicator).to_be_hidden()


def test_denying_in_the_prompt_tells_the_agent(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/ui.html")
    key = visitor.start()
    viewer = open_viewer(key)
    viewer.get_by_role("button", name="Request control").click()
    prompt = visitor.page.get_by_role("alertdialog", name=RC_TITLE)
    expect(prompt).to_be_visible()

    visitor.page.keyboard.press("Escape")

    expect(prompt).to_be_hidden()
    expect(viewer.locator(".rc-status")).to_have_text("The visitor declined control.")


def test_real_dropped_connection_shows_the_warning_until_reconnected(
    server, pages_url, open_visitor
):
    visitor = open_visitor(f"{pages_url}/ui.html")
    network = SocketSwitch(visitor.page)
    visitor.start()
    warning = panel(visitor.page).get_by_text("Connection lost. Reconnecting…")

    network.cut()
    expect(warning).to_be_visible()
    network.allow = True

    expect(warning).to_be_hidden()
    expect(panel(visitor.page)).to_be_visible()


def test_demo_shop_starts_a_session_through_the_default_ui(server, open_visitor, open_viewer):
    page = open_visitor(f"{server.url}/demo/").page

    page.get_by_role("button", name="Get help from an agent").click()
    page.get_by_role("dialog", name=TERMS_TITLE).get_by_role("button", name="Accept").click()

    digits = panel(page).locator(".digits")
    expect(digits).to_have_text(re.compile(r"^\d{6}$"))
    expect(page.locator("#events [data-name=sessionstart]")).to_have_count(1)
    key = digits.text_content() or ""
    viewer = open_viewer(key)
    expect(replay(viewer).locator(".shop-name")).to_have_text("Paper & Pine")
    page.get_by_role("link", name="Checkout").click()
    expect(page.locator("#events [data-name=statereceived]")).to_have_count(1)
    expect(panel(page).locator(".digits")).to_have_text(key)
    expect(replay(viewer).locator("#heading")).to_have_text("Checkout")
