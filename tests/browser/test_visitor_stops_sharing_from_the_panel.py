"""The default visitor UI's status panel names the agents watching, and its stop button
ends the session."""

from playwright.sync_api import expect

from tests.browser.conftest import (
    RECORD_EVENTS,
    panel,
)


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
