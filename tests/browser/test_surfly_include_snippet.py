"""A page that loads Tandem through Surfly's documented include snippet: a placeholder
`Surfly` that queues init() until the script arrives, asynchronously."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import replay, wait_for_event


def test_queued_init_runs_its_callback_and_the_placeholder_becomes_the_api(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/surfly-snippet.html").page

    page.wait_for_function("() => window.initResult !== undefined")

    assert page.evaluate("window.initResult") == {"success": True}
    assert page.evaluate("window.placeholder === window.Surfly") is True
    assert page.evaluate("typeof Surfly.session") == "function"
    assert page.evaluate("'q' in Surfly") is False
    assert page.evaluate("Surfly.isInsideSession") is False


def test_session_started_from_the_init_callback_is_joined_by_its_pin(
    server, pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/surfly-snippet.html").page
    start = page.locator("#start")  # its text becomes the PIN

    page.get_by_role("button", name="Co-browse with us").click()

    wait_for_event(page, "session_started")
    expect(start).to_have_text(re.compile(r"^\d{6}$"))
    viewer = open_viewer(start.inner_text())
    expect(replay(viewer).locator("h1")).to_have_text("Surfly snippet page")


def test_init_called_again_after_the_script_arrived_calls_back_too(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/surfly-snippet.html").page
    page.wait_for_function("() => window.initResult !== undefined")

    result = page.evaluate("() => new Promise((resolve) => Surfly.init({}, resolve))")

    assert result == {"success": True}
