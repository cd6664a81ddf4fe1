"""End-to-end visitor -> agent latency in real browsers, against baselines in the same run.

Two Chromium pages on this machine: a visitor on the demo site and an agent watching it
in the live viewer. Each probe is timed in the pages themselves (performance.timeOrigin +
performance.now(), one clock for both), one at a time, so the figures are latency and
not queueing:

- dom:     the visitor appends an element; the agent's replay iframe shows it.
- pointer: the visitor moves the mouse; the agent's replayed pointer arrives there.
- agent pointer (the other way): the agent points over the replay with the Point tool;
  the agent's pointer moves on the visitor's page.
- canvas 2d / canvas webgl: the visitor paints a canvas a new colour (a 902x602 2D canvas,
  a 200x100 WebGL one, tests/browser/pages/fidelity.html); the agent's replay shows the
  new picture (decoded, its pixel read back). A canvas's pictures go out at most at the
  group's canvas rate (5 a second by default): a change 200 ms or more after the last
  picture goes at once ("apart"), one right after it waits for its turn ("in a row").

Baselines, measured in the same run:
- raw relay:       the same timestamps sent page -> a bare `websockets` relay -> page:
                   the floor any browser -> server -> browser path pays.
- rrweb floor:     the dom probe with stock rrweb on both ends: @rrweb/record (default
                   options) on the same demo page -> the bare relay -> @rrweb/replay's
                   live mode in an emptied page, each event played on arrival (stamped
                   with the time it came; with rrweb's documented startLive(first
                   timestamp - buffer) it waits ~250 ms more): what rrweb alone pays, the
                   floor Tandem's DOM change is held against (issue 14: p99 <= 1.5x).
- rrweb defaults:  the pointer probe with rrweb's stock sampling (positions flushed
                   every 500 ms), i.e. what Tandem's live tuning saves.

Run with `make bench` or `.venv/bin/python bench/browser_latency.py [--probes N]`.
Figures only; nothing here asserts on time.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    PASSWORD,
    launch_chromium,
    pages_server,
    prepare_database,
    server_env,
    start_server,
    stop_server,
)

LIVE_SAMPLING = "mousemove:0,mousemoveCallback:16,scroll:16,media:200"

OBSERVE_DOM = """() => {
  window.latencies = [];
  const doc = document.querySelector('#viewer .stage iframe').contentDocument;
  new MutationObserver((records) => {
    const now = performance.timeOrigin + performance.now();
    for (const record of records) for (const node of record.addedNodes) {
      if (node.dataset && node.dataset.sent) window.latencies.push(now - Number(node.dataset.sent));
    }
  }).observe(doc.body, { childList: true, subtree: true });
}"""

APPEND = """() => {
  const li = document.createElement('li');
  li.dataset.sent = String(performance.timeOrigin + performance.now());
  document.getElementById('wishlist').append(li);
}"""

OBSERVE_POINTER = """() => {
  window.latencies = [];
  window.target = null;
  const mouse = document.querySelector('#viewer .replayer-mouse');
  new MutationObserver(() => {
    const t = window.target;
    if (t && mouse.style.left === t.x + 'px' && mouse.style.top === t.y + 'px') {
      window.latencies.push(performance.timeOrigin + performance.now() - t.sent);
      window.target = null;
    }
  }).observe(mouse, { attributes: true, attributeFilter: ['style'] });
}"""

# The visitor page keeps its closed shadow roots, so the agent's pointer can be watched.
KEEP_CLOSED_ROOTS = """
window.__closedRoots = [];
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  const root = attach.call(this, init);
  if (init && init.mode === "closed") window.__closedRoots.push(root);
  return root;
};
"""

MARKS_ROOT = "window.__closedRoots.filter((r) => r.host.hasAttribute('data-tandem-marks')).pop()"

OBSERVE_AGENT_POINTER = f"""() => {{
  window.latencies = [];
  window.sent = null;
  new MutationObserver(() => {{
    if (window.sent === null) return;
    window.latencies.push(performance.timeOrigin + performance.now() - window.sent);
    window.sent = null;
  }}).observe({MARKS_ROOT}, {{ attributes: true, subtree: true, attributeFilter: ['style'] }});
}}"""

NOW = "performance.timeOrigin + performance.now()"

# The agent's side of the canvas probe: on every change of the replayed document (a new
# picture is a new stylesheet rule), read the pixel the canvas shows; once it is the
# colour asked for (`window.want`), note how long it took.
OBSERVE_CANVAS = """(id) => {
  window.latencies = [];
  window.want = null;
  const doc = document.querySelector("#viewer .stage iframe").contentDocument;
  const probe = document.createElement("canvas");
  probe.width = probe.height = 1;
  const context = probe.getContext("2d", { willReadFrequently: true });
  const check = async () => {
    const want = window.want;
    const canvas = doc.getElementById(id);
    const url = want && canvas
      && /url\\("?([^"]*)"?\\)/.exec(doc.defaultView.getComputedStyle(canvas).backgroundImage);
    if (!url) return;
    const image = new Image();
    image.src = url[1];
    try { await image.decode(); } catch { return; }
    context.clearRect(0, 0, 1, 1);
    context.drawImage(image, 5, 5, 1, 1, 0, 0, 1, 1);
    const pixel = context.getImageData(0, 0, 1, 1).data;
    const shown = [0, 1, 2].every((c) => Math.abs(pixel[c] - want.rgb[c]) <= 8);
    if (window.want !== want || !shown) return;
    window.want = null;
    window.latencies.push(performance.timeOrigin + performance.now() - want.sent);
  };
  new MutationObserver(check).observe(doc, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
}"""

CANVAS_INTERVAL_MS = 200  # between two pictures of a canvas, at the default 5 a second

# The visitor's side: paint canvas `id` one colour, noting when.
PAINT = {
    "chart": "([r, g, b]) => paintChart(`rgb(${r}, ${g}, ${b})`)",
    "gl": "([r, g, b]) => paintGl(r, g, b)",
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def open_session(browser, url: str, sampling: str | None = None):
    """A visitor on the demo page and an agent watching it live."""
    visitor_context = browser.new_context(viewport={"width": 1024, "height": 700})
    visitor_context.add_init_script(KEEP_CLOSED_ROOTS)
    if sampling is not None:

        def patch(route):
            body = route.fetch().text()
            route.fulfill(
                body=body.replace(LIVE_SAMPLING, sampling), content_type="text/javascript"
            )

        visitor_context.route("**/static/recorder.js", patch)
    visitor = visitor_context.new_page()
    visitor.goto(f"{url}/demo/")
    agent = open_viewer(browser, url, start_session(visitor), {"width": 1200, "height": 800})
    return visitor, agent


def start_session(visitor) -> str:
    """Start a session on the visitor's page (its Glance API); returns the key."""
    return visitor.evaluate(
        """() => new Promise((resolve) => {
          GLANCE.Cobrowse.Visitor.addEventListener('sessionstart',
            () => resolve(GLANCE.Cobrowse.Visitor.getKey()));
          GLANCE.Cobrowse.Visitor.startSession();
        })"""
    )


