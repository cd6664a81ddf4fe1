"""A signal from an agent reads the agent's group from the database once: the presence
services run on the one database thread that every socket's calls share, so each query
a signal makes is a wait for every other socket."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import TandemError
from presence.services import signal_send

pytestmark = pytest.mark.django_db


def group_reads(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "cobrowse_group"' in query["sql"] or 'FROM "agents_membership"' in query["sql"]
    ]


def test_a_signal_reads_the_agents_group_once(demo_group, agent):
    # It was four reads: the agent's memberships, then the group, twice over (the data's
    # checks, then the store).
    with CaptureQueriesContext(connection) as queries:
        sent = signal_send(
            agent=agent, group_public_id=72, visitor_id="v-1", mtype="signal", data={"n": 1}
        )
    assert sent["online"] is False
    assert len(group_reads(queries)) == 1, group_reads(queries)


def test_another_groups_id_is_still_not_found(demo_group, outsider):
    with pytest.raises(TandemError, match="No group 72 among yours"):
        signal_send(agent=outsider, group_public_id=72, visitor_id="v-1", mtype="signal", data={})
