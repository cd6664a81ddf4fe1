"""A forged visitor (a bare WebSocket client, not a page) sends a snapshot and mutations
that ask for every kind of request a replay can make, all to a host no group trusts. The
agent's viewer renders them and that host hears nothing: the agent's browser asks only
Tandem's asset proxy, which refuses hosts outside the group's domains."""

import itertools
import json
import threading
from urllib.parse import unquote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from websockets.sync.client import connect

from tests.browser.conftest import replay
from tests.sites import serve_site

# Every resource the replay document fetched (decoded), from its own performance entries.
RESOURCES_JS = (
    "[...frame.contentWindow.performance.getEntriesByType('resource')].map((e) => e.name)"
)
PAGE = "http://127.0.0.1:5000/shop/"  # the forged page's address: a trusted origin
WAIT = 20

# What the replay asks the proxy for (and the proxy refuses: the host is not trusted).
PROXIED = [
    "srcset-1.png",
    "poster.png",
    "link.css",
    "import.css",
    "import-url.css",
    "inline.png",
    "svg-image.png",
    "sprite.svg",
    "added.png",
    "changed.png",
    "font.woff2",
    "body-bg.png",
    "preload.png",
    # Written so that a regular expression would miss them or read them wrong.
    "import-bare.css",
    "image-set.png",
    "webkit-image-set.png",
    "escaped.png",
    "escaped-string.png",
    "escaped-function.png",
    "srcset-comma.png?a,b",
    # Styles that mutations set, and constructed (adopted) style sheets.
    "mutated-style.png",
    "adopted.png",
    "replaced.png",
]


