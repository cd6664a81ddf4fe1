"""glance_invoke: a chat window calls every function of GLANCE.Cobrowse.Visitor that can be
called by message, as Glance's "Invoking Visitor API from Another Window" describes, with
GLANCE.Cobrowse.InvokeVisitor or a raw postMessage."""

import pytest

from tests.browser.conftest import INVOKE, POST

IN_SESSION = "() => GLANCE.Cobrowse.Visitor.inSession()"

VISITOR_FUNCS = [
    ("startSession", {"sessionKey": "9999"}),
    ("stopSession", None),
    ("inSession", None),
    ("getKey", None),
    ("getSessionState", None),
    ("setStartParams", {"sessionKey": "inv-2", "name": "Jane Roe"}),
    ("pauseSession", {"pause": True}),
    ("isSessionPaused", None),
    ("enableRC", {"enable": True}),
    ("endRemoteControl", None),
    ("crossDomain", {"url": "https://shop.example.com/"}),
    ("continueSessionAt", {"destination": "https://shop.example.com/"}),
]
UI_FUNCS = [
    ("showTerms", {"sessionKey": "12121212"}),
    ("promptCrossDomain", {"url": "https://shop.example.com/"}),
    ("setStyle", {"groupid": 72}),
]

SPY = """([owner, func]) => {
  window.calls = [];
  const target = owner === "VisitorUI"
    ? (GLANCE.Cobrowse.VisitorUI = GLANCE.Cobrowse.VisitorUI || {})
    : GLANCE.Cobrowse.Visitor;
  target[func] = function (...args) { window.calls.push([this === target, args]); };
}"""


@pytest.mark.parametrize(
    ("owner", "func", "args"),
    [("Visitor", f, a) for f, a in VISITOR_FUNCS] + [("VisitorUI", f, a) for f, a in UI_FUNCS],
)
def test_every_function_of_the_visitor_api_can_be_invoked(
    visitor_with_chat, other_pages_url, owner, func, args
):
    scene = visitor_with_chat(other_pages_url)
    scene.page.evaluate(SPY, [owner, func])

    scene.chat.evaluate(INVOKE, ["parent", 72, scene.visitor_origin, func, args])

    scene.page.wait_for_function("window.calls.length === 1")
    assert scene.page.evaluate("window.calls") == [[True, [args] if args is not None else []]]


def test_listeners_cannot_be_invoked(visitor_with_chat, other_pages_url):
    scene = visitor_with_chat(other_pages_url)

    scene.expect_ignored(
        "is not a function that may be invoked",
        lambda: scene.chat.evaluate(
            POST, {"glance_invoke": {"func": "addEventListener", "args": {}, "groupid": 72}}
        ),
    )


def test_invoked_start_params_and_pause_take_effect(visitor_with_chat, other_pages_url):
    scene = visitor_with_chat(other_pages_url)

    scene.invoke("setStartParams", {"sessionKey": "inv-3"})
    scene.invoke("startSession")
    scene.page.wait_for_function(IN_SESSION)
    scene.page.wait_for_function("() => window.seen.includes('sessionstart')")
    scene.invoke("pauseSession", {"pause": True})

    scene.page.wait_for_function("() => GLANCE.Cobrowse.Visitor.isSessionPaused()")
    assert scene.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == "inv-3"
