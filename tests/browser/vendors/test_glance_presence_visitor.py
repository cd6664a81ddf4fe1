"""Glance's Presence Visitor API, one documented call or event per test, on a page written
from Glance's presence docs (pages/vendors/glance-presence-api.html); and the REST
lookupvisitor an agent's server asks about that visitor."""

from datetime import datetime

from playwright.sync_api import Page, expect

from tests.browser.conftest import dashboard

LOG = "window.log"


def logged(page: Page, name: str) -> list:
    page.wait_for_function("(name) => window.log.some((entry) => entry[0] === name)", arg=name)
    return [entry for entry in page.evaluate(LOG) if entry[0] == name]


def open_page(open_visitor, pages_url) -> Page:
    page = open_visitor(f"{pages_url}/vendors/glance-presence-api.html").page
    page.wait_for_function("() => typeof GLANCE.Presence.Visitor === 'function'")
    return page


def test_presence_with_onsuccess_calls_back_once_the_data_is_sent(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_page(open_visitor, pages_url)

    page.evaluate("goOnline('sample-1')")

    assert logged(page, "onsuccess") == [["onsuccess"]]
    row = agent.locator("#visitors tr[data-visitor='72:sample-1']")
    expect(row.locator(".data")).to_have_text("plan=gold, cart=2")
    assert page.evaluate("GLANCE.Presence.Visitor.instance.visitorid") == "sample-1"


def test_onunique_gets_the_id_string_and_onuniqueid_the_id_and_timeout(
    server, pages_url, open_visitor
):
    page = open_page(open_visitor, pages_url)

    page.evaluate("goUnique()")

    [[_, kind, code]] = logged(page, "onunique")
    [[_, same, timeout]] = logged(page, "onuniqueid")
    assert kind == "string" and len(code) == 6 and code.isdigit()
    assert same == code and timeout == 300


def test_connect_unique_keeps_the_data_it_was_given(server, pages_url, open_visitor, new_context):
    agent = dashboard(new_context, server)
    page = open_page(open_visitor, pages_url)

    page.evaluate("goUnique()")

    [[_, _, code]] = logged(page, "onunique")
    row = agent.locator(f"#visitors tr[data-visitor='72:{code}']")
    expect(row.locator(".data")).to_contain_text("reason=billing")


def test_rest_lookupvisitor_gives_glances_timestamps_and_signal_server(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_page(open_visitor, pages_url)
    page.evaluate("goOnline('sample-2')")
    expect(agent.locator("#visitors tr[data-visitor='72:sample-2']")).to_have_count(1)

    found = agent.request.get(
        f"{server.url}/presence/lookupvisitor?groupid=72&visitorid=sample-2"
    ).json()

    since = datetime.fromisoformat(found["visitorpresent"])
    assert since <= datetime.fromisoformat(found["timestamp"])
    assert found["direct"] == found["ds"] == found["directserver"]
    assert found["direct"].endswith("/presence")
    page.close()
    # Gone once the grace for a next page is over (3 s in the tests' server).
    expect(agent.locator("#visitors tr[data-visitor='72:sample-2']")).to_have_count(
        0, timeout=10_000
    )
    gone = agent.request.get(
        f"{server.url}/presence/lookupvisitor?groupid=72&visitorid=sample-2"
    ).json()
    assert gone["visitorpresent"] is False and "direct" not in gone
