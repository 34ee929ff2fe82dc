"""The supplier's pages as view models: the finder (ranked list and map), drafting an SPO from
a recommendation, one SPO and the supplier's SPOs. Nothing here knows HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import numpy as np
from shapely.geometry import Point

from boundaries.lookup_index import LookupIndex
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion, TenderClosed
from domain.model import (
    Account,
    Activity,
    Buyer,
    LocalAuthority,
    Offer,
    Site,
    Supplier,
    Tender,
)
from domain.vocabulary import THEMES, Role, SupportType
from geo.errors import GeoError
from matching.recommender import MAX_K
from matching.result import Match, Recommendation
from matching.tiers import CANNOT_HELP, OFF_PRIORITY, SERVES_PRIORITY, candidate_tiers
from services import directory, need_indicators, recommendations
from services import spo as spo_service
from services.access import visible_spo, visible_spos
from services.locate import query_point
from services.pages.forms import (
    FormErrors,
    new_id,
    parse_amount,
    parse_day,
    raise_if_any,
)
from services.plans import plan_in_force
from services.recommender_cache import RecommenderCache
from services.recommender_fit import DEFAULT_RADIUS_M
from services.settings import ServiceSettings
from services.spo import progress_reports
from spo.measure import bid_values, measure_spo, totals
from spo.model import FORMAL_STATES, Milestone, Spo
from store.port import Store

#: the support a supplier can pledge from the finder: type -> (unit, words for the amount)
SUPPORT_CHOICES: dict[str, tuple[SupportType, str, str]] = {
    "cash": (SupportType.CASH, "GBP", "£ cash"),
    "volunteering": (SupportType.VOLUNTEERING, "hours", "volunteer hours"),
}
#: the finder's "support you offer" control: the offer the recommender weighs instead of the
#: supplier's stored offers ("" keeps them)
OFFER_CHOICES: tuple[tuple[str, str], ...] = (
    ("", "What my organisation offers (as registered)"),
    (SupportType.CASH.value, "Cash"),
    (SupportType.VOLUNTEERING.value, "Volunteer hours"),
    (SupportType.SKILLS.value, "Skills (pro bono hours)"),
    (SupportType.IN_KIND.value, "In-kind (goods, space, equipment)"),
    (SupportType.JOBS.value, "Jobs and placements"),
)
#: how many of the recommender's ranked matches a theme filter looks through for its ``k``
THEME_POOL = min(MAX_K, 200)
#: the recommender's features (``matching.weights.FEATURES``) in a supplier's words
FEATURE_WORDS = {
    "proximity": "close to your site",
    "area_fit": "inside the delivery area",
    "priority": "fits the priorities",
    "offer_fit": "needs what you offer",
    "local_need": "high local need",
    "sustainability": "at risk of closing",
    "saturation": "little support yet",
    "evidence": "evidence of what works",
}
#: the recommender's hard tiers (``matching.tiers``) in words: it ranks every tier above the next
TIER_WORDS = {
    SERVES_PRIORITY: "Serves a priority",
    OFF_PRIORITY: "Not linked to a priority",
    CANNOT_HELP: "Needs you cannot meet with this support",
}


def score_words(score: float) -> str:
    """A 0..1 score in words."""
    if score >= 0.6:
        return "strong"
    if score >= 0.45:
        return "good"
    if score >= 0.3:
        return "fair"
    return "weak"


@dataclass(frozen=True)
class FinderItem:
    """One ranked activity of the finder."""

    rank: int
    activity_id: str
    name: str
    explanation: str
    score_100: int
    score_words: str
    main_parts: tuple[str, ...]
    distance_km: float
    lon: float
    lat: float
    tier_words: str = ""


@dataclass(frozen=True)
class FinderView:
    """The finder page: the supplier, the chosen tender and reach, and the ranked items."""

    supplier_name: str
    tenders: tuple[tuple[str, str], ...]
    tender_id: str | None
    radius_km: float
    items: tuple[FinderItem, ...]
    empty_reason: str | None
    sites: tuple[tuple[str, float, float], ...]
    near: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    themes: tuple[str, ...] = ()
    support: str = ""
    #: the draft SPO "Add to SPO" adds a line to (None: a new draft)
    spo_id: str | None = None
    #: the recommender's ``also_nearby``: within reach, outside the tender's delivery area
    also_nearby: tuple[FinderItem, ...] = ()

    @property
    def theme_options(self) -> tuple[tuple[str, str], ...]:
        """Every priority theme, as (code, words)."""
        return tuple(THEMES.items())

    @property
    def support_options(self) -> tuple[tuple[str, str], ...]:
        return OFFER_CHOICES

    def map_data(self) -> dict[str, Any]:
        """What the map script draws: numbered markers (ranked, then also nearby) and the
        supplier's sites."""
        return {
            "items": [
                {
                    "rank": i.rank,
                    "name": i.name,
                    "lon": i.lon,
                    "lat": i.lat,
                    "nearby": n >= len(self.items),
                }
                for n, i in enumerate((*self.items, *self.also_nearby))
            ],
            "sites": [{"name": n, "lon": lon, "lat": lat} for n, lon, lat in self.sites],
        }


