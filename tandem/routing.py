"""WebSocket URL routes (documented in docs/protocol.md)."""

from django.urls import path, re_path

from agents.consumers import DashboardConsumer, StatusConsumer
from cobrowse.consumers import AgentConsumer, NoSuchSocketConsumer, VisitorConsumer
from core.keys import SESSION_KEY_PATTERN
from presence.consumers import PresenceConsumer

websocket_urlpatterns = [
    path("ws/visitor/<int:group>/", VisitorConsumer.as_asgi()),
    re_path(rf"^ws/agent/session/(?P<key>{SESSION_KEY_PATTERN})/$", AgentConsumer.as_asgi()),
    path("ws/agent/dashboard/", DashboardConsumer.as_asgi()),
    path("ws/presence/<int:group>/", PresenceConsumer.as_asgi()),
    path("ws/status/<int:group>/", StatusConsumer.as_asgi()),
    re_path(r"", NoSuchSocketConsumer.as_asgi()),
]
