"""Path converters of the agenda's URLs."""

from __future__ import annotations

import base64
import binascii

from django.urls import register_converter


class EventUidConverter:
    """An event UID as a URL segment: UIDs may hold "/", "@" or spaces, so they travel as
    unpadded base64url and come back to the view as the UID itself."""

    regex = "[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        try:
            return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError(value) from exc

    def to_url(self, value: str) -> str:
        return base64.urlsafe_b64encode(str(value).encode("utf-8")).decode("ascii").rstrip("=")


register_converter(EventUidConverter, "event_uid")  # once: this module is imported once
