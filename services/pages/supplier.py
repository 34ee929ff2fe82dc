"""The supplier's pages as view models: the finder (ranked list and map), drafting an SPO from
a recommendation, one SPO and the supplier's SPOs. Nothing here knows HTTP."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from typing import Any

from shapely.geometry import Point

from boundaries.lookup_index import LookupIndex
from domain.errors import Forbidden, InvalidInput
from domain.model import Account, Activity, Offer, Site, Tender
from domain.vocabulary import THEMES, Role, SupportType
from geo.errors import GeoError
from matching.recommender import MAX_K
from matching.result import Match, Recommendation
from services import directory, matching
from services import spo as spo_service
from services.access import visible_spo, visible_spos
from services.locate import query_point
from services.matching import RecommenderCache
from services.settings import ServiceSettings
from spo.model import Spo
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
FEATURE_WORDS = {
    "proximity": "close to your site",
    "need": "high local need",
    "theme": "fits the priorities",
    "priority": "fits the priorities",
    "support": "needs what you offer",
    "gap": "funding gap",
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
    radius_km: float = matching.DEFAULT_RADIUS_M / 1000,
    k: int = 10,
    near: str = "",
    themes: tuple[str, ...] = (),
    support: str = "",
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
    tenders = tuple((t.id, t.title or t.id) for t in open_tenders)
    need_by_area = matching.need_indicator(settings, None, cache=cache)

    def ranked(tender: str | None) -> Recommendation:
        return matching.recommend(
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
    activities = matching.recommended_activities(
        store, answer, cache=cache, need_by_area=need_by_area
    )

    def serves_themes(m: Match) -> bool:
        return not themes or any(t in activities[m.activity_id].themes for t in themes)

    ranked_matches = [m for m in answer.matches if serves_themes(m)][:k]
    outside = [m for m in answer.also_nearby if serves_themes(m)][:k]
    items = tuple(
        _item(n, m, activities[m.activity_id])
        for n, m in enumerate(sorted(ranked_matches, key=lambda m: -m.score), start=1)
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
        also_nearby,
    )


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
    )


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
    amount: float,
) -> Spo:
    """A new draft SPO of the supplier for ``tender_id`` with one line for ``activity_id``
    (ids made here); ``InvalidInput`` for an unknown support type or a bad amount."""
    if support not in SUPPORT_CHOICES:
        raise InvalidInput("choose cash or volunteer hours")
    if not amount > 0:
        raise InvalidInput("enter an amount greater than 0")
    support_type, unit, _words = SUPPORT_CHOICES[support]
    activity = store.get(Activity, activity_id)
    tender = store.get(Tender, tender_id)
    spo_id = f"spo-{secrets.token_hex(6)}"
    draft = spo_service.create_draft(
        store, actor=account, spo_id=spo_id, tender_id=tender_id, title=activity.name
    )
    return spo_service.add_line(
        store,
        draft.id,
        actor=account,
        expected_version=draft.version,
        line_id="line-1",
        activity_id=activity_id,
        support_type=support_type,
        amount=amount,
        unit=unit,
        priority=_priority(activity, tender),
    )


@dataclass(frozen=True)
class SpoLineRow:
    """One line of an SPO as shown."""

    activity: str
    support: str
    amount: str
    priority: str


@dataclass(frozen=True)
class SpoView:
    """One SPO: what, for which tender, its state and lines."""

    id: str
    title: str
    tender: str
    state: str
    version: int
    lines: tuple[SpoLineRow, ...]
    can_submit: bool


def _amount(amount: float, unit: str) -> str:
    return f"£{amount:,.2f}" if unit == "GBP" else f"{amount:g} {unit}"


def spo_view(store: Store, account: Account, spo_id: str) -> SpoView:
    """The SPO ``spo_id`` if the account may see it (``NotFound`` otherwise)."""
    spo = visible_spo(store, account, spo_id)
    tender = store.get(Tender, spo.tender_id)
    rows = []
    for line in spo.lines:
        activity = store.get(Activity, line.activity_id)
        rows.append(
            SpoLineRow(
                activity.name,
                line.support_type.value.replace("_", " "),
                _amount(line.amount, line.unit),
                THEMES.get(line.priority, line.priority),
            )
        )
    return SpoView(
        spo.id,
        spo.title or spo.id,
        tender.title or tender.id,
        spo.state.value.replace("_", " "),
        spo.version,
        tuple(rows),
        spo.state.value == "draft",
    )


def submit_spo(store: Store, account: Account, spo_id: str, *, expected_version: int) -> Spo:
    """Submit the draft with the bid to its open tender (refusals raise ``domain.errors``)."""
    return spo_service.submit(store, spo_id, actor=account, expected_version=expected_version)


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
