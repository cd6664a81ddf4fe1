"""Scale-ready: two daphne processes on one Redis; visitor on one, agent on the other."""

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, replay
from tests.servers import (
    ROOT,
    Server,
    free_port,
    prepare_database,
    server_env,
    start_server,
    stop_server,
)

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    import redis

    port = free_port()
    tmp = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            REDIS,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)  # polling until the server listens
    else:
        proc.kill()
        raise RuntimeError("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def two_servers(redis_url, tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    tmp = tmp_path_factory.mktemp("two")
    env = server_env(tmp, REDIS_URL=redis_url)
    prepare_database(env)
    first = start_server(env, tmp / "first.log")
    second = start_server(env, tmp / "second.log")
    yield first, second
    stop_server(first)
    stop_server(second)


def test_mirror_works_across_two_server_processes(two_servers, open_visitor, new_context):
    visitor_server, agent_server = two_servers
    assert visitor_server.url != agent_server.url
    visitor = open_visitor(f"{visitor_server.url}/demo/")
    key = visitor.start()

    agent = new_context(viewport={"width": 1200, "height": 800}).new_page()
    log_in(agent, agent_server)
    expect(agent.locator(f"#sessions tr[data-key='{key}']")).to_be_visible()
    agent.goto(f"{agent_server.url}/agent/session/{key}/")
    agent.wait_for_selector("#viewer[data-state=live]")

    expect(replay(agent).locator("#heading")).to_have_text("Notebooks")
    expect(visitor.page.get_by_role("region", name="Co-browsing")).to_contain_text(
        "agent is viewing"
    )
    visitor.page.fill("#question", "across processes")
    visitor.page.click("#add-note")
    expect(replay(agent).locator("#wishlist li")).to_have_text(["across processes"])

    visitor.page.get_by_role("button", name="Stop sharing").click()
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "ended")


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = server_env(ROOT, DATABASE_URL="postgres://tandem:pw@127.0.0.1:5432/tandem")
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "django.db.backends.postgresql"


def test_redis_url_selects_redis_pubsub_and_the_redis_cache(redis_url):
    code = (
        "from django.conf import settings as s; "
        "print(s.CHANNEL_LAYERS['default']['BACKEND'], s.CACHES['default']['BACKEND'])"
    )
    env = server_env(ROOT, REDIS_URL=redis_url)
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == [
        "core.redis_layer.RedisPubSubLayer",
        "django.core.cache.backends.redis.RedisCache",
    ]
