"""``dicm demo``: build (or reuse) the embedded database with UK geography and the demo dataset.

The first run loads the bundled geography, generates the seeded dataset (``demo.dataset``),
writes the organisations in one transaction, then drives validations and SPOs through the real
services. It ends by writing ``<data_dir>/demo.json`` (seed, scale, counts, the demo accounts'
tokens). A later run with the same seed and scale finds that marker and the same counts in the
database and reuses everything. The demo tokens are kept in that file on purpose: it is a demo.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from datasets.places import gb_postcodes, uk_places
from demo.dataset import DemoDataset, build_demo_dataset
from demo.play import apply_validations, drive_scenario, pending
from domain.errors import Conflict, NotFound
from domain.model import (
    Account,
    Activity,
    Buyer,
    LocalAuthority,
    Provider,
    Region,
    Supplier,
    Tender,
    Territory,
)
from domain.vocabulary import Role
from services.settings import ServiceSettings
from spo.model import ProgressReport, Spo, SpoState
from store.port import Store

#: (step name, done, total); total 0 = unknown
Progress = Callable[[str, int, int], None]

MARKER = "demo.json"
COUNTED: dict[str, type] = {
    "regions": Region,
    "territories": Territory,
    "local_authorities": LocalAuthority,
    "providers": Provider,
    "activities": Activity,
    "suppliers": Supplier,
    "buyers": Buyer,
    "tenders": Tender,
    "spos": Spo,
    "progress_reports": ProgressReport,
}


@dataclass(frozen=True)
class DemoAccount:
    """A demo login: who it is, what it acts for, its bearer token and web password."""

    id: str
    role: str
    name: str
    organisation_id: str | None
    territory_code: str | None
    token: str
    password: str = ""


@dataclass(frozen=True)
class DemoSummary:
    """What ``dicm demo`` built or found."""

    reused: bool
    seed: int
    scale: float
    counts: dict[str, int]
    spo_states: dict[str, int]
    accounts: tuple[DemoAccount, ...] = field(default_factory=tuple)


def marker_path(settings: ServiceSettings) -> Path:
    return settings.data_dir / MARKER


def count_all(store: Store) -> dict[str, int]:
    """How many of each kind the database holds."""
    return {name: store.count(kind) for name, kind in COUNTED.items()}


def spo_states(store: Store) -> dict[str, int]:
    """How many SPOs are in each lifecycle state."""
    states: dict[str, int] = {}
    for spo in store.iter_all(Spo):
        states[spo.state.value] = states.get(spo.state.value, 0) + 1
    return dict(sorted(states.items()))


def _read_marker(settings: ServiceSettings) -> dict[str, Any] | None:
    path = marker_path(settings)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _quiet(_step: str, _done: int, _total: int) -> None:
    return None


def build_demo(
    store: Store,
    settings: ServiceSettings,
    *,
    seed: int = 42,
    scale: float = 1.0,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Build the demo into ``store`` (or reuse it) and return what is there."""
    report = progress or _quiet
    report("geography", 0, 0)
    from services.geography import ensure_geography

    ensure_geography(store, settings, lambda message: report("geography", 0, 0))
    report("geography", 1, 1)
    marker = _read_marker(settings)
    if marker is not None and _is_current(marker, store, seed, scale):
        ensure_need_indicator(settings)
        accounts = tuple(DemoAccount(**a) for a in marker.get("accounts", []))
        return DemoSummary(True, seed, scale, count_all(store), spo_states(store), accounts)
    day = today or date.today()
    dataset = _generate(store, seed=seed, scale=scale, today=day, report=report)
    _load(store, settings, dataset, day, report)
    report("need indicator", 0, 1)
    ensure_need_indicator(settings)
    report("need indicator", 1, 1)
    accounts = _demo_accounts(store, dataset)
    summary = DemoSummary(False, seed, scale, count_all(store), spo_states(store), accounts)
    _write_marker(settings, summary)
    return summary


#: the name the demo's need indicator is imported under
NEED_INDICATOR = "imd2019"


