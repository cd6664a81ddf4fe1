"""On a phone (390x844) the consent dialog, its buttons and the panel fit the screen: no
sideways scrolling, nothing cut off."""

import pytest
from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}
TERMS_TITLE = "Let an agent see this page?"


def inside_viewport(page: Page, box: dict) -> bool:
    width, height = page.evaluate("[innerWidth, innerHeight]")
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


@pytest.mark.parametrize("mobile", [False, True], ids=["narrow-window", "phone"])
def test_consent_dialog_and_panel_fit_a_phone(server, new_context, mobile):
    context = new_context(viewport=PHONE, is_mobile=mobile, has_touch=mobile)
    page = context.new_page()
    page.goto(f"{server.url}/demo/")

    page.get_by_role("button", name="Get help from an agent").click()
    dialog = page.get_by_role("dialog", name=TERMS_TITLE)
    expect(dialog).to_be_visible()
    accept = dialog.get_by_role("button", name="Accept")
    assert inside_viewport(page, dialog.bounding_box())
    assert inside_viewport(page, accept.bounding_box())
    assert inside_viewport(page, dialog.get_by_role("button", name="Decline").bounding_box())
    assert no_sideways_scroll(page)

    accept.click()
    status = page.get_by_role("region", name="Co-browsing")
    expect(status.locator(".digits")).to_be_visible()
    assert inside_viewport(page, status.bounding_box())
    assert inside_viewport(page, status.get_by_role("button", name="Stop sharing").bounding_box())
    assert no_sideways_scroll(page)
