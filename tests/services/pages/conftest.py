"""A small Thames Valley world on both backends, the lookup index, and an SPO in delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from boundaries.lookup_index import LookupIndex
from domain.model import Activity
from domain.vocabulary import Role, SupportType
from services import spo as svc
from services.settings import ServiceSettings
from spo.model import Milestone, Spo
from spo.scoring import QUALITATIVE_PARTS, Mark
from store.port import Store
from tests.geo.fixtures import bundled, geo_data_dir, lookup
from tests.spo.builders import make_account
from tests.spo.conftest import seed_world

__all__ = ["bundled", "geo_data_dir", "lookup"]

#: the moment every step happens: a day before the clock's today (deliveries are never future;
#: the API's figures count up to today)
AT = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
TODAY = AT.date()
SUPPLIER = make_account(Role.SUPPLIER)
BUYER = make_account(Role.BUYER)
PROVIDER = make_account(Role.PROVIDER)  # prov-1: runs act-1 (Reading)
OTHER_PROVIDER = make_account(Role.PROVIDER, id="acct-prov-2", organisation_id="prov-2")
VALIDATOR = make_account(Role.VALIDATOR)
PCC = make_account(Role.PCC_OFFICE)
MARKS = {name: Mark(3, f"{name}: clear evidence") for name in QUALITATIVE_PARTS}


@pytest.fixture
def settings(geo_data_dir: Path, lookup: LookupIndex) -> ServiceSettings:
    """Service settings whose cache holds the built lookup index (postcodes, places)."""
    return ServiceSettings(data_dir=geo_data_dir)


@pytest.fixture
def world(store: Store) -> Store:
    seed_world(store)
    return store


def in_delivery(store: Store, spo_id: str = "spo-1", *, cash: bool = False) -> Spo:
    """An awarded SPO in delivery: 200 volunteer hours for act-1 (and £5,000 for act-2)."""
    spo = svc.create_draft(store, actor=SUPPLIER, spo_id=spo_id, tender_id="tender-1", at=AT)
    lines = [("line-1", "act-1", SupportType.VOLUNTEERING, 200.0, "hours", "serious_violence")]
    if cash:
        lines.append(("line-2", "act-2", SupportType.CASH, 5000.0, "GBP", "youth_diversion"))
    for line_id, activity_id, kind, amount, unit, priority in lines:
        spo = svc.add_line(
            store,
            spo_id,
            actor=SUPPLIER,
            expected_version=spo.version,
            line_id=line_id,
            activity_id=activity_id,
            support_type=kind,
            amount=amount,
            unit=unit,
            priority=priority,
            milestones=(
                Milestone(TODAY + timedelta(days=90), amount / 4),
                Milestone(TODAY + timedelta(days=365), amount),
            ),
            at=AT,
        )
    spo = svc.submit(store, spo_id, actor=SUPPLIER, expected_version=spo.version, at=AT)
    spo = svc.score(store, spo_id, actor=BUYER, expected_version=spo.version, marks=MARKS, at=AT)
    spo, _ = svc.award(store, spo_id, actor=BUYER, expected_version=spo.version, at=AT)
    return svc.start_delivery(store, spo_id, actor=SUPPLIER, expected_version=spo.version, at=AT)


def activity(store: Store, activity_id: str) -> Activity:
    return store.get(Activity, activity_id)
