"""An agent's viewer and dashboard come back by themselves when the server process holding
their sockets dies: two daphne processes behind a balancer on one Redis, each killed in
turn while a visitor and an agent co-browse through the balancer."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.balancer import Balancer
from tests.browser import test_two_servers as scale
from tests.browser.conftest import log_in, replay
from tests.servers import Server, prepare_database, server_env, start_server, stop_server

redis_url = scale.redis_url

COUNT_WAIT_MS = 20_000  # three missed heartbeats, then a sweep, with room to spare

# Every state the viewer and the dashboard pass through, however briefly.
RECORD_STATES = """() => {
  window.states = [];
  new MutationObserver(() => {
    const viewer = document.getElementById("viewer");
    const sessions = document.getElementById("sessions");
    const state = viewer ? viewer.dataset.state : sessions && sessions.dataset.connection;
    if (state && window.states[window.states.length - 1] !== state) window.states.push(state);
  }).observe(document, {
    attributes: true, subtree: true, attributeFilter: ["data-state", "data-connection"],
  });
}"""


@dataclass
class Cluster:
    servers: list[Server]
    balancer: Balancer
    env: dict
    tmp: Path

    def kill(self, index: int) -> None:
        """SIGKILL: no socket of that process says goodbye."""
        self.servers[index].proc.kill()
        self.servers[index].proc.wait(timeout=10)

    def restart(self, index: int) -> None:
        server = start_server(self.env, self.tmp / f"restarted-{index}.log")
        self.servers[index] = server
        self.balancer.servers[index] = server


@pytest.fixture(scope="module")
def cluster(redis_url, tmp_path_factory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("balanced")
    # Processes heartbeat and sweep every second: a dead one's sockets soon count closed.
    env = server_env(
        tmp,
        REDIS_URL=redis_url,
        TANDEM_PROCESS_HEARTBEAT_SECONDS="1",
        TANDEM_SWEEP_SECONDS="1",
    )
    prepare_database(env)
    servers = [start_server(env, tmp / "first.log"), start_server(env, tmp / "second.log")]
    balancer = Balancer(list(servers))
    yield Cluster(servers=servers, balancer=balancer, env=env, tmp=tmp)
    balancer.close()
    for server in servers:
        if server.proc.poll() is None:
            stop_server(server)


def states_passed(page: Page, *states: str) -> None:
    """Wait until the page went through `states`, in this order (others may come between)."""
    page.wait_for_function(
        """(wanted) => { let at = 0;
             for (const state of window.states) if (state === wanted[at]) at += 1;
             return at === wanted.length; }""",
        arg=list(states),
    )


def test_viewer_and_dashboard_reconnect_when_each_server_dies(cluster, open_visitor, new_context):
    front = cluster.balancer  # everyone connects through it, as through a proxy
    visitor = open_visitor(f"{front.url}/demo/")
    key = visitor.start()
    context = new_context(viewport={"width": 1200, "height": 800})
    dashboard = context.new_page()
    dashboard.add_init_script(f"({RECORD_STATES})()")
    log_in(dashboard, front)
    expect(dashboard.locator(f"#sessions tr[data-key='{key}']")).to_be_visible()
    viewer = context.new_page()
    viewer.add_init_script(f"({RECORD_STATES})()")
    viewer.goto(f"{front.url}/agent/session/{key}/")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(replay(viewer).locator("#heading")).to_have_text("Notebooks")

    notes = []
    for dying in (0, 1):
        viewer.evaluate("window.states = []")
        dashboard.evaluate("window.states = []")
        cluster.kill(dying)

        states_passed(viewer, "reconnecting", "live")
        expect(viewer.locator("#viewer .status")).to_have_text("Live")
        states_passed(dashboard, "reconnecting", "open")
        expect(dashboard.locator(f"#sessions tr[data-key='{key}']")).to_be_visible()
        expect(dashboard.locator("#availability")).to_be_enabled()
        expect(dashboard.locator("#connection")).to_be_hidden()

        # The mirror is live again: a change on the visitor's page reaches the agent.
        notes.append(f"after server {dying} died")
        visitor.page.fill("#question", notes[-1])
        visitor.page.click("#add-note")
        expect(replay(viewer).locator("#wishlist li")).to_have_text(notes)

        cluster.restart(dying)

    # One agent watches: the viewers the dead processes held stop counting once a sweep
    # takes those processes for dead (issue 13 item 2), and both pages hear the count.
    expect(viewer.locator("#viewer .agents")).to_have_text("1", timeout=COUNT_WAIT_MS)
    row = dashboard.locator(f"#sessions tr[data-key='{key}']")
    expect(row.locator(".agents")).to_have_text("1", timeout=COUNT_WAIT_MS)


def test_viewer_stays_closed_after_the_session_ends(cluster, open_visitor, new_context):
    front = cluster.balancer
    visitor = open_visitor(f"{front.url}/demo/")
    key = visitor.start()
    viewer = new_context(viewport={"width": 1200, "height": 800}).new_page()
    viewer.add_init_script(f"({RECORD_STATES})()")
    log_in(viewer, front)
    viewer.goto(f"{front.url}/agent/session/{key}/")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")

    visitor.page.get_by_role("button", name="Stop sharing").click()
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "ended")
    # A viewer opened on the ended session is refused, and stays so: its socket closes
    # (4000) without the page going back to "reconnecting".
    with viewer.expect_event("websocket") as opened:
        viewer.reload()
    opened.value.wait_for_event("close")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "error")
    assert viewer.evaluate("window.states") == ["connecting", "error"]


def test_viewer_learns_of_control_ended_while_it_was_away(cluster, open_visitor, new_context):
    """The visitor, on a process that lives, ends control while the agent's viewer cannot
    reach any server: back, the viewer shows control ended, not the control it had."""
    front = cluster.balancer
    agents_server, visitors_server = cluster.servers
    visitor = open_visitor(f"{visitors_server.url}/demo/")
    key = visitor.start()
    viewer = new_context(viewport={"width": 1200, "height": 800}).new_page()
    viewer.add_init_script(f"({RECORD_STATES})()")
    log_in(viewer, front)
    viewer.goto(f"{front.url}/agent/session/{key}/")  # through the balancer: on agents_server
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")
    viewer.get_by_role("button", name="Request control").click()
    prompt = visitor.page.get_by_role("alertdialog", name="Let the agent control this page?")
    prompt.get_by_role("button", name="Allow").click()
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    panel = visitor.page.get_by_role("region", name="Co-browsing")
    in_control = panel.get_by_text("The agent can control this page.")
    expect(in_control).to_be_visible()

    front.servers = [agents_server]  # the viewer's process dies and nothing takes it in
    cluster.kill(0)
    states_passed(viewer, "reconnecting")
    visitor.page.evaluate("GLANCE.Cobrowse.Visitor.endRemoteControl()")
    # The server took it: the visitor's page no longer says the agent is in control.
    expect(in_control).to_be_hidden()
    front.servers = cluster.servers[1:]  # a live process takes the viewer back

    states_passed(viewer, "reconnecting", "live")
    expect(viewer.locator(".rc-status")).to_have_text("Control has ended.")
    expect(viewer.get_by_role("button", name="Request control")).to_be_visible()
    cluster.restart(0)
    front.servers = list(cluster.servers)
