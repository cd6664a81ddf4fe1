"""Agent pages: the live dashboard and the session viewer."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from agents.selectors import agent_groups, joined_sessions, key_to_join
from cobrowse.selectors import sessions_for_key
from core import ids
from core.keys import SESSION_KEY_RULE


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "agents/dashboard.html", {"groups": agent_groups(user=request.user)})


@login_required
def join(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("key", "")[:200]
    key = key_to_join(user=request.user, typed=typed)
    if key is None:
        groups = agent_groups(user=request.user)
        # The field keeps what was typed, so the agent corrects it rather than retypes it.
        context = {"groups": groups, "join_error": SESSION_KEY_RULE, "join_key": typed}
        return render(request, "agents/dashboard.html", context, status=400)
    return redirect("viewer", key=key)


@login_required
def viewer(request: HttpRequest, key: str) -> HttpResponse:
    # The page itself reveals nothing; its socket checks that the agent may watch `key`
    # (in the group `?group=` names, when it names one). A key live in several of the
    # agent's groups gets a page that asks which.
    # The ICE servers let its screen share reach visitors behind NAT (TURN).
    if ids.group_public_id(request.GET.get("group")) is None:
        matches = sessions_for_key(user=request.user, key=key)
        if len(matches) > 1:
            context = {"key": key, "groups": [session.group for session in matches]}
            return render(request, "agents/viewer_choose.html", context)
    context = {"key": key, "ice_servers": settings.TANDEM_ICE_SERVERS}
    return render(request, "agents/viewer.html", context)


@login_required
def my_sessions(request: HttpRequest) -> JsonResponse:
    """The live sessions this agent has a viewer open in: the viewer's session switcher."""
    return JsonResponse({"sessions": joined_sessions(user=request.user)})
