"""The site-connect frame: the Tandem page a site_connect host page embeds. It holds the
page's server connections (docs/site-connect.md). Only the group's trusted domains may
embed it: the browser enforces that through `frame-ancestors`, and the frame's script
checks the parent's origin again before it does anything."""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from cobrowse.selectors import loader_config
from core import ids
from core.csp import embedded_page_policy
from core.errors import TandemError

log = logging.getLogger("tandem.siteconnect")


@require_GET
@xframe_options_exempt
def site_connect_frame(request: HttpRequest) -> HttpResponse:
    """`/cobrowse/site-connect/frame/?group=G&site=S`, created by window.site_connect."""
    group = ids.group_public_id(request.GET.get("group"))
    site = request.GET.get("site", "production")[:40]
    ws_base = ("wss://" if request.is_secure() else "ws://") + request.get_host()
    try:
        found = loader_config(group_public_id=group, site_name=site)
    except TandemError as error:
        log.info("site-connect frame for unknown group/site group=%s code=%s", group, error.code)
        found = {"group": group, "site": site, "trustedDomains": [], "error": error.msg}
    ok = "error" not in found
    config = {
        "group": found["group"],
        "site": found["site"],
        "trustedDomains": found["trustedDomains"],
        "presenceSocket": f"{ws_base}/ws/presence/{group}/" if ok else None,
        "statusSocket": f"{ws_base}/ws/status/{group}/" if ok else None,
        "error": found.get("error"),
    }
    response = render(request, "siteconnect/frame.html", {"config": config})
    response["Content-Security-Policy"] = embedded_page_policy(
        trusted=found["trustedDomains"], allow={"connect-src": [ws_base]}
    )
    # The embedding rules follow the group's trusted domains: never serve stale ones.
    response["Cache-Control"] = "no-cache"
    return response
