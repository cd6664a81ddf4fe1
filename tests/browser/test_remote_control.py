"""Remote control as an agent and a visitor use it: the agent asks, the visitor's page
(through the documented rcrequested callbacks) agrees or not, and the agent's clicks and
typing in the viewer act on the visitor's real page, never on its private fields."""

import json

from playwright.sync_api import expect

from tests.browser.conftest import replay, wait_for_event


def in_control(open_visitor, open_viewer, pages_url):
    visitor = open_visitor(f"{pages_url}/control.html")
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Control")
    viewer.get_by_role("button", name="Request control").click()
    visitor.page.wait_for_function("() => window.consent !== null")
    return visitor, viewer, mirror


def test_accepted_control_lets_the_agent_click_and_type_on_the_visitors_page(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer, mirror = in_control(open_visitor, open_viewer, pages_url)
    page = visitor.page
    expect(viewer.locator(".rc-status")).to_have_text("Waiting for the visitor to allow control…")

    page.evaluate("window.consent.accept()")

    wait_for_event(page, "rc", {"enabled": True})
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    mirror.locator("#bump").click()
    expect(page.locator("#count")).to_have_text("1")
    expect(mirror.locator("#count")).to_have_text("1")
    mirror.locator("#name").fill("Typed by the agent")
    expect(page.locator("#name")).to_have_value("Typed by the agent")
    mirror.locator("#news").click()
    expect(page.locator("#news")).to_be_checked()
    expect(mirror.locator("#news")).to_be_checked()
    mirror.locator("#size").select_option("L")
    expect(page.locator("#size")).to_have_value("L")


def test_agent_typing_into_a_password_field_is_refused(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer, mirror = in_control(open_visitor, open_viewer, pages_url)
    page = visitor.page
    page.evaluate("window.consent.accept()")
    wait_for_event(page, "rc", {"enabled": True})

    # The PIN field reaches the agent as an empty, marked box; typing into it is refused.
    mirror.locator("input[data-tandem-masked]").fill("1234")

    expect(viewer.locator(".rc-status")).to_have_text(
        "This field is private: only the visitor can use it."
    )
    assert page.locator("#pin").input_value() == ""
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")


def test_declined_control_applies_nothing(server, pages_url, open_visitor, open_viewer):
    visitor, viewer, mirror = in_control(open_visitor, open_viewer, pages_url)
    page = visitor.page

    page.evaluate("window.consent.decline()")

    expect(viewer.locator(".rc-status")).to_have_text("The visitor declined control.")
    expect(viewer.get_by_role("button", name="Request control")).to_be_visible()
    mirror.locator("#bump").click(force=True)  # the replay does not take the click
    mirror.locator("#name").fill("not allowed", force=True)
    # The agent's socket is still live: its next request reaches the page.
    viewer.get_by_role("button", name="Request control").click()
    page.wait_for_function("() => window.seen.filter(([n]) => n === 'rcrequested').length === 2")
    assert page.locator("#count").text_content() == "0"
    assert page.locator("#name").input_value() == ""
    # The tap records the visitor's socket from its start (a listener added now would only
    # hear sockets opened later, and so hear nothing).
    assert visitor.received and not [
        frame for frame in map(json.loads, visitor.received) if frame.get("t") == "input"
    ]
    assert ["rc", {"enabled": True}] not in page.evaluate("window.seen")


def test_agent_ends_control(server, pages_url, open_visitor, open_viewer):
    visitor, viewer, _ = in_control(open_visitor, open_viewer, pages_url)
    page = visitor.page
    page.evaluate("window.consent.accept()")
    wait_for_event(page, "rc", {"enabled": True})

    viewer.get_by_role("button", name="End control").click()

    wait_for_event(page, "rc", {"enabled": False})
    expect(viewer.locator(".rc-status")).to_have_text("Control has ended.")
    expect(viewer.get_by_role("button", name="Request control")).to_be_visible()


def test_visitor_ends_control(server, pages_url, open_visitor, open_viewer):
    visitor, viewer, _ = in_control(open_visitor, open_viewer, pages_url)
    page = visitor.page
    page.evaluate("window.consent.accept()")
    wait_for_event(page, "rc", {"enabled": True})

    page.evaluate("GLANCE.Cobrowse.Visitor.endRemoteControl()")

    wait_for_event(page, "rc", {"enabled": False})
    expect(viewer.locator(".rc-status")).to_have_text("Control has ended.")


def test_control_carries_on_after_the_visitor_navigates(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer, mirror = in_control(open_visitor, open_viewer, pages_url)
    page = visitor.page
    page.evaluate("window.consent.accept()")
    wait_for_event(page, "rc", {"enabled": True})

    mirror.locator("#next").click()  # the agent follows a link on the visitor's page

    page.wait_for_url("**/control.html?page=2")
    wait_for_event(page, "rc", {"enabled": True})
    expect(mirror.locator("#heading")).to_have_text("Control, next page")
    assert [name for name, _ in page.evaluate("window.seen")] == ["statereceived", "rc"]
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    mirror.locator("#bump").click()
    expect(page.locator("#count")).to_have_text("1")


def test_agent_scrolling_the_replay_scrolls_the_visitors_page(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer, mirror = in_control(open_visitor, open_viewer, pages_url)
    page = visitor.page
    page.evaluate("window.consent.accept()")
    wait_for_event(page, "rc", {"enabled": True})
    assert page.evaluate("window.scrollY") == 0

    mirror.locator("#heading").hover()
    viewer.mouse.wheel(0, 1500)

    page.wait_for_function("() => window.scrollY > 500")
