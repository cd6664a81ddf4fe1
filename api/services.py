"""Writes on API tokens: making, using and revoking them."""

import logging
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from api.models import ApiToken, hash_key
from cobrowse.models import Group
from cobrowse.selectors import agent_group_ids
from core.errors import ErrorCode, TandemError

log = logging.getLogger("tandem.api")

# How stale a token's `last_used_at` may be: it is written at most this often.
LAST_USED_PRECISION = timedelta(minutes=5)


def token_create(*, user: AbstractBaseUser, group: Group, name: str = "") -> tuple[ApiToken, str]:
    """A token for an agent of `group`; returns it and its key, which is never shown again."""
    if group.id not in agent_group_ids(user=user):
        raise TandemError(
            ErrorCode.FORBIDDEN, f"{user} is not an agent of group {group.public_id}."
        )
    token = ApiToken(user=user, group=group, name=name)
    key = token.issue_key()
    token.save()
    log.info("token created %s user=%s group=%s", token.prefix, user, group.public_id)
    return token, key


def token_use(*, key: str) -> ApiToken:
    """The live token whose key this is, its use recorded; otherwise BAD_TOKEN."""
    token = (
        ApiToken.objects.select_related("user", "group")
        .filter(key_hash=hash_key(key), revoked=False)
        .first()
    )
    if token is None or not token.user.is_active:
        raise TandemError(ErrorCode.BAD_TOKEN, "Unknown or revoked API token.")
    now = timezone.now()
    # A write per request would make every API call a database writer (on SQLite, one
    # that holds up the sockets' writes): "last used" is kept to LAST_USED_PRECISION.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    log.info("token revoked %s user=%s", token.prefix, token.user)