def open_viewer(browser, url: str, key: str, viewport: dict):
    """The demo agent, logged in, watching session `key` live in a new context."""
    agent = browser.new_context(viewport=viewport).new_page()
    agent.goto(f"{url}/accounts/login/?next=/agent/session/{key}/")
    agent.fill("input[name=username]", "agent")
    agent.fill("input[name=password]", PASSWORD)
    agent.click("button[type=submit]")
    agent.wait_for_selector("#viewer[data-state=live]")
    return agent


def close_session(visitor, agent) -> None:
    visitor.context.close()
    agent.context.close()


def dom_probe(visitor, agent, probes: int) -> list[float]:
    agent.evaluate(OBSERVE_DOM)
    for i in range(probes):
        visitor.evaluate(APPEND)
        agent.wait_for_function("(n) => window.latencies.length > n", arg=i)
    return agent.evaluate("window.latencies")


def pointer_probe(visitor, agent, probes: int) -> list[float]:
    visitor.mouse.move(5, 5)
    agent.wait_for_selector("#viewer .replayer-mouse")
    agent.evaluate(OBSERVE_POINTER)
    for i in range(probes):
        x, y = 100 + (i % 40) * 13, 150 + (i % 17) * 11
        sent = visitor.evaluate(NOW)
        agent.evaluate("(t) => { window.target = t; }", {"x": x, "y": y, "sent": sent})
        visitor.mouse.move(x, y)
        agent.wait_for_function("(n) => window.latencies.length > n", arg=i, timeout=10_000)
    return agent.evaluate("window.latencies")


def agent_pointer_probe(visitor, agent, probes: int) -> list[float]:
    agent.click("#viewer .tool-point")
    box = agent.locator("#viewer .stage iframe").bounding_box()
    agent.mouse.move(box["x"] + 20, box["y"] + 20)
    visitor.wait_for_function(f"() => {MARKS_ROOT}?.querySelector('.pointer')")
    visitor.evaluate(OBSERVE_AGENT_POINTER)
    for i in range(probes):
        x, y = box["x"] + 40 + (i % 40) * 9, box["y"] + 60 + (i % 17) * 8
        sent = agent.evaluate(NOW)
        visitor.evaluate("(t) => { window.sent = t; }", sent)
        agent.mouse.move(x, y)
        visitor.wait_for_function("(n) => window.latencies.length > n", arg=i, timeout=10_000)
    return visitor.evaluate("window.latencies")


