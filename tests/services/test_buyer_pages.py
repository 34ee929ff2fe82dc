"""The buyer pages' use cases on both store backends: what a procurement officer would see
and be refused, from the tender list to the delivery board."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box, mapping

from domain.errors import NotFound
from domain.model import Tender
from domain.vocabulary import Role, SupportType
from services import spo as svc
from services.pages import buyer_award, buyer_bids, buyer_delivery, buyer_report, buyer_tenders
from services.pages.buyer_coverage import coverage_view
from services.pages.forms import FormErrors
from services.settings import ServiceSettings
from spo.measure import bid_values, totals
from spo.model import Milestone, Spo, SpoState
from spo.scoring import QUALITATIVE_PARTS
from store.port import Store
from tests.spo.builders import READING_LA, TVP, make_account

SUPPLIER = make_account(Role.SUPPLIER)
SUPPLIER_2 = make_account(Role.SUPPLIER, id="acct-sup-2", organisation_id="sup-2")
BUYER = make_account(Role.BUYER)
OTHER_BUYER = make_account(Role.BUYER, id="acct-buyer-2", organisation_id="buyer-2")
TODAY = date.today()
GOOD_MARKS = {
    **{f"mark-{p}": "3" for p in QUALITATIVE_PARTS},
    **{f"reason-{p}": f"{p}: clear plan with named people" for p in QUALITATIVE_PARTS},
}


@pytest.fixture
def settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(data_dir=tmp_path / "dicm")


def _bid(store: Store, spo_id: str, actor: object, line: dict[str, object]) -> Spo:
    account = SUPPLIER if actor == "sup-1" else SUPPLIER_2
    spo = svc.create_draft(store, actor=account, spo_id=spo_id, tender_id="tender-1")
    spo = svc.add_line(
        store,
        spo_id,
        actor=account,
        expected_version=spo.version,
        line_id="line-1",
        milestones=(Milestone(TODAY.replace(year=TODAY.year + 1), float(line["amount"])),),  # type: ignore[arg-type]
        **line,  # type: ignore[arg-type]
    )
    return svc.submit(store, spo_id, actor=account, expected_version=spo.version)


@pytest.fixture
def bids(world: Store) -> Store:
    """Two submitted bids on tender-1: hours in Reading, cash in Oxford; and a draft."""
    _bid(
        world,
        "spo-hours",
        "sup-1",
        dict(
            activity_id="act-1",
            support_type=SupportType.VOLUNTEERING,
            amount=200.0,
            unit="hours",
            priority="serious_violence",
        ),
    )
    _bid(
        world,
        "spo-cash",
        "sup-2",
        dict(
            activity_id="act-2",
            support_type=SupportType.CASH,
            amount=5000.0,
            unit="GBP",
            priority="youth_diversion",
        ),
    )
    svc.create_draft(world, actor=SUPPLIER, spo_id="spo-draft", tender_id="tender-1")
    return world


def _scored_and_awarded(store: Store, settings: ServiceSettings, spo_id: str = "spo-hours") -> Spo:
    spo = store.get(Spo, spo_id)
    buyer_bids.score_bid(
        store, settings, BUYER, spo_id, fields={**GOOD_MARKS, "expected_version": str(spo.version)}
    )
    spo = store.get(Spo, spo_id)
    return buyer_award.award_bid(
        store, BUYER, spo_id, fields={"expected_version": str(spo.version), "confirm": "yes"}
    )


def test_my_tenders_counts_the_bids_and_hides_other_buyers(bids: Store) -> None:
    rows = buyer_tenders.my_tenders(bids, BUYER)
    assert [(r.tender.id, r.bids, r.to_score, r.awarded) for r in rows] == [("tender-1", 2, 2, 0)]
    assert buyer_tenders.my_tenders(bids, OTHER_BUYER) == ()


def test_bids_side_by_side_use_the_one_measure_and_the_rubric(
    bids: Store, settings: ServiceSettings
) -> None:
    view = buyer_bids.tender_bids(bids, settings, BUYER, "tender-1")
    by_id = {b.spo.id: b for b in view.bids}
    assert set(by_id) == {"spo-hours", "spo-cash"}  # the draft is the supplier's own
    hours, cash = by_id["spo-hours"], by_id["spo-cash"]
    assert hours.committed_gbp == totals(bid_values(bids.get(Spo, "spo-hours"))).committed_gbp
    assert hours.committed_gbp == pytest.approx(200 * 12.21)
    assert (hours.cash_gbp, hours.in_kind_gbp) == (0.0, hours.committed_gbp)
    assert (cash.cash_gbp, cash.in_kind_gbp, cash.committed_gbp) == (5000.0, 0.0, 5000.0)
    assert hours.measures["local_share"][0] == 1.0
    assert hours.measures["priority_alignment"][0] == 1.0  # the tender's priority
    assert cash.measures["priority_alignment"][0] == 0.0
    assert [p.name for p in view.parts][:4] == [
        "committed_value",
        "local_share",
        "priority_alignment",
        "need",
    ]
    with pytest.raises(NotFound):
        buyer_bids.tender_bids(bids, settings, OTHER_BUYER, "tender-1")


def test_scoring_form_lists_every_missing_mark_and_reason_and_changes_nothing(
    bids: Store, settings: ServiceSettings
) -> None:
    before = bids.get(Spo, "spo-hours")
    fields = {"expected_version": str(before.version), "mark-purpose": "7", "reason-purpose": " "}
    with pytest.raises(FormErrors) as caught:
        buyer_bids.score_bid(bids, settings, BUYER, "spo-hours", fields=fields)
    errors = caught.value.errors
    assert set(errors) == {f"mark-{p}" for p in QUALITATIVE_PARTS} | {
        f"reason-{p}" for p in QUALITATIVE_PARTS
    }
    assert errors["mark-purpose"] == "The mark for purpose must be 0 to 4"
    assert errors["reason-capability"] == "Write the reason for the capability mark"
    assert bids.get(Spo, "spo-hours") == before


def test_a_scored_bid_matches_what_the_comparison_showed(
    bids: Store, settings: ServiceSettings
) -> None:
    shown = {b.spo.id: b for b in buyer_bids.tender_bids(bids, settings, BUYER, "tender-1").bids}
    version = bids.get(Spo, "spo-cash").version
    scored = buyer_bids.score_bid(
        bids, settings, BUYER, "spo-cash", fields={**GOOD_MARKS, "expected_version": str(version)}
    )
    assert scored.state is SpoState.SCORED and scored.score is not None
    for part, (raw, _why) in shown["spo-cash"].measures.items():
        assert scored.score.raw[part] == pytest.approx(raw, abs=1e-6)
    again = {b.spo.id: b for b in buyer_bids.tender_bids(bids, settings, BUYER, "tender-1").bids}
    assert again["spo-cash"].marks["purpose"] == (3.0, "purpose: clear plan with named people")
    assert again["spo-cash"].is_awardable and not again["spo-hours"].is_awardable
    with pytest.raises(FormErrors) as caught:  # the form was read before the score
        buyer_bids.score_bid(
            bids,
            settings,
            BUYER,
            "spo-cash",
            fields={**GOOD_MARKS, "expected_version": str(version)},
        )
    assert "reload" in caught.value.errors["form"]


def test_award_needs_confirmation_then_shows_the_stored_lock_hash(
    bids: Store, settings: ServiceSettings
) -> None:
    spo = bids.get(Spo, "spo-hours")
    buyer_bids.score_bid(
        bids, settings, BUYER, spo.id, fields={**GOOD_MARKS, "expected_version": str(spo.version)}
    )
    version = bids.get(Spo, spo.id).version
    with pytest.raises(FormErrors) as caught:
        buyer_award.award_bid(bids, BUYER, spo.id, fields={"expected_version": str(version)})
    assert set(caught.value.errors) == {"confirm"}
    assert bids.get(Spo, spo.id).state is SpoState.SCORED
    awarded = buyer_award.award_bid(
        bids, BUYER, spo.id, fields={"expected_version": str(version), "confirm": "yes"}
    )
    outcome = buyer_award.award_outcome(bids, BUYER, spo.id)
    assert outcome.content_hash == awarded.content_hash
    assert outcome.content_hash.startswith("hmac-sha256:")
    assert outcome.contract is not None and outcome.contract.spo_id == spo.id
    assert [v["action"] for v in outcome.versions] == ["spo.award"]
    with pytest.raises(NotFound):
        buyer_award.award_outcome(bids, BUYER, "spo-cash")  # not awarded


def test_a_variation_needs_a_reason_and_records_a_new_hash(
    bids: Store, settings: ServiceSettings
) -> None:
    awarded = _scored_and_awarded(bids, settings)
    fields = {"expected_version": str(awarded.version), "amount-line-1": "lots", "reason": ""}
    with pytest.raises(FormErrors) as caught:
        buyer_award.vary_bid(bids, BUYER, awarded.id, fields=fields)
    assert set(caught.value.errors) == {"amount-line-1", "reason"}
    varied = buyer_award.vary_bid(
        bids,
        BUYER,
        awarded.id,
        fields={**fields, "amount-line-1": "150", "reason": "Club closed for two months"},
    )
    assert varied.lines[0].amount == 150.0 and varied.content_hash != awarded.content_hash
    assert varied.lines[0].milestones[0].amount == 150.0  # scaled with the line
    versions = buyer_award.award_outcome(bids, BUYER, awarded.id).versions
    assert [(v["action"], v["reason"]) for v in versions] == [
        ("spo.award", None),
        ("spo.vary", "Club closed for two months"),
    ]


def test_delivery_board_gives_each_spo_its_status_in_words(
    bids: Store, settings: ServiceSettings
) -> None:
    awarded = _scored_and_awarded(bids, settings)
    svc.start_delivery(bids, awarded.id, actor=SUPPLIER, expected_version=awarded.version)
    board = buyer_delivery.delivery_board(bids, BUYER, as_of=TODAY)
    assert [r.spo.id for r in board.rows] == ["spo-hours"]  # bids not awarded are not on it
    row = board.rows[0]
    assert (row.rag, row.label, row.css) == ("Green", "On track", "green")
    assert row.committed_gbp == pytest.approx(200 * 12.21) and row.delivered_gbp == 0.0
    late = buyer_delivery.delivery_board(bids, BUYER, as_of=TODAY.replace(year=TODAY.year + 2))
    assert late.rows[0].label == "Behind" and late.count(late.rows[0].status) == 1  # type: ignore[arg-type]
    assert buyer_delivery.delivery_board(bids, OTHER_BUYER, as_of=TODAY).rows == ()
    assert buyer_delivery.board_topic(bids, BUYER) == "buyer:buyer-1"


def test_coverage_gaps_carry_words_and_a_box_to_zoom_to(
    bids: Store, settings: ServiceSettings
) -> None:
    folder = settings.data_dir / "indicators"
    folder.mkdir(parents=True)
    (folder / "imd2019.csv").write_text(f"code,value\n{READING_LA},30.5\n", encoding="utf-8")
    view = coverage_view(bids, settings, BUYER, priority="serious_violence")
    assert view.territory.code == TVP and view.indicator == "imd2019"
    assert view.priorities[0][0] != "all" or view.priorities[0] == ("all", "All priorities")
    (row,) = view.rows
    assert row.code == READING_LA and row.activities == 1
    assert row.label  # the gap in words, never colour alone
    assert row.bbox == pytest.approx((-1.05, 51.40, -0.90, 51.50))
    shapes = json.loads(view.geojson)
    assert shapes["features"][0]["properties"]["label"] == row.label
    with pytest.raises(Exception, match="unknown priority"):
        coverage_view(bids, settings, BUYER, priority="nonsense")


def test_report_page_and_downloads_are_the_buyers_report(
    bids: Store, settings: ServiceSettings
) -> None:
    _scored_and_awarded(bids, settings)
    page = buyer_report.report_page(bids, BUYER)
    assert page.data["totals"]["committed_gbp"] == pytest.approx(200 * 12.21)
    csv_file = buyer_report.report_download(bids, BUYER, "csv")
    assert csv_file.filename == "social-value.csv" and "spo-hours" in csv_file.body
    geo = buyer_report.report_download(bids, BUYER, "geojson", period=str(TODAY.year))
    assert json.loads(geo.body)["type"] == "FeatureCollection"
    assert geo.filename == f"social-value-{TODAY.year}.geojson"
    other = buyer_report.report_page(bids, OTHER_BUYER)
    assert other.data["lines"] == []


READING_BOX = box(-1.0, 51.42, -0.95, 51.47)
BOWTIE: dict[str, object] = {
    "type": "Polygon",
    "coordinates": [[[-1.0, 51.4], [-0.9, 51.5], [-0.9, 51.4], [-1.0, 51.5], [-1.0, 51.4]]],
}
FORM = {"title": "Grounds maintenance 2027", "contract_value": "£250,000", "closes": "2027-06-30"}


def _drawn(*features: tuple[dict[str, object], str]) -> str:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": g, "properties": {"name": n}} for g, n in features
            ],
        }
    )


def test_a_drawn_tender_has_its_area_and_named_lots(world: Store) -> None:
    shapes = _drawn((mapping(READING_BOX), ""), (mapping(box(-1.0, 51.42, -0.98, 51.44)), "West"))
    tender = buyer_tenders.create_tender_from_form(
        world, BUYER, fields={**FORM, "shapes": shapes}, priorities=["serious_violence"]
    )
    stored = world.get(Tender, tender.id)
    assert stored.buyer_id == "buyer-1" and stored.territory_code == TVP
    assert stored.contract_value_gbp == 250_000.0 and stored.closes == date(2027, 6, 30)
    assert stored.delivery_area is not None and stored.delivery_area.equals(READING_BOX)
    assert [lot.name for lot in stored.lots] == ["West"]
    assert stored.id.startswith("grounds-maintenance-2027-")


@pytest.mark.parametrize(
    ("typed", "says"),
    [("1.200,00", "ambiguous"), ("250.000,00", "ambiguous"), ("£", "Enter the contract value")],
)
def test_a_contract_value_that_is_not_plainly_pounds_is_refused(
    world: Store, typed: str, says: str
) -> None:
    """The tender form reads money with the one parser (``forms.parse_amount``)."""
    shapes = _drawn((mapping(READING_BOX), ""))
    with pytest.raises(FormErrors) as caught:
        buyer_tenders.create_tender_from_form(
            world, BUYER, fields={**FORM, "contract_value": typed, "shapes": shapes}, priorities=[]
        )
    assert set(caught.value.errors) == {"contract_value"}
    assert says in caught.value.errors["contract_value"]
    tender = buyer_tenders.create_tender_from_form(
        world, BUYER, fields={**FORM, "contract_value": "£250,000", "shapes": shapes}, priorities=[]
    )
    assert world.get(Tender, tender.id).contract_value_gbp == 250_000.0


def test_a_bad_form_names_every_problem_and_stores_nothing(world: Store) -> None:
    before = world.count(Tender)
    with pytest.raises(FormErrors) as caught:
        buyer_tenders.create_tender_from_form(
            world,
            BUYER,
            fields={
                "title": "",
                "contract_value": "a lot",
                "opens": "2027-02-30",
                "shapes": _drawn((BOWTIE, "Bow")),
            },
            priorities=["not-a-theme"],
        )
    errors = caught.value.errors
    assert set(errors) == {"title", "contract_value", "opens", "priorities", "shapes"}
    assert "shape 1 (Bow)" in errors["shapes"] and "Self-intersection" in errors["shapes"]
    with pytest.raises(FormErrors) as caught:
        buyer_tenders.create_tender_from_form(world, BUYER, fields=FORM, priorities=[])
    assert caught.value.errors == {
        "shapes": "Draw the delivery area or a lot on the map, or upload a file"
    }
    with pytest.raises(FormErrors) as caught:
        at_sea = mapping(box(-3.0, 50.2, -2.9, 50.3))
        buyer_tenders.create_tender_from_form(
            world, BUYER, fields={**FORM, "shapes": _drawn((at_sea, ""))}, priorities=[]
        )
    assert "no UK police territory" in caught.value.errors["shapes"]
    assert world.count(Tender) == before


def test_an_uploaded_geopackage_becomes_lots(world: Store, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["North", "South"]},
        geometry=[box(-1.0, 51.45, -0.95, 51.47), box(-1.0, 51.42, -0.95, 51.45)],
        crs=4326,
    ).to_crs(27700)
    path = tmp_path / "lots.gpkg"
    frame.to_file(path, driver="GPKG")
    upload = buyer_tenders.Upload("lots.gpkg", path.read_bytes())
    tender = buyer_tenders.create_tender_from_form(
        world, BUYER, fields=FORM, priorities=[], upload=upload
    )
    assert tender.delivery_area is None
    assert [lot.name for lot in tender.lots] == ["North", "South"]
    assert tender.lots[0].area.bounds == pytest.approx((-1.0, 51.45, -0.95, 51.47), abs=1e-6)


def test_an_uploaded_file_with_bad_geometry_gets_a_readable_error(world: Store) -> None:
    bad = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "Bow"}, "geometry": BOWTIE}],
    }
    upload = buyer_tenders.Upload("lots.geojson", json.dumps(bad).encode())
    with pytest.raises(FormErrors) as caught:
        buyer_tenders.create_tender_from_form(
            world, BUYER, fields=FORM, priorities=[], upload=upload
        )
    message = caught.value.errors["upload"]
    assert message.startswith("The file could not be used: shape 1 (Bow): invalid Polygon")
    text = buyer_tenders.Upload("lots.csv", io.BytesIO(b"a,b").getvalue())
    with pytest.raises(FormErrors, match="upload a GeoJSON"):
        buyer_tenders.create_tender_from_form(world, BUYER, fields=FORM, priorities=[], upload=text)
    assert datetime.now(UTC)  # nothing else to check: no tender was stored
    assert world.count(Tender) == 1
