"""Builder inputs around Reading (Thames Valley), made from tests.builders entities."""

from __future__ import annotations

from shapely.geometry import box

from domain.model import Site, Supplier
from maps.records import ActivityPoint, AreaCoverage, MatchRecord, Outline, SpoLink, ValuePoint
from tests.builders import OXFORD, READING, SLOUGH, make_activity, make_supplier

#: two boxes standing in for local authorities, side by side, inside a "territory" box
LA_WEST = Outline("E06000038", "Reading", box(-1.10, 51.35, -0.95, 51.55))
LA_EAST = Outline("E06000039", "Slough", box(-0.95, 51.35, -0.50, 51.55))
TERRITORY = Outline("E23000029", "Thames Valley", box(-1.60, 51.30, -0.45, 52.20), "territory")
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def supplier_two_sites() -> Supplier:
    return make_supplier(
        sites=(
            Site("site-1", "Reading depot", make_activity().location, "RG1 1AA"),
            Site("site-2", "Slough office", make_activity(lon_lat=SLOUGH).location),
        )
    )


def matches(n: int, *, name: str = "Activity") -> list[MatchRecord]:
    """``n`` activities spread on a grid east of Reading, ranked in order."""
    out = []
    for i in range(n):
        lon = READING[0] + (i % 100) * 0.004
        lat = READING[1] + (i // 100) * 0.003
        act = make_activity(id=f"act-{i}", name=f"{name} {i}", lon_lat=(lon, lat))
        out.append(MatchRecord(i + 1, act, 500.0 * i, 1 - i / (n + 1), "Close to the depot."))
    return out


def coverage_areas(priority: str) -> list[AreaCoverage]:
    return [
        AreaCoverage(
            LA_WEST.code,
            LA_WEST.name,
            LA_WEST.geometry,
            need=30.0,
            validated_activities=1,
            committed_gbp=0.0,
        ),
        AreaCoverage(
            LA_EAST.code,
            LA_EAST.name,
            LA_EAST.geometry,
            need=10.0,
            validated_activities=5,
            committed_gbp=50_000.0,
            delivered_gbp=10_000.0,
        ),
    ]


def value_points() -> list[ValuePoint]:
    return [
        ValuePoint(*READING, "serious_violence", "2027-Q1", 10_000.0, 2_000.0, LA_WEST.code),
        ValuePoint(*SLOUGH, "serious_violence", "2027-Q2", 5_000.0, 0.0, LA_EAST.code),
        ValuePoint(*OXFORD, "domestic_abuse", "2028-Q1", 7_000.0, 7_000.0),
    ]


def activity_points() -> list[ActivityPoint]:
    return [
        ActivityPoint(READING[0] + i * 0.05, READING[1], ("serious_violence",)) for i in range(4)
    ] + [ActivityPoint(*OXFORD, ("domestic_abuse",))]


def spo_links() -> list[SpoLink]:
    return [
        SpoLink(
            "act-1",
            "Boxing club",
            READING[0] + 0.05,
            READING[1] + 0.02,
            "cash",
            5000.0,
            "GBP",
            "serious_violence",
            1000.0,
        ),
        SpoLink(
            "act-2",
            HOSTILE,
            SLOUGH[0] + 0.03,
            SLOUGH[1] - 0.02,
            "volunteering",
            200.0,
            "hours",
            "youth_diversion",
        ),
        SpoLink("act-3", "Refuge", OXFORD[0], OXFORD[1], "in_kind", 30.0, "items"),
    ]
