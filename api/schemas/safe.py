"""The shared input types every request schema is built from: finite bounded numbers, clean text.

Hostile input that passes a plain ``ge=0`` (``Infinity``, ``1e308``) used to be stored and then
break every read that summed it; a NUL byte in a name was stored as is. So every request body
derives from :class:`InputModel`, which refuses non-finite floats anywhere in it (pydantic's
``allow_inf_nan=False`` covers nested lists and dicts too) and C0 control characters (other
than tab, newline and carriage return) in any string, and numbers that mean money or quantities
use :data:`Amount` / :data:`PositiveAmount`, bounded by :data:`MAX_AMOUNT` so that even a sum
of many of them stays finite. Offsets are bounded by :data:`MAX_OFFSET` (an offset of 2**63
once reached the database and answered 500).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: the largest amount (GBP, hours, items) any request may carry: a trillion
MAX_AMOUNT = 1e12
#: the largest paging offset any request may carry (the query-string one has the same bound)
MAX_OFFSET = 10_000_000
#: the largest page size a body may ask for (served clamped to the settings' maximum)
MAX_LIMIT = 10_000

#: C0 controls except tab, LF and CR, plus DEL: never meaningful in names, titles or notes
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
PositiveAmount = Annotated[float, Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]


def has_control_characters(value: object) -> bool:
    """True when ``value`` (a string, or lists/dicts of them) holds a refused control char."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, list | tuple):
        return any(has_control_characters(v) for v in value)
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    return False


class InputModel(BaseModel):
    """Base of every request body: finite numbers only, no control characters in text."""

    model_config = ConfigDict(allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if has_control_characters(value):
            raise ValueError("text must not contain NUL or other control characters")
        return value


__all__ = [
    "MAX_AMOUNT",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "Amount",
    "InputModel",
    "Limit",
    "Offset",
    "PositiveAmount",
    "Share",
    "has_control_characters",
]
