"""`/cobrowse/asset/?s=<token>&u=<url>`: one asset of a replayed page, for its agents."""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from cobrowse.asset_proxy import access_asset_source, asset_served
from core.errors import ErrorCode, TandemError

log = logging.getLogger("tandem.assets")

_STATUS = {
    ErrorCode.UNAUTHENTICATED: 403,
    ErrorCode.BAD_TOKEN: 403,
    ErrorCode.EXPIRED: 403,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.BAD_FRAME: 400,
    ErrorCode.TOO_BIG: 502,
    ErrorCode.UPSTREAM: 502,
}

# Nothing served here runs as a page of Tandem's origin, even opened directly: no
# sniffing into another type, and a sandbox with nothing allowed for an SVG's script.
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
}


# A fetch waits on another site for up to TANDEM_ASSET_TIMEOUT_SECONDS: on threads of its
# own, so a slow or stalled site never takes the event loop's default threads, which the
# process heartbeat (core/leases.py) and name lookups need.
_FETCHERS = ThreadPoolExecutor(
    max_workers=settings.TANDEM_ASSET_FETCH_THREADS, thread_name_prefix="tandem-asset"
)


def _refusal(error: TandemError) -> HttpResponse:
    response = HttpResponse(error.msg, status=_STATUS.get(error.code, 400))
    response["Content-Type"] = "text/plain; charset=utf-8"
    for name, value in _HEADERS.items():
        response[name] = value
    return response


@require_GET
async def asset(request: HttpRequest) -> HttpResponse:
    token, url = request.GET.get("s", ""), request.GET.get("u", "")
    user = await request.auser()
    proxy = f"{request.path}?s={quote(token, safe='')}"
    try:
        group_id, patterns = await sync_to_async(access_asset_source)(user=user, token=token)
        # Reading a stylesheet's references is work too: off the event loop with the fetch.
        content_type, body = await asyncio.get_running_loop().run_in_executor(
            _FETCHERS,
            partial(asset_served, group_id=group_id, patterns=patterns, url=url, proxy=proxy),
        )
    except TandemError as error:
        log.info("asset refused user=%s code=%s msg=%s", user.pk, error.code, error.msg)
        return _refusal(error)
    response = HttpResponse(body, content_type=content_type)
    for name, value in _HEADERS.items():
        response[name] = value
    # Fonts and sprites load from the replay's same-origin document; say so explicitly.
    response["Access-Control-Allow-Origin"] = f"{request.scheme}://{request.get_host()}"
    response["Vary"] = "Origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
