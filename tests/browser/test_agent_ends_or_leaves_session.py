"""The agent ends the session for everyone, or leaves it to the others; once a session is
over the viewer says so, with nothing left to press but the way back to the dashboard."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay, wait_for_event


def assert_over(viewer: Page, why: str) -> None:
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "ended")
    summary = viewer.locator(".summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(why)
    expect(summary).to_contain_text(re.compile(r"It lasted \d+ (s|min)"))
    for button in viewer.locator("#viewer button").all():
        if button.is_visible():
            expect(button).to_be_disabled()
    expect(viewer.locator(".chat input")).to_be_disabled()
    expect(viewer.get_by_text("Agents watching")).to_be_hidden()
    expect(viewer.get_by_text("You have control")).to_have_count(0)


def test_agent_ends_the_session_for_the_visitor(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/control.html")
    viewer = open_viewer(visitor.start())
    expect(replay(viewer).locator("#heading")).to_have_text("Control")

    viewer.get_by_role("button", name="End session").click()

    wait_for_event(visitor.page, "sessionend")
    assert visitor.page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    assert_over(viewer, "An agent ended the session.")

    viewer.get_by_role("link", name="Back to the dashboard").click()
    viewer.wait_for_url("**/agent/")


def test_viewer_in_control_is_disarmed_when_the_visitor_stops(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/control.html")
    viewer = open_viewer(visitor.start())
    expect(replay(viewer).locator("#heading")).to_have_text("Control")
    viewer.get_by_role("button", name="Request control").click()
    visitor.page.wait_for_function("() => window.consent !== null")
    visitor.page.evaluate("window.consent.accept()")
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")

    visitor.page.evaluate("GLANCE.Cobrowse.Visitor.stopSession()")

    assert_over(viewer, "The visitor ended the session.")
    expect(viewer.locator(".stage")).to_have_attribute("inert", "")


def test_agent_leaves_and_the_session_goes_on_without_it(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    viewer = open_viewer(visitor.start())
    expect(replay(viewer).locator("#heading")).to_have_text("Shop")

    viewer.get_by_role("button", name="Leave").click()

    viewer.wait_for_url("**/agent/")
    wait_for_event(visitor.page, "agents", {"count": 0, "names": []})
    assert visitor.page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is True
