"""ActivityQuery semantics shared by both adapters (the Python side of the filters)."""

from __future__ import annotations

from datetime import date

from domain.model import Activity
from spo.validation import is_recommendable
from store.port import ActivityQuery

#: the default query: every activity, no filter
ALL_ACTIVITIES = ActivityQuery()


def as_of_date(query: ActivityQuery) -> date:
    """The day validation expiry is judged on: ``query.as_of`` or today."""
    return date.fromisoformat(query.as_of) if query.as_of else date.today()


def matches(activity: Activity, query: ActivityQuery) -> bool:
    """True when ``activity`` passes every filter of ``query``.

    Recommendable is ``spo.validation.is_recommendable`` on ``as_of``; the SQL (PostGIS) and
    numpy (SQLite index) forms of that filter are tested against it on both backends.
    """
    if query.territory_code is not None and activity.territory_code != query.territory_code:
        return False
    if query.themes and not set(query.themes).intersection(activity.themes):
        return False
    return not query.recommendable_only or is_recommendable(activity, as_of_date(query))
