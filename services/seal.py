"""The one place that seals and verifies SPO commitments against the store's lock key.

Every read path that serves an SPO, a line or a total built from them calls :func:`verified`
(refuse: ``TamperDetected``, 409 ``tamper-detected``) or :func:`is_intact` (leave a tampered
SPO out of a total and flag it). The key lives outside the database (``store.lock_key``), so a
row whose lines and hash were both rewritten — even with dicm's own old bare-sha256 method —
no longer verifies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from spo import lockin
from spo.model import Spo, SpoLine
from store.lock_key import key_for
from store.port import Store


def verified(store: Store, spo: Spo) -> Spo:
    """``spo`` unchanged when unlocked or intact under ``store``'s key; ``TamperDetected``."""
    return lockin.verify(spo, key_for(store))


def is_intact(store: Store, spo: Spo) -> bool:
    """True when ``spo`` is unlocked or its seal verifies under ``store``'s key."""
    return lockin.is_intact(spo, key_for(store))


def intact_only(store: Store, spos: Iterable[Spo]) -> list[Spo]:
    """The SPOs of ``spos`` that verify (what totals and maps may count)."""
    key = key_for(store)
    return [spo for spo in spos if lockin.is_intact(spo, key)]


@dataclass(frozen=True)
class Checked:
    """SPOs split into those that verify and those that do not (listed, never counted)."""

    intact: tuple[Spo, ...]
    tampered: tuple[Spo, ...]  # as stored: their figures are not to be trusted


def split_intact(store: Store, spos: Iterable[Spo]) -> Checked:
    """Every SPO checked once under ``store``'s key, in the order given: lists and aggregates
    never fail as a whole on one bad SPO, they flag it and leave it out of every total."""
    key = key_for(store)
    intact: list[Spo] = []
    tampered: list[Spo] = []
    for spo in spos:
        (intact if lockin.is_intact(spo, key) else tampered).append(spo)
    return Checked(tuple(intact), tuple(tampered))


def sealed(store: Store, spo: Spo, *, at: datetime) -> Spo:
    """``spo`` locked on award with a seal under ``store``'s key."""
    return lockin.lock(spo, at=at, key=key_for(store))


def varied(
    store: Store,
    spo: Spo,
    lines: tuple[SpoLine, ...],
    *,
    reason: str,
    approved_by: str,
    at: datetime,
) -> Spo:
    """A formal variation of ``spo``, re-sealed under ``store``'s key."""
    return lockin.vary(
        spo, lines, reason=reason, approved_by=approved_by, at=at, key=key_for(store)
    )


__all__ = ["Checked", "intact_only", "is_intact", "sealed", "split_intact", "varied", "verified"]
