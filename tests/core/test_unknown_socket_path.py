"""A socket opened on a path Tandem does not serve gets an answer, not a server error."""

import pytest

from tests.fixtures import close_code, receive_error

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("path", ["/ws/", "/ws/visitor/not-a-number/", "/ws/agent/session/"])
async def test_unknown_socket_path_is_told_not_found(open_socket, path):
    socket = await open_socket(path, [(b"origin", b"http://127.0.0.1:5000")])

    assert await receive_error(socket) == "not_found"
    assert await close_code(socket) == 4404