def _supplier_id(account: Account) -> str:
    if account.role is not Role.SUPPLIER or not account.organisation_id:
        raise Forbidden("the finder is for a supplier account")
    return account.organisation_id


def _main_parts(features: tuple[str, ...], parts: tuple[float, ...]) -> tuple[str, ...]:
    ranked = sorted(zip(parts, features, strict=True), reverse=True)[:2]
    return tuple(FEATURE_WORDS.get(f, f.replace("_", " ")) for p, f in ranked if p > 0)


def finder_view(
    store: Store,
    settings: ServiceSettings,
    account: Account,
    *,
    cache: RecommenderCache,
    tender_id: str | None = None,
    radius_km: float = DEFAULT_RADIUS_M / 1000,
    k: int = 10,
    near: str = "",
    themes: tuple[str, ...] = (),
    support: str = "",
    spo_id: str | None = None,
) -> FinderView:
    """The signed-in supplier's recommendations (the ranking of GET /suppliers/{id}/matches)
    for ``tender_id`` (default: the first open tender) within ``radius_km`` of its sites.

    The controls go through that one recommender: ``support`` stands in for the supplier's
    offers (so the offer fit and the "cannot help" tier weigh what it would give), ``themes``
    keeps the recommender's order and drops matches serving none of the themes (looking
    through ``THEME_POOL`` ranked matches so ``k`` can still be filled)."""
    supplier = directory.get_supplier(store, account, _supplier_id(account))
    errors: dict[str, str] = {}
    themes = tuple(t for t in dict.fromkeys(themes) if t in THEMES)
    if support:
        try:
            offer = SupportType(support)
        except ValueError:
            errors["support"] = "Choose a kind of support from the list"
            support = ""
        else:
            supplier = replace(supplier, offers=(Offer(offer),))
    if near.strip():
        try:
            point = query_point(near, LookupIndex.open(settings.cache_dir))
        except GeoError as exc:
            errors["near"] = str(exc)
        else:
            search = Site("search", f"search point ({near.strip()})", Point(point.lon, point.lat))
            supplier = replace(supplier, sites=(search,))
    open_tenders = sorted(store.iter_all(Tender, status="open"), key=lambda t: t.id)
    tenders = tuple((t.id, _tender_words(t)) for t in open_tenders)
    draft = None
    if spo_id:
        draft = visible_spo(store, account, spo_id)
        tender_id = draft.tender_id
    need_by_area = need_indicators.need_indicator(settings, None, cache=cache)

    def ranked(tender: str | None) -> Recommendation:
        return recommendations.recommend(
            store,
            supplier,
            cache=cache,
            tender_id=tender,
            k=THEME_POOL if themes else k,
            radius_m=radius_km * 1000,
            need_by_area=need_by_area,
        )

    if tender_id not in {t.id for t in open_tenders}:
        # no tender chosen: the first open tender in the territory of the best match near you
        nearby = ranked(None)
        where = {m.territory_code for m in nearby.matches[:1]}
        tender_id = next((t.id for t in open_tenders if t.territory_code in where), None)
        answer = nearby if tender_id is None else ranked(tender_id)
    else:
        answer = ranked(tender_id)
    activities = recommendations.recommended_activities(
        store, answer, cache=cache, need_by_area=need_by_area
    )

    def serves_themes(m: Match) -> bool:
        return not themes or any(t in activities[m.activity_id].themes for t in themes)

    ranked_matches = [m for m in answer.matches if serves_themes(m)][:k]
    outside = [m for m in answer.also_nearby if serves_themes(m)][:k]
    items = tuple(
        _item(n, m, activities[m.activity_id]) for n, m in enumerate(ranked_matches, start=1)
    )
    also_nearby = tuple(
        _item(n, m, activities[m.activity_id]) for n, m in enumerate(outside, start=len(items) + 1)
    )
    reason = None
    if not items:
        reason = answer.reason or "No validated activity is within reach of your sites."
        if themes and answer.matches:
            reason = "None of the activities within reach serves the themes you chose."
    sites = tuple((s.name, s.location.x, s.location.y) for s in supplier.sites)
    return FinderView(
        supplier.name,
        tenders,
        tender_id,
        radius_km,
        items,
        reason,
        sites,
        near,
        errors,
        themes,
        support,
        spo_id if draft is not None else None,
        also_nearby,
    )


