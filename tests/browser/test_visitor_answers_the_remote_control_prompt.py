"""The default visitor UI's remote-control prompt: it takes focus and answers once, the
session end withdraws it, and the agent hears the visitor's answer."""

from playwright.sync_api import expect

from tests.browser.conftest import (
    RC_TITLE,
    panel,
    replay,
    stand_in_ui,
)


def test_remote_control_prompt_takes_focus_and_answers_once(server, pages_url, new_context):
    page = stand_in_ui(server, pages_url, new_context)

    page.evaluate("requestControl()")
    prompt = page.get_by_role("alertdialog", name=RC_TITLE)
    expect(prompt).to_be_visible()
    expect(prompt.get_by_role("button", name="Deny")).to_be_focused()
    page.keyboard.press("Escape")
    expect(prompt).to_be_hidden()
    assert page.evaluate("calls") == ["decline"]

    page.evaluate("requestControl()")
    prompt.get_by_role("button", name="Allow").click()
    expect(prompt).to_be_hidden()
    assert page.evaluate("calls") == ["decline", "accept"]

    indicator = panel(page).get_by_text("The agent can control this page.")
    expect(indicator).to_be_hidden()
    page.evaluate("ui.handle('rc', {enabled: true})")
    expect(indicator).to_be_visible()
    page.evaluate("ui.handle('rc', {enabled: false})")
    expect(indicator).to_be_hidden()
    expect(page.locator("[aria-live=polite]")).to_have_text(
        "The agent no longer controls this page."
    )


def test_session_end_withdraws_an_unanswered_remote_control_prompt(server, pages_url, new_context):
    page = stand_in_ui(server, pages_url, new_context)
    page.evaluate("requestControl()")
    prompt = page.get_by_role("alertdialog", name=RC_TITLE)
    expect(prompt).to_be_visible()

    page.evaluate("active = false; ui.handle('sessionend')")

    expect(prompt).to_be_hidden()
    expect(panel(page)).to_be_hidden()
    assert page.evaluate("calls") == []


def test_agents_request_shows_the_prompt_and_allowing_gives_control(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    key = visitor.start()
    viewer = open_viewer(key)
    expect(replay(viewer).locator("#content")).to_be_visible()

    viewer.get_by_role("button", name="Request control").click()

    prompt = page.get_by_role("alertdialog", name=RC_TITLE)
    expect(prompt).to_be_visible()
    expect(prompt.get_by_role("button", name="Deny")).to_be_focused()
    prompt.get_by_role("button", name="Allow").click()
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    indicator = panel(page).get_by_text("The agent can control this page.")
    expect(indicator).to_be_visible()
    viewer.get_by_role("button", name="End control").click()
    expect(indicator).to_be_hidden()


def test_denying_in_the_prompt_tells_the_agent(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/ui.html")
    key = visitor.start()
    viewer = open_viewer(key)
    viewer.get_by_role("button", name="Request control").click()
    prompt = visitor.page.get_by_role("alertdialog", name=RC_TITLE)
    expect(prompt).to_be_visible()

    visitor.page.keyboard.press("Escape")

    expect(prompt).to_be_hidden()
    expect(viewer.locator(".rc-status")).to_have_text("The visitor declined control.")
