"""The view page: the Tandem page a visitor's page embeds as `glance_screenshare` or
`glance_agentvideo` to show the sharing agent's screen or camera. It holds the WebRTC
connection and the video, so the stream never touches the visitor page's own script;
that page only relays signalling (cobrowse/services/share.py). Only the group's trusted domains
may embed it (CSP `frame-ancestors`, as for the site-connect frame)."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from cobrowse.models import Group
from cobrowse.selectors import group_get, group_trusted_patterns
from core import ids
from core.csp import embedded_page_policy
from core.errors import TandemError
from core.protocol import SHARE_VIEWS

log = logging.getLogger("tandem.media")


def _group(raw: str) -> Group | None:
    public_id = ids.group_public_id(raw)
    if public_id is None:
        return None
    try:
        return group_get(public_id=public_id)
    except TandemError:
        return None


@require_GET
@xframe_options_exempt
def share_view(request: HttpRequest) -> HttpResponse:
    """`/cobrowse/view/?group=G&view=glance_screenshare` (or `glance_agentvideo`)."""
    raw_group = request.GET.get("group", "")
    view = request.GET.get("view", "")
    if view not in SHARE_VIEWS:
        log.info("view page for unknown view %r", view[:40])
        return HttpResponseBadRequest("Unknown view.", content_type="text/plain")
    group = _group(raw_group)
    if group is None:
        log.info("view page for unknown group %r", raw_group[:20])
        return HttpResponseNotFound("No such group.", content_type="text/plain")
    trusted = group_trusted_patterns(group=group)
    config = {
        "view": view,
        "group": group.public_id,
        "iceServers": settings.TANDEM_ICE_SERVERS,
        "trustedDomains": trusted,
    }
    response = render(request, "cobrowse/view.html", {"config": config})
    response["Content-Security-Policy"] = embedded_page_policy(
        trusted=trusted, allow={"media-src": ["'self'", "blob:", "mediastream:"]}
    )
    # The embedding rules follow the group's trusted domains: never serve stale ones.
    response["Cache-Control"] = "no-cache"
    return response
