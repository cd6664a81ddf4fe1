"""The one domain error of Tandem, and the error frame it becomes on a socket."""

from enum import StrEnum


class ErrorCode(StrEnum):
    BAD_JSON = "bad_json"
    BAD_FRAME = "bad_frame"
    UNKNOWN_TYPE = "unknown_type"
    TOO_BIG = "too_big"
    RATE_LIMITED = "rate_limited"
    ORIGIN = "origin"
    UNKNOWN_GROUP = "unknown_group"
    UNKNOWN_SITE = "unknown_site"
    SITE_DISABLED = "site_disabled"
    KEY_IN_USE = "key_in_use"
    NOT_STARTED = "not_started"
    ALREADY_STARTED = "already_started"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    ENDED = "ended"
    BAD_TOKEN = "bad_token"
    RC_OFF = "rc_off"
    RC_BUSY = "rc_busy"
    MASKED = "masked"
    EXPIRED = "expired"
    # Screen share and reverse sessions (cobrowse/services/share.py, reverse.py).
    SHARE_BUSY = "share_busy"
    NOT_SHARER = "not_sharer"
    NO_SHARE = "no_share"
    BAD_STATE = "bad_state"
    # A frame for this client was too big to send (the server's fault, not the client's).
    NOT_SENT = "not_sent"
    # The asset proxy could not get what an agent's viewer asked for (cobrowse/asset_proxy.py).
    UPSTREAM = "upstream"
    INTERNAL = "internal"


class TandemError(Exception):
    """A client did something the domain does not allow; `code` is machine-readable."""

    def __init__(self, code: ErrorCode, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg

    def frame(self) -> dict:
        return {"t": "error", "code": str(self.code), "msg": self.msg}
