"""Lock-in on award: the content hash, tamper detection and formal variations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from domain.errors import InvalidInput, Locked, TamperDetected
from spo.lockin import check_commitment_kept, commitment_version, content_hash, lock, vary, verify
from spo.model import Milestone, SpoState
from tests.spo.builders import make_line, make_spo

AT = datetime(2027, 1, 5, tzinfo=UTC)
KEY = b"k" * 32


def test_hash_covers_the_commitment_not_state_score_or_order() -> None:
    a, b = make_line(id="a"), make_line(id="b", amount=10.0)
    spo = make_spo(lines=(a, b))
    assert content_hash(spo, KEY) == content_hash(replace(spo, lines=(b, a)), KEY)
    assert content_hash(spo, KEY) == content_hash(
        replace(spo, state=SpoState.IN_DELIVERY, version=9), KEY
    )
    assert content_hash(spo, KEY) != content_hash(
        replace(spo, lines=(a, replace(b, amount=11.0))), KEY
    )
    moved = replace(b, milestones=(Milestone(date(2027, 6, 1), 5.0),))
    assert content_hash(spo, KEY) != content_hash(replace(spo, lines=(a, moved)), KEY)
    assert content_hash(spo, KEY) != content_hash(replace(spo, supplier_id="sup-2"), KEY)
    assert content_hash(spo, KEY).startswith("hmac-sha256:")
    assert content_hash(spo, KEY) != content_hash(spo, b"other key" * 4)


def test_verify_detects_a_changed_line() -> None:
    locked = lock(make_spo(), at=AT, key=KEY)
    assert verify(locked, KEY) is locked
    tampered = replace(locked, lines=(replace(locked.lines[0], amount=1.0),))
    with pytest.raises(TamperDetected):
        verify(tampered, KEY)


def test_an_spo_without_lines_cannot_be_locked() -> None:
    with pytest.raises(InvalidInput):
        lock(make_spo(lines=()), at=AT, key=KEY)


def test_variation_makes_a_new_version_with_reason_and_approver() -> None:
    locked = lock(make_spo(), at=AT, key=KEY)
    assert commitment_version(locked) == 1
    new_lines = (replace(locked.lines[0], amount=300.0, milestones=()),)
    varied = vary(
        locked, new_lines, reason="club doubled sessions", approved_by="buyer", at=AT, key=KEY
    )
    assert commitment_version(varied) == 2
    (v,) = varied.variations
    assert (v.version, v.reason, v.approved_by) == (2, "club doubled sessions", "buyer")
    assert v.content_hash == varied.content_hash == content_hash(varied, KEY) != locked.content_hash
    verify(varied, KEY)
    check_commitment_kept(locked, varied)
    again = vary(varied, locked.lines, reason="back again", approved_by="buyer", at=AT, key=KEY)
    assert [x.version for x in again.variations] == [2, 3]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_variation_needs_a_reason(reason: str) -> None:
    locked = lock(make_spo(), at=AT, key=KEY)
    with pytest.raises(InvalidInput):
        vary(
            locked,
            (replace(locked.lines[0], amount=1.0),),
            reason=reason,
            approved_by="b",
            at=AT,
            key=KEY,
        )


def test_a_variation_that_changes_nothing_is_refused() -> None:
    locked = lock(make_spo(), at=AT, key=KEY)
    with pytest.raises(InvalidInput):
        vary(locked, locked.lines, reason="nothing", approved_by="b", at=AT, key=KEY)


def test_changing_a_locked_commitment_without_variation_is_locked() -> None:
    locked = lock(make_spo(), at=AT, key=KEY)
    check_commitment_kept(locked, replace(locked, state=SpoState.IN_DELIVERY))
    with pytest.raises(Locked):
        check_commitment_kept(
            locked, replace(locked, lines=(replace(locked.lines[0], amount=2.0),))
        )
