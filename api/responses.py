"""JSON responses that cannot be broken by one non-finite number.

Starlette renders JSON with ``allow_nan=False``, so a single ``Infinity`` stored before the
input checks existed (a legacy row) turned every listing that included it into a 500 for
everyone. Requests can no longer carry such numbers (``api.schemas.safe``); for rows already
stored, this renderer answers ``null`` for a non-finite number instead of failing. The fast
path is unchanged: the walk happens only when the plain render refuses.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi.responses import JSONResponse


def finite_or_none(value: Any) -> Any:
    """``value`` with every NaN or infinite float (at any depth) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    return value


class SafeJSONResponse(JSONResponse):
    """``JSONResponse`` that renders a non-finite float as ``null`` rather than failing."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except ValueError:
            return super().render(finite_or_none(content))
