"""Every page of a site opens a presence socket naming its group: the group and its trusted
domains are read from the database once, not on every connection (they ran on the one
database thread every socket shares). The origin is still checked on every connection;
changes reach the next one (test_admin_changes_a_group_for_the_next_connection.py)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cobrowse.selectors import group_for_socket
from core.errors import TandemError
from tests.fixtures import ORIGIN

pytestmark = pytest.mark.django_db


def page_opens(origin: str = ORIGIN, group: int = 72):
    return group_for_socket(public_id=group, origin=origin, host="testserver")


def test_a_groups_second_page_reads_nothing_from_the_database(demo_group):
    page_opens()

    with CaptureQueriesContext(connection) as queries:
        group = page_opens()

    assert queries.captured_queries == []
    assert (group.id, group.public_id, group.mask_selectors) == (
        demo_group.id,
        72,
        demo_group.mask_selectors,
    )


def test_a_page_of_an_untrusted_origin_is_refused_every_time(demo_group):
    page_opens()
    for _ in range(2):
        with pytest.raises(TandemError) as refused:
            page_opens("https://evil.example")
        assert refused.value.code == "origin"


def test_an_unknown_group_is_looked_up_every_time(demo_group):
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries, pytest.raises(TandemError) as refused:
            page_opens(group=99)
        assert refused.value.code == "unknown_group"
        assert len(queries.captured_queries) == 1


def test_what_a_server_with_other_group_fields_kept_is_read_afresh(demo_group):
    # During an upgrade, a process of the old code may have kept the group with the
    # fields it knows.
    page_opens()
    generation, db, values, _ = cache.get("tandem.group.72")
    old = {"id": values["id"], "public_id": 72, "a_field_now_gone": 1}
    cache.set("tandem.group.72", (generation, db, old, ["evil.example"]))

    group = page_opens()

    assert group.mask_selectors == demo_group.mask_selectors
    with pytest.raises(TandemError):
        page_opens("https://evil.example")


def test_the_visitor_id_secret_stays_in_the_database(demo_group):
    """The cache may be Redis, shared by every process: the key a site signs visitor ids
    with is not written there. A group that signs ids reads it with one query of its own."""
    page_opens()
    assert demo_group.visitor_id_secret not in repr(cache.get("tandem.group.72"))

    with CaptureQueriesContext(connection) as queries:
        group = page_opens()
        assert group.visitor_id_secret == demo_group.visitor_id_secret
    assert len(queries.captured_queries) == 1
