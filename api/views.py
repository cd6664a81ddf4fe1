"""The presence REST API, one class per operation: Glance's lookupvisitor, findvisitor and
signalvisitor, and the visitors online. Each validates its input, checks the group, calls
one service of `presence.services` and serializes the result."""

import time
from datetime import UTC, datetime

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.selectors import group_access
from api.serializers import (
    ErrorOut,
    FindOut,
    FindQuery,
    GroupQuery,
    LookupOut,
    SignalOut,
    SignalQuery,
    SignalRequest,
    VisitorQuery,
    VisitorsOut,
)
from presence import services as presence

ERRORS = {
    400: OpenApiResponse(ErrorOut, "A bad query or body (`bad_frame`, `bad_json`)."),
    401: OpenApiResponse(ErrorOut, "No credentials, or an unknown or revoked token."),
    403: OpenApiResponse(ErrorOut, "A logged-in session's unsafe request without CSRF token."),
    404: OpenApiResponse(ErrorOut, "Not your group (or not the token's), existing or not."),
}


def valid(serializer: type[serializers.Serializer], data, **context) -> dict:
    checked = serializer(data=data, context=context)
    checked.is_valid(raise_exception=True)
    return checked.validated_data


def iso_time(seconds: float) -> str:
    """Unix seconds as Glance writes times: ISO 8601 in UTC, to the millisecond."""
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def signal_base(request: Request, endpoint: str) -> str:
    """Glance's `direct` server: one service reaches every visitor, so signalvisitor is
    beside this endpoint (host plus path)."""
    return request.get_host() + request.path.removesuffix(endpoint)


def group_id(request: Request, group_public_id: int) -> int:
    """The group of the request, if its token or agent may act in it."""
    group_access(user=request.user, token=request.auth, group_public_id=group_public_id)
    return group_public_id


class LookupVisitor(APIView):
    @extend_schema(
        operation_id="lookupvisitor",
        summary="A visitor's presence: online or not, and what its page reported",
        parameters=[VisitorQuery],
        responses={200: LookupOut, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = valid(VisitorQuery, request.query_params)
        visitor = presence.visitor_lookup(
            agent=request.user,
            group_public_id=group_id(request, query["groupid"]),
            visitor_id=query["visitorid"],
        )
        result = {
            **query,
            "visitorpresent": False if visitor is None else iso_time(visitor["since"]),
            "timestamp": iso_time(time.time()),
            "visitor": visitor,
        }
        if visitor is not None:
            base = signal_base(request, "/lookupvisitor")
            result |= {"direct": base, "ds": base, "directserver": base}
        return Response(LookupOut(result).data)


class FindVisitor(APIView):
    @extend_schema(
        operation_id="findvisitor",
        summary="Whether a visitor (or a connectUnique code) is online, and where to signal it",
        parameters=[FindQuery],
        responses={200: FindOut, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = valid(FindQuery, request.query_params)
        visitor_id = query.get("visitorid") or query["uniqueid"]
        found = presence.visitor_find(
            agent=request.user,
            group_public_id=group_id(request, query["groupid"]),
            visitor_id=visitor_id,
            unique="uniqueid" in query,
        )
        result = {"groupid": query["groupid"], "visitorid": visitor_id, "visitorfound": found}
        if found:
            base = signal_base(request, "/findvisitor")
            result |= {"direct": base, "directserver": base}
        return Response(FindOut(result).data)


class SignalVisitor(APIView):
    @extend_schema(
        operation_id="signalvisitor",
        summary="Send a visitor a signal, or invoke a function of its page",
        description="Kept until the visitor's page acknowledges it: a visitor that is offline "
        "gets it on its next connection, exactly once.",
        parameters=[SignalQuery],
        request=SignalRequest,
        responses={200: SignalOut, **ERRORS, 413: OpenApiResponse(ErrorOut, "Body too big.")},
    )
    def post(self, request: Request) -> Response:
        body = valid(SignalRequest, request.data, query=request.query_params)
        sent = presence.signal_send(
            agent=request.user,
            group_public_id=group_id(request, body["groupid"]),
            visitor_id=body["visitorid"],
            mtype=body["mtype"],
            data=body["data"],
        )
        return Response(SignalOut({**body, **sent}).data)


class Visitors(APIView):
    @extend_schema(
        operation_id="visitors",
        summary="The visitors of a group online now",
        parameters=[GroupQuery],
        responses={200: VisitorsOut, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = valid(GroupQuery, request.query_params)
        visitors = presence.visitor_list(
            agent=request.user, group_public_id=group_id(request, query["groupid"])
        )
        return Response(VisitorsOut({**query, "visitors": visitors}).data)