def ensure_need_indicator(settings: ServiceSettings) -> None:
    """Import IMD 2019 (``datasets.indicators.IMD2019_TABLE``) as the ``imd2019`` indicator
    through the same import a user runs, unless an indicator of that name is already there."""
    from datasets.indicators import IMD2019_TABLE
    from services.imports import import_indicator, list_indicators

    if NEED_INDICATOR in list_indicators(settings):
        return
    report = import_indicator(
        settings,
        IMD2019_TABLE,
        name=NEED_INDICATOR,
        code_column="LAD19CD",
        value_column="Score",
        weight_column="LSOAs",
    )
    if not report.committed:
        raise Conflict(f"the bundled IMD 2019 table did not import: {report.message}")


def _is_current(marker: dict[str, Any], store: Store, seed: int, scale: float) -> bool:
    """The marker describes this seed and scale and the database still holds the demo (data
    imported since then does not make it stale; a new or emptied database file does)."""
    if marker.get("seed") != seed or marker.get("scale") != scale:
        return False
    counts = marker.get("counts", {})
    now = count_all(store)
    return all(now.get(k, 0) >= int(v) for k, v in counts.items()) and now["spos"] > 0


def _generate(
    store: Store, *, seed: int, scale: float, today: date, report: Progress
) -> DemoDataset:
    report("places", 0, 0)
    territories = list(store.iter_all(Territory))
    authorities = list(store.iter_all(LocalAuthority))
    places, postcodes = uk_places(), gb_postcodes()
    report("places", 1, 1)
    return build_demo_dataset(
        territories, authorities, places, postcodes, seed=seed, scale=scale, today=today
    )


def _load(
    store: Store, settings: ServiceSettings, data: DemoDataset, today: date, report: Progress
) -> None:
    if store.count(Spo) or store.count(Activity):
        raise Conflict(
            "the database already holds activities or SPOs that are not this demo: "
            "point DICM_DATABASE_URL at a new file (or delete it) to rebuild the demo"
        )
    report("organisations", 0, 1)
    store.put_many(
        [
            *data.providers,
            *(pending(a) for a in data.activities),
            *data.suppliers,
            *data.buyers,
            *data.tenders,
        ]
    )
    for plan in data.plans:
        with contextlib.suppress(Conflict):  # this plan version is already there
            store.put_plan(plan)
    report("organisations", 1, 1)
    total = len(data.activities)
    done = iter(range(1, total + 1))
    apply_validations(
        store,
        data.activities,
        settings,
        today,
        tick=lambda: report("validations", next(done), total),
    )
    for n, scenario in enumerate(data.spos):
        report("SPOs", n, len(data.spos))
        drive_scenario(store, scenario, today)
    report("SPOs", len(data.spos), len(data.spos))


#: the featured demo logins: (account id, role, what to act for)
def _demo_accounts(store: Store, data: DemoDataset) -> tuple[DemoAccount, ...]:
    from services.accounts import create_account, set_password

    tv = "E23000029"
    featured = _featured(data)
    supplier_id = featured.supplier if featured else data.suppliers[0].id
    provider_id = featured.provider if featured else data.providers[0].id
    buyer_id = featured.buyer if featured else data.buyers[0].id
    wanted = (
        ("demo-supplier", Role.SUPPLIER, supplier_id, None),
        ("demo-provider", Role.PROVIDER, provider_id, None),
        ("demo-validator", Role.VALIDATOR, None, tv),
        ("demo-buyer", Role.BUYER, buyer_id, None),
        ("demo-pcc", Role.PCC_OFFICE, None, tv),
        ("demo-admin", Role.ADMIN, None, None),
    )
    accounts = []
    for id_, role, org, territory in wanted:
        try:
            store.get(Account, id_)
            continue  # made by an earlier build: its token is in that build's marker
        except NotFound:
            pass
        name = _name_of(store, role, org) or f"Thames Valley {role.value.replace('_', ' ')}"
        account, token = create_account(
            store, id_=id_, name=name, role=role, organisation_id=org, territory_code=territory
        )
        password = secrets.token_urlsafe(9)  # the web sign-in, printed with the token
        set_password(store, account.id, password)
        accounts.append(DemoAccount(account.id, role.value, name, org, territory, token, password))
    return tuple(accounts)


