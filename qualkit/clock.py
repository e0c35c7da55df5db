"""The one clock: every stored time (decisions, runs, codebook versions, events) comes from `now()`."""
from __future__ import annotations

import datetime as dt


def now() -> str:
    """The current UTC time as ISO 8601 with microseconds, e.g. '2026-12-02T01:02:03.456789+00:00'.

    Always the same width and offset, so the strings sort as the times do, and sub-second: two events in one
    second keep their order (older rows written with whole seconds still sort before any later microsecond)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
