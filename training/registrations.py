"""What the training app declares to the core (abilities, URLs, tabs, topics, portal kinds)."""

from __future__ import annotations

from training import policy  # noqa: F401  (registers the abilities)
