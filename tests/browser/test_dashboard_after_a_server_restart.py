"""The one server process of a default set-up (no Redis) is killed and started again on
the same port while a visitor co-browses and an agent's dashboard and viewer stay open:
the pages come back by themselves and the dashboard still says which page the visitor is
on."""

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import START_SESSION, dashboard, log_in
from tests.servers import ROOT, Server, free_port, prepare_database, server_env, wait_for_http


def start_on(env: dict, port: int, log: Path) -> Server:
    daphne = str(Path(sys.executable).parent / "daphne")
    proc = subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "tandem.asgi:application"],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(url + "/demo/", proc, log)
    return Server(url=url, env=env, proc=proc, log=log)


def test_dashboard_still_names_the_visitors_page_after_a_server_restart(
    new_context, tmp_path_factory
):
    tmp = tmp_path_factory.mktemp("restart-same-port")
    env = server_env(tmp)
    prepare_database(env)
    port = free_port()
    first = start_on(env, port, tmp / "first.log")
    second = None
    try:
        visitor = new_context().new_page()
        visitor.goto(f"{first.url}/demo/checkout/")
        key = visitor.evaluate(START_SESSION, None)
        agent = dashboard(new_context, first)
        row = agent.locator(f"#sessions tr[data-key='{key}']")
        expect(row.locator(".page-title")).to_have_text("Checkout · Tandem demo shop")
        viewer = new_context().new_page()
        log_in(viewer, first)
        viewer.goto(f"{first.url}/agent/session/{key}/")
        expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")

        first.proc.kill()  # SIGKILL: no socket says goodbye
        first.proc.wait(timeout=10)
        expect(agent.locator("#connection")).to_be_visible()
        second = start_on(env, port, tmp / "second.log")

        # Nobody reloads: the pages reconnect by themselves...
        expect(agent.locator("#connection")).to_be_hidden(timeout=20_000)
        expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live", timeout=20_000)
        expect(row.locator(".agents")).to_have_text("1", timeout=20_000)
        # ...and the visitor, still on the checkout page, is still shown on it.
        expect(row.locator(".page-title")).to_have_text("Checkout · Tandem demo shop")
        expect(row.locator(".page-url")).to_have_text(f"{first.url}/demo/checkout/")
        # An agent who opens the dashboard only now sees it too.
        late = dashboard(new_context, second, "agent2")
        expect(late.locator(f"#sessions tr[data-key='{key}'] .page-title")).to_have_text(
            "Checkout · Tandem demo shop"
        )
    finally:
        for server in (first, second):
            if server is not None and server.proc.poll() is None:
                server.proc.terminate()
                server.proc.wait(timeout=10)
