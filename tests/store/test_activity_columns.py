"""``activity_columns``: the recommender's input read from rows equals the same columns built
from the decoded activities, on both backends (and the status filter keeps only that status)."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np

from domain.columns import ActivityColumns, from_activities
from domain.model import Activity, Evidence, Need
from domain.vocabulary import SupportType, ValidationStatus
from store.port import Store
from tests.builders import make_activity, make_provider


def _rows(columns: ActivityColumns) -> dict[str, tuple[object, ...]]:
    fields = [f.name for f in dataclasses.fields(columns)]
    out: dict[str, tuple[object, ...]] = {}
    for i, id_ in enumerate(columns.ids):
        values: list[object] = []
        for name in fields:
            value = getattr(columns, name)[i]
            if isinstance(value, np.floating) and np.isnan(value):
                value = "nan"
            values.append(value.item() if isinstance(value, np.generic) else value)
        out[id_] = tuple(values)
    return out


def test_columns_from_rows_equal_columns_from_decoded_activities(store: Store) -> None:
    store.put(make_provider())
    varied = [
        make_activity(id="bare", needs=(), themes=(), evidence=()),
        make_activity(
            id="full",
            needs=(
                Need(SupportType.CASH, "kit", 1200, "GBP"),
                Need(SupportType.SKILLS, "surveys", sector="construction"),
                Need(SupportType.SKILLS, "no sector", sector=""),
            ),
            evidence=(Evidence("a", strength=2), Evidence("b", strength=4)),
            funding_gap_gbp=5_000.5,
            at_risk=True,
            validated_until=date(2030, 5, 1),
            active=False,
        ),
        make_activity(id="pending", validation_status=ValidationStatus.PENDING),
        make_activity(id="open-ended", validated_until=None, description="unicode: café"),
    ]
    store.put_many(varied)
    decoded = list(store.iter_all(Activity))
    assert _rows(store.activity_columns()) == _rows(from_activities(decoded))
    validated = store.activity_columns(validation_status=ValidationStatus.VALIDATED.value)
    assert sorted(validated.ids) == ["bare", "full", "open-ended"]


def test_the_digest_changes_with_the_rows_and_only_with_them(store: Store) -> None:
    store.put(make_provider())
    store.put_many([make_activity(id="a"), make_activity(id="b")])
    first = store.activity_digest()
    assert store.activity_digest() == first
    store.update(dataclasses.replace(store.get(Activity, "a"), name="renamed"))
    renamed = store.activity_digest()
    assert renamed != first
    store.put(make_activity(id="c"))
    store.delete(Activity, "c")
    assert store.activity_digest() == renamed  # the same rows again


def test_the_digest_is_the_hash_of_every_row_repr_in_order() -> None:
    """Its value is the documented one (workers of two versions must agree on a state):
    SHA-256 of each sorted row's repr, booleans as 0/1, a separator after each table."""
    import hashlib

    from store.columns import digest

    activities = [("b", 2, "validated", True, None, "E1"), ("a", 1, "pending", False, "E2", None)]
    spos = [("s1", 3, "awarded")]
    expected = hashlib.sha256()
    for row in [("a", 1, "pending", 0, "E2", None), ("b", 2, "validated", 1, None, "E1")]:
        expected.update(repr(row).encode())
    expected.update(b"\x1e")
    expected.update(repr(("s1", 3, "awarded")).encode())
    expected.update(b"\x1e")
    assert digest(activities, spos) == expected.hexdigest()
    assert digest([], []) == hashlib.sha256(b"\x1e\x1e").hexdigest()
