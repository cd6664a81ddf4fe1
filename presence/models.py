"""What the presence service keeps at rest: messages for visitors who were not there."""

from django.db import models

from cobrowse.models import Group


class PendingMessage(models.Model):
    """A signal or invoke an agent sent a visitor; deleted once the visitor acknowledges it,
    so it is delivered on the visitor's next connection even across server restarts."""

    class Kind(models.TextChoices):
        SIGNAL = "signal"
        INVOKE = "invoke"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="pending_messages")
    visitor_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    data = models.JSONField()
    sent_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["group", "visitor_id"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.visitor_id}"
