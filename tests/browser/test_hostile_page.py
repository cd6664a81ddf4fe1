"""A visitor page full of script, handlers and javascript: URLs runs nothing in the viewer."""

from playwright.sync_api import expect

from tests.browser.conftest import replay


def test_mirrored_hostile_page_runs_no_script_in_the_agents_viewer(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/hostile.html")
    assert visitor.page.evaluate("window.pageScriptRan") is True  # it does run on its own page
    key = visitor.start()
    viewer = open_viewer(key)
    dialogs: list[str] = []
    viewer.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Hostile")

    visitor.page.evaluate("window.addLater()")
    expect(mirror.locator("#later")).to_contain_text("added")
    # Clicking through to the replay: links, forms and late handlers stay inert.
    frame = viewer.locator("#viewer .stage iframe").content_frame
    for selector in ["#js-link", "#js-submit", "#later"]:
        frame.locator(selector).dispatch_event("click")

    # Wait for the images' error events to have fired in the replay before checking.
    viewer.wait_for_function(
        """() => {
          const doc = document.querySelector('#viewer .stage iframe').contentDocument;
          return [...doc.images].every((img) => img.complete);
        }"""
    )
    assert viewer.evaluate("window.__pwned") is None
    assert (
        viewer.evaluate("document.querySelector('#viewer .stage iframe').contentWindow.__pwned")
        is None
    )
    sandbox = viewer.locator("#viewer .stage iframe").get_attribute("sandbox")
    assert sandbox is not None and "allow-scripts" not in sandbox
    assert dialogs == []
    csp = viewer.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    assert "script-src 'self'" in csp
