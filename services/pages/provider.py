"""The provider's pages: my activities with their validation status, positioning a new one (by
postcode, place name or a click on the map) with its needs and evidence, and my SPO lines in
delivery with a form to report progress on each.

Everything goes through the use cases the API calls: ``directory.create_activity`` (pending
until a validator decides), ``validation.update_activity`` (moving sends it back to pending),
``spo.progress.report_progress`` (only on lines supporting my own activities).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from shapely.geometry import Point

from domain.errors import Conflict, FutureDelivery, InvalidInput, NotFound
from domain.model import Account, Activity, Evidence, LocalAuthority, Need, Provider, Supplier
from domain.vocabulary import THEMES, Role, SupportType, ValidationStatus, is_theme
from services.access import require_role, visible_spos
from services.directory import create_activity, get_activity
from services.pages.forms import Outcome, failed, new_id, parse_amount, parse_day
from services.pages.outlines import area_outlines
from services.pages.where import Placed, place
from services.settings import ServiceSettings
from services.spo.progress import progress, report_progress
from services.validation import update_activity, validation_history
from spo.impact import load_unit_costs
from spo.lines import UNITS
from spo.model import Spo, SpoState
from spo.progress import DeliveryStatus, LineProgress
from spo.validation import effective_status
from store.port import Store

#: words for each delivery status (the page also shows a symbol: colour is never the only sign)
DELIVERY_WORDS = {
    DeliveryStatus.ON_TRACK: "On track",
    DeliveryStatus.AT_RISK: "At risk",
    DeliveryStatus.BEHIND: "Behind",
}


THEME_CHOICES = sorted(THEMES.items(), key=lambda kv: kv[1])
SUPPORT_CHOICES = [(s.value, s.value.replace("_", " ").capitalize()) for s in SupportType]
UNIT_WORDS = {"GBP": "£ (GBP)", "hours": "hours", "items": "items", "people": "people"}


def outcome_choices() -> list[tuple[str, str]]:
    """(code, words) of the outcomes dicm has a published unit cost for (avoided costs)."""
    return sorted(((c, u.description) for c, u in load_unit_costs().items()), key=lambda x: x[1])


@dataclass(frozen=True)
class ActivityRow:
    """One of my activities as the list and the map show it."""

    activity: Activity
    status: ValidationStatus  # the status today (a validation past its date has lapsed)
    status_words: str
    local_authority: str | None
    decline_reason: str | None


@dataclass(frozen=True)
class LineRow:
    """An SPO line supporting one of my activities, with its progress today."""

    spo: Spo
    supplier_name: str
    activity: Activity
    progress: LineProgress
    support_type: str
    can_report: bool  # in delivery: reports are accepted

    @property
    def status_words(self) -> str:
        return DELIVERY_WORDS[self.progress.status]


@dataclass(frozen=True)
class ProviderHome:
    """The provider's dashboard."""

    provider: Provider
    activities: list[ActivityRow]
    lines: list[LineRow]
    outlines: dict[str, object]  # local authorities of my activities' territories

    def activities_geojson(self) -> dict[str, object]:
        """My activities as GeoJSON points for the map (same order and ids as the list)."""
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": row.activity.id,
                    "geometry": {
                        "type": "Point",
                        "coordinates": [row.activity.location.x, row.activity.location.y],
                    },
                    "properties": {"label": f"{row.activity.name}: {row.status_words}"},
                }
                for row in self.activities
            ],
        }


def _provider_actor(viewer: Account | None) -> tuple[Account, str]:
    actor = require_role(viewer, Role.PROVIDER)
    if actor.organisation_id is None:
        raise InvalidInput("this account is not tied to a provider")
    return actor, actor.organisation_id


def status_words(activity: Activity, today: date, reason: str | None = None) -> str:
    """The validation status as a sentence a provider understands."""
    status = effective_status(activity, today)
    until = activity.validated_until
    if status is ValidationStatus.VALIDATED:
        return f"Validated until {until:%d %B %Y}" if until else "Validated"
    if status is ValidationStatus.LAPSED:
        return f"Lapsed on {until:%d %B %Y}: ask a validator to renew" if until else "Lapsed"
    if status is ValidationStatus.DECLINED:
        return f"Declined: {reason}" if reason else "Declined"
    return "Waiting for a validator"


