"""Every refused request gets the one error shape of Tandem's sockets, `{t, code, msg}`,
with the HTTP status its code calls for, and a line in the `tandem.api` log."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.parsers import MAX_BODY_BYTES
from core.errors import ErrorCode, TandemError

log = logging.getLogger("tandem.api")

STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.BAD_TOKEN: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.UNKNOWN_GROUP: 404,
    ErrorCode.TOO_BIG: 413,
    ErrorCode.RATE_LIMITED: 429,
}
# The code of a refusal DRF itself makes (a missing login, a method not allowed...).
_CODE_OF_STATUS = {
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    413: ErrorCode.TOO_BIG,
    429: ErrorCode.RATE_LIMITED,
}


def _message(detail) -> str:
    """DRF's error detail (a string, or lists and dicts of them per field) as one line."""
    if isinstance(detail, dict):
        return " ".join(
            f"{field}: {_message(value)}" if field != "non_field_errors" else _message(value)
            for field, value in detail.items()
        )
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)


def _error(exc: exceptions.APIException, status: int) -> TandemError:
    if isinstance(exc, exceptions.AuthenticationFailed):
        code = ErrorCode.BAD_TOKEN
    elif isinstance(exc, exceptions.ParseError):
        code = ErrorCode.BAD_JSON
    else:
        code = _CODE_OF_STATUS.get(status, ErrorCode.BAD_FRAME)
    return TandemError(code, _message(exc.detail))


def _actor(request) -> str:
    # Read what authentication already set: never authenticate again while handling an error.
    user, token = vars(request).get("_user"), vars(request).get("_auth")
    name = user.get_username() if user is not None and user.is_authenticated else "-"
    return f"user={name} token={getattr(token, 'prefix', '-')}"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before the parser's own,
        # smaller bound (api/parsers.py) is reached: the same refusal, not a server fault.
        exc = TandemError(ErrorCode.TOO_BIG, f"The body exceeds {MAX_BODY_BYTES} bytes.")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, TandemError):
        error, response = exc, Response(status=STATUS.get(exc.code, 400))
    elif isinstance(exc, exceptions.APIException):
        # DRF's own handler gives the status and headers (WWW-Authenticate on a 401).
        response = drf_exception_handler(exc, context)
        error = _error(exc, response.status_code)
    else:
        return None  # a bug, not a refusal: Django reports it as a 500
    response.data = error.frame()
    request = context["request"]
    log.warning(
        "refused %s %s status=%s code=%s group=%s %s",
        request.method,
        request.path,
        response.status_code,
        error.code,
        str(request.query_params.get("groupid", "-"))[:20],
        _actor(request),
    )
    return response
