"""A session outlives its page: navigations, reloads, dropped connections and a second tab,
seen through the Glance visitor events an integrator's page listens to."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import SocketSwitch, replay, wait_for_event

STORAGE_KEY = "tandem.cobrowse.72"


def event_names(page: Page) -> list[str]:
    return page.evaluate("window.seen.map(([name]) => name)")


def add_note(page: Page, text: str) -> None:
    page.evaluate(
        """(text) => {
          const li = document.createElement("li");
          li.textContent = text;
          document.getElementById("notes").appendChild(li);
        }""",
        text,
    )


def test_next_page_of_the_tab_continues_the_session_and_the_agents_view(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Shop")
    page = visitor.page

    page.click("#next")

    page.wait_for_url("**/basket.html")
    wait_for_event(page, "agents")
    assert page.evaluate("window.seen") == [
        ["sessioncontinue", None],
        ["statereceived", None],
        ["agents", {"count": 1, "names": ["agent"]}],
    ]
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is True
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getSessionState()") == {
        "key": key,
        "agents": 1,
        "agentNames": ["agent"],
        "rc": False,
        "accessibility": False,
    }
    expect(mirror.locator("#heading")).to_have_text("Basket")
    add_note(page, "added on the basket page")
    expect(mirror.locator("#notes li")).to_have_text("added on the basket page")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")


def test_reload_mid_session_keeps_the_key_and_the_agents_view(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    add_note(visitor.page, "before the reload")
    expect(mirror.locator("#notes li")).to_have_text("before the reload")

    visitor.page.reload()

    wait_for_event(visitor.page, "statereceived")
    assert visitor.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    expect(mirror.locator("#notes li")).to_have_count(0)
    add_note(visitor.page, "after the reload")
    expect(mirror.locator("#notes li")).to_have_text("after the reload")


def test_dropped_connection_reconnects_and_the_agent_view_converges(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    page = visitor.page
    network = SocketSwitch(page)
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Shop")

    network.cut()
    wait_for_event(page, "connection", {"status": "reconnecting"})
    add_note(page, "typed while offline")
    network.allow = True

    wait_for_event(page, "connection", {"status": "ok"})
    expect(mirror.locator("#notes li")).to_have_text("typed while offline")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    assert event_names(page)[-2:] == ["connection", "connection"]
    assert "sessionend" not in event_names(page) and "error" not in event_names(page)


def test_connection_that_never_comes_back_ends_with_conndrop(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/flaky.html")  # gives up after one second
    page = visitor.page
    network = SocketSwitch(page)
    visitor.start()
    page.evaluate("window.seen = []")

    network.cut()

    wait_for_event(page, "sessionend")
    seen = page.evaluate("window.seen")
    assert [name for name, _ in seen] == ["connection", "error", "sessionend"]
    assert seen[0][1] == {"status": "reconnecting"}
    assert seen[1][1]["code"] == "conndrop" and seen[1][1]["msg"]
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    assert page.evaluate("(key) => sessionStorage.getItem(key)", STORAGE_KEY) is None


def test_forged_resume_token_starts_nothing(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/shop.html").page
    page.evaluate(
        "(key) => sessionStorage.setItem(key, JSON.stringify({key: '123456', token: 'forged'}))",
        STORAGE_KEY,
    )

    page.reload()

    wait_for_event(page, "error")
    seen = page.evaluate("window.seen")
    assert [name for name, _ in seen] == ["sessioncontinue", "error"]
    assert seen[1][1]["code"] == "service"
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    assert page.evaluate("(key) => sessionStorage.getItem(key)", STORAGE_KEY) is None


def test_second_tab_takes_focus_and_the_first_gets_it_back_when_clicked(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    first = visitor.page
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Shop")

    with first.context.expect_page() as opened:
        first.evaluate("window.open('basket.html')")
    second = opened.value
    wait_for_event(second, "statereceived")

    wait_for_event(first, "blur")
    assert second.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    expect(mirror.locator("#heading")).to_have_text("Basket")
    add_note(first, "typed in the blurred tab")
    add_note(second, "typed in the focused tab")
    expect(mirror.locator("#notes li")).to_have_text("typed in the focused tab")

    first.click("#heading")

    wait_for_event(first, "focus")
    wait_for_event(second, "blur")
    expect(mirror.locator("#heading")).to_have_text("Shop")
    expect(mirror.locator("#notes li")).to_have_text("typed in the blurred tab")