def _decline_reason(store: Store, activity: Activity) -> str | None:
    if activity.validation_status is not ValidationStatus.DECLINED:
        return None
    declines = [e for e in validation_history(store, activity.id) if e.action.endswith("decline")]
    return declines[-1].reason if declines else None


def activity_row(store: Store, activity: Activity, today: date) -> ActivityRow:
    """The row of one activity: status today in words, its local authority, why declined."""
    reason = _decline_reason(store, activity)
    la = activity.local_authority_code
    if la is not None:
        with contextlib.suppress(NotFound):
            la = store.get(LocalAuthority, la).name
    return ActivityRow(
        activity,
        effective_status(activity, today),
        status_words(activity, today, reason),
        la,
        reason,
    )


def provider_home(store: Store, viewer: Account | None, *, today: date) -> ProviderHome:
    """My activities (by name) and the lines of formalised SPOs supporting them."""
    _, provider_id = _provider_actor(viewer)
    provider = store.get(Provider, provider_id)
    mine = sorted(store.iter_all(Activity, provider_id=provider_id), key=lambda a: (a.name, a.id))
    return ProviderHome(
        provider,
        [activity_row(store, a, today) for a in mine],
        my_lines(store, viewer, today=today),
        _outlines(store, mine),
    )


def _outlines(store: Store, activities: list[Activity]) -> dict[str, object]:
    return area_outlines(store, sorted({a.territory_code for a in activities if a.territory_code}))


@dataclass(frozen=True)
class FormPage:
    """What the "position an activity" form offers: the choices and the map's base layer."""

    outlines: dict[str, object]
    themes: list[tuple[str, str]]
    support_types: list[tuple[str, str]]
    units: list[tuple[str, str]]
    outcomes: list[tuple[str, str]]


def activity_form_page(store: Store, viewer: Account | None) -> FormPage:
    """The choices of the form and the outlines of the territories I already work in."""
    _, provider_id = _provider_actor(viewer)
    mine = list(store.iter_all(Activity, provider_id=provider_id))
    units = sorted({u for allowed in UNITS.values() for u in allowed})
    return FormPage(
        _outlines(store, mine),
        THEME_CHOICES,
        SUPPORT_CHOICES,
        [(u, UNIT_WORDS.get(u, u)) for u in units],
        outcome_choices(),
    )


def my_lines(store: Store, viewer: Account | None, *, today: date) -> list[LineRow]:
    """Lines of the SPOs I may see (formalised ones supporting my activities) that support
    one of my own activities, with their progress on ``today``."""
    _, provider_id = _provider_actor(viewer)
    rows: list[LineRow] = []
    for spo in visible_spos(store, viewer):
        mine = {a.id: a for a in _line_activities(store, spo) if a.provider_id == provider_id}
        if not mine:
            continue
        supplier = store.get(Supplier, spo.supplier_id).name
        by_line = {lp.line_id: lp for lp in progress(store, spo.id, as_of=today).lines}
        for line in spo.lines:
            if line.activity_id in mine:
                rows.append(
                    LineRow(
                        spo,
                        supplier,
                        mine[line.activity_id],
                        by_line[line.id],
                        line.support_type.value,
                        spo.state is SpoState.IN_DELIVERY,
                    )
                )
    return rows


def _line_activities(store: Store, spo: Spo) -> list[Activity]:
    found = []
    for activity_id in dict.fromkeys(x.activity_id for x in spo.lines):
        try:
            found.append(store.get(Activity, activity_id))
        except NotFound:
            continue
    return found


def my_line(
    store: Store, viewer: Account | None, spo_id: str, line_id: str, *, today: date
) -> LineRow:
    """One of :func:`my_lines`; ``NotFound`` when it is not mine to see."""
    for row in my_lines(store, viewer, today=today):
        if row.spo.id == spo_id and row.progress.line_id == line_id:
            return row
    raise NotFound(f"no line {line_id!r} of SPO {spo_id!r} supports your activities")


