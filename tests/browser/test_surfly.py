"""A page written against Surfly's session API, run as its documentation shows it, with
Tandem's script in place of Surfly's."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, replay, wait_for_event


def start(page: Page) -> str:
    page.get_by_role("button", name="Co-browse with us").click()
    wait_for_event(page, "session_started")
    return page.evaluate("lastSession.pin")


def test_start_cobrowsing_sample_runs_and_agents_join_by_its_pin(
    server, pages_url, open_visitor, open_viewer
):
    notes: list[str] = []
    visitor = open_visitor(f"{pages_url}/surfly.html").page
    visitor.on("console", lambda message: notes.append(message.text))

    key = start(visitor)

    assert [name for name, _ in visitor.evaluate("seen")] == ["session_created", "session_started"]
    assert re.fullmatch(r"\d{6}", key)
    assert visitor.evaluate("lastSession.followerLink") == f"{server.url}/agent/session/{key}/"
    assert visitor.evaluate("Surfly.isInsideSession") is True
    assert any("docked_only" in note for note in notes)  # accepted, noted, ignored
    viewer = open_viewer(key)
    expect(replay(viewer).locator("h1")).to_have_text("Surfly page")


def test_viewers_joining_and_leaving_give_counts_indexes_and_names(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/surfly.html").page
    key = start(visitor)

    first = open_viewer(key, "agent")
    wait_for_event(
        visitor, "viewer_joined", {"count": 2, "clientIndex": 1, "userData": {"name": "agent"}}
    )
    second = open_viewer(key, "agent2")
    wait_for_event(
        visitor, "viewer_joined", {"count": 3, "clientIndex": 2, "userData": {"name": "agent2"}}
    )
    second.close()
    wait_for_event(
        visitor, "viewer_left", {"count": 2, "clientIndex": 2, "userData": {"name": "agent2"}}
    )
    first.close()
    wait_for_event(
        visitor, "viewer_left", {"count": 1, "clientIndex": 1, "userData": {"name": "agent"}}
    )


def test_messages_go_both_ways_between_the_page_and_the_agents_chat_panel(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/surfly.html").page
    key = start(visitor)
    viewer = open_viewer(key)
    wait_for_event(visitor, "viewer_joined")
    chat = viewer.get_by_role("complementary", name="Chat with the visitor")

    visitor.evaluate("lastSession.sendMessage({text: 'Which size fits me?'})")

    expect(chat.locator("li.visitor .who")).to_have_text("Visitor")
    expect(chat.locator("li.visitor .text")).to_have_text("Which size fits me?")
    chat.get_by_label("Message").fill("Take a medium")
    chat.get_by_role("button", name="Send").click()
    visitor.wait_for_function("() => window.messages.length === 1")
    [message] = visitor.evaluate("window.messages")
    assert message == {"data": "Take a medium", "origin": server.url}
    expect(chat.locator("li.mine .who")).to_have_text("You")
    expect(chat.locator("li.mine .text")).to_have_text("Take a medium")


def test_end_fires_session_ended_and_the_agent_sees_it_end(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/surfly.html").page
    key = start(visitor)
    viewer = open_viewer(key)

    visitor.get_by_role("button", name="Stop").click()

    wait_for_event(visitor, "session_ended")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "ended")
    assert visitor.evaluate("Surfly.isInsideSession") is False


def test_a_page_that_cannot_connect_gets_connect_failed(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/surfly-unknown.html").page
    visitor.wait_for_function("() => window.inits.length === 1")
    assert visitor.evaluate("window.inits[0].success") is False

    visitor.evaluate("go()")

    wait_for_event(visitor, "error", {"reason": "connect_failed"})


def test_agent_availability_on_the_dashboard_flips_agent_status_on_the_page(
    server, pages_url, open_visitor, new_context
):
    visitor = open_visitor(f"{pages_url}/surfly-status.html").page
    wait_for_event(visitor, "agent_status", {"available": False})
    help_button = visitor.get_by_role("button", name="Talk to an agent")
    expect(help_button).to_be_disabled()
    dashboard = new_context().new_page()
    log_in(dashboard, server)
    switch = dashboard.get_by_label("Available")
    expect(switch).to_be_enabled()
    expect(switch).not_to_be_checked()

    try:
        switch.check()
        expect(help_button).to_be_enabled()
        expect(dashboard.locator("#availability-status")).to_contain_text("Available")

        switch.uncheck()
        expect(help_button).to_be_disabled()

        # Available, then the agent closes the dashboard: nobody is there any more.
        switch.check()
        expect(help_button).to_be_enabled()
        dashboard.close()
        expect(help_button).to_be_disabled()
        assert [event for name, event in visitor.evaluate("seen")] == [
            {"available": value} for value in (False, True, False, True, False)
        ]
    finally:
        # The agent's choice outlives its dashboards: leave it away for other tests.
        again = new_context().new_page()
        log_in(again, server)
        if again.get_by_label("Available").is_checked():
            again.get_by_label("Available").uncheck()
            expect(again.get_by_label("Available")).to_be_enabled()
        again.close()


def test_give_control_moves_control_to_a_viewer_and_back_firing_control_on_both_sides(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/surfly.html").page
    key = start(visitor)
    first = open_viewer(key, "agent")
    second = open_viewer(key, "agent2")
    wait_for_event(
        visitor, "viewer_joined", {"count": 3, "clientIndex": 2, "userData": {"name": "agent2"}}
    )
    for viewer in (first, second):
        viewer.evaluate(
            "window.controls = []; document.addEventListener('tandem:control',"
            " (event) => window.controls.push(event.detail))"
        )

    visitor.evaluate("lastSession.giveControl(2)")

    wait_for_event(visitor, "control", {"to": 2, "userData": {"name": "agent2"}, "gained": False})
    expect(second.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    expect(first.locator(".rc-status")).to_have_text("Agent 2 has control of the visitor's page.")
    second.wait_for_function("window.controls.length === 1")
    assert second.evaluate("window.controls") == [{"to": 2, "gained": True}]
    assert first.evaluate("window.controls") == [{"to": 2, "gained": False}]

    visitor.evaluate("lastSession.giveControl(0)")

    wait_for_event(visitor, "control", {"to": 0, "userData": {}, "gained": True})
    expect(second.locator(".rc-status")).to_have_text("Control has ended.")
    expect(second.get_by_role("button", name="Request control")).to_be_visible()


def test_a_second_window_taking_the_lead_fires_other_connection_in_the_first(
    server, pages_url, open_visitor
):
    first = open_visitor(f"{pages_url}/surfly.html").page
    key = start(first)

    with first.context.expect_page() as opened:
        first.evaluate("window.open('surfly.html')")
    second = opened.value

    wait_for_event(first, "error", {"reason": "other_connection"})
    second.wait_for_function("() => window.Surfly.isInsideSession")
    assert second.evaluate("Surfly.currentSession.pin") == key
