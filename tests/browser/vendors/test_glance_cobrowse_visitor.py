"""Glance's Cobrowse visitor API, one documented call or event per test, on a page written
the way Glance's docs show a custom visitor UI (pages/vendors/glance-visitor-api.html).
docs/compatibility.md names these tests in its Glance tables."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay, wait_for_event

PAGE = "vendors/glance-visitor-api.html"


def open_page(open_visitor, pages_url) -> Page:
    return open_visitor(f"{pages_url}/{PAGE}").page


def names(page: Page) -> list[str]:
    return [name for name, _ in page.evaluate("window.seen")]


def share(page: Page) -> str:
    page.get_by_role("button", name="Share my screen").click()
    wait_for_event(page, "sessionstart")
    return page.evaluate("GLANCE.Cobrowse.Visitor.getKey()")


def test_set_start_params_gives_a_later_start_its_key_and_visitor(
    server, pages_url, open_visitor, open_viewer
):
    page = open_page(open_visitor, pages_url)
    page.evaluate(
        """GLANCE.Cobrowse.Visitor.setStartParams({sessionKey: "acct-77", name: "Jane Roe",
                                                   email: "jane@example.com"})"""
    )

    key = share(page)

    assert key == "acct-77"
    viewer = open_viewer(key)
    expect(viewer.locator("#viewer .visitor")).to_contain_text("Jane Roe · jane@example.com")


def test_pause_session_stops_the_mirror_tells_the_agent_and_resume_sends_a_snapshot(
    server, pages_url, open_visitor, open_viewer
):
    page = open_page(open_visitor, pages_url)
    viewer = open_viewer(share(page))
    expect(replay(viewer).locator("#heading")).to_have_text("Account help")

    page.get_by_role("button", name="Pause or resume").click()

    expect(page.locator("#paused")).to_have_text("paused")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.isSessionPaused()") is True
    expect(viewer.locator("#viewer")).to_have_attribute("data-line", "paused")
    page.evaluate("document.querySelector('#heading').textContent = 'Private'")
    page.get_by_label("Note").fill("typed while paused")
    # Nothing of the paused page reaches the agent.
    viewer.get_by_role("button", name="Request control").wait_for()
    expect(replay(viewer).locator("#heading")).to_have_text("Account help")
    expect(replay(viewer).get_by_label("Note")).to_have_value("")

    page.get_by_role("button", name="Pause or resume").click()

    expect(page.locator("#paused")).to_have_text("running")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.isSessionPaused()") is False
    expect(replay(viewer).locator("#heading")).to_have_text("Private")
    expect(replay(viewer).get_by_label("Note")).to_have_value("typed while paused")
    expect(viewer.locator("#viewer")).not_to_have_attribute("data-line", "paused")


def test_pause_outside_a_session_does_nothing(server, pages_url, open_visitor):
    page = open_page(open_visitor, pages_url)

    page.evaluate("GLANCE.Cobrowse.Visitor.pauseSession({pause: true})")

    assert page.evaluate("GLANCE.Cobrowse.Visitor.isSessionPaused()") is False


def test_enable_rc_gives_the_agent_control_without_a_request(
    server, pages_url, open_visitor, open_viewer
):
    page = open_page(open_visitor, pages_url)
    viewer = open_viewer(share(page))
    wait_for_event(page, "agents", {"count": 1, "names": ["agent"]})

    page.get_by_role("button", name="Let the agent drive").click()

    wait_for_event(page, "rc", {"enabled": True})
    expect(viewer.get_by_text("You have control")).to_be_visible()


def test_enable_rc_accepts_the_agents_open_request(server, pages_url, open_visitor, open_viewer):
    page = open_page(open_visitor, pages_url)
    viewer = open_viewer(share(page))
    viewer.get_by_role("button", name="Request control").click()
    wait_for_event(page, "rcrequested")

    page.evaluate("GLANCE.Cobrowse.Visitor.enableRC({enable: true})")

    wait_for_event(page, "rc", {"enabled": True})
    page.evaluate("GLANCE.Cobrowse.Visitor.enableRC(false)")
    wait_for_event(page, "rc", {"enabled": False})


def test_continue_session_at_carries_the_session_to_another_trusted_domain(
    server, pages_url, other_pages_url, open_visitor, open_viewer
):
    page = open_page(open_visitor, pages_url)
    key = share(page)
    viewer = open_viewer(key)

    # The page on the other domain answers Glance's urlstartwarning itself (?answer=accept).
    page.evaluate(
        "(url) => GLANCE.Cobrowse.Visitor.continueSessionAt({destination: url})",
        f"{other_pages_url}/{PAGE}?answer=accept",
    )

    page.wait_for_url(f"{other_pages_url}/**")
    wait_for_event(page, "urlstartwarning")
    wait_for_event(page, "statereceived")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    page.evaluate("document.querySelector('#heading').textContent = 'Other domain'")
    expect(replay(viewer).locator("#heading")).to_have_text("Other domain")


def test_sessionstarting_is_followed_by_error_when_the_page_stops_during_the_start(
    server, pages_url, open_visitor
):
    page = open_page(open_visitor, pages_url)

    page.evaluate(
        """() => { GLANCE.Cobrowse.Visitor.startSession("during-start");
                   GLANCE.Cobrowse.Visitor.stopSession(); }"""
    )

    assert names(page) == ["sessionstarting", "error"]
    [_, (_, error)] = page.evaluate("window.seen")
    assert error["code"] == "service" and "stopped" in error["msg"]
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False


def test_a_key_another_running_session_has_is_reported_as_dupkey(
    server, pages_url, open_visitor, new_context
):
    first = open_page(open_visitor, pages_url)
    first.evaluate("GLANCE.Cobrowse.Visitor.startSession('shared-key-1')")
    wait_for_event(first, "sessionstart")
    second = open_page(open_visitor, pages_url)

    second.evaluate("GLANCE.Cobrowse.Visitor.startSession('shared-key-1')")

    wait_for_event(second, "error")
    [starting, error] = second.evaluate("window.seen")
    assert starting[0] == "sessionstarting" and error[1]["code"] == "dupkey"


def test_stop_session_fires_leavesession_then_sessionend_with_reason_visitor(
    server, pages_url, open_visitor
):
    page = open_page(open_visitor, pages_url)
    share(page)

    page.get_by_role("button", name="Stop sharing").click()

    wait_for_event(page, "sessionend", {"reason": "visitor"})
    assert names(page)[-2:] == ["leavesession", "sessionend"]


def test_an_agent_ending_the_session_gives_sessionend_reason_agent(
    server, pages_url, open_visitor, open_viewer
):
    page = open_page(open_visitor, pages_url)
    viewer = open_viewer(share(page))

    viewer.get_by_role("button", name="End session").click()

    wait_for_event(page, "sessionend", {"reason": "agent"})
    assert "leavesession" not in names(page)


def test_get_session_state_after_statereceived_on_the_next_page(server, pages_url, open_visitor):
    page = open_page(open_visitor, pages_url)
    key = share(page)

    page.reload()

    wait_for_event(page, "statereceived")
    assert names(page)[:2] == ["sessioncontinue", "statereceived"]
    state = page.evaluate("GLANCE.Cobrowse.Visitor.getSessionState()")
    assert state["key"] == key and state["rc"] is False
