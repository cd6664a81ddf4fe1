"""Identifiers that come from outside, read in one place: a group's public id in a query
string, and a visitor id made into a short key for the cache and the channel layer."""

import hashlib

GROUP_ID_DIGITS = 9  # public group ids are below 10**9


def group_public_id(raw: str | None) -> int | None:
    """The group public id `raw` names (`?group=`), or None when it names none: not all
    ASCII digits (`int` would read other scripts' digits too), or too long to be one."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > GROUP_ID_DIGITS:
        return None
    return int(raw)


def visitor_digest(visitor_id: str) -> str:
    """A visitor id as 32 hex characters: any id makes a short ASCII key every cache
    backend and channel layer accepts."""
    return hashlib.sha256(visitor_id.encode()).hexdigest()[:32]
