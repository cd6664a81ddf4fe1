"""The dashboard reads well on a laptop (both lists above the fold), uses a wide screen,
and works on a phone without sideways scrolling."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_agent_works_the_queue import START_AS


def dashboard_at(new_context, server, width: int, height: int) -> Page:
    page = new_context(viewport={"width": width, "height": height}).new_page()
    log_in(page, server)
    expect(page.locator("#sessions")).to_have_attribute("data-ready", "true")
    return page


def with_a_session_and_a_visitor(server, pages_url, open_visitor) -> str:
    open_visitor(f"{pages_url}/presence-on-ui.html")
    return open_visitor(f"{server.url}/demo/checkout/").page.evaluate(
        START_AS, "Maximilian Alexander Longname-Example"
    )


def test_both_lists_are_above_the_fold_at_1280_by_800(server, pages_url, open_visitor, new_context):
    key = with_a_session_and_a_visitor(server, pages_url, open_visitor)
    agent = dashboard_at(new_context, server, 1280, 800)
    expect(agent.locator(f"#sessions tr[data-key='{key}']")).to_be_visible()
    expect(agent.locator("#visitors tbody tr").first).to_be_visible()

    for heading in ("Active sessions", "Visitors online"):
        box = agent.get_by_role("heading", name=heading).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800, heading
    assert agent.get_by_role("heading", level=1).count() == 1
    assert agent.locator("th:empty").count() == 0


def test_dashboard_uses_a_wide_screen(server, pages_url, open_visitor, new_context):
    with_a_session_and_a_visitor(server, pages_url, open_visitor)
    agent = dashboard_at(new_context, server, 1920, 1080)

    width = agent.locator("main .columns").bounding_box()["width"]
    assert width > 0.8 * 1920


def test_dashboard_fits_a_phone_without_sideways_scrolling(
    server, pages_url, open_visitor, new_context
):
    key = with_a_session_and_a_visitor(server, pages_url, open_visitor)
    agent = dashboard_at(new_context, server, 390, 844)
    expect(agent.locator(f"#sessions tr[data-key='{key}']")).to_be_visible()
    expect(agent.locator("#visitors tbody tr").first).to_be_visible()

    assert agent.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Each session is a card that says what each line is. The queue redraws its rows as
    # sessions change, so the cell is found and read in one task: a handle held across
    # tasks may point at a row already taken out (whose computed style is empty).
    label = agent.evaluate(
        "(key) => getComputedStyle("
        "document.querySelector(`#sessions tr[data-key='${key}'] td`), '::before').content",
        key,
    )
    assert label == '"Visitor"'
