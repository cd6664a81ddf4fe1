"""Two server processes on one Redis and one database each keep the groups their sockets
name in the shared cache: an admin's change made on one process reaches the next page that
connects to either (cobrowse/selectors.py)."""

import asyncio
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from http.cookiejar import CookieJar
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, OpenerDirector, ProxyHandler, Request, build_opener

import orjson
from websockets.asyncio.client import connect
from websockets.typing import Origin

from tests.browser import test_two_servers as scale
from tests.servers import ROOT, Server

redis_url = scale.redis_url
two_servers = scale.two_servers

PAGE_ORIGIN = "http://127.0.0.1:5000"  # a visitor page on a trusted domain of group 72
ADMIN_PASSWORD = "admin-test-pass"
WAIT = 10  # seconds any one expected frame may take


async def first_answer(server: Server) -> dict:
    """What a visitor page's presence socket hears first: `connected` after its hello, or
    the error it is refused with."""
    url = server.url.replace("http", "ws") + "/ws/presence/72/"
    async with connect(url, origin=Origin(PAGE_ORIGIN), proxy=None, open_timeout=WAIT) as page:
        await page.send(orjson.dumps({"t": "hello", "visitorid": "v-1"}).decode())
        async with asyncio.timeout(WAIT):
            return orjson.loads(await page.recv())


class Admin:
    """A superuser in the Django admin of one server, as a browser's form posts."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.jar = CookieJar()
        self.opener: OpenerDirector = build_opener(ProxyHandler({}), HTTPCookieProcessor(self.jar))
        manage = [sys.executable, str(ROOT / "manage.py")]
        env = server.env | {"DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD}
        command = ["createsuperuser", "--noinput", "--username", "root", "--email", "r@x.test"]
        subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT, capture_output=True)
        self.post("/admin/login/", {"username": "root", "password": ADMIN_PASSWORD})

    def post(self, path: str, form: dict) -> str:
        url = self.server.url + path
        with self.opener.open(url, timeout=WAIT) as response:  # the form, and its CSRF cookie
            response.read()
        csrf = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urlencode(form | {"csrfmiddlewaretoken": csrf}).encode()
        with self.opener.open(Request(url, data=data, headers={"Referer": url}), timeout=WAIT) as r:
            r.read()
            return r.url

    def one(self, sql: str, *args: object) -> object:
        """One value from the servers' database (ids the admin's URLs and forms name)."""
        with closing(sqlite3.connect(self.server.env["DATABASE_URL"][len("sqlite:///") :])) as db:
            return db.execute(sql, args).fetchone()[0]

    def remove_domain(self, pattern: str) -> None:
        domain_id = self.one(
            "SELECT d.id FROM cobrowse_trusteddomain d JOIN cobrowse_group g"
            " ON g.id = d.group_id WHERE g.public_id = 72 AND d.pattern = ?",
            pattern,
        )
        landed = self.post(f"/admin/cobrowse/trusteddomain/{domain_id}/delete/", {"post": "yes"})
        assert re.search(r"/admin/cobrowse/trusteddomain/$", landed), landed

    def add_domain(self, pattern: str) -> None:
        group_id = self.one("SELECT id FROM cobrowse_group WHERE public_id = 72")
        form = {"group": group_id, "pattern": pattern}
        landed = self.post("/admin/cobrowse/trusteddomain/add/", form)
        assert re.search(r"/admin/cobrowse/trusteddomain/$", landed), landed


async def test_a_domain_an_admin_removes_on_one_process_refuses_the_next_page_on_both(
    two_servers,
):
    first, second = two_servers
    for server in (first, second):  # each has read group 72 with its domains
        assert (await first_answer(server))["t"] == "connected"
    admin = await asyncio.to_thread(Admin, first)

    await asyncio.to_thread(admin.remove_domain, "127.0.0.1")

    for server in (first, second):
        refused = await first_answer(server)
        assert (refused["t"], refused["code"]) == ("error", "origin"), refused

    await asyncio.to_thread(admin.add_domain, "127.0.0.1")

    for server in (first, second):
        assert (await first_answer(server))["t"] == "connected"
