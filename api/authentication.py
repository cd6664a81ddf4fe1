"""`Authorization: Bearer <key>` with an API token; the user is the token's agent and
`request.auth` the token, which limits the request to the token's group."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from api import services
from api.models import ApiToken
from core.errors import TandemError


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword:
            return None  # no token: the next scheme (the agent's login session) may apply
        if len(words) != 2:
            raise AuthenticationFailed("Send 'Authorization: Bearer <token>'.")
        try:
            token = services.token_use(key=words[1].decode("ascii"))
        except (UnicodeDecodeError, TandemError):
            raise AuthenticationFailed("Unknown or revoked API token.") from None
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="tandem"'
