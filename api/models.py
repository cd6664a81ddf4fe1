"""API tokens: a secret an integration sends as `Authorization: Bearer <key>`.

Only a SHA-256 hash of the key is stored, plus a short prefix to tell tokens apart; the
key itself is shown once, when the token is made.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models

from cobrowse.models import Group

KEY_PREFIX = "tdm_"
VISIBLE_CHARS = 12


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """Acts as its user, in its one group only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What uses it, e.g. 'CRM'.")
    prefix = models.CharField(max_length=VISIBLE_CHARS, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name or self.user} ({self.group.public_id})"

    def issue_key(self) -> str:
        """Give the token a fresh secret; returns it, the only time it exists in plaintext."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = key[:VISIBLE_CHARS]
        self.key_hash = hash_key(key)
        return key
