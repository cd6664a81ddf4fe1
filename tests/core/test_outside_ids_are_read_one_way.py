"""A group's public id in a query string and a visitor id made into a key are read one way
everywhere (core.ids): the page views, the media page, the agent's socket and the
viewer page agree on which `?group=` names a group, and presence's cache entries and
channel groups hash a visitor id alike."""

import hashlib

import pytest

from core import ids
from presence import registry, services


@pytest.mark.parametrize(
    ("raw", "public_id"),
    [
        ("1", 1),
        ("123456789", 123456789),
        ("0001", 1),
        ("1234567890", None),  # public ids are below 10**9
        ("", None),
        (None, None),
        ("-1", None),
        ("1.0", None),
        (" 12", None),
        ("12a", None),
        ("١٢", None),  # digits of other scripts are no group number
    ],
)
def test_a_group_query_names_a_group_only_by_its_number(raw, public_id):
    assert ids.group_public_id(raw) == public_id


def test_a_visitor_id_makes_the_same_short_key_for_the_cache_and_the_channel_layer():
    visitor_id = "visitor.ä" * 20
    digest = hashlib.sha256(visitor_id.encode()).hexdigest()[:32]  # unchanged across deploys
    assert ids.visitor_digest(visitor_id) == digest
    assert registry._visitor_key(7, visitor_id) == f"tandem.presence.7.v.{digest}"
    assert services.visitor_group(7, visitor_id) == f"presence.7.{digest}"
