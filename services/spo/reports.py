"""The social value (ESG) report for a buyer, a territory and a period, and avoided-cost
estimates for an SPO, a territory or an activity, gathered from the store.

Figures are the one measure (:mod:`services.spo.figures`): formalised, verified SPOs only, so
the report's total equals the sum of the coverage endpoint's areas for the same filters. Who may
read it: an admin any; a buyer its own SPOs; a PCC office its own territory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.errors import Forbidden, InvalidInput, NotFound
from domain.model import Account, Activity, Evidence, LocalAuthority, Territory
from domain.vocabulary import Role
from services.access import require_role, require_territory, visible_spo
from services.spo.figures import Figures, gather_figures, parse_filters
from spo.impact import ImpactEstimate, estimate_impact
from spo.measure import measure_spo
from spo.model import FORMAL_STATES, ProgressReport
from spo.reporting import (
    activity_estimates,
    avoided_range,
    by_area,
    impact_records,
    line_record,
    report_csv,
    report_geojson,
    report_totals,
)
from store.port import Store

FORMATS = ("json", "csv", "geojson")


@dataclass(frozen=True)
class SocialValueReport:
    """Everything the report shows, ready to render as JSON, CSV or GeoJSON."""

    figures: Figures
    buyer_id: str | None
    territory_code: str | None
    lines: list[dict[str, Any]]
    impacts: list[dict[str, Any]]
    estimates: dict[str, ImpactEstimate]
    names: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        f = self.figures.filters
        return {
            "buyer_id": self.buyer_id,
            "territory_code": self.territory_code,
            "period": f.period.label if f.period else None,
            "priority": f.priority,
            "states": sorted(s.value for s in FORMAL_STATES),
            "totals": report_totals(self.figures.rows),
            "lines": self.lines,
            "by_area": by_area(self.lines),
            "secondary_impact": {
                **avoided_range(self.estimates.values()).to_dict(),
                "items": self.impacts,
            },
            "tampered_spos": list(self.figures.tampered),
            "message": self.figures.empty_message,
        }

    def to_csv(self) -> str:
        return report_csv(self.lines, self.impacts)

    def to_geojson(self) -> dict[str, Any]:
        fc = report_geojson(self.lines, self.names)
        summary = self.to_json()
        for key in ("lines", "by_area"):
            summary.pop(key)
        return {**fc, "report": summary}


def _scope(
    viewer: Account | None, buyer_id: str | None, territory_code: str | None
) -> tuple[str | None, str | None]:
    actor = require_role(viewer, Role.BUYER, Role.PCC_OFFICE)
    if actor.role is Role.BUYER:
        if buyer_id not in (None, actor.organisation_id):
            raise Forbidden("a buyer reads its own social value report only")
        return actor.organisation_id, territory_code
    if actor.role is Role.PCC_OFFICE:
        territory_code = territory_code or actor.territory_code
        require_territory(actor, str(territory_code))
    return buyer_id, territory_code


def _names(store: Store, lines: list[dict[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for code in sorted({r["territory_code"] for r in lines if r["territory_code"]}):
        try:
            names[code] = store.get(Territory, code).name
        except NotFound:
            continue
    for code in sorted({r["local_authority_code"] for r in lines if r["local_authority_code"]}):
        try:
            names[code] = store.get(LocalAuthority, code).name
        except NotFound:
            continue
    return names


def _evidence(store: Store, activity_ids: set[str]) -> dict[str, tuple[Evidence, ...]]:
    out: dict[str, tuple[Evidence, ...]] = {}
    for a in sorted(activity_ids):
        try:
            out[a] = store.get(Activity, a).evidence
        except NotFound:
            out[a] = ()
    return out


def social_value_report(
    store: Store,
    viewer: Account | None,
    *,
    buyer_id: str | None = None,
    territory_code: str | None = None,
    period: str | None = None,
    priority: str | None = None,
) -> SocialValueReport:
    """The report for the filters the viewer may ask for (422 on an unknown period/priority)."""
    buyer_id, territory_code = _scope(viewer, buyer_id, territory_code)
    if territory_code is not None:
        store.get(Territory, territory_code)
    filters = parse_filters(priority, period)
    figures = gather_figures(store, filters, territory_code=territory_code, buyer_id=buyer_id)
    lines = [line_record(r, figures.buyer_of_tender.get(r.tender_id)) for r in figures.rows]
    estimates = activity_estimates(
        figures.rows, _evidence(store, {r.activity_id for r in figures.rows})
    )
    return SocialValueReport(
        figures,
        buyer_id,
        territory_code,
        lines,
        impact_records(estimates),
        estimates,
        _names(store, lines),
    )


def render_report(report: SocialValueReport, fmt: str) -> str | dict[str, Any]:
    """The report as CSV text or a JSON-ready dict; ``InvalidInput`` for another format."""
    if fmt == "csv":
        return report.to_csv()
    if fmt == "geojson":
        return report.to_geojson()
    if fmt == "json":
        return report.to_json()
    raise InvalidInput(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


# --- avoided costs -------------------------------------------------------------------------


def activity_impact(store: Store, activity_id: str) -> ImpactEstimate:
    """Indicative avoided frontline costs of an activity's reported outcomes (a range)."""
    return estimate_impact(store.get(Activity, activity_id).evidence)


def spo_avoided_costs(store: Store, viewer: Account | None, spo_id: str) -> dict[str, Any]:
    """The avoided-cost range of the activities one SPO supports, with items: for whoever
    may see the SPO (verified: a tampered one is a ``TamperDetected``)."""
    spo = visible_spo(store, viewer, spo_id)
    reports = store.find(ProgressReport, limit=100_000, spo_id=spo.id)
    rows = measure_spo(spo, reports, as_of=date.today()) or []
    ids = {x.activity_id for x in spo.lines}
    estimates = {a: estimate_impact(e) for a, e in _evidence(store, ids).items()}
    return {
        "spo_id": spo.id,
        "formalised": bool(rows),
        **avoided_range(estimates.values()).to_dict(),
        "items": impact_records(estimates),
    }


def territory_avoided_costs(
    store: Store,
    viewer: Account | None,
    territory_code: str,
    *,
    period: str | None = None,
    priority: str | None = None,
) -> dict[str, Any]:
    """The avoided-cost range of the activities formalised SPOs support in a territory."""
    report = social_value_report(
        store, viewer, territory_code=territory_code, period=period, priority=priority
    )
    f = report.figures.filters
    return {
        "territory_code": territory_code,
        "period": f.period.label if f.period else None,
        "priority": f.priority,
        **avoided_range(report.estimates.values()).to_dict(),
        "items": report.impacts,
        "tampered_spos": list(report.figures.tampered),
        "message": report.figures.empty_message,
    }
