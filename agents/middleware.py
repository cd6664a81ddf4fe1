"""The agent pages' Content-Security-Policy (django-csp, settings.CONTENT_SECURITY_POLICY)
and referrer policy: mirrored visitor content runs no script and reaches nothing outside
Tandem; what the replayed page loads comes through the asset proxy."""

from csp.middleware import CSPMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase

AGENT_PREFIXES = ("/agent/", "/accounts/")


class AgentPagesCSPMiddleware(CSPMiddleware):
    """django-csp's policy on the agent's pages only. The other pages that send a policy
    build their own (the site-connect frame and the share view: siteconnect/views.py,
    cobrowse/media_views.py, whose `frame-ancestors` follows the group's trusted domains;
    the asset proxy's responses: cobrowse/asset_views.py)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not request.path_info.startswith(AGENT_PREFIXES):
            return response
        # No Referer leaves Tandem (the asset proxy's responses, stylesheets included, say
        # no-referrer). Not no-referrer here: with it, browsers send `Origin: null` with the
        # page's own forms (log in, log out), which Django's CSRF check rightly refuses.
        response["Referrer-Policy"] = "same-origin"
        return super().process_response(request, response)
