"""Groups, their sites, trusted domains and masking rules, and co-browse sessions.

Models hold data and small invariants; workflows live in `cobrowse.services`.
No page content is ever stored here: a session's timeline records lifecycle events only.
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from core.domains import HostPattern
from core.keys import (
    SESSION_KEY_MAX,
    SESSION_KEY_RE,
    VISITOR_EMAIL_MAX,
    VISITOR_NAME_MAX,
    VISITOR_PHONE_MAX,
)

SITE_NAME_RE = r"^[a-z0-9][a-z0-9_-]{0,39}$"


def validate_host_pattern(value: str) -> None:
    if HostPattern.parse(value) is None:
        raise ValidationError(
            "Enter a host such as example.com, *.example.com, or https://app.example.com:8443."
        )


def validate_host_patterns(value: str) -> None:
    """One host pattern (as for trusted domains) per line."""
    for line in value.splitlines():
        if line.strip():
            validate_host_pattern(line)


def validate_mask_selectors(value: str) -> None:
    for line in value.splitlines():
        selector = line.strip()
        if selector and any(ch in selector for ch in "{};<>"):
            raise ValidationError(f"Not a CSS selector: {selector!r}")


def new_visitor_id_secret() -> str:
    return secrets.token_urlsafe(32)


class Group(models.Model):
    """An account: its public numeric id goes in the visitor's script tag (`data-groupid`)."""

    public_id = models.PositiveIntegerField(
        unique=True, validators=[MinValueValidator(1)], help_text="The number in the script tag."
    )
    name = models.CharField(max_length=100)
    mask_selectors = models.TextField(
        blank=True,
        validators=[validate_mask_selectors],
        help_text="CSS selectors, one per line, whose elements never leave the visitor's page.",
    )
    chat_in_timeline = models.BooleanField(
        default=False,
        help_text="Keep the text of chat messages between agents and visitors on each "
        "session's timeline. Off: chat is relayed and never stored.",
    )
    # Presence visitor ids are the visitor's identity towards agents (their messages, a
    # one-click co-browse). Signed ids stop a script that merely knows an id from posing
    # as that visitor (docs/deploy.md, "Signed visitor ids").
    signed_visitor_ids = models.BooleanField(
        default=False,
        help_text="Presence connections must carry the visitor id's signature "
        "(data-visitorsig): hex HMAC-SHA256 of the id, keyed with the visitor id secret. "
        "Unsigned or wrongly signed ids are refused.",
    )
    visitor_id_secret = models.CharField(
        max_length=64,
        default=new_visitor_id_secret,
        help_text="The key your backend signs visitor ids with. Keep it secret; change it "
        "to invalidate every signature.",
    )
    one_click_consent = models.BooleanField(
        default=True,
        help_text="Ask the visitor before a session an agent starts (the dashboard's "
        "Co-browse, a REST or presence invoke of startSession) mirrors the page. Off: the "
        "session starts at once, as if the visitor had clicked Accept (docs/visitor-ui.md).",
    )
    # The default visitor UI (docs/visitor-ui.md): its language and the terms it links to.
    terms_url = models.URLField(
        blank=True,
        max_length=500,
        help_text="Your co-browsing terms: the visitor's consent dialog links to this page. "
        "A script tag's data-termsurl overrides it. Blank: no link.",
    )
    ui_locale = models.CharField(
        "visitor UI language",
        max_length=8,
        blank=True,
        choices=[("", "The visitor's browser language"), ("en", "English"), ("de", "Deutsch")],
        help_text="The language of the default visitor UI. A script tag's data-locale "
        "overrides it.",
    )

    # Canvas pictures cost bytes on every agent's socket: a chart redrawn 60 times a
    # second would otherwise take the whole link. 5 pictures a second shows a change
    # within 200 ms plus the trip; 512 KiB/s is about twenty 900x600 WebP charts.
    canvas_fps = models.PositiveSmallIntegerField(
        default=5,
        validators=[MaxValueValidator(30)],
        help_text="Pictures per second of each canvas (charts, maps, signatures) sent to "
        "agents, only when it changed; 0 leaves canvases blank for agents. At most 30.",
    )
    canvas_bytes_per_second = models.PositiveIntegerField(
        default=512 * 1024,
        help_text="Bytes per second of canvas pictures at most, all canvases of a page "
        "together; a picture over the budget waits (the latest one is kept). 0: no limit.",
    )
    # The replayed page's fonts, images and styles reach agents through Tandem's asset
    # proxy (cobrowse/asset_proxy.py), which fetches only from the trusted domains and these.
    asset_domains = models.TextField(
        blank=True,
        validators=[validate_host_patterns],
        help_text="Host patterns, one per line, besides the trusted domains, that the "
        "visitor's pages load fonts, images, styles and media from (a CDN: cdn.example.net, "
        "*.example-cdn.com). Agents' viewers fetch these through Tandem.",
    )

    class Meta:
        ordering = ["public_id"]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}"

    @property
    def asset_domain_list(self) -> list[str]:
        return [line.strip() for line in self.asset_domains.splitlines() if line.strip()]

    @property
    def mask_selector_list(self) -> list[str]:
        return [line.strip() for line in self.mask_selectors.splitlines() if line.strip()]


