"""The default visitor UI while the connection drops: a warning until the socket is back,
and an error the visitor closes once it gives up."""

from playwright.sync_api import expect

from tests.browser.conftest import (
    SocketSwitch,
    panel,
    stand_in_ui,
)


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