def canvas_probe(visitor, agent, canvas: str, probes: int, apart: bool) -> list[float]:
    """Canvas change -> the agent sees the new pixels, one change at a time; `apart`: each
    change a picture interval (200 ms at 5 a second) after the last one arrived."""
    agent.evaluate(OBSERVE_CANVAS, canvas)
    for i in range(probes):
        if apart:
            visitor.wait_for_timeout(CANVAS_INTERVAL_MS)
        # A colour unlike the one before (each channel moves by at least 30).
        rgb = [40 + (i * 97) % 180, 40 + (i * 53) % 180, 40 + (i * 131) % 180]
        sent = visitor.evaluate(NOW)
        agent.evaluate("(want) => { window.want = want; }", {"rgb": rgb, "sent": sent})
        visitor.evaluate(PAINT[canvas], rgb)
        agent.wait_for_function("(n) => window.latencies.length > n", arg=i, timeout=10_000)
    return agent.evaluate("window.latencies")


def open_canvas_session(browser, url: str, pages: str):
    """A visitor on the canvas test page (its canvases painted once) and an agent."""
    visitor = browser.new_context(viewport={"width": 1024, "height": 700}).new_page()
    visitor.goto(f"{pages}/fidelity.html")
    visitor.evaluate("paintChart('rgb(0, 0, 0)'); paintGl(0, 0, 0)")
    agent = open_viewer(browser, url, start_session(visitor), {"width": 1200, "height": 800})
    return visitor, agent


