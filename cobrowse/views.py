"""The visitor loader: one small script per group and site, with its configuration inlined;
and the InvokeVisitor helper that chat windows include."""

import logging
from functools import cache
from pathlib import Path

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from cobrowse.selectors import loader_config
from core import ids
from core.errors import TandemError

log = logging.getLogger("tandem.loader")

VERSION = "0.1.0"
_DIST = Path(settings.BASE_DIR) / "static" / "dist"


@cache
def _bundle(name: str) -> str:
    return (_DIST / name).read_text(encoding="utf-8")


# Compressed for browsers that accept gzip (all do): the loader is on every page of a site.
@gzip_page
@require_GET
def loader(request: HttpRequest) -> HttpResponse:
    """Serve the loader with its group's config; an unknown group still gets a loader.
    `script=PresenceVisitor` (Glance's name) serves GLANCE.Presence.Visitor alone."""
    group = ids.group_public_id(request.GET.get("group"))
    site = request.GET.get("site", "production")[:40]
    config: dict = {"version": VERSION}
    try:
        config |= loader_config(group_public_id=group, site_name=site)
    except TandemError as error:
        log.info("loader for unknown group/site group=%s code=%s", group, error.code)
        config |= {"group": group, "site": site, "error": error.msg}
    base = request.build_absolute_uri("/").rstrip("/")
    ws_base = ("wss://" if request.is_secure() else "ws://") + request.get_host()
    config |= {
        "server": base,
        "socket": f"{ws_base}/ws/visitor/{group or 0}/",
        "recorder": f"{base}{settings.STATIC_URL}recorder.js",
        "ui": f"{base}{settings.STATIC_URL}ui.js",
        # Imported on first use: window.site_connect's broker, and the agent's screen share.
        "siteconnect": f"{base}{settings.STATIC_URL}siteconnect.js",
        "media": f"{base}{settings.STATIC_URL}media.js",
        "maxFrame": settings.TANDEM_WS_MAX_FRAME_BYTES,
        "reconnectMs": settings.TANDEM_VISITOR_RECONNECT_SECONDS * 1000,
        "presenceSocket": f"{ws_base}/ws/presence/{group}/" if "error" not in config else None,
        "statusSocket": f"{ws_base}/ws/status/{group}/" if "error" not in config else None,
    }
    # The config is JSON inside a script: escape "<" so no "</script>" can end it early.
    config_json = orjson.dumps(config).decode().replace("<", "\\u003c")
    bundle = "presence.js" if request.GET.get("script") == "PresenceVisitor" else "loader.js"
    body = f"(function(TANDEM_CONFIG){{{_bundle(bundle)}}})({config_json});\n"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@gzip_page
@require_GET
def invoke_visitor(request: HttpRequest) -> HttpResponse:
    """GLANCE.Cobrowse.InvokeVisitor for chat windows: the same script for every group."""
    response = HttpResponse(
        _bundle("invokevisitor.js"), content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