@dataclass(frozen=True)
class AddToSpoView:
    """The Add-to-SPO form for one activity (opened from a map popup or the finder): the open
    tenders to bid into and the support choices."""

    activity_id: str
    activity_name: str
    explanation: str
    tenders: tuple[tuple[str, str], ...]
    supports: tuple[tuple[str, str], ...]


def add_to_spo_form(store: Store, account: Account, activity_id: str) -> AddToSpoView:
    """The form that drafts an SPO for ``activity_id`` (``NotFound`` for an activity the
    supplier may not see; ``Forbidden`` for an account that is not a supplier's)."""
    _supplier_id(account)
    activity = directory.get_activity(store, account, activity_id)
    open_tenders = sorted(store.iter_all(Tender, status="open"), key=lambda t: t.id)
    own_first = sorted(open_tenders, key=lambda t: t.territory_code != activity.territory_code)
    return AddToSpoView(
        activity.id,
        activity.name,
        activity.description or "",
        tuple((t.id, t.title or t.id) for t in own_first),
        tuple((key, words.capitalize()) for key, (_t, _u, words) in SUPPORT_CHOICES.items()),
    )


def _tender_words(tender: Tender) -> str:
    closes = f" (closes {tender.closes.strftime('%-d %B %Y')})" if tender.closes else ""
    return f"{tender.title or tender.id}{closes}"


def _item(rank: int, m: Match, activity: Activity) -> FinderItem:
    return FinderItem(
        rank=rank,
        activity_id=m.activity_id,
        name=m.activity_name,
        explanation=m.explanation,
        score_100=round(m.score * 100),
        score_words=score_words(m.score),
        main_parts=_main_parts(m.features, m.parts),
        distance_km=round(m.distance_m / 1000, 1),
        lon=activity.location.x,
        lat=activity.location.y,
        tier_words=TIER_WORDS[_tier(m, activity)],
    )


def _tier(m: Match, activity: Activity) -> int:
    """The recommender's tier of a match (``matching.tiers.candidate_tiers``, the one rule),
    from the features it was ranked on: priority alignment, and an offer fit of 0 for an
    activity that lists needs."""
    priority = np.array([m.feature("priority").value])
    cannot_help = np.array([bool(activity.needs) and m.feature("offer_fit").value == 0.0])
    return int(candidate_tiers(priority, cannot_help)[0])


def _priority(activity: Activity, tender: Tender) -> str:
    for theme in (*tender.priorities, *activity.themes):
        if theme in activity.themes or theme in tender.priorities:
            return theme
    return next(iter(THEMES))


def add_to_spo(
    store: Store,
    account: Account,
    *,
    tender_id: str,
    activity_id: str,
    support: str,
    amount: str,
    spo_id: str | None = None,
) -> Spo:
    """A line for ``activity_id`` on the supplier's draft ``spo_id`` or, without one, on a
    new draft SPO for ``tender_id`` (ids made here); ``InvalidInput`` for an unknown support
    type or an amount as typed that is not a number above 0 (``forms.parse_amount``)."""
    if support not in SUPPORT_CHOICES:
        raise InvalidInput("choose cash or volunteer hours")
    try:
        value = parse_amount(amount, "amount")
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    support_type, unit, _words = SUPPORT_CHOICES[support]
    activity = store.get(Activity, activity_id)
    if spo_id:
        draft = visible_spo(store, account, spo_id)
        tender = store.get(Tender, draft.tender_id)
    else:
        tender = store.get(Tender, tender_id)
        draft = spo_service.create_draft(
            store,
            actor=account,
            spo_id=new_id("spo"),
            tender_id=tender_id,
            title=activity.name,
        )
    return spo_service.add_line(
        store,
        draft.id,
        actor=account,
        expected_version=draft.version,
        line_id=new_id("line"),
        activity_id=activity_id,
        support_type=support_type,
        amount=value,
        unit=unit,
        priority=_priority(activity, tender),
    )