class Site(models.Model):
    """One deployment of a group's website (`production`, `staging`) named by `data-site`."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=40, validators=[RegexValidator(SITE_NAME_RE)])
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["group", "name"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="site_unique_name")]

    def __str__(self) -> str:
        return f"{self.group.public_id}/{self.name}"


class TrustedDomain(models.Model):
    """A host pattern whose pages may open visitor sockets for the group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="trusted_domains")
    pattern = models.CharField(max_length=255, validators=[validate_host_pattern])

    class Meta:
        ordering = ["group", "pattern"]
        constraints = [
            models.UniqueConstraint(fields=["group", "pattern"], name="trusted_domain_unique")
        ]

    def __str__(self) -> str:
        return self.pattern


class CobrowseSession(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active"
        ENDED = "ended"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="sessions")
    key = models.CharField(max_length=SESSION_KEY_MAX, validators=[RegexValidator(SESSION_KEY_RE)])
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    visitor_user_agent = models.CharField(max_length=512, blank=True)
    # The start parameters the page gave (Glance's name, email, phone): shown to agents.
    visitor_name = models.CharField(max_length=VISITOR_NAME_MAX, blank=True)
    visitor_email = models.CharField(max_length=VISITOR_EMAIL_MAX, blank=True)
    visitor_phone = models.CharField(max_length=VISITOR_PHONE_MAX, blank=True)
    # Agent sockets open on the session now; every process reads and writes it here.
    agents_watching = models.PositiveIntegerField(default=0, editable=False)
    # Agents that ever joined: each join gets the next number as its client index
    # (Surfly's clientIndex; the visitor is 0).
    agents_joined = models.PositiveIntegerField(default=0, editable=False)
    # Visitor tabs connected now; when the last leaves, the session waits for it to come
    # back (a navigation, a dropped connection) before it ends.
    visitors_connected = models.PositiveIntegerField(default=0, editable=False)
    visitor_left_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The channel of the visitor tab that has focus: only it streams the mirror.
    focused_channel = models.CharField(max_length=200, blank=True, editable=False)
    # An agent switched on accessibility mode (e.g. it works with a screen reader).
    accessibility = models.BooleanField(default=False, editable=False)

    # Remote control: an agent asked (requested), the visitor agreed (on), or neither.
    class RemoteControl(models.TextChoices):
        OFF = "off", "off"
        REQUESTED = "requested", "requested"
        ON = "on", "on"

    rc_state = models.CharField(
        max_length=10, choices=RemoteControl.choices, default=RemoteControl.OFF, editable=False
    )
    # The client index of the agent who asked for control or holds it (none: the visitor).
    rc_holder = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Screen share or agent video (cobrowse/services/share.py): the client index of the agent who
    # shares (none: no share), which view the visitor's page shows it in, paused or not.
    share_by = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class ShareView(models.TextChoices):
        # Glance's names for the two views (GLANCE.Cobrowse.Visitor's "screenshare" widget).
        SCREEN = "glance_screenshare", "screen share"
        VIDEO = "glance_agentvideo", "agent video"

    share_view = models.CharField(
        max_length=20, blank=True, choices=ShareView.choices, editable=False
    )
    share_paused = models.BooleanField(default=False, editable=False)

    # Reverse session: an agent invites the visitor to watch its screen instead.
    class Reverse(models.TextChoices):
        NONE = "", "none"
        INVITED = "invited", "invited"
        ACCEPTED = "accepted", "accepted"
        DECLINED = "declined", "declined"
        ENDED = "ended", "ended"

    reverse_state = models.CharField(
        max_length=10, blank=True, choices=Reverse.choices, default=Reverse.NONE, editable=False
    )
    # Started only for a reverse session (an agent's "Show my screen"): the visitor's page
    # is never mirrored, and a declined or withdrawn invitation ends the session.
    reverse_only = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # A key names at most one live session of its group, as in Glance: one tenant
            # can neither see nor block another's keys. /agent/session/<key>/ resolves it
            # among the agent's groups and asks which when several match.
            models.UniqueConstraint(
                fields=["group", "key"],
                condition=Q(state="active"),
                name="session_unique_live_key_per_group",
            )
        ]
        indexes = [models.Index(fields=["group", "state"])]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