class RawRelay:
    """A bare `websockets` relay on 127.0.0.1: /v frames go to every /a socket."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.agents: set = set()
        self.port = 0
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._serve(ready))

    async def _serve(self, ready: threading.Event) -> None:
        from websockets.asyncio.server import serve

        async def handler(ws) -> None:
            if ws.request.path == "/a":
                self.agents.add(ws)
                try:
                    await ws.wait_closed()
                finally:
                    self.agents.discard(ws)
                return
            async for message in ws:
                for agent in list(self.agents):
                    await agent.send(message)

        async with serve(handler, "127.0.0.1", 0) as server:
            self.port = server.sockets[0].getsockname()[1]
            self.stop = self.loop.create_future()
            ready.set()
            await self.stop

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set_result, None)


def raw_probe(browser, url: str, relay: RawRelay, probes: int) -> list[float]:
    page_a = browser.new_page()
    page_b = browser.new_page()
    page_a.goto(f"{url}/demo/")
    page_b.goto(f"{url}/demo/")
    page_b.evaluate(
        """(port) => new Promise((resolve) => {
          window.latencies = [];
          const ws = new WebSocket(`ws://127.0.0.1:${port}/a`);
          ws.onmessage = (m) => window.latencies.push(
            performance.timeOrigin + performance.now() - Number(m.data));
          ws.onopen = resolve;
        })""",
        relay.port,
    )
    page_a.evaluate(
        """(port) => new Promise((resolve) => {
          window.relay = new WebSocket(`ws://127.0.0.1:${port}/v`);
          window.relay.onopen = resolve;
        })""",
        relay.port,
    )
    for i in range(probes):
        page_a.evaluate(f"window.relay.send(String({NOW}))")
        page_b.wait_for_function("(n) => window.latencies.length > n", arg=i)
    values = page_b.evaluate("window.latencies")
    page_a.close()
    page_b.close()
    return values


RRWEB = ROOT / "node_modules" / "@rrweb"

FLOOR_REPLAY = """(port) => new Promise((resolve) => {
  window.latencies = [];
  let replayer = null;
  const watch = () => {
    const doc = document.querySelector('.replayer-wrapper iframe')?.contentDocument;
    if (!doc || !doc.getElementById('wishlist')) return false;
    new MutationObserver((records) => {
      const now = performance.timeOrigin + performance.now();
      for (const record of records) for (const node of record.addedNodes) {
        const sent = node.dataset && node.dataset.sent;
        if (sent) window.latencies.push(now - Number(sent));
      }
    }).observe(doc.body, { childList: true, subtree: true });
    return true;
  };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/a`);
  ws.onmessage = (m) => {
    const event = JSON.parse(m.data);
    if (!replayer) {
      replayer = new rrwebReplay.Replayer([], { root: document.body, liveMode: true });
      replayer.startLive(Date.now());
    }
    // Played on arrival: stamped with the time it came, as Tandem's viewer does, so the
    // floor is rrweb's own work and the relay, not the gap to the recorded clock.
    replayer.addEvent({ ...event, timestamp: Date.now() });
  };
  window.floorReady = () => watch();
  ws.onopen = resolve;
})"""

FLOOR_RECORD = """(port) => new Promise((resolve) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v`);
  ws.onopen = () => {
    rrwebRecord.record({ emit: (event) => ws.send(JSON.stringify(event)) });
    resolve();
  };
})"""


def rrweb_floor_probe(browser, url: str, relay: RawRelay, probes: int) -> list[float]:
    """The dom probe with stock rrweb on both ends and the bare relay between them."""
    agent = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    # A page of the server's origin (from about:blank Chromium opens no socket to the
    # relay), emptied: the replay is its only content.
    agent.goto(f"{url}/demo/")
    agent.evaluate("() => { document.head.innerHTML = ''; document.body.innerHTML = ''; }")
    agent.add_script_tag(path=str(RRWEB / "replay" / "dist" / "replay.umd.min.cjs"))
    agent.evaluate(FLOOR_REPLAY, relay.port)
    visitor = browser.new_context(viewport={"width": 1024, "height": 700}).new_page()
    visitor.goto(f"{url}/demo/")
    visitor.add_script_tag(path=str(RRWEB / "record" / "dist" / "record.umd.min.cjs"))
    visitor.evaluate(FLOOR_RECORD, relay.port)
    agent.wait_for_function("() => window.floorReady()")
    for i in range(probes):
        visitor.evaluate(APPEND)
        agent.wait_for_function("(n) => window.latencies.length > n", arg=i, timeout=10_000)
    values = agent.evaluate("window.latencies")
    visitor.context.close()
    agent.context.close()
    return values


def row(name: str, values: list[float], base: list[float] | None) -> str:
    p50, p99 = statistics.median(values), percentile(values, 0.99)
    if base:
        b50, b99 = statistics.median(base), percentile(base, 0.99)
        ratio = f"x{p50 / b50:6.2f}   x{p99 / b99:6.2f}"
    else:
        ratio = "    (baseline)   "
    return f"{name:<30} {len(values):>6} {p50:>8.2f} {p99:>8.2f}   {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=200, help="probes per measurement")
    parser.add_argument(
        "--canvas-only", action="store_true", help="only the canvas probes (and the raw relay)"
    )
    args = parser.parse_args()
    probes = max(5, min(args.probes, 5000))

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(Path(tmp), TANDEM_LOG_LEVEL="WARNING")
        prepare_database(env)
        server = start_server(env, Path(tmp) / "daphne.log")
        relay = RawRelay()
        try:
            with (
                pages_server("127.0.0.1", server.url) as pages,
                sync_playwright() as playwright,
            ):
                browser = launch_chromium(playwright)
                raw = raw_probe(browser, server.url, relay, probes)
                if not args.canvas_only:
                    floor = rrweb_floor_probe(browser, server.url, relay, probes)
                    visitor, agent = open_session(browser, server.url)
                    dom = dom_probe(visitor, agent, probes)
                    pointer = pointer_probe(visitor, agent, probes)
                    agent_pointer = agent_pointer_probe(visitor, agent, probes)
                    close_session(visitor, agent)
                    visitor, agent = open_session(browser, server.url, sampling="")
                    default_pointer = pointer_probe(visitor, agent, max(5, probes // 10))
                    close_session(visitor, agent)
                visitor, agent = open_canvas_session(browser, server.url, pages)
                canvas = {
                    (name, apart): canvas_probe(visitor, agent, canvas, probes, apart)
                    for name, canvas in (("2d", "chart"), ("webgl", "gl"))
                    for apart in (True, False)
                }
                close_session(visitor, agent)
                browser.close()
        finally:
            relay.close()
            stop_server(server)

    print("\nEnd-to-end visitor -> agent latency in Chromium (ms), one probe at a time")
    print(f"{'measurement':<30} {'probes':>6} {'p50':>8} {'p99':>8}   p50/base  p99/base")
    print(row("raw websockets relay", raw, None))
    if not args.canvas_only:
        print(row("rrweb -> relay -> rrweb: DOM", floor, raw))
        print(row("tandem: DOM change", dom, raw))
        print(row("tandem: pointer (live tuning)", pointer, raw))
        print(row("rrweb default sampling: pointer", default_pointer, raw))
        print(row("tandem: agent pointer -> visitor", agent_pointer, raw))
    for (name, apart), values in canvas.items():
        print(row(f"tandem: canvas {name} {'apart' if apart else 'in a row'}", values, raw))
    if args.canvas_only:
        return
    print(
        f"\nDOM change, tandem vs the rrweb floor: p50 x"
        f"{statistics.median(dom) / statistics.median(floor):.2f}, p99 x"
        f"{percentile(dom, 0.99) / percentile(floor, 0.99):.2f} (issue 14: p99 <= 1.5)"
    )
    print(
        f"live tuning vs rrweb defaults, pointer p50: "
        f"x{statistics.median(default_pointer) / statistics.median(pointer):.1f} faster"
    )


if __name__ == "__main__":
    main()
