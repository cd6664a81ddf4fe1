"""Presence as an integrator's page and an agent use it: the visitor shows up on the
dashboard, live, and the agent's messages and co-browse requests reach it."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import dashboard, replay
from tests.servers import prepare_database, server_env, start_server, stop_server


def visitor_row(agent: Page, visitor_id: str):
    return agent.locator(f"#visitors tr[data-visitor='72:{visitor_id}']")


def test_data_presence_on_shows_the_visitor_live_until_it_leaves(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)

    visitor = open_visitor(f"{pages_url}/presence-on.html")

    row = visitor_row(agent, "shopper-1")
    expect(row.locator(".page")).to_have_text("Garden chairs")
    expect(row.locator(".browser")).to_contain_text("Chrome")
    visitor.page.evaluate("GLANCE.Presence.Visitor.instance.presence({data: {cart: 3}})")
    expect(row.locator(".data")).to_have_text("cart=3")
    visitor.page.evaluate("GLANCE.Presence.Visitor.instance.presence({data: {coupon: 'SPRING'}})")
    expect(row.locator(".data")).to_have_text("cart=3, coupon=SPRING")
    visitor.page.close()
    # Gone once the grace for a next page is over (3 s in the tests' server, servers.py).
    expect(row).to_have_count(0, timeout=10_000)


def test_data_presence_api_waits_for_the_page_and_signals_reach_onsignal(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-api.html").page
    page.wait_for_function("() => typeof GLANCE.Presence.Visitor === 'function'")
    expect(agent.locator("#visitors tbody tr")).to_have_count(0)

    page.evaluate("goOnline('api-1')")
    row = visitor_row(agent, "api-1")
    expect(row.locator(".data")).to_have_text("plan=gold")
    assert page.evaluate("GLANCE.Presence.Visitor.instance.visitorid") == "api-1"
    row.get_by_role("textbox", name="Message for api-1").fill("Can I help?")
    row.get_by_role("button", name="Send").click()

    page.wait_for_function("() => window.signals.length === 1")
    assert page.evaluate("window.signals") == [{"text": "Can I help?"}]
    expect(agent.locator("#signal-status")).to_have_text(
        "Message delivered to api-1: their page showed it."
    )


def test_presence_data_that_is_not_flat_is_rejected_with_onerror(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/presence-api.html").page
    page.evaluate("window.visitor = goOnline('api-2')")

    page.evaluate("visitor.presence({data: {nested: {a: 1}}})")
    page.evaluate("visitor.presence({data: ['x']})")

    assert [e["code"] for e in page.evaluate("window.errors")] == ["badparams", "badparams"]


def test_newer_tab_of_the_same_visitor_blurs_the_older(server, pages_url, open_visitor):
    first = open_visitor(f"{pages_url}/presence-api.html").page
    first.evaluate("goOnline('two-tabs')")
    first.wait_for_function("() => GLANCE.Presence.Visitor.instance !== null")
    second = first.context.new_page()
    second.goto(f"{pages_url}/presence-api.html")

    second.evaluate("goOnline('two-tabs')")

    first.wait_for_function("() => window.blurred === 1")
    assert second.evaluate("window.blurred") == 0


def real_window_focus(page: Page) -> None:
    """Headless Playwright tells every page it has the focus; without that, bringing a tab
    to the front moves the focus between windows as a visitor switching tabs does."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setFocusEmulationEnabled", {"enabled": False})


