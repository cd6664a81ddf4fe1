"""An agent types the key as the visitor reads it, before the visitor's session is live."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_viewer_waits_with_controls_disabled_and_joins_when_the_session_starts(
    server, pages_url, open_visitor, new_context
):
    agent = new_context(viewport={"width": 1200, "height": 800}).new_page()
    log_in(agent, server)
    agent.fill("input[name=key]", "203 218")
    agent.click(".join button")

    agent.wait_for_url("**/agent/session/203218/")
    expect(agent.locator("#viewer .status")).to_have_text(
        "Waiting for the visitor to start session 203218…"
    )
    expect(agent.locator("#viewer .rc-request")).to_be_disabled()
    expect(agent.locator("#viewer .chat-form button")).to_be_disabled()

    visitor = open_visitor(f"{pages_url}/plain.html")
    assert visitor.start("203218") == "203218"

    expect(agent.locator("#viewer")).to_have_attribute("data-state", "live", timeout=30_000)
    expect(agent.locator("#viewer .rc-request")).to_be_enabled()
    expect(agent.locator("#viewer .chat-form button")).to_be_enabled()
