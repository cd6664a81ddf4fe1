"""A page set up wrong (an untrusted domain, an unknown group or site, a script URL without
its group) is told what to change and where, in the error its console shows."""

import json

import pytest

from tests.fixtures import receive

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_untrusted_origin_is_told_to_add_its_host_to_the_groups_trusted_domains(
    demo_group, visitor_socket
):
    visitor = await visitor_socket(origin="https://shop.example:8443")

    frame = await receive(visitor)

    assert frame["code"] == "origin"
    assert "Add shop.example to group 72's trusted domains" in frame["msg"]
    assert "/admin/cobrowse/group/" in frame["msg"]


def loader_error(client, query: dict) -> str:
    body = client.get("/cobrowse/loader.js", query).content.decode()
    return json.loads(body.removesuffix(");\n").rsplit("})(", 1)[1])["error"]


@pytest.mark.parametrize(
    ("query", "fix"),
    [
        ({"group": "999", "site": "production"}, "script URL (?group=)"),
        ({"group": "72", "site": "nope"}, "script URL (&site=)"),
        ({"group": "72", "site": "staging"}, "Enable it among group 72's sites"),
        ({"site": "production"}, "?group=<the group's number>&site="),
    ],
)
def test_a_loader_for_an_unknown_group_or_site_says_where_to_fix_it(client, demo_group, query, fix):
    error = loader_error(client, query)

    assert fix in error
    assert "/admin/cobrowse/group/" in error or "docs/integrating.md" in error