#: the kinds of support a line can commit, and the units they may be counted in (the line rule
#: of ``spo.lines`` checks the pair)
LINE_SUPPORT: tuple[tuple[str, str], ...] = (
    (SupportType.CASH.value, "Cash"),
    (SupportType.VOLUNTEERING.value, "Volunteer hours"),
    (SupportType.SKILLS.value, "Skills (pro bono hours)"),
    (SupportType.IN_KIND.value, "In-kind"),
    (SupportType.JOBS.value, "Jobs and placements"),
)
LINE_UNITS: tuple[tuple[str, str], ...] = (
    ("GBP", "£ (pounds)"),
    ("hours", "hours"),
    ("items", "items"),
    ("people", "people"),
)
#: how many milestones the add-a-line form offers
MILESTONE_ROWS = 2


@dataclass(frozen=True)
class LineForm:
    """The "add a line" form as typed: strings, milestones as (date, amount) pairs."""

    activity_id: str = ""
    support: str = ""
    unit: str = ""
    amount: str = ""
    priority: str = ""
    description: str = ""
    milestones: tuple[tuple[str, str], ...] = ()


def _milestones(form: LineForm, errors: dict[str, str]) -> list[Milestone]:
    found = []
    for n, (due_text, amount_text) in enumerate(form.milestones, start=1):
        if not due_text.strip() and not amount_text.strip():
            continue
        try:
            due = parse_day(due_text, f"date of milestone {n}")
        except ValueError as exc:
            errors[f"milestone-{n}-due"] = str(exc)
            continue
        try:
            done = parse_amount(amount_text, f"amount of milestone {n}", positive=False)
        except ValueError as exc:
            errors[f"milestone-{n}-amount"] = str(exc)
            continue
        found.append(Milestone(due, done))
    return found


def add_spo_line(
    store: Store, account: Account, spo_id: str, form: LineForm, *, expected_version: int
) -> Spo:
    """Add the typed line to the supplier's draft: the form's fields are parsed here, every
    problem at once (:class:`FormErrors`); the line rule of ``services.spo`` (units of a
    support type, milestones, the activity in date and inside the buyer's area) refuses the
    rest in its own words under ``add-line``."""
    errors: dict[str, str] = {}
    try:
        support_type = SupportType(form.support)
    except ValueError:
        errors["line-support"] = "Choose the kind of support"
        support_type = SupportType.CASH
    if form.unit not in dict(LINE_UNITS):
        errors["line-unit"] = "Choose the unit the amount is counted in"
    try:
        amount = parse_amount(form.amount, "amount")
    except ValueError as exc:
        errors["line-amount"] = str(exc)
        amount = 0.0
    milestones = _milestones(form, errors)
    raise_if_any(errors)
    spo = visible_spo(store, account, spo_id)
    activity_id = form.activity_id or (spo.lines[0].activity_id if spo.lines else "")
    try:
        activity = store.get(Activity, activity_id)
        priority = form.priority or _priority(activity, store.get(Tender, spo.tender_id))
        return spo_service.add_line(
            store,
            spo_id,
            actor=account,
            expected_version=expected_version,
            line_id=new_id("line"),
            activity_id=activity_id,
            support_type=support_type,
            amount=amount,
            unit=form.unit,
            priority=priority,
            milestones=milestones,
            description=form.description.strip(),
        )
    except StaleVersion as exc:
        raise FormErrors({"add-line": STALE}) from exc
    except (InvalidInput, NotFound, Conflict) as exc:
        raise FormErrors({"add-line": f"The line was not added: {exc}"}) from exc


STALE = "Someone changed this SPO since you opened it: reload the page and try again"


