"""Surfly's object API (Surfly.on, listSessions, agentAvailable, testConnection, button) and
the rest of its session API, called as Surfly's documentation shows them, with Tandem's
script in place of Surfly's."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay, wait_for_event

PIN = re.compile(r"^\d{6}$")


def start_with_pin(page: Page) -> str:
    page.get_by_role("button", name="Show me a PIN").click()
    wait_for_event(page, "session_started", True)
    pin = page.locator("#pin")
    expect(pin).to_have_text(PIN)
    return pin.inner_text()


def test_every_object_api_call_in_the_init_callback_runs(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/surfly-api.html").page

    page.wait_for_function("() => window.steps.length === 6")
    page.wait_for_function("() => window.connection !== null")

    assert page.evaluate("window.connection") == {"success": True, "errorMsg": None}
    assert page.evaluate("window.found") == []
    assert page.evaluate("typeof Surfly.agentAvailable") == "boolean"
    # A global agent_status handler hears the group's availability, with the API as `api`.
    page.wait_for_function("() => window.global.some(([name]) => name === 'agent_status')")
    [[_, available, api_is_surfly]] = page.evaluate("window.global")
    assert api_is_surfly is True
    assert page.evaluate("Surfly.agentAvailable") is available


def test_the_button_starts_a_session_and_hides_while_it_runs(
    server, pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/surfly-api.html").page
    button = page.get_by_role("button", name="Co-browse with an agent")

    button.click()

    page.wait_for_function("() => Surfly.isInsideSession && Surfly.listSessions().length === 1")
    expect(button).to_be_hidden()
    pin = page.evaluate("Surfly.listSessions()[0].pin")
    viewer = open_viewer(pin)
    expect(replay(viewer).locator("h1")).to_have_text("Surfly API page")

    page.evaluate("Surfly.listSessions()[0].end()")

    page.wait_for_function("() => window.global.some(([name]) => name === 'session_ended')")
    assert page.evaluate("window.global.find(([name]) => name === 'session_ended')") == [
        "session_ended",
        pin,
    ]
    expect(button).to_be_visible()


def test_session_queued_shows_the_pin_and_handlers_have_the_session_as_this(
    server, pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/surfly-api.html").page

    pin = start_with_pin(page)

    wait_for_event(page, "session_queued", True)
    assert page.evaluate("window.session.pin") == pin
    open_viewer(pin)
    # Surfly counts every user: the agent and the leader.
    wait_for_event(
        page, "viewer_joined", {"count": 2, "clientIndex": 1, "userData": {"name": "agent"}}
    )


def test_viewers_count_includes_the_leader_as_they_leave(
    server, pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/surfly-api.html").page
    pin = start_with_pin(page)
    viewer = open_viewer(pin)
    wait_for_event(page, "viewer_joined")

    viewer.close()

    wait_for_event(
        page, "viewer_left", {"count": 1, "clientIndex": 1, "userData": {"name": "agent"}}
    )


def test_session_properties_and_the_methods_that_have_no_window_of_their_own(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/surfly-api.html").page
    start_with_pin(page)

    assert page.evaluate("window.session.settings") == {"docked_only": True}
    assert page.evaluate("window.session.started") is True
    assert page.evaluate("window.session.node") is None
    assert page.evaluate("window.session.window === window") is True
    assert page.evaluate("window.session.log('the visitor read the terms') === window.session")
    assert page.evaluate(
        "window.session.setDrawingSettings({mode: 'permanent', color: '#ff0000'})"
    ) == {"mode": "permanent", "color": "#ff0000"}
    # Created already: create() does nothing.
    assert page.evaluate("window.session.create().pin") == page.locator("#pin").inner_text()


def test_user_activity_fires_when_the_leader_uses_the_page(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/surfly-api.html").page
    start_with_pin(page)

    page.get_by_role("heading", name="Surfly API page").click()

    wait_for_event(page, "user_activity")


def test_end_with_a_redirect_url_ends_the_session_and_goes_there(
    server, pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/surfly-api.html").page
    viewer = open_viewer(start_with_pin(page))

    page.evaluate("window.session.end('surfly.html')")

    page.wait_for_url(f"{pages_url}/surfly.html")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "ended")
    assert page.evaluate("Surfly.isInsideSession") is False


def test_relocate_takes_the_tab_to_a_page_where_the_session_continues(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/surfly-api.html").page
    pin = start_with_pin(page)

    page.evaluate("window.session.relocate('surfly-later.html')")

    page.wait_for_url(f"{pages_url}/surfly-later.html")
    assert page.evaluate("window.atParse") == {"inside": True, "pin": pin}


def test_init_that_fails_says_why_in_error_msg(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/surfly-unknown.html").page

    page.wait_for_function("() => window.inits.length === 1")

    result = page.evaluate("window.inits[0]")
    assert result["success"] is False
    assert isinstance(result["errorMsg"], str) and result["errorMsg"]
