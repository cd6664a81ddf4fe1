"""Frames a visitor page sends on its presence socket (docs/protocol.md, "Presence")."""

from cobrowse.protocol import Field

# How the visitor answered an agent's one-click co-browse (Glance's presence "terms" event).
TERMS_STATUSES = frozenset({"displayed", "accepted", "declined"})

PRESENCE_FRAMES: dict[str, dict[str, Field]] = {
    # A unique connection (connectUnique) says hello without a visitor id and is given one.
    # `visitorsig`: the id's signature, where the group requires signed visitor ids.
    "hello": {
        "visitorid": Field(str, False, max_len=100),
        "visitorsig": Field(str, False, max_len=128),
        "unique": Field(bool, False),
    },
    "presence": {
        "url": Field(str, False, max_len=2000),
        "title": Field(str, False, max_len=500),
        "browser": Field(str, False, max_len=500),
        "data": Field(dict, False),
    },
    "ping": {},
    # The page has message `id`; `shown`: whether a handler took it (the page's onsignal or
    # the default UI's notice). Absent means it did.
    "ack": {"id": Field(int), "shown": Field(bool, False)},
    # A blurred tab the visitor looks at again takes the focus back.
    "focus": {},
    "extend": {},
    # The consent prompt for an agent's startSession invoke: shown, accepted or declined;
    # `key` is the session key the agent asked for.
    "terms": {
        "status": Field(str, max_len=10, choices=TERMS_STATUSES),
        "key": Field(str, False, max_len=50),
    },
}
