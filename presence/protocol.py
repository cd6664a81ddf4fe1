"""Frames a visitor page sends on its presence socket: declared with every other socket's
in cobrowse/protocol.py (docs/protocol.md, "Presence")."""

from cobrowse.protocol import PRESENCE_FRAMES, TERMS_STATUSES

__all__ = ["PRESENCE_FRAMES", "TERMS_STATUSES"]