class SessionEvent(models.Model):
    """One lifecycle event on a session's timeline: who did what, when. Never page content."""

    class Type(models.TextChoices):
        STARTED = "started"
        AGENT_JOINED = "agent_joined"
        AGENT_LEFT = "agent_left"
        NAVIGATED = "navigated"
        RECONNECTED = "reconnected"
        FOCUS = "focus"
        RC_REQUESTED = "rc_requested"
        RC_ON = "rc_on"
        RC_DECLINED = "rc_declined"
        RC_OFF = "rc_off"
        ACCESSIBILITY = "accessibility"
        CHAT = "chat"
        SHARE_STARTED = "share_started"
        SHARE_PAUSED = "share_paused"
        SHARE_RESUMED = "share_resumed"
        SHARE_ENDED = "share_ended"
        REVERSE_INVITED = "reverse_invited"
        REVERSE_ACCEPTED = "reverse_accepted"
        REVERSE_DECLINED = "reverse_declined"
        REVERSE_ENDED = "reverse_ended"
        # An agent's pointer appeared over the page (once per showing, not per move).
        POINTER = "pointer"
        # One stroke an agent drew (its kind in `detail`); the points are not kept.
        DRAWING = "drawing"
        # The agent cleared its drawings, or the visitor dismissed them.
        DRAWING_CLEARED = "drawing_cleared"
        ENDED = "ended"

    session = models.ForeignKey(CobrowseSession, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150, help_text="'visitor', 'system' or an agent's name.")
    detail = models.CharField(max_length=100, blank=True)
    # A chat message's text, kept only where the group turned chat_in_timeline on.
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.type} by {self.actor}"


class SessionSocket(models.Model):
    """An open socket of a session (a visitor tab or an agent's viewer) and the server
    process that holds it (core.leases.PROCESS). When that process dies without closing
    it, the sweeper (cobrowse/sweeps.py) counts the socket as closed."""

    class Role(models.TextChoices):
        VISITOR = "visitor"
        AGENT = "agent"

    session = models.ForeignKey(CobrowseSession, on_delete=models.CASCADE, related_name="sockets")
    role = models.CharField(max_length=10, choices=Role.choices)
    channel = models.CharField(max_length=200)
    process = models.CharField(max_length=100)
    # An agent's client index in the session (its remote control and share are its own)
    # and its username, for the timeline when its socket is counted closed.
    index = models.PositiveIntegerField(null=True, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["process"])]
        constraints = [
            models.UniqueConstraint(fields=["session", "channel"], name="session_socket_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.channel} on {self.process}"
