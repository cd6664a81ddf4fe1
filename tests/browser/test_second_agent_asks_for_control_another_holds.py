"""Two agents watch one session and the first has control of the visitor's page. The
second cannot ask for it (Request control is disabled until the first gives it back), and
a request that crossed the first agent's in flight is refused in its control status line
(`rc_busy`) while its viewer goes on co-browsing."""

from playwright.sync_api import expect

from tests.browser.conftest import ask_for_control, replay, wait_for_event


def test_a_second_agent_asking_for_control_while_the_first_has_it_keeps_a_working_viewer(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/control.html")
    key = visitor.start()
    first = open_viewer(key)
    second = open_viewer(key, username="agent2")
    expect(replay(first).locator("#heading")).to_have_text("Control")
    ask_for_control(first, visitor.page)
    wait_for_event(visitor.page, "rc", {"enabled": True})
    expect(first.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    expect(second.locator(".rc-status")).to_contain_text("has control of the visitor's page.")

    request = second.get_by_role("button", name="Request control")
    if request.is_enabled():
        request.click()

    # Whatever the second agent is told, its viewer goes on co-browsing...
    expect(second.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(second.locator(".rc-status")).not_to_have_text("Asking the visitor for control…")
    visitor.page.locator("#name").fill("still mirrored")
    expect(replay(second).locator("#name")).to_have_value("still mirrored")
    # ...and the first agent keeps control.
    expect(first.locator(".rc-status")).to_have_text("You have control of the visitor's page.")


def test_the_second_agent_can_ask_once_the_first_gives_control_back(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/control.html")
    key = visitor.start()
    first = open_viewer(key)
    second = open_viewer(key, username="agent2")
    expect(replay(first).locator("#heading")).to_have_text("Control")
    ask_for_control(first, visitor.page)
    request = second.get_by_role("button", name="Request control")
    expect(second.locator(".rc-status")).to_have_text("Agent 1 has control of the visitor's page.")
    expect(request).to_be_disabled()

    first.get_by_role("button", name="End control").click()
    wait_for_event(visitor.page, "rc", {"enabled": False})
    expect(request).to_be_enabled()
    visitor.page.evaluate("window.consent = null")
    request.click()

    visitor.page.wait_for_function("() => window.consent !== null")
    visitor.page.evaluate("window.consent.accept()")
    expect(second.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    expect(first.locator(".rc-status")).to_have_text("Agent 2 has control of the visitor's page.")
    expect(first.get_by_role("button", name="Request control")).to_be_disabled()


def test_a_request_sent_just_before_the_first_agent_got_control_is_refused_in_the_status_line(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/control.html")
    key = visitor.start()
    first = open_viewer(key)
    second = open_viewer(key, username="agent2")
    expect(replay(second).locator("#heading")).to_have_text("Control")
    ask_for_control(first, visitor.page)
    request = second.get_by_role("button", name="Request control")
    expect(request).to_be_disabled()

    # The second agent pressed the button as the first agent's control was on its way.
    request.evaluate("button => { button.disabled = false; }")
    request.click()

    refusal = "Another agent has control of the visitor's page."
    expect(second.locator(".rc-status")).to_have_text(refusal)
    expect(second.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(request).to_be_visible()
    visitor.page.locator("#name").fill("still mirrored")
    expect(replay(second).locator("#name")).to_have_value("still mirrored")
    expect(first.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
