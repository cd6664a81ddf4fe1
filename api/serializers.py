"""What the presence endpoints accept and return. Views validate with these, and the OpenAPI
schema is built from them, so the schema is what the API does."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.errors import ErrorCode
from presence import services as presence

FLAT_DATA = {
    "type": "object",
    "maxProperties": presence.MAX_DATA_KEYS,
    "additionalProperties": {
        "oneOf": [{"type": "string", "maxLength": presence.MAX_VALUE_CHARS}, {"type": "number"}]
    },
}
_FUNCS = sorted(presence.INVOKABLE)
_GLANCE_FUNCS = [f"GLANCE.Cobrowse.Visitor.{func}" for func in _FUNCS]
INVOKE_DATA = {
    "type": "object",
    "properties": {
        "func": {"type": "string", "enum": _FUNCS + _GLANCE_FUNCS},
        "args": {**FLAT_DATA, "nullable": True},
    },
    "required": ["func"],
}


@extend_schema_field(FLAT_DATA)
class FlatDataField(serializers.JSONField):
    """An object of string or number values, as Glance's presence data."""


@extend_schema_field({"oneOf": [FLAT_DATA, INVOKE_DATA], "nullable": True})
class MessageDataField(serializers.JSONField):
    """A signal's data (flat), or an invoke's {func, args}; checked by presence.services."""


class VisitorIdField(serializers.RegexField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", "A visitor id: 1-100 letters, digits, '_', '-' or '.'.")
        super().__init__(
            rf"^{presence.VISITOR_ID_RE.pattern}$",
            max_length=100,
            error_messages={"invalid": "A visitor id is 1-100 letters, digits, '_', '-' or '.'."},
            **kwargs,
        )


def _group_id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=2_147_483_647,
        help_text="The group's public id, as in the script tag's data-groupid.",
        **kwargs,
    )


# Requests.


class GroupQuery(serializers.Serializer):
    groupid = _group_id()


class VisitorQuery(GroupQuery):
    visitorid = VisitorIdField()


class FindQuery(GroupQuery):
    visitorid = VisitorIdField(required=False)
    uniqueid = VisitorIdField(
        required=False,
        help_text="A 6-digit code from connectUnique(): only a live unique connection matches.",
    )

    def validate(self, attrs: dict) -> dict:
        if ("visitorid" in attrs) == ("uniqueid" in attrs):
            raise serializers.ValidationError("Give exactly one of visitorid and uniqueid.")
        return attrs


class SignalQuery(serializers.Serializer):
    """Glance sends the target in the query string; Tandem also takes it in the body."""

    groupid = _group_id(required=False)
    visitorid = VisitorIdField(required=False)


class SignalRequest(SignalQuery):
    mtype = serializers.ChoiceField(
        choices=["signal", "invoke"],
        help_text="'signal' reaches the page's onsignal handler; 'invoke' calls a function of "
        "GLANCE.Cobrowse.Visitor.",
    )
    data = MessageDataField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For 'signal': an object of string or number values (default {}). For "
        "'invoke': {func, args}, args being such an object.",
    )

    def validate(self, attrs: dict) -> dict:
        """The target from the body or the query string (context 'query'); never both
        saying different things."""
        query = SignalQuery(data=self.context["query"])
        if not query.is_valid():
            raise serializers.ValidationError(query.errors)
        errors = {}
        for name in ("groupid", "visitorid"):
            given = {attrs.get(name), query.validated_data.get(name)} - {None}
            if len(given) == 1:
                attrs[name] = given.pop()
            else:
                errors[name] = "The query string and body differ." if given else "Missing."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# Responses.


class VisitorOut(serializers.Serializer):
    group = serializers.IntegerField(help_text="The group's public id.")
    visitorid = serializers.CharField()
    url = serializers.CharField(help_text="The page the visitor's focused tab shows.")
    title = serializers.CharField()
    browser = serializers.CharField()
    data = FlatDataField(help_text="What the page reported with presence({data}), merged.")
    since = serializers.FloatField(help_text="When the visitor came online (Unix seconds).")


class LookupOut(serializers.Serializer):
    groupid = serializers.IntegerField()
    visitorid = serializers.CharField()
    visitorpresent = serializers.JSONField(
        help_text="Glance's: when the visitor came online (ISO 8601, UTC) if it is online "
        "now, else false."
    )
    timestamp = serializers.CharField(help_text="The server's time of the answer (ISO 8601, UTC).")
    direct = serializers.CharField(
        required=False, help_text="Only when present: where to POST signalvisitor (host/path)."
    )
    ds = serializers.CharField(required=False, help_text="The same as direct.")
    directserver = serializers.CharField(required=False, help_text="The same as direct.")
    visitor = VisitorOut(allow_null=True, help_text="What the visitor reported; null offline.")


class FindOut(serializers.Serializer):
    groupid = serializers.IntegerField()
    visitorid = serializers.CharField()
    visitorfound = serializers.BooleanField(help_text="Whether the visitor is online now.")
    direct = serializers.CharField(
        required=False, help_text="Only when found: where to POST signalvisitor (host/path)."
    )
    directserver = serializers.CharField(required=False, help_text="The same as direct.")


class SignalOut(serializers.Serializer):
    groupid = serializers.IntegerField()
    visitorid = serializers.CharField()
    mtype = serializers.CharField()
    id = serializers.IntegerField(help_text="The message's id, which the visitor acknowledges.")
    online = serializers.BooleanField(
        help_text="Whether the visitor was online; if not, it gets the message on its next "
        "connection (until TANDEM_PRESENCE_MESSAGE_TTL_SECONDS pass)."
    )


class VisitorsOut(serializers.Serializer):
    groupid = serializers.IntegerField()
    visitors = VisitorOut(many=True, help_text="Longest online first.")


class ErrorOut(serializers.Serializer):
    t = serializers.CharField(help_text='Always "error", as on the sockets.')
    code = serializers.ChoiceField(choices=[code.value for code in ErrorCode])
    msg = serializers.CharField(help_text="For people; `code` is for programs.")
