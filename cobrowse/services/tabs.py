"""The visitor's tabs: a page that resumes the session (same tab after a navigation, a new
tab, another trusted domain through a single-use handoff token), leaves, takes the
focus, is hidden or paused."""

import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cobrowse.models import CobrowseSession, Group, SessionEvent, SessionSocket
from cobrowse.selectors import (
    session_locked,
    visitor_presence,
)
from cobrowse.services.sessions import visitor_presence_broadcast
from cobrowse.services.sockets import socket_closed, socket_opened
from core import groups
from core.errors import ErrorCode, TandemError
from core.layers import broadcast_after_commit

log = logging.getLogger("tandem.media")


# Visitor tabs: navigations, dropped connections, focus.

_RESUME_SALT = "tandem.resume"


def resume_token(*, session: CobrowseSession) -> str:
    """A signed, expiring token with which a page of this visitor rejoins the session."""
    return signing.dumps({"s": session.id, "g": session.group_id}, salt=_RESUME_SALT)


def handoff_token(*, session: CobrowseSession) -> str:
    """A resume token for a page on another trusted domain; it travels in that page's URL
    (history, logs, referrers), so it expires after TANDEM_HANDOFF_TOKEN_MAX_AGE seconds
    and works once: its id `n` is recorded as used when a page resumes with it."""
    claims = {"s": session.id, "g": session.group_id, "h": 1, "n": secrets.token_urlsafe(12)}
    return signing.dumps(claims, salt=_RESUME_SALT)


def _handoff_use(*, token_id: object) -> None:
    """Record a handoff token as used, atomically in the shared cache (add: one process
    wins); the record outlives the token's validity. A second use is refused."""
    if not isinstance(token_id, str) or not token_id:
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token is not valid.")
    ttl = settings.TANDEM_HANDOFF_TOKEN_MAX_AGE + 60
    if not cache.add(f"tandem:handoff-used:{token_id}", 1, timeout=ttl):
        raise TandemError(ErrorCode.BAD_TOKEN, "The link's session token was already used.")


def resume_claims(*, group: Group, token: str) -> int:
    """The session id a resume token names, if it is genuine, fresh and for `group`; a
    handoff token also must not have been used before (it is used up here)."""
    try:
        claims = signing.loads(
            token, salt=_RESUME_SALT, max_age=settings.TANDEM_RESUME_TOKEN_MAX_AGE
        )
    except signing.SignatureExpired:
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token has expired.") from None
    except signing.BadSignature:
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token is not valid.") from None
    if not isinstance(claims, dict) or claims.get("g") != group.id:
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token is for another group.")
    if claims.get("h"):
        try:
            signing.loads(token, salt=_RESUME_SALT, max_age=settings.TANDEM_HANDOFF_TOKEN_MAX_AGE)
        except signing.SignatureExpired:
            raise TandemError(ErrorCode.BAD_TOKEN, "The link's session token expired.") from None
    session_id = claims.get("s")
    if not isinstance(session_id, int):
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token is not valid.")
    if claims.get("h"):
        _handoff_use(token_id=claims.get("n"))
    return session_id


def session_resume(*, session_id: int, channel: str, why: str) -> CobrowseSession:
    """Attach a visitor socket to a live session and give it focus.

    `why` is "reconnect" (the same page after a dropped connection) or anything else for
    a new page of the tab; the timeline records which.
    """
    with transaction.atomic():
        if session_locked(session_id) is None:
            raise TandemError(ErrorCode.ENDED, "This co-browsing session has ended.")
        CobrowseSession.objects.filter(id=session_id).update(
            visitors_connected=F("visitors_connected") + 1,
            visitor_left_at=None,
            focused_channel=channel,
        )
        socket_opened(session_id=session_id, role=SessionSocket.Role.VISITOR, channel=channel)
        session = CobrowseSession.objects.select_related("group", "site").get(id=session_id)
        kind = SessionEvent.Type.RECONNECTED if why == "reconnect" else SessionEvent.Type.NAVIGATED
        detail = "other domain" if why == "crossdomain" else ""
        SessionEvent.objects.create(session=session, type=kind, actor="visitor", detail=detail)
        broadcast_after_commit(
            groups.session_visitor(session_id), {"type": "visitor.focus", "channel": channel}
        )
        visitor_presence_broadcast(session_id=session_id, presence={"state": "here"})
    log.info("session resumed key=%s why=%s", session.key, kind)
    return session


def session_visitor_left(*, session_id: int, channel: str):
    """A visitor socket closed; returns the time the last one left, or None while others
    remain (or the session is over). The caller ends the session if none comes back."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None:
            return None
        if not socket_closed(
            session_id=session_id, role=SessionSocket.Role.VISITOR, channel=channel
        ):
            return None  # counted closed by the sweeper already
        remaining = max(0, session.visitors_connected - 1)
        left_at = timezone.now() if remaining == 0 else None
        CobrowseSession.objects.filter(id=session_id).update(
            visitors_connected=remaining,
            visitor_left_at=left_at,
            focused_channel="" if session.focused_channel == channel else session.focused_channel,
        )
        if left_at is not None:
            session.visitors_connected, session.visitor_left_at = 0, left_at
            visitor_presence_broadcast(
                session_id=session_id, presence=visitor_presence(session=session)
            )
    return left_at


def session_focus(*, session_id: int, channel: str) -> bool:
    """The visitor tab on `channel` takes the session's focus; the others are told to blur.
    False when it had the focus already."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None or session.focused_channel == channel:
            return False
        CobrowseSession.objects.filter(id=session_id).update(focused_channel=channel)
        SessionEvent.objects.create(session=session, type=SessionEvent.Type.FOCUS, actor="visitor")
        broadcast_after_commit(
            groups.session_visitor(session_id), {"type": "visitor.focus", "channel": channel}
        )
        # The tab the visitor is using now is the one shown.
        visitor_presence_broadcast(session_id=session_id, presence={"state": "here"})
    return True


def _tab_presence(*, session_id: int, channel: str, state: str) -> None:
    """Tell the agents the visitor's presence `state` when the tab on `channel` is the one
    the live session shows (the other tabs' changes are not what the agents see)."""
    focused = CobrowseSession.objects.filter(
        id=session_id, state=CobrowseSession.State.ACTIVE, focused_channel=channel
    ).exists()
    if focused:
        visitor_presence_broadcast(session_id=session_id, presence={"state": state})


def visitor_visibility(*, session_id: int, channel: str, hidden: bool) -> None:
    """The visitor's tab on `channel` was hidden or shown again."""
    _tab_presence(session_id=session_id, channel=channel, state="blurred" if hidden else "here")


def visitor_paused(*, session_id: int, channel: str, paused: bool) -> None:
    """The visitor paused the session (nothing of the page is sent) or resumed it."""
    _tab_presence(session_id=session_id, channel=channel, state="paused" if paused else "here")