class Snapshot:
    """rrweb serialized nodes, numbered as the recorder numbers them."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)

    def el(self, tag: str, attrs: dict | None = None, *children, svg: bool = False) -> dict:
        node = {"type": 2, "tagName": tag, "attributes": attrs or {}, "id": next(self.ids)}
        node["childNodes"] = list(children)
        if svg:
            node["isSVG"] = True
        return node

    def text(self, value: str, style: bool = False) -> dict:
        node = {"type": 3, "textContent": value, "id": next(self.ids)}
        if style:
            node["isStyle"] = True
        return node


def hostile_events(h: str) -> tuple[list[dict], list[dict], int]:
    """A snapshot that asks `h` (the hostile origin) for everything, then mutations that
    ask again; the id of the element the mutations add last, to wait for."""
    n = Snapshot()
    escaped = "\\68 " + h[1:]  # `\68 ttp://...`: CSS reads "http://..."
    css = (
        f"@import '{h}/import.css'; @import url({h}/import-url.css);"
        f'@import"{h}/import-bare.css";'
        f"@font-face {{ font-family: Evil; src: url({h}/font.woff2); }}"
        f"body {{ font-family: Evil; }} .bg {{ background: url('{h}/css-bg.png'); }}"
        f'.set {{ background-image: image-set("{h}/image-set.png" 1x); }}'
        f'.wset {{ background-image: -webkit-image-set("{h}/webkit-image-set.png" 1x); }}'
        f".esc {{ background-image: url({escaped}/escaped.png); }}"
        f'.esc-string {{ background-image: url("{escaped}/escaped-string.png"); }}'
        f".esc-function {{ background-image: u\\72l({h}/escaped-function.png); }}"
    )
    style = n.el("style", {}, n.text(css, style=True))
    # The mutations rewrite this one's text; the sheet above stays, so its imports and
    # font load however late the replay lays the page out.
    restyled = n.el("style", {}, n.text(f"div {{ background: url({h}/before.png) }}", style=True))
    head = n.el(
        "head",
        {},
        n.el("meta", {"http-equiv": "refresh", "content": f"0;url={h}/refresh"}),
        n.el("meta", {"name": "referrer", "content": "unsafe-url"}),
        n.el("link", {"rel": "stylesheet", "href": f"{h}/link.css"}),
        n.el("link", {"rel": "icon", "href": f"{h}/icon.png"}),
        n.el("link", {"rel": "preload", "as": "image", "href": f"{h}/preload.png"}),
        n.el("link", {"rel": "prefetch", "href": f"{h}/prefetch"}),
        n.el(
            "link", {"rel": "stylesheet", "_cssText": f"p {{ background: url({h}/csstext.png) }}"}
        ),
        style,
        restyled,
    )
    svg = n.el(
        "svg",
        {"width": "50", "height": "50"},
        n.el("image", {"href": f"{h}/svg-image.png", "width": "10", "height": "10"}, svg=True),
        n.el("image", {"xlink:href": f"{h}/svg-xlink.png", "width": "10"}, svg=True),
        n.el("use", {"href": f"{h}/sprite.svg#x"}, svg=True),
        # SVG animation runs without script: it must not point an image elsewhere.
        n.el(
            "image",
            {"width": "10", "height": "10"},
            n.el("set", {"attributeName": "href", "to": f"{h}/smil.png"}, svg=True),
            svg=True,
        ),
        n.el(
            "rect",
            {"width": "5", "height": "5"},
            n.el(
                "animate",
                {"attributeName": "fill", "values": f"url({h}/smil.svg#p);red", "dur": "1s"},
                svg=True,
            ),
            svg=True,
        ),
        n.el("rect", {"width": "5", "height": "5", "fill": f"url({h}/fill.svg#p)"}, svg=True),
        svg=True,
    )
    styled_later = n.el("p", {"id": "styled-later"}, n.text("styled later"))
    body = n.el(
        "body",
        {"background": f"{h}/body-bg.png"},
        n.el("h1", {"id": "heading"}, n.text("Forged")),
        n.el("img", {"src": f"{h}/img.png"}),
        n.el("img", {"srcset": f"{h}/srcset-1.png 1x, {h}/srcset-2.png 2x"}),
        n.el("picture", {}, n.el("source", {"srcset": f"{h}/source.png"}), n.el("img", {})),
        n.el("video", {"poster": f"{h}/poster.png", "src": f"{h}/video.mp4"}),
        n.el(
            "video",
            {},
            n.el("source", {"src": f"{h}/source.mp4"}),
            n.el("track", {"src": f"{h}/track.vtt"}),
        ),
        n.el("audio", {"src": f"{h}/audio.mp3", "preload": "auto"}),
        n.el("div", {"class": "bg", "style": f"background-image: url({h}/inline.png)"}),
        n.el(
            "table",
            {"background": f"{h}/table.png"},
            n.el(
                "tbody", {}, n.el("tr", {}, n.el("td", {"background": f"{h}/td.png"}, n.text("x")))
            ),
        ),
        n.el("object", {"data": f"{h}/object.svg"}),
        n.el("embed", {"src": f"{h}/embed.svg"}),
        n.el("iframe", {"src": f"{h}/frame.html"}),
        n.el("input", {"type": "image", "src": f"{h}/input.png"}),
        *[
            n.el("div", {"class": name, "style": "width: 5px; height: 5px"})
            for name in ["set", "wset", "esc", "esc-string", "esc-function", "adopted", "synced"]
        ],
        n.el("img", {"srcset": f"{h}/srcset-comma.png?a,b 1x", "referrerpolicy": "unsafe-url"}),
        n.el("iframe", {"srcdoc": f"<img src='{h}/srcdoc.png'>"}),
        n.el("a", {"href": f"{h}/link", "ping": f"{h}/ping"}, n.text("a link")),
        styled_later,
        n.el("img", {"src": "/relative.png"}),
        svg,
    )
    html = n.el("html", {}, head, body)
    document = {
        "type": 0,
        "childNodes": [
            {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": next(n.ids)},
            html,
        ],
        "id": next(n.ids),
    }
    snapshot = [
        {"type": 4, "data": {"href": PAGE, "width": 1024, "height": 700}, "timestamp": 1},
        {
            "type": 2,
            "data": {"node": document, "initialOffset": {"left": 0, "top": 0}},
            "timestamp": 2,
        },
    ]
    image = body["childNodes"][1]
    marker = n.el("p", {"id": "done", "style": f"background: url({h}/added-style.png)"})
    done = n.text("done")  # mutations add each node on its own, children after parents
    mutations = [
        {
            "type": 3,
            "timestamp": 3,
            "data": {
                "source": 0,
                "texts": [
                    {
                        "id": restyled["childNodes"][0]["id"],
                        "value": f"div {{ background: url({h}/text.png) }}",
                    }
                ],
                "attributes": [
                    {"id": image["id"], "attributes": {"src": f"{h}/changed.png"}},
                    {
                        "id": body["childNodes"][8]["id"],
                        "attributes": {"style": {"background": f"url({h}/style-object.png)"}},
                    },
                    {
                        "id": styled_later["id"],
                        "attributes": {
                            "style": f'background-image: image-set("{h}/mutated-style.png" 1x)'
                        },
                    },
                ],
                "removes": [],
                "adds": [
                    {
                        "parentId": body["id"],
                        "nextId": None,
                        "node": n.el("img", {"src": f"{h}/added.png"}),
                    },
                    {"parentId": body["id"], "nextId": None, "node": marker},
                    {"parentId": marker["id"], "nextId": None, "node": done},
                ],
            },
        },
        {
            "type": 3,
            "timestamp": 4,
            "data": {
                "source": 8,
                "id": style["id"],
                "adds": [{"rule": f"h1 {{ background: url({h}/rule.png) }}", "index": 0}],
            },
        },
        {
            "type": 3,
            "timestamp": 5,
            "data": {
                "source": 13,
                "id": style["id"],
                "index": [0],
                "set": {"property": "background", "value": f"url({h}/declaration.png)"},
            },
        },
        {
            "type": 3,
            "timestamp": 6,
            "data": {
                "source": 10,
                "family": "Evil2",
                "fontSource": f"url({h}/fontface.woff2)",
                "buffer": False,
                "descriptors": {},
            },
        },
        {  # constructed sheets the page adopted, one of them later replaced whole
            "type": 3,
            "timestamp": 7,
            "data": {
                "source": 15,
                "id": document["id"],
                "styles": [
                    {
                        "styleId": 1,
                        "rules": [
                            {"rule": f".adopted {{ background: url({h}/adopted.png) }}", "index": 0}
                        ],
                    },
                    {"styleId": 2, "rules": []},
                ],
                "styleIds": [1, 2],
            },
        },
        {
            "type": 3,
            "timestamp": 8,
            "data": {
                "source": 8,
                "styleId": 2,
                "replaceSync": f".synced {{ background: url({h}/replaced.png) }}",
            },
        },
    ]
    return snapshot, mutations, marker["id"]


def forge_visitor(
    server_url: str, key: str, snapshot: list, mutations: list, stop: threading.Event
):
    """Start session `key` as a page of PAGE would, and answer each snapshot request with
    the hostile snapshot and mutations."""
    url = server_url.replace("http", "ws") + "/ws/visitor/72/"
    with connect(url, origin="http://127.0.0.1:5000", open_timeout=WAIT, max_size=None) as socket:
        socket.send(json.dumps({"t": "start", "site": "production", "key": key}))
        seq = 0
        while not stop.is_set():
            try:
                frame = json.loads(socket.recv(timeout=0.2))
            except TimeoutError:
                continue
            if frame.get("t") == "snapshot":
                socket.send(json.dumps({"t": "snap", "s": seq, "to": frame["to"], "e": snapshot}))
                socket.send(json.dumps({"t": "ev", "s": seq + 1, "e": mutations}))
                seq += 2


@pytest.fixture
def hostile():
    """A host no group trusts (127.0.0.2), logging every request it receives."""
    with serve_site({}, host="127.0.0.2") as site:
        yield site


def test_forged_snapshot_makes_the_agents_browser_fetch_nothing_outside_tandem(
    server, hostile, open_viewer
):
    snapshot, mutations, _ = hostile_events(hostile.url)
    stop = threading.Event()
    key = "404404"
    forger = threading.Thread(
        target=forge_visitor, args=(server.url, key, snapshot, mutations, stop), daemon=True
    )
    forger.start()
    try:
        viewer = open_viewer(key)
        expect(replay(viewer).locator("#done")).to_have_text("done")
        # The replay asks the proxy for every asset the events name (none of them is
        # replaced before the page is laid out): wait until it asked for each of them and
        # every image has settled.
        try:
            viewer.wait_for_function(
                f"""(wanted) => {{
                  const frame = document.querySelector('#viewer .stage iframe');
                  const names = {RESOURCES_JS}.map(decodeURIComponent);
                  return [...frame.contentDocument.images].every((img) => img.complete)
                    && wanted.every((n) => names.some((u) => u.includes('/' + n)));
                }}""",
                arg=PROXIED,
                timeout=WAIT * 1000,
                polling=100,
            )
        except PlaywrightTimeoutError:
            pass  # the assertions below name what never went out
        asked = viewer.evaluate(
            f"(() => {{ const frame = document.querySelector("
            f"'#viewer .stage iframe'); return {RESOURCES_JS}; }})()"
        )
    finally:
        stop.set()
        forger.join(timeout=WAIT)

    assert hostile.requests == []
    assert [url for url in asked if not url.startswith(server.url)] == []
    proxied = unquote(" ".join(asked))
    assert [name for name in PROXIED if f"{hostile.url}/{name}" not in proxied] == []
