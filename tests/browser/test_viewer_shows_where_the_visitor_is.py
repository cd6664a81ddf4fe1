"""The agent's viewer tells the truth about the visitor: the page they are on (title and
URL, without the query string), and whether they are here, on the way to another page,
in another tab, or gone with the session about to end."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay


def hide_tab(page: Page, hidden: bool) -> None:
    """The visitor brings another tab or window to the front (or comes back): the browser
    says so by `document.hidden` and a `visibilitychange` event."""
    page.evaluate(
        """(hidden) => {
          Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def test_viewer_shows_the_visitors_title_and_url_without_its_query(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html?token=s3cret#card")
    viewer = open_viewer(visitor.start())
    expect(replay(viewer).locator("#heading")).to_have_text("Shop")

    expect(viewer.locator(".page-title")).to_have_text("Shop")
    expect(viewer.locator(".page-url")).to_have_text(f"{pages_url}/shop.html")
    assert "s3cret" not in " ".join(viewer.locator("#viewer .bar").all_inner_texts())

    visitor.page.evaluate("document.title = 'Shop: 2 items'")
    expect(viewer.locator(".page-title")).to_have_text("Shop: 2 items")

    visitor.page.click("#next")
    expect(viewer.locator(".page-title")).to_have_text("Basket")
    expect(viewer.locator(".page-url")).to_have_text(f"{pages_url}/basket.html")
    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "live")
    expect(viewer.locator(".status")).to_have_text("Live")


def test_viewer_says_when_the_visitor_is_in_another_tab_and_back(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    viewer = open_viewer(visitor.start())
    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "live")

    hide_tab(visitor.page, True)

    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "blurred")
    expect(viewer.locator(".status")).to_have_text(re.compile("in another tab or window"))

    hide_tab(visitor.page, False)

    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "live")
    expect(viewer.locator(".status")).to_have_text("Live")


def test_viewer_counts_down_the_grace_when_the_visitor_closes_the_tab(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    viewer = open_viewer(visitor.start())
    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "live")

    visitor.page.close()

    # First taken for a navigation (the next page may be loading), then for a closed tab,
    # with the time left of TANDEM_VISITOR_GRACE_SECONDS (75 by default).
    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "navigating")
    expect(viewer.locator(".status")).to_have_text(re.compile("on the way to another page"))
    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "tab-closed", timeout=15_000)
    expect(viewer.locator(".status")).to_have_text(
        re.compile(r"tab is closed or offline: the session ends in (7\d|6\d) s unless")
    )
    expect(viewer.locator(".session-end")).to_be_enabled()


def test_viewer_is_live_again_when_the_visitor_comes_back_on_its_next_page(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    viewer = open_viewer(visitor.start())
    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "live")
    # Every value the line had, recorded in the page as it changes: each record's old value
    # (a callback reading the attribute could miss one that came and went between two).
    viewer.evaluate(
        """() => {
          window.linesWere = [];
          new MutationObserver((records) => {
            for (const record of records) window.linesWere.push(record.oldValue);
          }).observe(viewer, {
            attributes: true, attributeFilter: ["data-line"], attributeOldValue: true,
          });
        }"""
    )

    visitor.page.click("#next")

    expect(viewer.locator(".page-title")).to_have_text("Basket")
    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "live")
    assert "navigating" in viewer.evaluate("window.linesWere")
