"""An agent keeps the dashboard and viewers open in tabs all day: Tandem's pages carry an
icon, so the tabs are told apart and the browser's request for one does not fail (a 404
in every page's console before)."""

from playwright.sync_api import Page

from tests.browser.conftest import log_in


def icon_and_failures(page: Page, url: str) -> tuple[int, list[str]]:
    """The status of the page's icon, and every request of the page that failed."""
    failed: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    with page.expect_response(
        lambda response: "/favicon" in response.url or "tandem.svg" in response.url
    ) as icon:
        page.goto(url)
    return icon.value.status, failed


def test_the_agent_pages_and_the_demo_shop_have_an_icon(server, new_context):
    page = new_context().new_page()
    status, failed = icon_and_failures(page, f"{server.url}/accounts/login/")
    assert (status, failed) == (200, [])
    log_in(page, server)
    status, failed = icon_and_failures(page, f"{server.url}/agent/")
    assert (status, failed) == (200, [])
    status, failed = icon_and_failures(page, f"{server.url}/demo/")
    assert (status, failed) == (200, [])


def test_the_admin_pages_have_an_icon(server, new_context):
    page = new_context().new_page()
    status, failed = icon_and_failures(page, f"{server.url}/admin/login/")
    assert (status, failed) == (200, [])
    assert page.get_by_role("button", name="Log in").is_visible()  # still Django's admin page
