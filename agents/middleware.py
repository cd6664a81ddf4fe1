"""The agent pages' Content-Security-Policy (django-csp, settings.CONTENT_SECURITY_POLICY)
and referrer policy: mirrored visitor content runs no script and reaches nothing outside
Tandem; what the replayed page loads comes through the asset proxy."""

from csp.middleware import CSPMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase

AGENT_PREFIXES = ("/agent/", "/accounts/")
VISITOR_CONTENT = "/agent/"


class AgentPagesCSPMiddleware(CSPMiddleware):
    """django-csp's policy on the agent's pages only. The pages a group's own pages embed
    (the site-connect frame, the share view) build theirs per response with django-csp's
    builder (core/csp.py), since their `frame-ancestors` follows the group's trusted
    domains; the asset proxy's responses carry a fixed sandbox (cobrowse/asset_views.py)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not request.path_info.startswith(AGENT_PREFIXES):
            return response
        # The pages under /agent/ show visitor content: nothing they (or their replay) load
        # says where from. Their POST forms go through fetch() (static/src/agent/page.ts),
        # since a form's own POST under no-referrer carries `Origin: null`, which Django's
        # CSRF check rightly refuses. The log-in pages show no visitor content and post
        # their forms themselves: same-origin, so those carry the page's origin.
        response["Referrer-Policy"] = (
            "no-referrer" if request.path_info.startswith(VISITOR_CONTENT) else "same-origin"
        )
        return super().process_response(request, response)
