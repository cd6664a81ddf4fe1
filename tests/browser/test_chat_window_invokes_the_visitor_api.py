"""A chat window invokes the visitor API on the visitor's page by postMessage (glance_invoke):
it starts and stops sessions and shows the terms, from a trusted origin and its own group
only.

The visitor page is on one origin of 127.0.0.1; the chat window is another origin of
127.0.0.1 (trusted: the demo group's pattern allows any port) or of 127.0.0.2 (trusted by
no group). To show that a message did nothing, the test waits for the page's console
message about it, or posts a good message after it and waits for that one's effect.
"""

import pytest

from tests.browser.conftest import (
    IN_SESSION,
    INVOKE,
    POST,
    RECORD_EVENT_NAMES,
)


@pytest.mark.parametrize(("groupid", "key"), [(72, "7301"), ("72", "7302")])
def test_invoke_visitor_from_a_trusted_chat_window_starts_a_session_with_the_given_key(
    server, pages_url, other_pages_url, open_visitor, open_viewer, groupid, key
):
    """The chat window is a popup the visitor's page opened, as Glance's docs describe."""
    visitor = open_visitor(f"{pages_url}/plain.html")
    visitor.page.evaluate(RECORD_EVENT_NAMES)
    with visitor.page.expect_popup() as popup:
        visitor.page.evaluate(
            "(url) => { window.open(url, 'chat'); }", f"{other_pages_url}/chat.html"
        )
    chat = popup.value
    chat.wait_for_load_state()

    chat.evaluate(INVOKE, ["opener", groupid, pages_url, "startSession", {"sessionKey": key}])

    visitor.page.wait_for_function(IN_SESSION)
    assert visitor.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    assert visitor.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]
    assert f'"key":"{key}"' in visitor.sent_text()
    viewer = open_viewer(key)  # the agent joins the session by that key
    assert viewer.locator("#viewer").get_attribute("data-state") == "live"


def test_glance_invoke_from_an_untrusted_origin_cannot_start_a_session(
    visitor_with_chat, untrusted_pages_url
):
    scene = visitor_with_chat(untrusted_pages_url)

    logged = scene.expect_ignored(
        "is not a trusted domain",
        lambda: scene.invoke("startSession", {"sessionKey": "7310"}),
    )

    assert untrusted_pages_url in logged
    assert scene.page.evaluate(IN_SESSION) is False
    assert scene.page.evaluate("window.seen") == []
    assert scene.visitor.sent == []  # no socket was even opened
    assert scene.errors == []


def test_glance_invoke_from_an_untrusted_origin_cannot_stop_a_session(
    visitor_with_chat, untrusted_pages_url
):
    scene = visitor_with_chat(untrusted_pages_url)
    key = scene.visitor.start("7311")

    scene.expect_ignored(
        "is not a trusted domain",
        lambda: scene.chat.evaluate(
            POST, {"glance_invoke": {"func": "stopSession", "groupid": 72}}
        ),
    )

    assert scene.page.evaluate(IN_SESSION) is True
    assert scene.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    assert "sessionend" not in scene.page.evaluate("window.seen")
    assert '{"t":"stop"}' not in scene.visitor.sent_text()


def test_glance_invoke_for_another_group_is_ignored(visitor_with_chat, other_pages_url):
    scene = visitor_with_chat(other_pages_url)

    logged = scene.expect_ignored(
        "not this page's group",
        lambda: scene.invoke("startSession", {"sessionKey": "7320"}, groupid=73),
    )
    key = scene.start_by_invoke("7321")

    assert "groupid 73" in logged
    assert key == "7321"
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]


@pytest.mark.parametrize(("groupid", "key"), [(72, "7331"), ("72", "7332")])
def test_glance_invoke_posted_by_hand_matches_a_groupid_given_as_number_or_string(
    visitor_with_chat, other_pages_url, groupid, key
):
    scene = visitor_with_chat(other_pages_url)
    message = {"func": "startSession", "args": {"sessionKey": key}, "groupid": groupid}

    scene.chat.evaluate(POST, {"glance_invoke": message})

    scene.page.wait_for_function(IN_SESSION)
    assert scene.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key


def test_stop_session_via_invoke_ends_the_session(visitor_with_chat, other_pages_url):
    scene = visitor_with_chat(other_pages_url)
    scene.start_by_invoke("7360")

    scene.invoke("stopSession")

    scene.page.wait_for_function("() => window.seen.includes('sessionend')")
    assert scene.page.evaluate(IN_SESSION) is False
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart", "sessionend"]
    assert '{"t":"stop"}' in scene.visitor.sent_text()


@pytest.mark.parametrize("owner", ["Visitor", "VisitorUI"])
def test_show_terms_is_invoked_where_the_page_defines_it(visitor_with_chat, other_pages_url, owner):
    scene = visitor_with_chat(other_pages_url)
    scene.page.evaluate(
        """(owner) => {
          window.termsShown = [];
          if (owner === "VisitorUI") delete GLANCE.Cobrowse.Visitor.showTerms;
          const target = (GLANCE.Cobrowse[owner] ??= {});
          target.showTerms = function (args) { window.termsShown.push([this === target, args]); };
        }""",
        owner,
    )
    request = {"func": "showTerms", "args": {"sessionKey": "12121212"}, "groupid": "72"}

    scene.chat.evaluate(POST, {"glance_invoke": request})

    scene.page.wait_for_function("() => window.termsShown.length > 0")
    assert scene.page.evaluate("window.termsShown") == [[True, {"sessionKey": "12121212"}]]