def test_visitor_stays_online_in_its_older_tab_and_the_tab_in_front_is_the_active_one(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    older = open_visitor(f"{pages_url}/presence-api.html").page
    older.evaluate("goOnline('many-tabs')")
    row = visitor_row(agent, "many-tabs")
    expect(row).to_have_count(1)

    def new_tab() -> Page:
        tab = older.context.new_page()
        tab.goto(f"{pages_url}/presence-api.html")
        tab.evaluate("goOnline('many-tabs')")
        return tab

    newer = new_tab()
    older.wait_for_function("() => window.blurred === 1")

    newer.close()

    older.wait_for_function("() => window.focused === 1")
    expect(row.locator(".data")).to_have_text("plan=gold")
    row.get_by_role("textbox", name="Message for many-tabs").fill("Still with you")
    row.get_by_role("button", name="Send").click()
    older.wait_for_function("() => window.signals.length === 1")
    assert older.evaluate("window.signals") == [{"text": "Still with you"}]
    expect(agent.locator("#signal-status")).to_have_text(
        "Message delivered to many-tabs: their page showed it."
    )

    # Another tab takes the focus; then the visitor goes back to the older one.
    newest = new_tab()
    older.wait_for_function("() => window.blurred === 2")
    for tab in (older, newest):
        real_window_focus(tab)

    older.bring_to_front()

    older.wait_for_function("() => window.focused === 2")
    newest.wait_for_function("() => window.blurred === 1")
    row.get_by_role("textbox", name="Message for many-tabs").fill("Welcome back")
    row.get_by_role("button", name="Send").click()
    older.wait_for_function("() => window.signals.length === 2")
    assert older.evaluate("window.signals")[1] == {"text": "Welcome back"}
    assert newest.evaluate("window.signals") == []


def test_co_browse_button_invokes_start_session_and_the_agent_joins_it(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-api.html").page
    page.evaluate("goOnline('cobrowse-me')")
    row = visitor_row(agent, "cobrowse-me")

    row.get_by_role("button", name="Co-browse with cobrowse-me").click()
    # The page's own consent prompt (data-ui="custom"): the visitor accepts.
    page.wait_for_function("() => window.confirmations.length === 1")
    page.evaluate("window.confirmations[0].accept()")

    agent.wait_for_url(re.compile(r"/agent/session/\d{6}/(\?group=\d+)?$"))
    key = re.search(r"/agent/session/(\d{6})/", agent.url).group(1)
    page.wait_for_function("(key) => window.sessionKeys.includes(key)", arg=key)
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(replay(agent).locator("h1")).to_have_text("Presence by API")


def test_signal_sent_while_offline_survives_a_restart_and_arrives_once(
    new_context, serve_pages, tmp_path_factory
):
    """Its own server: it is restarted between the agent's message and the visitor's return."""
    tmp = tmp_path_factory.mktemp("presence-restart")
    env = server_env(tmp)
    prepare_database(env)
    first = start_server(env, tmp / "first.log")
    try:
        agent = dashboard(new_context, first)
        form = agent.locator("#message-visitor")
        form.get_by_label("Visitor id").fill("away-1")
        form.get_by_label("Message").fill("Your order shipped")
        form.get_by_role("button", name="Send message").click()
        expect(agent.locator("#signal-status")).to_have_text(
            "away-1 is away: it will get it on return."
        )
    finally:
        stop_server(first)

    second = start_server(env, tmp / "second.log")
    try:
        with serve_pages("127.0.0.1", second.url) as pages:
            page = new_context().new_page()
            page.goto(f"{pages}/presence-api.html")
            page.evaluate("goOnline('away-1')")
            page.wait_for_function("() => window.signals.length === 1")
            assert page.evaluate("window.signals") == [{"text": "Your order shipped"}]
            # Back again later, in a new tab: acknowledged, so never again.
            again = new_context().new_page()
            again.goto(f"{pages}/presence-api.html")
            again.evaluate("goOnline('away-1')")
            agent = dashboard(new_context, second)
            expect(visitor_row(agent, "away-1").locator(".data")).to_have_text("plan=gold")
            assert again.evaluate("window.signals") == []
    finally:
        stop_server(second)


def test_set_visitor_id_reconnects_under_the_new_id_and_disconnect_goes_offline(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-api.html").page
    page.evaluate("window.first = goOnline('before-login')")
    expect(visitor_row(agent, "before-login")).to_have_count(1)

    page.evaluate("first.setVisitorId('customer-42')")

    expect(visitor_row(agent, "customer-42").locator(".data")).to_have_text("plan=gold")
    expect(visitor_row(agent, "before-login")).to_have_count(0)

    # The static form changes the latest instance, and the default for new ones.
    page.evaluate("window.second = goOnline('guest')")
    assert page.evaluate("GLANCE.Presence.Visitor.instance === second")
    expect(visitor_row(agent, "guest")).to_have_count(1)
    page.evaluate("GLANCE.Presence.Visitor.setVisitorId('customer-43')")
    expect(visitor_row(agent, "customer-43")).to_have_count(1)
    expect(visitor_row(agent, "guest")).to_have_count(0)
    assert page.evaluate("GLANCE_COBROWSE.visitorid") == "customer-43"

    page.evaluate("second.disconnect(); first.disconnect()")
    expect(visitor_row(agent, "customer-43")).to_have_count(0)
    expect(visitor_row(agent, "customer-42")).to_have_count(0)


def test_agent_finds_a_visitor_by_id_and_learns_who_is_not_online(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-api.html").page
    page.evaluate("goOnline('findable-7')")
    find = agent.locator("#find-visitor")

    find.get_by_label("Visitor id or code").fill("findable-7")
    find.get_by_role("button", name="Find").click()

    found = agent.locator("#found-visitor tr[data-visitor='72:findable-7']")
    expect(found.locator(".data")).to_have_text("plan=gold")
    find.get_by_label("Visitor id or code").fill("nobody-here")
    find.get_by_role("button", name="Find").click()
    expect(agent.locator("#find-status")).to_have_text("nobody-here is not online.")
    expect(agent.locator("#found-visitor")).to_be_hidden()


def test_unique_code_is_found_by_the_agent_extended_and_expires_on_the_visitors_clock(
    server, pages_url, new_context
):
    agent = dashboard(new_context, server)
    page = new_context().new_page()
    page.clock.install()
    page.goto(f"{pages_url}/presence-unique.html")

    page.evaluate("window.visitor = goUnique()")

    page.wait_for_function("() => window.uniques.length === 1")
    [unique] = page.evaluate("window.uniques")
    code = unique["visitorid"]
    assert re.fullmatch(r"[1-9]\d{5}", code) and unique["text"] == code
    expect(page.locator("#code")).to_have_text(code)
    find = agent.locator("#find-visitor")
    find.get_by_label("Visitor id or code").fill(code)
    find.get_by_role("button", name="Find").click()
    row = agent.locator(f"#found-visitor tr[data-visitor='72:{code}']")
    expect(row.locator(".data")).to_have_text("reason=phone")
    row.get_by_role("textbox", name=f"Message for {code}").fill("Thanks, I see you")
    row.get_by_role("button", name="Send").click()
    page.wait_for_function("() => window.signals.length === 1")

    page.clock.run_for("04:00")
    page.evaluate("visitor.extendUnique()")
    page.wait_for_function(
        "() => visitor.deadline > Date.now() + 5 * 60 * 1000", polling=50
    )  # the server answered: 1 + 5 minutes left
    # The page's clock also runs on by itself, for as long as the test takes (seconds on a
    # loaded machine): run it to a few seconds short of the deadline the page holds now,
    # then past it, whatever the test took so far.
    left = page.evaluate("visitor.deadline - Date.now()")
    assert left <= 6 * 60 * 1000  # extended by five minutes, not more
    page.clock.run_for(left - 5_000)
    assert page.evaluate("window.errors") == []
    expect(visitor_row(agent, code)).to_have_count(1)

    page.clock.run_for(10_000)

    page.wait_for_function("() => window.errors.length === 1")
    assert page.evaluate("window.errors")[0]["code"] == "expired"
    expect(visitor_row(agent, code)).to_have_count(0)
    assert page.evaluate("window.uniques.length") == 1  # no silent new code


def test_presence_visitor_script_loads_presence_without_co_browsing(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)

    page = open_visitor(f"{pages_url}/presence-only.html").page

    expect(visitor_row(agent, "lite-1").locator(".page")).to_have_text("Presence only")
    assert page.evaluate("typeof GLANCE.Presence.Visitor") == "function"
    assert page.evaluate("typeof GLANCE.Cobrowse") == "undefined"
    assert page.evaluate("GLANCE_COBROWSE.visitorid") == "lite-1"
    page.close()
    expect(visitor_row(agent, "lite-1")).to_have_count(0, timeout=10_000)  # after the grace