def remove_spo_line(
    store: Store, account: Account, spo_id: str, line_id: str, *, expected_version: int
) -> Spo:
    """Remove a line from the supplier's draft (refusals as :class:`FormErrors`)."""
    try:
        return spo_service.remove_line(
            store, spo_id, actor=account, expected_version=expected_version, line_id=line_id
        )
    except StaleVersion as exc:
        raise FormErrors({"lines": STALE}) from exc
    except (InvalidInput, NotFound, Conflict) as exc:
        raise FormErrors({"lines": f"The line was not removed: {exc}"}) from exc


@dataclass(frozen=True)
class SpoLineRow:
    """One line of an SPO as shown."""

    id: str
    activity: str
    support: str
    amount: str
    priority: str
    milestones: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpoView:
    """One SPO: what, for which tender and until when, its state and lines, and what the
    add-a-line form offers while it is a draft."""

    id: str
    title: str
    tender: str
    state: str
    version: int
    lines: tuple[SpoLineRow, ...]
    can_submit: bool
    tender_id: str = ""
    closes: date | None = None
    closed: bool = False
    activities: tuple[tuple[str, str], ...] = ()
    priorities: tuple[tuple[str, str], ...] = ()
    default_priority: str = ""
    support_options: tuple[tuple[str, str], ...] = LINE_SUPPORT
    unit_options: tuple[tuple[str, str], ...] = LINE_UNITS
    milestone_rows: int = MILESTONE_ROWS


def _amount(amount: float, unit: str) -> str:
    return f"£{amount:,.2f}" if unit == "GBP" else f"{amount:g} {unit}"


def _milestone_words(m: Milestone, unit: str) -> str:
    return f"{_amount(m.amount, unit)} by {m.due.strftime('%-d %B %Y')}"


def spo_view(store: Store, account: Account, spo_id: str, *, today: date | None = None) -> SpoView:
    """The SPO ``spo_id`` if the account may see it (``NotFound`` otherwise)."""
    spo = visible_spo(store, account, spo_id)
    tender = store.get(Tender, spo.tender_id)
    on = today or date.today()
    rows = []
    activities: dict[str, str] = {}
    for line in spo.lines:
        activity = store.get(Activity, line.activity_id)
        activities[activity.id] = activity.name
        rows.append(
            SpoLineRow(
                line.id,
                activity.name,
                line.support_type.value.replace("_", " "),
                _amount(line.amount, line.unit),
                THEMES.get(line.priority, line.priority),
                tuple(_milestone_words(m, line.unit) for m in line.milestones),
            )
        )
    first = spo.lines[0].priority if spo.lines else next(iter(tender.priorities), "")
    ordered = [*tender.priorities, *(t for t in THEMES if t not in tender.priorities)]
    return SpoView(
        spo.id,
        spo.title or spo.id,
        tender.title or tender.id,
        spo.state.value.replace("_", " "),
        spo.version,
        tuple(rows),
        spo.state.value == "draft",
        tender_id=tender.id,
        closes=tender.closes,
        closed=tender.closes is not None and on > tender.closes,
        activities=tuple(activities.items()),
        priorities=tuple((t, THEMES[t]) for t in ordered if t in THEMES),
        default_priority=first,
    )


def submit_spo(store: Store, account: Account, spo_id: str, *, expected_version: int) -> Spo:
    """Submit the draft with the bid to its open tender; the service's refusals (the tender's
    dates, no lines, a stale form) as :class:`FormErrors` under ``submit``, in words."""
    try:
        return spo_service.submit(store, spo_id, actor=account, expected_version=expected_version)
    except TenderClosed as exc:
        tender = store.get(Tender, visible_spo(store, account, spo_id).tender_id)
        if tender.closes is not None and date.today() > tender.closes:
            when = tender.closes.strftime("%-d %B %Y")
            message = (
                f"The tender closed on {when}: it no longer accepts bids, so this SPO was "
                "not submitted"
            )
        elif tender.opens is not None:
            when = tender.opens.strftime("%-d %B %Y")
            message = f"The tender opens for bids on {when}: submit this SPO from then"
        else:
            message = f"The tender does not accept bids now: {exc}"
        raise FormErrors({"submit": message}) from exc
    except StaleVersion as exc:
        raise FormErrors({"submit": STALE}) from exc
    except (InvalidInput, Conflict) as exc:
        raise FormErrors({"submit": f"The SPO was not submitted: {exc}"}) from exc


