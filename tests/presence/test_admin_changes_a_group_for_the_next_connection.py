"""An admin changes a group or its trusted domains: the next page that connects gets the
change, though the group a socket names is read from the cache (cobrowse/selectors.py).
Across processes: tests/presence/test_two_processes_see_a_group_change.py."""

import pytest
from asgiref.sync import sync_to_async

from cobrowse.models import Group, TrustedDomain
from tests.fixtures import ORIGIN, receive, receive_error, send

pytestmark = pytest.mark.django_db(transaction=True)

SHOP = "https://shop.example"
LOCALHOST = "http://localhost:5000"


async def connects(presence_socket, *, group: int = 72, origin: str = ORIGIN) -> bool:
    """Whether a page's presence socket gets past hello; False on an error frame."""
    page = await presence_socket(group, origin)
    await send(page, {"t": "hello", "visitorid": "v-1"})
    frame = await receive(page)
    assert frame["t"] in ("connected", "error"), frame
    await page.disconnect()
    return frame["t"] == "connected"


async def refusal(presence_socket, *, group: int = 72, origin: str = ORIGIN) -> str:
    """The code of the error frame a page's presence socket gets as it opens."""
    page = await presence_socket(group, origin)
    code = await receive_error(page)
    await page.disconnect()
    return code


async def test_a_trusted_domain_removed_in_the_admin_refuses_the_next_page(
    demo_group, admin_client, presence_socket
):
    assert await connects(presence_socket)
    domain = await TrustedDomain.objects.aget(group=demo_group, pattern="127.0.0.1")

    response = await sync_to_async(admin_client.post)(
        f"/admin/cobrowse/trusteddomain/{domain.id}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert await refusal(presence_socket) == "origin"


async def test_a_trusted_domain_added_in_the_admin_lets_the_next_page_in(
    demo_group, admin_client, presence_socket
):
    assert await refusal(presence_socket, origin=SHOP) == "origin"

    response = await sync_to_async(admin_client.post)(
        "/admin/cobrowse/trusteddomain/add/", {"group": demo_group.id, "pattern": "shop.example"}
    )

    assert response.status_code == 302
    assert await connects(presence_socket, origin=SHOP)


async def test_a_group_that_starts_requiring_signed_ids_refuses_the_next_unsigned_hello(
    demo_group, presence_socket
):
    assert await connects(presence_socket)
    demo_group.signed_visitor_ids = True
    demo_group.visitor_id_secret = "group-72-visitor-secret"
    await demo_group.asave()

    page = await presence_socket()
    await send(page, {"t": "hello", "visitorid": "v-1"})

    assert await receive_error(page) == "forbidden"


async def test_a_renumbered_group_is_found_under_its_new_number_only(demo_group, presence_socket):
    assert await connects(presence_socket)
    demo_group.public_id = 74
    await demo_group.asave()

    assert await refusal(presence_socket) == "unknown_group"
    assert await connects(presence_socket, group=74)


async def test_a_deleted_group_refuses_the_next_page(demo_group, presence_socket):
    assert await connects(presence_socket)

    await Group.objects.filter(id=demo_group.id).adelete()

    assert await refusal(presence_socket) == "unknown_group"


async def test_a_domain_moved_to_another_group_lets_its_pages_in_there_only(
    demo_group, other_group, presence_socket
):
    assert await refusal(presence_socket, group=73, origin=LOCALHOST) == "origin"
    assert await connects(presence_socket, origin=LOCALHOST)
    domain = await TrustedDomain.objects.aget(group=demo_group, pattern="localhost")
    domain.group = other_group
    await domain.asave()

    assert await connects(presence_socket, group=73, origin=LOCALHOST)
    assert await refusal(presence_socket, origin=LOCALHOST) == "origin"
