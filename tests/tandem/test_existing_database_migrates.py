"""An operator upgrades: the database their Tandem made before a release still migrates
and reads the same.

tests/data/db_before_layout.sql is a SQLite dump made by the code as it stood before the
packages moved (commit 5e5e58c: `migrate`, `demo`, two sessions, one ended, one with
remote control requested, a reverse invitation and agent video, an API token and a
stored presence message). Each later release that moves models or renames apps must
keep this test green."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

READ_BACK = """
import json
import django
from django.core.management import call_command
django.setup()
call_command("migrate", interactive=False, verbosity=0)
from django.db.migrations.executor import MigrationExecutor
from django.db import connection
from cobrowse.models import CobrowseSession, Group
from presence.models import PendingMessage
from api.models import ApiToken
executor = MigrationExecutor(connection)
group = Group.objects.get(public_id=72)
live = CobrowseSession.objects.get(key="123456")
print(json.dumps({
    "unapplied": len(executor.migration_plan(executor.loader.graph.leaf_nodes())),
    "sites": sorted(group.sites.values_list("name", flat=True)),
    "states": sorted(CobrowseSession.objects.values_list("state", flat=True)),
    "rc": live.rc_state == CobrowseSession.RemoteControl.REQUESTED,
    "reverse": live.reverse_state == CobrowseSession.Reverse.INVITED,
    "view": live.share_view == CobrowseSession.ShareView.VIDEO,
    "visitor": live.visitor_name,
    "events": live.events.count(),
    "messages": PendingMessage.objects.filter(group=group).count(),
    "tokens": ApiToken.objects.count(),
}))
"""


def test_database_from_before_the_layout_migrates_and_reads_back(tmp_path):
    database = tmp_path / "old.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.executescript((ROOT / "tests/data/db_before_layout.sql").read_text())
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tandem.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, "-c", READ_BACK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout.strip().splitlines()[-1])
    assert read == {
        "unapplied": 0,
        "sites": ["production"],
        "states": ["active", "ended"],
        "rc": True,
        "reverse": True,
        "view": True,
        "visitor": "Ada",
        "events": 1,
        "messages": 1,
        "tokens": 1,
    }