@dataclass(frozen=True)
class _Featured:
    """The organisations the demo logins act for, chosen so each has a job waiting."""

    supplier: str
    provider: str
    buyer: str


def _featured(data: DemoDataset) -> _Featured | None:
    """Thames Valley's first tender's buyer (it has bids to score); a provider running an
    activity on a line in delivery (it has progress to report); a supplier with an SPO in
    delivery and an open tender it has not bid for yet (it has something to bid for)."""
    tv = [s for s in data.spos if s.tender_id.startswith("tender-e23000029-")]
    if not tv:
        return None
    buyer = tv[0].buyer_id
    delivering = [s for s in tv if s.target is SpoState.IN_DELIVERY] or tv
    activity = delivering[0].lines[0].activity_id
    provider = next(a.provider_id for a in data.activities if a.id == activity)
    tenders = {t.id for t in data.tenders if t.id.startswith("tender-e23000029-")}
    bid = {(s.supplier_id, s.tender_id) for s in data.spos}
    supplier = next(
        (s.supplier_id for s in delivering if any((s.supplier_id, t) not in bid for t in tenders)),
        delivering[0].supplier_id,
    )
    return _Featured(supplier, provider, buyer)


def _name_of(store: Store, role: Role, org: str | None) -> str | None:
    kinds: dict[Role, type[Supplier] | type[Provider] | type[Buyer]] = {
        Role.SUPPLIER: Supplier,
        Role.PROVIDER: Provider,
        Role.BUYER: Buyer,
    }
    if org is None or role not in kinds:
        return None
    return str(store.get(kinds[role], org).name)


def _write_marker(settings: ServiceSettings, summary: DemoSummary) -> None:
    path = marker_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = asdict(summary)
    payload.pop("reused")
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")


def _for(who: str, account: DemoAccount | None) -> str:
    """``who`` with the demo account to sign in as (map pages read the browser's signed-in
    session; a token in the address is refused)."""
    return who if account is None else f"{who} (sign in as {account.id})"


def demo_urls(base_url: str, summary: DemoSummary, store: Store) -> list[tuple[str, str]]:
    """The pages to open, per kind of user, each naming the demo account to sign in as at
    ``/app/sign-in`` (a map page sends a browser nobody is signed in to there, and comes back);
    an awarded SPO's map is public."""
    by_role = {a.role: a for a in summary.accounts}
    supplier = by_role.get("supplier")
    tv = "E23000029"
    buyer = by_role.get("buyer")
    if buyer is None or buyer.organisation_id is None:
        coverage_reader = by_role.get("pcc_office")
    else:
        buys_for_tv = store.get(Buyer, buyer.organisation_id).territory_code == tv
        coverage_reader = buyer if buys_for_tv else by_role.get("pcc_office")
    spo_id = next(
        (
            s.id
            for s in store.iter_all(Spo)
            if s.state.value == "in_delivery" and s.tender_id.startswith("tender-e23000029")
        ),
        None,
    )
    urls = [
        (
            _for("Supplier: activities near your sites", supplier),
            f"{base_url}/maps/supplier/{supplier.organisation_id}" if supplier else "",
        ),
        (
            _for("Buyer: coverage of Thames Valley", coverage_reader),
            f"{base_url}/maps/coverage?territory={tv}",
        ),
        (
            _for("PCC office: social value heatmap", by_role.get("pcc_office")),
            f"{base_url}/maps/heatmap/{tv}",
        ),
        ("SPO: lines from sites to activities", f"{base_url}/maps/spo/{spo_id}" if spo_id else ""),
        ("Developers: API docs", f"{base_url}/docs"),
        ("GIS users: OGC API Features", f"{base_url}/ogc"),
    ]
    return [(who, url) for who, url in urls if url]