def my_activity(
    store: Store, viewer: Account | None, activity_id: str, *, today: date
) -> ActivityRow:
    """One of my activities with its status (``NotFound`` for another provider's)."""
    actor, provider_id = _provider_actor(viewer)
    activity = get_activity(store, actor, activity_id)
    if activity.provider_id != provider_id:
        raise NotFound(f"no activity {activity_id!r} of yours")
    return activity_row(store, activity, today)


# --- positioning an activity ------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityForm:
    """The "position an activity" form as typed (every field a string, as a browser sends)."""

    name: str = ""
    description: str = ""
    where: str = ""  # a postcode, a place name or "lat,lon"
    lon: str = ""  # set by a click on the map
    lat: str = ""
    themes: tuple[str, ...] = ()
    need_type: str = ""
    need_amount: str = ""
    need_unit: str = ""
    need_description: str = ""
    evidence_title: str = ""
    evidence_url: str = ""
    evidence_strength: str = "1"
    evidence_outcome: str = ""
    evidence_quantity: str = ""
    funding_gap_gbp: str = ""


def _need(form: ActivityForm, errors: dict[str, str]) -> tuple[Need, ...]:
    if not form.need_type:
        return ()
    try:
        kind = SupportType(form.need_type)
    except ValueError:
        errors["need_type"] = "Choose what kind of support the activity needs"
        return ()
    unit = form.need_unit or sorted(UNITS[kind])[0]
    if unit not in UNITS[kind]:
        allowed = " or ".join(sorted(UNITS[kind]))
        errors["need_unit"] = f"{kind.value.replace('_', ' ').capitalize()} is counted in {allowed}"
        return ()
    amount = None
    if form.need_amount.strip():
        try:
            amount = parse_amount(form.need_amount, "amount needed")
        except ValueError as exc:
            errors["need_amount"] = str(exc)
            return ()
    return (Need(kind, form.need_description.strip(), amount, unit),)


def _evidence(form: ActivityForm, errors: dict[str, str]) -> tuple[Evidence, ...]:
    if not form.evidence_title.strip():
        if form.evidence_url.strip() or form.evidence_outcome:
            errors["evidence_title"] = "Give the evidence a title, like 'Evaluation report 2025'"
        return ()
    url = form.evidence_url.strip() or None
    if url is not None and not url.startswith(("https://", "http://")):
        errors["evidence_url"] = "The evidence link must start with https:// or http://"
    strength = int(form.evidence_strength) if form.evidence_strength in "12345" else 0
    if not 1 <= strength <= 5:
        errors["evidence_strength"] = "Choose how strong the evidence is, from 1 to 5"
    outcome = form.evidence_outcome or None
    if outcome is not None and outcome not in load_unit_costs():
        errors["evidence_outcome"] = "Choose an outcome from the list"
    quantity = None
    if form.evidence_quantity.strip():
        try:
            quantity = parse_amount(form.evidence_quantity, "number of outcomes a year")
        except ValueError as exc:
            errors["evidence_quantity"] = str(exc)
    return (Evidence(form.evidence_title.strip(), url, max(strength, 1), outcome, quantity),)


def check_activity_form(
    store: Store, settings: ServiceSettings, form: ActivityForm
) -> tuple[Placed | None, dict[str, str]]:
    """The place the form names and every field error, in form order."""
    errors: dict[str, str] = {}
    if not form.name.strip():
        errors["name"] = "Enter the activity's name"
    elif len(form.name.strip()) > 200:
        errors["name"] = "The name must be 200 characters or fewer"
    placed = None
    try:
        placed = place(store, settings, form.where, form.lon, form.lat)
    except ValueError as exc:
        errors["where"] = str(exc)
    unknown = [t for t in form.themes if not is_theme(t)]
    if unknown:
        errors["themes"] = "Choose the priorities from the list"
    if not form.themes:
        errors["themes"] = "Choose at least one priority the activity serves"
    if form.funding_gap_gbp.strip():
        try:
            parse_amount(form.funding_gap_gbp, "funding gap", positive=False)
        except ValueError as exc:
            errors["funding_gap_gbp"] = str(exc)
    return placed, errors


