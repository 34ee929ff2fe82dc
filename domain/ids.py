"""What an id looks like: one rule for the HTTP API and the command line.

Ids are chosen by callers (slugs or UUIDs); the rule keeps them printable, URL-safe and short,
so an id the CLI accepts is never one the API refuses.
"""

from __future__ import annotations

import re

from domain.errors import InvalidInput

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
_ID = re.compile(ID_PATTERN)


def check_id(value: str, what: str = "id") -> str:
    """``value`` when it is a valid id; ``InvalidInput`` saying the rule otherwise."""
    if not _ID.fullmatch(value):
        raise InvalidInput(
            f"{what} {value!r}: use 1-100 letters, digits, '.', '_', ':' or '-', "
            "starting with a letter or digit"
        )
    return value
