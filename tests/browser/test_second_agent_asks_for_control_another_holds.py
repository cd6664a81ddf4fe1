"""Two agents watch one session and the first has control of the visitor's page. The
second still finds Request control enabled; pressing it must not leave its viewer in an
error with "Asking the visitor for control…" shown for good (the server refuses: "Remote
control is already on.")."""

from playwright.sync_api import expect

from tests.browser.conftest import replay, wait_for_event


def test_a_second_agent_asking_for_control_while_the_first_has_it_keeps_a_working_viewer(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/control.html")
    key = visitor.start()
    first = open_viewer(key)
    second = open_viewer(key, username="agent2")
    expect(replay(first).locator("#heading")).to_have_text("Control")
    first.get_by_role("button", name="Request control").click()
    visitor.page.wait_for_function("() => window.consent !== null")
    visitor.page.evaluate("window.consent.accept()")
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