def position_new_activity(
    store: Store, settings: ServiceSettings, viewer: Account | None, form: ActivityForm
) -> Outcome[Activity]:
    """Position a new activity of mine (pending until a validator decides), with an id made by
    dicm; field errors instead when the form is not right."""
    _, provider_id = _provider_actor(viewer)
    placed, errors = check_activity_form(store, settings, form)
    needs = _need(form, errors)
    evidence = _evidence(form, errors)
    if errors or placed is None:
        return failed(errors)
    gap = form.funding_gap_gbp.strip()
    activity = Activity(
        id=new_id("act", form.name),
        provider_id=provider_id,
        name=form.name.strip(),
        location=Point(placed.lon, placed.lat),
        description=form.description.strip(),
        themes=tuple(dict.fromkeys(form.themes)),
        needs=needs,
        evidence=evidence,
        postcode=placed.postcode,
        funding_gap_gbp=parse_amount(gap, "funding gap", positive=False) if gap else 0.0,
    )
    return Outcome(create_activity(store, viewer, activity))


def move_activity(
    store: Store,
    settings: ServiceSettings,
    viewer: Account | None,
    activity_id: str,
    *,
    expected_version: int,
    where: str,
    lon: str = "",
    lat: str = "",
    at: datetime | None = None,
) -> Outcome[Activity]:
    """Move one of my activities to a new postcode, place or clicked point: it goes back to
    pending validation (a validator vouched for where it was)."""
    actor, _ = _provider_actor(viewer)
    before = get_activity(store, actor, activity_id)
    try:
        placed = place(store, settings, where, lon, lat)
    except ValueError as exc:
        return failed({"where": str(exc)})
    moved = replace(before, location=Point(placed.lon, placed.lat), postcode=placed.postcode)
    saved = update_activity(
        store,
        moved,
        actor=actor,
        expected_version=expected_version,
        reason=f"moved to {placed.label}",
        at=at,
    )
    return Outcome(saved)


# --- reporting progress -----------------------------------------------------------------------


def report_line_progress(
    store: Store,
    viewer: Account | None,
    spo_id: str,
    line_id: str,
    *,
    amount: str,
    delivered_on: str,
    evidence_url: str = "",
    note: str = "",
    at: datetime | None = None,
) -> Outcome[LineRow]:
    """Report delivery on one of my lines (the SPO's progress rules: in delivery, not dated in
    the future, never beyond the commitment); the line's row afterwards, or field errors."""
    errors: dict[str, str] = {}
    value = day = None
    try:
        value = parse_amount(amount, "amount delivered")
    except ValueError as exc:
        errors["amount"] = str(exc)
    try:
        day = parse_day(delivered_on, "delivery date")
    except ValueError as exc:
        errors["delivered_on"] = str(exc)
    url = evidence_url.strip() or None
    if url is not None and not url.startswith(("https://", "http://")):
        errors["evidence_url"] = "The evidence link must start with https:// or http://"
    if errors or value is None or day is None:
        return failed(errors)
    try:
        report_progress(
            store,
            spo_id,
            actor=viewer,
            report_id=new_id("rep", line_id),
            line_id=line_id,
            amount=value,
            delivered_on=day,
            evidence_url=url,
            note=note.strip(),
            at=at,
        )
    except FutureDelivery as exc:
        return failed({"delivered_on": str(exc)})
    except InvalidInput as exc:  # beyond the commitment, or not a positive amount
        return failed({"amount": str(exc)})
    except Conflict as exc:  # the SPO is not in delivery (any more)
        return failed({"amount": f"This line does not take reports now: {exc}"})
    today = (at or datetime.now(UTC)).date()
    return Outcome(my_line(store, viewer, spo_id, line_id, today=today))
