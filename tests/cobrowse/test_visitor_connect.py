"""A visitor page opens its socket: only pages of the group's trusted domains may."""

import pytest

from cobrowse.models import CobrowseSession
from tests.fixtures import close_code, nothing, receive_error, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:5000", "https://127.0.0.1", "http://localhost:8000"]
)
async def test_page_of_a_trusted_domain_can_start_a_session(demo_group, visitor_socket, origin):
    visitor = await visitor_socket(origin=origin)

    assert await start_session(visitor)


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example:5000",
        "null",
        "file://",
        "not an origin",
    ],
)
async def test_page_of_an_untrusted_origin_is_refused(demo_group, visitor_socket, origin):
    visitor = await visitor_socket(origin=origin)

    assert await receive_error(visitor) == "origin"
    assert await close_code(visitor) == 4403


async def test_page_without_an_origin_header_is_refused(demo_group, visitor_socket):
    visitor = await visitor_socket(origin=None)

    assert await receive_error(visitor) == "origin"
    assert await close_code(visitor) == 4403


async def test_trusted_domain_of_another_group_does_not_count(
    demo_group, other_group, visitor_socket
):
    await other_group.trusted_domains.acreate(pattern="shop.example")
    visitor = await visitor_socket(group=72, origin="https://shop.example")

    assert await receive_error(visitor) == "origin"
    assert await close_code(visitor) == 4403


@pytest.mark.parametrize("group", [999, 0, 10**30])
async def test_page_of_an_unknown_group_is_refused(demo_group, visitor_socket, group):
    visitor = await visitor_socket(group=group)

    assert await receive_error(visitor) == "unknown_group"
    assert await close_code(visitor) == 4404


async def test_refused_socket_cannot_start_a_session(demo_group, visitor_socket):
    visitor = await visitor_socket(origin="http://evil.example")
    assert await receive_error(visitor) == "origin"
    assert await close_code(visitor) == 4403

    await send(visitor, {"t": "start", "site": "production"})  # sent on after the close

    assert await nothing(visitor)  # the server sends nothing after its close frame
    assert await CobrowseSession.objects.acount() == 0


async def test_wildcard_domain_lets_subdomain_pages_in(demo_group, visitor_socket):
    await demo_group.trusted_domains.acreate(pattern="*.example.com")

    for origin in ["https://a.example.com", "https://example.com", "http://x.y.example.com"]:
        visitor = await visitor_socket(origin=origin)
        assert await start_session(visitor)

    visitor = await visitor_socket(origin="https://badexample.com")
    assert await receive_error(visitor) == "origin"
