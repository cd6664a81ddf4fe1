"""Agent pages: the live dashboard and the session viewer."""

import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from agents.selectors import agent_groups
from cobrowse.models import SESSION_KEY_RE

_KEY = re.compile(SESSION_KEY_RE)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "agents/dashboard.html", {"groups": agent_groups(user=request.user)})


@login_required
def join(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("key", "").strip()
    if not _KEY.match(key):
        groups = agent_groups(user=request.user)
        context = {"groups": groups, "join_error": "A session key is 1-32 letters or digits."}
        return render(request, "agents/dashboard.html", context, status=400)
    return redirect("viewer", key=key)


@login_required
def viewer(request: HttpRequest, key: str) -> HttpResponse:
    # The page itself reveals nothing; its socket checks that the agent may watch `key`.
    # The ICE servers let its screen share reach visitors behind NAT (TURN).
    context = {"key": key, "ice_servers": settings.TANDEM_ICE_SERVERS}
    return render(request, "agents/viewer.html", context)
