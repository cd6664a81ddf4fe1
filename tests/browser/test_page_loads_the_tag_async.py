"""An integrator's page loads the tag with `async`: what it queues on TandemReady runs
once GLANCE is defined, whenever the script arrives."""

import re

from playwright.sync_api import Route, expect


def test_calls_queued_before_the_async_tag_loads_run_once_it_does(server, pages_url, new_context):
    page = new_context().new_page()
    held: list[Route] = []
    page.route("**/cobrowse/loader.js*", lambda route: held.append(route))
    with page.expect_request("**/cobrowse/loader.js*"):
        page.goto(f"{pages_url}/async.html", wait_until="domcontentloaded")
    assert page.evaluate("typeof window.GLANCE") == "undefined"  # the loader is held back
    assert len(held) == 1

    # The visitor clicks before the script is there: the click is queued, not lost.
    page.click("#share")
    held[0].continue_()

    key = page.locator("#key")
    expect(key).to_have_text(re.compile(r"^\d{6}$"))
    assert page.evaluate("window.queuedBeforeLoad") == "undefined"
    assert page.evaluate("window.readyWith") is True


def test_a_callback_pushed_after_the_tag_loaded_runs_at_once(server, pages_url, new_context):
    page = new_context().new_page()
    page.goto(f"{pages_url}/async.html")
    page.wait_for_function("typeof window.GLANCE === 'object' && window.readyWith === true")

    ran = page.evaluate(
        """() => { let got = null; TandemReady.push((G) => { got = G.VERSION; }); return got; }"""
    )

    assert ran == page.evaluate("GLANCE.VERSION")


def test_a_callback_that_throws_does_not_stop_the_others(server, pages_url, new_context):
    page = new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    page.goto(f"{pages_url}/async.html")
    page.wait_for_function("window.readyWith === true")

    ran = page.evaluate(
        """() => { let ran = false;
          TandemReady.push(() => { throw new Error("integrator bug"); }, () => { ran = true; });
          return ran; }"""
    )

    assert ran is True
    assert any("TandemReady callback threw" in text for text in errors)
