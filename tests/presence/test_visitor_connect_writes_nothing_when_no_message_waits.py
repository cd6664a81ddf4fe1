"""A visitor page connecting reads its waiting messages and writes nothing when none has
expired: every page of a site connects, on the one database thread that every socket's
calls share, so a DELETE per connection was a write (and its transaction) for each."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from presence.models import PendingMessage
from presence.services import visitor_connect

pytestmark = pytest.mark.django_db


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("DELETE", "UPDATE", "INSERT"))
    ]


def test_a_visitor_with_no_waiting_message_connects_without_a_write(demo_group):
    with CaptureQueriesContext(connection) as queries:
        pending = visitor_connect(group=demo_group, visitor_id="v-1", channel="test.channel.1")
    assert pending == []
    assert writes(queries) == []


def test_a_live_message_is_handed_and_an_expired_one_deleted(demo_group):
    now = timezone.now()
    live = PendingMessage.objects.create(
        group=demo_group,
        visitor_id="v-1",
        kind="signal",
        data={"mtype": "hi"},
        sent_by="ann",
        expires_at=now + timedelta(hours=1),
    )
    PendingMessage.objects.create(
        group=demo_group,
        visitor_id="v-1",
        kind="signal",
        data={},
        sent_by="ann",
        expires_at=now - timedelta(seconds=1),
    )
    pending = visitor_connect(group=demo_group, visitor_id="v-1", channel="test.channel.1")
    assert [message["id"] for message in pending] == [live.id]
    assert list(PendingMessage.objects.values_list("id", flat=True)) == [live.id]
