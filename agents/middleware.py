"""A strict Content-Security-Policy on agent pages: mirrored visitor content runs no script."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

AGENT_PREFIXES = ("/agent/", "/accounts/")

# Images, fonts and styles of the mirrored page load from the visitor's site, so those
# may come from anywhere; scripts only from Tandem itself. Frames only same-origin
# (the rrweb replay iframe is about:blank and sandboxed without allow-scripts).
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline' http: https:",
        "img-src 'self' data: blob: http: https:",
        "font-src 'self' data: http: https:",
        "media-src 'self' blob: http: https:",
        "connect-src 'self' ws: wss:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(AGENT_PREFIXES):
            response.setdefault("Content-Security-Policy", POLICY)
        return response