@dataclass(frozen=True)
class DocumentLine:
    """One line of the SPO document: what, where, when, toward which priority, and its £."""

    what: str
    activity: str
    where: str
    when: tuple[str, ...]
    priority: str
    plan_priority: str
    committed_gbp: float
    valued: bool


@dataclass(frozen=True)
class SpoDocument:
    """The printable SPO: the parties, the lines, the committed pounds (the one measure,
    ``spo.measure``) and, once awarded, the lock hash that proves the lines unchanged."""

    id: str
    title: str
    state: str
    supplier: str
    buyer: str
    tender: str
    closes: date | None
    created: date | None
    locked_at: datetime | None
    lock_hash: str | None
    plan: str
    lines: tuple[DocumentLine, ...]
    committed_gbp: float
    #: True when the pounds are what the bid would commit (not yet formalised)
    proposed: bool


def _support_words(kind: SupportType) -> str:
    return kind.value.replace("_", " ").capitalize()


def _name(store: Store, kind: type[Supplier] | type[Buyer], id_: str) -> str:
    try:
        return store.get(kind, id_).name
    except NotFound:
        return id_


def _where(store: Store, activity: Activity, line_la: str | None) -> str:
    code = line_la or activity.local_authority_code
    place = ""
    if code:
        try:
            place = store.get(LocalAuthority, code).name
        except NotFound:
            place = code
    point = f"{activity.location.y:.4f}, {activity.location.x:.4f}"
    return f"{place} ({point})" if place else point


def spo_document(
    store: Store, account: Account, spo_id: str, *, today: date | None = None
) -> SpoDocument:
    """The SPO ``spo_id`` as a document the account may see (``NotFound`` otherwise). Its
    pounds are ``spo.measure``'s: the formalised commitment once awarded, before that what the
    bid would commit (``bid_values``)."""
    on = today or date.today()
    spo = visible_spo(store, account, spo_id)
    tender = store.get(Tender, spo.tender_id)
    formal = spo.state in FORMAL_STATES
    values = (
        measure_spo(spo, progress_reports(store, spo.id), as_of=on) if formal else bid_values(spo)
    )
    by_line = {v.line_id: v for v in values}
    territory = tender.territory_code or next((x.territory_code for x in spo.lines), None)
    plan = plan_in_force(store, territory, on) if territory else None
    plan_words = {p.theme: p.title for p in plan.priorities} if plan else {}
    lines = []
    for line in spo.lines:
        activity = store.get(Activity, line.activity_id)
        value = by_line.get(line.id)
        lines.append(
            DocumentLine(
                what=f"{_support_words(line.support_type)}: {_amount(line.amount, line.unit)}",
                activity=activity.name,
                where=_where(store, activity, line.local_authority_code),
                when=tuple(_milestone_words(m, line.unit) for m in line.milestones),
                priority=THEMES.get(line.priority, line.priority),
                plan_priority=plan_words.get(line.priority, ""),
                committed_gbp=value.committed_gbp if value else 0.0,
                valued=value.valued if value else False,
            )
        )
    return SpoDocument(
        id=spo.id,
        title=spo.title or spo.id,
        state=spo.state.value.replace("_", " "),
        supplier=_name(store, Supplier, spo.supplier_id),
        buyer=_name(store, Buyer, tender.buyer_id),
        tender=tender.title or tender.id,
        closes=tender.closes,
        created=spo.created_at.date() if spo.created_at else None,
        locked_at=spo.locked_at,
        lock_hash=spo.content_hash,
        plan=plan.title if plan else "",
        lines=tuple(lines),
        committed_gbp=totals(values).committed_gbp,
        proposed=not formal,
    )


@dataclass(frozen=True)
class SpoRow:
    """One row of "my SPOs"."""

    id: str
    title: str
    tender_id: str
    state: str
    lines: int


def my_spos(store: Store, account: Account) -> tuple[SpoRow, ...]:
    """The signed-in supplier's SPOs, by id."""
    return tuple(
        SpoRow(s.id, s.title or s.id, s.tender_id, s.state.value.replace("_", " "), len(s.lines))
        for s in visible_spos(store, account)
    )
