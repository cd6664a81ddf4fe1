"""ASGI entry point: HTTP to Django, WebSockets to the Channels consumers."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from core import leases  # noqa: E402
from core.limits import SendBufferMiddleware  # noqa: E402
from tandem.routing import websocket_urlpatterns  # noqa: E402


class ProcessRunning:
    """Starts this process's heartbeat and sweeper (core/leases.py) with its first
    connection: daphne sends no lifespan events."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await leases.process_running()
        return await self.app(scope, receive, send)


# No AllowedHostsOriginValidator here: visitor sockets come from integrators' origins and
# are checked against each group's trusted domains; agent sockets need a logged-in member.
# SendBufferMiddleware comes first inside, where daphne's own `send` is still in hand: it
# bounds what may wait to be sent on each socket (core/limits.py).
application = ProcessRunning(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": SendBufferMiddleware(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)

# What starting made (Django, the modules, URL patterns: about 130,000 objects) lives as long
# as the process. Frozen, it is left out of the full garbage collections, which otherwise
# walk it again each time the sockets' own objects grow by a quarter, with every socket of
# the process waiting. Measured (bench/mirror_latency.py, 500 sessions opening, one
# process): full-collection pauses 126-309 ms -> 30-182 ms.
gc.freeze()
