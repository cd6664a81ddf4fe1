"""The visitor takes back control from the panel without ending the session: the agent's
viewer says control ended and keeps watching the live page."""

from playwright.sync_api import expect

from tests.browser.conftest import replay

RC_TITLE = "Let the agent control this page?"


def test_take_back_control_keeps_the_session_live_and_tells_the_agent(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    expect(mirror.locator("#content")).to_be_visible()
    viewer.get_by_role("button", name="Request control").click()
    page.get_by_role("alertdialog", name=RC_TITLE).get_by_role("button", name="Allow").click()
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    status = page.get_by_role("region", name="Co-browsing")
    take_back = status.get_by_role("button", name="Take back control")
    indicator = status.get_by_text("The agent can control this page.")
    expect(indicator).to_be_visible()

    take_back.click()

    expect(take_back).to_be_hidden()
    expect(indicator).to_be_hidden()
    expect(page.locator("[aria-live=polite]")).to_contain_text("You have control again.")
    expect(viewer.locator(".rc-status")).to_have_text("Control has ended.")
    expect(viewer.get_by_role("button", name="Request control")).to_be_visible()
    # The session goes on: still live on both sides, and the page still mirrored.
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is True
    expect(status.get_by_role("button", name="Stop sharing")).to_be_visible()
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")
    page.fill("#note", "after taking back control")
    expect(mirror.locator("#note")).to_have_value("after taking back control")
