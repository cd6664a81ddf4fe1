"""An integration calls the REST API while visitor pages start and stop sessions, all on
one SQLite file: nobody gets "database is locked". A token's use is written at most once
per LAST_USED_PRECISION, so API calls are not database writers."""

import json
import subprocess
import sys
import threading
import urllib.request
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from api import services
from api.models import ApiToken
from tests.servers import ROOT, prepare_database, server_env, start_server, stop_server

MAKE_TOKEN = """
from django.contrib.auth import get_user_model
from api.models import ApiToken
from cobrowse.models import Group
agent = get_user_model().objects.get(username="agent")
token = ApiToken(user=agent, group=Group.objects.get(public_id=72))
print(token.issue_key())
token.save()
"""


@pytest.fixture
def server(tmp_path):
    env = server_env(tmp_path)
    prepare_database(env)
    made = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", MAKE_TOKEN],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    server = start_server(env, tmp_path / "daphne.log")
    server.token = made.stdout.strip().splitlines()[-1]
    yield server
    stop_server(server)


def call_api(server, results: list) -> None:
    request = urllib.request.Request(
        f"{server.url}/presence/visitors?groupid=72",
        headers={"Authorization": f"Bearer {server.token}"},
    )
    for _ in range(25):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                results.append(response.status)
        except urllib.error.HTTPError as error:
            results.append(error.code)


def browse(server, results: list) -> None:
    url = server.url.replace("http://", "ws://") + "/ws/visitor/72/"
    for _ in range(6):
        with connect(url, origin="http://127.0.0.1:5000", open_timeout=30) as socket:
            socket.send(json.dumps({"t": "start", "site": "production"}))
            started = json.loads(socket.recv(timeout=30))
            results.append(started["t"])
            socket.send(json.dumps({"t": "stop"}))
            results.append(ended(socket))


def ended(socket) -> str:
    """What the server answered to `stop`: `ended` (the frame, or its close code 4000)."""
    try:
        return json.loads(socket.recv(timeout=30))["t"]
    except ConnectionClosed as closed:
        return "ended" if closed.rcvd and closed.rcvd.code == 4000 else f"closed {closed}"


def test_api_calls_and_visitor_sessions_share_sqlite_without_locking_errors(server):
    api_results: list = []
    page_results: list = []
    threads = [threading.Thread(target=call_api, args=(server, api_results)) for _ in range(6)]
    threads += [threading.Thread(target=browse, args=(server, page_results)) for _ in range(4)]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=100)

    assert api_results == [200] * 150
    assert sorted(page_results) == ["ended"] * 24 + ["started"] * 24
    log = server.log.read_text()
    assert "database is locked" not in log
    assert "Traceback" not in log


@pytest.mark.django_db
def test_token_use_is_written_at_most_once_per_interval(agent, demo_group):
    token = ApiToken(user=agent, group=demo_group)
    key = token.issue_key()
    token.save()
    services.token_use(key=key)

    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            services.token_use(key=key)

    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


@pytest.mark.django_db
def test_token_use_is_written_again_once_the_interval_passed(agent, demo_group):
    token = ApiToken(user=agent, group=demo_group)
    key = token.issue_key()
    token.save()
    first = services.token_use(key=key).last_used_at
    earlier = first - services.LAST_USED_PRECISION - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)

    services.token_use(key=key)

    assert ApiToken.objects.get(pk=token.pk).last_used_at > earlier
