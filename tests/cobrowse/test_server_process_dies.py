"""A server process is SIGKILLed while it holds a visitor's and an agent's sockets and the
visitor never comes back: the session still ends within the grace period plus 60 seconds,
and the agents it counted stop counting. Real daphne processes (tests/servers.py), one on
SQLite and then two on Redis and PostgreSQL (shared SQLite where PostgreSQL is missing).
"""

import asyncio
import sqlite3
import time
from collections.abc import Iterator

import orjson
import psycopg
import pytest
from websockets.asyncio.client import ClientConnection

from tests import postgres
from tests.browser import test_two_servers as scale
from tests.presence.test_two_processes import log_in, open_socket, send
from tests.servers import Server, prepare_database, server_env, start_server, stop_server

redis_url = scale.redis_url

GRACE = 2  # seconds: TANDEM_VISITOR_GRACE_SECONDS of these servers
DEADLINE = GRACE + 60  # what a session may take to end once its visitor is gone for good
PAGE_ORIGIN = "http://127.0.0.1:5000"  # a visitor page on a trusted domain of group 72
FAST = {
    "TANDEM_VISITOR_GRACE_SECONDS": str(GRACE),
    "TANDEM_PROCESS_HEARTBEAT_SECONDS": "1",
    "TANDEM_SWEEP_SECONDS": "1",
}


def session_row(database_url: str, key: str) -> dict:
    """The live or last session `key` of group 72, as its row in the database reads."""
    query = (
        "SELECT s.state, s.visitors_connected, s.agents_watching FROM cobrowse_cobrowsesession s"
        " JOIN cobrowse_group g ON g.id = s.group_id WHERE g.public_id = 72 AND s.key = {p}"
        " ORDER BY s.id DESC LIMIT 1"
    )
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            row = db.execute(query.format(p="?"), (key,)).fetchone()
    else:
        with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as db:
            row = db.execute(query.format(p="%s"), (key,)).fetchone()
    return dict(zip(("state", "visitors", "agents"), row, strict=True))


async def until(condition, seconds: float) -> None:
    """Poll `condition` (a blocking check) until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not await asyncio.to_thread(condition):
        assert time.monotonic() < deadline, f"not so after {seconds} s"
        await asyncio.sleep(0.2)  # polling the database, not waiting for a time to pass


async def frame_within(socket: ClientConnection, kind: str, seconds: float, **fields) -> dict:
    """The first frame of type `kind` (with `fields`) within `seconds`, passing over others."""
    async with asyncio.timeout(seconds):
        while True:
            frame = orjson.loads(await socket.recv())
            if frame["t"] == kind and all(frame.get(k) == v for k, v in fields.items()):
                return frame


async def visitor_starts(server: Server) -> tuple[ClientConnection, str]:
    page = await open_socket(server.url.replace("http", "ws") + "/ws/visitor/72/", PAGE_ORIGIN)
    await send(page, {"t": "start", "site": "production"})
    started = await frame_within(page, "started", 10)
    return page, started["key"]


async def agent_joins(server: Server, key: str, cookie: str) -> ClientConnection:
    url = server.url.replace("http", "ws") + f"/ws/agent/session/{key}/"
    viewer = await open_socket(url, server.url, cookie)
    await frame_within(viewer, "joined", 10)
    return viewer


def killed(server: Server) -> None:
    server.proc.kill()  # SIGKILL: no disconnect handler, no timer, nothing in memory survives
    server.proc.wait(timeout=10)


async def test_session_ends_after_its_only_process_was_killed_and_restarted(tmp_path):
    env = server_env(tmp_path, **FAST)
    await asyncio.to_thread(prepare_database, env)
    first = await asyncio.to_thread(start_server, env, tmp_path / "first.log")
    try:
        cookie = await asyncio.to_thread(log_in, first)
        _, key = await visitor_starts(first)
        await agent_joins(first, key, cookie)
        database = env["DATABASE_URL"]
        assert session_row(database, key) == {"state": "active", "visitors": 1, "agents": 1}
        killed(first)
    finally:
        stop_server(first)

    again = await asyncio.to_thread(start_server, env, tmp_path / "again.log")
    try:
        await until(lambda: session_row(database, key)["state"] == "ended", DEADLINE)
        assert session_row(database, key) == {"state": "ended", "visitors": 0, "agents": 0}
    finally:
        stop_server(again)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    """PostgreSQL when it is installed (Makefile system-deps), else one shared SQLite file."""
    if not postgres.available():
        yield f"sqlite:///{tmp_path_factory.mktemp('shared') / 'db.sqlite3'}"
        return
    with postgres.cluster() as url:
        yield url


async def test_killing_one_of_two_processes_ends_its_sessions_and_uncounts_its_agents(
    redis_url, database_url, tmp_path
):
    env = server_env(tmp_path, REDIS_URL=redis_url, DATABASE_URL=database_url, **FAST)
    await asyncio.to_thread(prepare_database, env)
    doomed = await asyncio.to_thread(start_server, env, tmp_path / "doomed.log")
    survivor = await asyncio.to_thread(start_server, env, tmp_path / "survivor.log")
    try:
        cookie = await asyncio.to_thread(log_in, survivor)
        # The doomed process holds the visitor of one session and the agent of another.
        _, its_visitors_key = await visitor_starts(doomed)
        watching = await agent_joins(survivor, its_visitors_key, cookie)
        page, its_agents_key = await visitor_starts(survivor)
        await agent_joins(doomed, its_agents_key, cookie)
        await frame_within(page, "agents", 10, count=1)

        killed(doomed)

        # The agent still connected to the survivor sees the session end...
        ended = await frame_within(watching, "ended", DEADLINE)
        assert ended["reason"] == "disconnected"
        # ...and the visitor still connected to it sees the lost agent go.
        await frame_within(page, "agents", DEADLINE, count=0)
        assert session_row(database_url, its_visitors_key)["state"] == "ended"
        assert session_row(database_url, its_agents_key) == {
            "state": "active",
            "visitors": 1,
            "agents": 0,
        }
    finally:
        stop_server(doomed)
        stop_server(survivor)
