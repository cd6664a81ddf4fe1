"""Without control the agent's copy of the visitor's page cannot be used: the keyboard
never takes focus into it, so typing changes neither the replay nor the visitor's page."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay, wait_for_event

FOCUS_IN_REPLAY = """() => {
  const frame = document.querySelector("#viewer .stage iframe");
  return document.activeElement === frame
    || (frame && frame.contentDocument && frame.contentDocument.hasFocus()
        && frame.contentDocument.activeElement !== frame.contentDocument.body);
}"""


def tab_around_and_type(viewer: Page, key: str, times: int) -> None:
    """From the chat box, walk the page with the keyboard, typing at every stop."""
    viewer.locator(".chat input").focus()
    for _ in range(times):
        viewer.keyboard.press(key)
        assert viewer.evaluate(FOCUS_IN_REPLAY) is False
        if viewer.evaluate("document.activeElement?.matches?.('.chat input')"):
            continue  # the agent's own chat box takes the letters: fine
        viewer.keyboard.type("x")


def test_agent_without_control_cannot_tab_into_the_replay_and_type(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/control.html")
    viewer = open_viewer(visitor.start())
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Control")
    expect(viewer.locator(".stage")).to_have_attribute("inert", "")
    expect(viewer.locator(".stage iframe")).to_have_attribute("tabindex", "-1")

    tab_around_and_type(viewer, "Shift+Tab", 25)
    tab_around_and_type(viewer, "Tab", 25)

    assert mirror.locator("#name").input_value() == ""
    assert visitor.page.locator("#name").input_value() == ""


def test_the_replay_takes_input_again_once_the_visitor_gives_control(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/control.html")
    viewer = open_viewer(visitor.start())
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Control")

    viewer.get_by_role("button", name="Request control").click()
    visitor.page.wait_for_function("() => window.consent !== null")
    visitor.page.evaluate("window.consent.accept()")
    wait_for_event(visitor.page, "rc", {"enabled": True})

    expect(viewer.locator(".stage")).not_to_have_attribute("inert", "")
    mirror.locator("#name").fill("Typed in control")
    expect(visitor.page.locator("#name")).to_have_value("Typed in control")

    viewer.get_by_role("button", name="End control").click()
    expect(viewer.locator(".stage")).to_have_attribute("inert", "")
