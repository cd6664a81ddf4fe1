"""Which users are agents of which groups, and with what role."""

from django.conf import settings
from django.db import models

from cobrowse.models import Group


class Membership(models.Model):
    class Role(models.TextChoices):
        AGENT = "agent"
        ADMIN = "admin"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AGENT)

    class Meta:
        ordering = ["group", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group.public_id} ({self.role})"


class Availability(models.Model):
    """Whether an agent takes new visitors: set on the dashboard, kept across log-ins.
    It counts only while one of the agent's dashboards is open (agents.availability)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    available = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "availabilities"

    def __str__(self) -> str:
        return f"{self.user} {'available' if self.available else 'away'}"
