"""Glance's VisitorUI (the default visitor UI's API) and the default UI beside a page that
answers Glance's prompts itself (pages/vendors/glance-default-ui.html)."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay, wait_for_event

PAGE = "vendors/glance-default-ui.html"


def start(page: Page) -> str:
    page.get_by_role("button", name="Get help").click()
    page.get_by_role("dialog").get_by_role("button", name="Accept").click()
    wait_for_event(page, "sessionstart")
    return page.evaluate("GLANCE.Cobrowse.Visitor.getKey()")


def test_loaded_resolves_to_the_visitor_ui_and_set_style_is_accepted(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/{PAGE}").page

    page.wait_for_function("window.uiReady === true")


def test_a_control_request_the_page_accepts_leaves_no_dialog_open(
    server, pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/{PAGE}").page
    viewer = open_viewer(start(page))

    viewer.get_by_role("button", name="Request control").click()

    wait_for_event(page, "rc", {"enabled": True})
    expect(viewer.get_by_text("You have control")).to_be_visible()
    expect(page.get_by_role("alertdialog")).to_have_count(0)


def test_prompt_cross_domain_asks_then_continues_and_the_pages_answer_closes_the_warning(
    server, pages_url, other_pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/{PAGE}").page
    viewer = open_viewer(start(page))
    other = other_pages_url.split("//", 1)[1]

    page.evaluate(
        "(url) => { window.asked = GLANCE.Cobrowse.VisitorUI.promptCrossDomain({url}); }",
        f"{other_pages_url}/{PAGE}",
    )
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"continue the session on {other}")
    dialog.get_by_role("button", name="Continue sharing").click()

    page.wait_for_url(f"{other_pages_url}/**")
    wait_for_event(page, "urlstartwarning")
    wait_for_event(page, "statereceived")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    page.evaluate("document.querySelector('#heading').textContent = 'Other store'")
    expect(replay(viewer).locator("#heading")).to_have_text("Other store")


def test_prompt_cross_domain_outside_a_session_resolves_at_once(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/{PAGE}").page

    page.evaluate("GLANCE.Cobrowse.VisitorUI.promptCrossDomain({url: 'https://example.com/'})")

    expect(page.get_by_role("alertdialog")).to_have_count(0)
