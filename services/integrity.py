"""The one tamper check every SPO read goes through, single reads and lists alike.

``verify_spo`` is the only caller of the lock's verify function, so changing how a lock is
checked (a keyed HMAC instead of a bare hash) is one edit here. Lists and aggregates never fail
as a whole on one bad SPO: :func:`split_intact` flags it and the caller leaves it out of every
total, naming it beside the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.errors import TamperDetected
from spo.lockin import verify
from spo.model import Spo


def verify_spo(spo: Spo) -> Spo:
    """``spo`` if unlocked or intact; ``TamperDetected`` if its commitment was edited."""
    return verify(spo)


def is_intact(spo: Spo) -> bool:
    """True when :func:`verify_spo` accepts ``spo``."""
    try:
        verify_spo(spo)
    except TamperDetected:
        return False
    return True


@dataclass(frozen=True)
class Checked:
    """SPOs split into those that verify and the ids of those that do not."""

    intact: tuple[Spo, ...]
    tampered: tuple[Spo, ...]  # as stored: their figures are not to be trusted

    @property
    def tampered_ids(self) -> tuple[str, ...]:
        """The ids of the SPOs that fail the check, sorted."""
        return tuple(sorted(s.id for s in self.tampered))


def split_intact(spos: Iterable[Spo]) -> Checked:
    """Every SPO checked once, in the order given."""
    intact: list[Spo] = []
    tampered: list[Spo] = []
    for spo in spos:
        if is_intact(spo):
            intact.append(spo)
        else:
            tampered.append(spo)
    return Checked(tuple(intact), tuple(tampered))
