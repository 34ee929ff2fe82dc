"""The validator's pages: the queue of pending and soon-to-lapse activities in my territory,
validate, decline with a reason, renew; the same rules and audit as the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.vocabulary import Role, ValidationStatus
from services.pages import validator as pages
from services.settings import ServiceSettings
from services.validation import decide_activity, validation_history
from store.port import Store
from tests.builders import make_activity
from tests.services.pages.conftest import AT, PROVIDER, TODAY, VALIDATOR, activity
from tests.spo.builders import make_account


def _seed_queue(store: Store) -> None:
    store.put_many(
        [
            make_activity(
                id="act-p",
                name="Pending club",
                validation_status=ValidationStatus.PENDING,
                validated_until=None,
            ),
            make_activity(
                id="act-soon", name="Ends soon", validated_until=TODAY + timedelta(days=20)
            ),
            make_activity(
                id="act-gone",
                name="Lapsed",
                validation_status=ValidationStatus.LAPSED,
                validated_until=TODAY - timedelta(days=90),
            ),
            make_activity(
                id="act-far",
                name="Elsewhere",
                lon_lat=(-3.0, 53.0),
                validation_status=ValidationStatus.PENDING,
                validated_until=None,
            ),
        ]
    )


def test_queue_holds_pending_then_renewals_of_my_territory(world: Store) -> None:
    _seed_queue(world)
    queue = pages.validator_queue(world, VALIDATOR, today=TODAY)
    assert queue.territory.code == "E23000029"
    assert [r.activity.id for r in queue.pending] == ["act-p"]
    assert [r.activity.id for r in queue.renewals] == ["act-gone", "act-soon"]  # soonest first
    soon = queue.renewals[1]
    ends = TODAY + timedelta(days=20)
    assert soon.why == f"Validation ends {ends:%d %B %Y} (in 20 days)" and soon.days_left == 20
    assert queue.pending[0].decisions == ("validate", "decline")
    assert soon.decisions == ("renew", "decline")
    assert queue.pending[0].provider_name == "Reading Youth Trust"
    ids = [f["id"] for f in queue.geojson()["features"]]  # type: ignore[attr-defined]
    assert ids == ["act-p", "act-gone", "act-soon"]


def test_validate_decline_with_reason_and_renew(world: Store, settings: ServiceSettings) -> None:
    _seed_queue(world)
    ok = pages.decide(
        world, settings, VALIDATOR, "act-p", decision="validate", expected_version=1, at=AT
    )
    assert ok.ok and ok.value is not None
    assert ok.value.validation_status is ValidationStatus.VALIDATED
    assert ok.value.validated_until == TODAY + timedelta(days=settings.validation_valid_days)

    missing = pages.decide(
        world, settings, VALIDATOR, "act-soon", decision="decline", expected_version=1, reason=" "
    )
    assert "reason" in missing.errors
    assert activity(world, "act-soon").validation_status is ValidationStatus.VALIDATED

    declined = pages.decide(
        world, settings, VALIDATOR, "act-soon", decision="decline", expected_version=1,
        reason="no evidence of impact", at=AT,
    )  # fmt: skip
    assert (
        declined.ok and activity(world, "act-soon").validation_status is ValidationStatus.DECLINED
    )
    assert validation_history(world, "act-soon")[-1].reason == "no evidence of impact"

    renewed = pages.decide(
        world, settings, VALIDATOR, "act-gone", decision="renew", expected_version=1, at=AT
    )
    assert (
        renewed.ok and activity(world, "act-gone").validation_status is ValidationStatus.VALIDATED
    )
    queue = pages.validator_queue(world, VALIDATOR, today=TODAY)
    assert queue.rows == []


def test_a_stale_or_unknown_decision_is_a_field_error(
    world: Store, settings: ServiceSettings
) -> None:
    _seed_queue(world)
    stale = pages.decide(
        world, settings, VALIDATOR, "act-p", decision="validate", expected_version=7
    )
    assert "Reload the page" in stale.errors["decision"]
    odd = pages.decide(world, settings, VALIDATOR, "act-p", decision="approve", expected_version=1)
    assert "decision" in odd.errors
    assert activity(world, "act-p").validation_status is ValidationStatus.PENDING


def test_only_my_territorys_validator_reviews(world: Store, settings: ServiceSettings) -> None:
    _seed_queue(world)
    review = pages.review(world, VALIDATOR, "act-p", today=TODAY)
    assert review.row.local_authority == "Reading" and review.history == []
    elsewhere = make_account(Role.VALIDATOR, id="acct-v2", territory_code="W15000004")
    with pytest.raises(NotFound):
        pages.review(world, elsewhere, "act-p", today=TODAY)
    with pytest.raises(Forbidden):
        pages.validator_queue(world, PROVIDER, today=TODAY)


def test_a_decision_that_does_not_fit_the_state_is_refused(
    world: Store, settings: ServiceSettings
) -> None:
    """A "renew" posted for a pending activity (a crafted or out-of-date form) must not
    validate it, nor "validate" a validated one or anything a declined one: the page says what
    would fit and nothing changes (no new version, no audit entry)."""
    _seed_queue(world)
    renew_pending = pages.decide(
        world, settings, VALIDATOR, "act-p", decision="renew", expected_version=1, at=AT
    )
    assert renew_pending.value is None
    assert renew_pending.errors["decision"] == (
        "Not saved: the activity is pending, so it cannot be renewed: it can be validated or "
        "declined. Reload the page to see its state now."
    )
    validate_validated = pages.decide(
        world, settings, VALIDATOR, "act-soon", decision="validate", expected_version=1, at=AT
    )
    assert (
        "cannot be validated: it can be renewed or declined"
        in (validate_validated.errors["decision"])
    )
    pending, soon = activity(world, "act-p"), activity(world, "act-soon")
    assert (pending.validation_status, pending.version) == (ValidationStatus.PENDING, 1)
    assert (soon.validated_until, soon.version) == (TODAY + timedelta(days=20), 1)
    assert validation_history(world, "act-p") == validation_history(world, "act-soon") == []

    with pytest.raises(Conflict, match="pending, so it cannot be renewed"):
        decide_activity(
            world, "act-p", "renew", actor=VALIDATOR, expected_version=1, settings=settings
        )
    with pytest.raises(InvalidInput, match="unknown decision"):
        decide_activity(
            world, "act-p", "approve", actor=VALIDATOR, expected_version=1, settings=settings
        )
    # the fitting decisions still go through the same use case
    saved = decide_activity(
        world, "act-p", "validate", actor=VALIDATOR, expected_version=1, settings=settings, at=AT
    )
    assert saved.validation_status is ValidationStatus.VALIDATED
    declined = decide_activity(
        world, "act-p", "decline", actor=VALIDATOR, expected_version=2, settings=settings,
        reason="moved away", at=AT,
    )  # fmt: skip
    assert declined.validation_status is ValidationStatus.DECLINED
    with pytest.raises(Conflict, match="its provider must position it again first"):
        decide_activity(
            world, "act-p", "renew", actor=VALIDATOR, expected_version=3, settings=settings
        )
