"""The agent co-browses with a site_connect page by the contact code it read out; the page
hears the session start and stop, and gets a new code afterwards."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    IN_SESSION,
    cobrowse_by_code,
    dashboard,
    ready_code,
    seen,
    site_connect_frame,
    visitor_row,
    wait_seen,
)


def test_agent_cobrowsing_by_the_code_publishes_cobrowsing_start(
    site_connect_page, server, new_context
):
    page = site_connect_page()
    code = ready_code(page)
    agent = dashboard(new_context, server)

    key = cobrowse_by_code(agent, code, page)

    wait_seen(page, "~pagesession/cobrowsing/start", {"key": key, "continued": False})
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    # The next page of the tab continues the session, and says so.
    page.reload()
    wait_seen(page, "~pagesession/cobrowsing/start", {"key": key, "continued": True})


def test_stop_session_ends_the_session_for_the_agent_and_publishes_cobrowsing_stop(
    site_connect_page, server, new_context
):
    page = site_connect_page()
    code = ready_code(page)
    agent = dashboard(new_context, server)
    key = cobrowse_by_code(agent, code, page)
    wait_seen(page, "~pagesession/cobrowsing/start")

    page.get_by_role("button", name="Stop co-browsing").click()  # site_connect.stop_session()

    wait_seen(page, "~pagesession/cobrowsing/stop", {"key": key})
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "ended")
    assert page.evaluate(IN_SESSION) is False


def test_after_a_session_the_frame_gets_a_new_code_and_the_old_one_is_gone(
    site_connect_page, server, new_context
):
    page = site_connect_page()
    code = ready_code(page)
    agent = dashboard(new_context, server)
    key = cobrowse_by_code(agent, code, page)
    wait_seen(page, "~pagesession/cobrowsing/start")
    page.evaluate("site_connect.publish('~pagesession/show_frame')")
    frame = site_connect_frame(page)

    frame.get_by_role("button", name="Stop co-browsing").click()  # the frame's own button

    wait_seen(page, "~pagesession/cobrowsing/stop", {"key": key})
    wait_seen(page, "~/site_connect/new_code")
    [renewed] = seen(page, "~/site_connect/new_code")
    assert re.fullmatch(r"\d{6}", renewed["code"]) and renewed["code"] != code
    expect(page.locator("#code")).to_have_text(renewed["code"])
    expect(frame.locator("#code")).to_have_text(renewed["code"])
    lookup = dashboard(new_context, server)
    expect(visitor_row(lookup, renewed["code"])).to_have_count(1)
    expect(visitor_row(lookup, code)).to_have_count(0)
