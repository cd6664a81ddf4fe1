"""A chat window sends glance_invoke messages the visitor's page cannot take: unknown
functions, malformed messages and functions that throw are logged and ignored, and the
listener keeps working.

The visitor page is on one origin of 127.0.0.1; the chat window is another origin of
127.0.0.1 (trusted: the demo group's pattern allows any port) or of 127.0.0.2 (trusted by
no group). To show that a message did nothing, the test waits for the page's console
message about it, or posts a good message after it and waits for that one's effect.
"""

import pytest

from tests.browser.conftest import (
    IGNORED,
    POST,
)


@pytest.mark.parametrize(
    "func",
    [
        "constructor",
        "__proto__",
        "toString",
        "hasOwnProperty",
        "eval",
        "alert",
        "addEventListener",
        "removeEventListener",
        "GLANCE.Cobrowse.Visitor.stopSession",
        "Visitor.startSession",
        "",
    ],
)
def test_unknown_func_is_ignored_with_a_console_message(visitor_with_chat, other_pages_url, func):
    scene = visitor_with_chat(other_pages_url)
    dialogs: list[str] = []
    scene.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    logged = scene.expect_ignored(
        "is not a function that may be invoked",
        lambda: scene.chat.evaluate(
            POST, {"glance_invoke": {"func": func, "args": {"sessionKey": "x"}, "groupid": 72}}
        ),
    )
    key = scene.start_by_invoke("7340")

    assert f'"{func}"' in logged
    assert key == "7340"
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]
    assert dialogs == []
    assert scene.errors == []


NOT_GLANCE_INVOKE = ["glance_invoke", 42, None, [], {"other": 1}, {"glance_invoke_x": {}}]

MALFORMED = [
    ("x", "glance_invoke is not an object"),
    (None, "glance_invoke is not an object"),
    ([1, 2], "glance_invoke is not an object"),
    ({"groupid": 72}, "func is not a string"),
    ({"func": 5, "groupid": 72}, "func is not a string"),
    ({"func": ["startSession"], "groupid": 72}, "func is not a string"),
    ({"func": "startSession", "args": "9999", "groupid": 72}, "is not an object"),
    ({"func": "startSession", "args": [9999], "groupid": 72}, "is not an object"),
    ({"func": "startSession", "args": 9999, "groupid": 72}, "is not an object"),
    ({"func": "startSession", "args": {"sessionKey": {}}, "groupid": 72}, "sessionKey"),
    ({"func": "startSession", "args": {"sessionKey": [1]}, "groupid": 72}, "sessionKey"),
    ({"func": "startSession"}, "not this page's group"),
    ({"func": "startSession", "groupid": None}, "not this page's group"),
    ({"func": "startSession", "groupid": {"id": 72}}, "not this page's group"),
    ({"func": "startSession", "groupid": [72]}, "not this page's group"),
]


def test_malformed_messages_are_ignored_without_throwing(visitor_with_chat, other_pages_url):
    scene = visitor_with_chat(other_pages_url)

    for data in NOT_GLANCE_INVOKE:  # other scripts' messages: not ours, not even logged
        scene.chat.evaluate(POST, data)
    for request, reason in MALFORMED:
        scene.expect_ignored(
            reason, lambda request=request: scene.chat.evaluate(POST, {"glance_invoke": request})
        )
    key = scene.start_by_invoke("7350")

    assert key == "7350"
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]
    assert sum(IGNORED in text for text in scene.console) == len(MALFORMED)
    assert scene.errors == []


def test_a_throwing_function_is_logged_and_the_listener_keeps_working(
    visitor_with_chat, other_pages_url
):
    scene = visitor_with_chat(other_pages_url)
    scene.page.evaluate(
        "() => { GLANCE.Cobrowse.Visitor.showTerms = () => { throw new Error('terms broke'); }; }"
    )

    with scene.page.expect_console_message(lambda m: "glance_invoke showTerms threw" in m.text):
        scene.invoke("showTerms")
    key = scene.start_by_invoke("7370")

    assert key == "7370"
    assert scene.errors == []
