"""JSON request bodies, refused past a size no presence request needs."""

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.errors import ErrorCode, TandemError

# Room for the largest valid message (50 keys of 1000 characters, in any script) and no more.
MAX_BODY_BYTES = 256 * 1024


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise TandemError(ErrorCode.TOO_BIG, f"The body exceeds {MAX_BODY_BYTES} bytes.")
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            raise ParseError("The body is not valid JSON.") from None
