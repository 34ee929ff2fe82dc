"""ActivityQuery semantics shared by both adapters (the Python side of the filters)."""

from __future__ import annotations

from datetime import date

from domain.model import Activity
from domain.vocabulary import ValidationStatus
from store.port import ActivityQuery

#: the default query: every activity, no filter
ALL_ACTIVITIES = ActivityQuery()


def as_of_date(query: ActivityQuery) -> date:
    """The day validation expiry is judged on: ``query.as_of`` or today."""
    return date.fromisoformat(query.as_of) if query.as_of else date.today()


def matches(activity: Activity, query: ActivityQuery) -> bool:
    """True when ``activity`` passes every filter of ``query``.

    Recommendable means validated, active, and not expired on ``as_of`` (an activity without
    ``validated_until`` does not expire).
    """
    if query.territory_code is not None and activity.territory_code != query.territory_code:
        return False
    if query.themes and not set(query.themes).intersection(activity.themes):
        return False
    if query.recommendable_only:
        if activity.validation_status != ValidationStatus.VALIDATED or not activity.active:
            return False
        until = activity.validated_until
        if until is not None and until < as_of_date(query):
            return False
    return True
