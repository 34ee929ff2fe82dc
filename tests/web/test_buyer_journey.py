"""The buyer's whole job in Chromium: sign in, draw a tender, score the bids suppliers sent,
award one (its lock hash shown), vary it, follow delivery live, read the gaps and the report;
each outcome checked through the API, and every buyer page through ``check_page``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from shapely.geometry import shape

from domain.model import Account, Supplier
from domain.vocabulary import Role, SupportType, ValidationStatus
from geo.validity import polygonal
from services import spo as svc
from spo.model import Milestone
from spo.scoring import QUALITATIVE_PARTS
from store.factory import open_store
from store.port import Store
from tests.web.conftest import WebServer
from tests.web.harness import DemoLogin

pytestmark = [
    pytest.mark.browser,
]

SignIn = Callable[[Any, str], DemoLogin]
CheckPage = Callable[[Any, str], object]
TITLE = "Grounds maintenance, journey test"


def _draw_polygon(page: Any) -> None:
    """Draw a polygon with leaflet-geoman as a person would: the tool, four clicks, close."""
    page.locator(".leaflet-pm-icon-polygon").click()
    box = page.locator("#draw-map").bounding_box()
    points = [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.3, 0.3)]
    for fx, fy in points:
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_timeout(120)
    page.locator("#shape-list li").first.wait_for()


def _bid_on(store: Store, tender: dict[str, Any], supplier_id: str, spo_id: str) -> str:
    """A supplier's submitted SPO on the drawn tender (what the supplier's pages would do)."""
    area = polygonal(shape(tender["geometry"]))
    today = date.today()
    candidates = [
        a
        for a in store.activities_within(area)
        if a.validation_status is ValidationStatus.VALIDATED
        and a.active
        and (a.validated_until is None or a.validated_until > today)
    ]
    assert candidates, "the drawn area holds no validated activity"
    activity = candidates[len(spo_id) % len(candidates)]
    actor = Account(f"journey-{supplier_id}", "Journey supplier", Role.SUPPLIER, supplier_id)
    spo = svc.create_draft(
        store, actor=actor, spo_id=spo_id, tender_id=tender["id"], title=f"Support by {supplier_id}"
    )
    spo = svc.add_line(
        store,
        spo_id,
        actor=actor,
        expected_version=spo.version,
        line_id="line-1",
        activity_id=activity.id,
        support_type=SupportType.VOLUNTEERING,
        amount=120.0,
        unit="hours",
        priority=activity.themes[0] if activity.themes else "serious_violence",
        milestones=(Milestone(today.replace(year=today.year + 1), 120.0),),
    )
    return svc.submit(store, spo_id, actor=actor, expected_version=spo.version).id


def _score(page: Any, spo_id: str, mark: int) -> None:
    page.goto(f"/app/buyer/bids/{spo_id}/score")
    for part in QUALITATIVE_PARTS:
        page.locator(f"input[name='mark-{part}'][value='{mark}']").check()
        page.locator(f"#reason-{part}").fill(f"{part}: named staff and a dated plan")
    page.get_by_role("button", name="Save score").click()
    page.wait_for_url(f"**/app/buyer/tenders/**scored={spo_id}**")


def test_a_buyer_draws_a_tender_scores_awards_and_follows_delivery(
    page: Any, web_server: WebServer, sign_in: SignIn, check_page: CheckPage
) -> None:
    login = sign_in(page, "buyer")
    buyer_api, supplier_api = web_server.api("buyer"), web_server.api("supplier")

    page.goto("/app/buyer/tenders")
    check_page(page, "buyer-tenders")

    # a new tender: a form with problems first, then drawn on the map
    page.get_by_role("link", name="Create a tender").click()
    page.get_by_role("button", name="Publish tender").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter the tender's title" in summary.inner_text()
    assert "Draw the delivery area or a lot on the map" in summary.inner_text()
    assert page.title().startswith("Error:")
    check_page(page, "buyer-tender-new-error")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Contract value in pounds").fill("250,000")
    _draw_polygon(page)
    check_page(page, "buyer-tender-new")
    page.get_by_role("button", name="Publish tender").click()
    page.wait_for_url("**created=1")
    tender_id = page.url.split("/app/buyer/tenders/")[1].split("?")[0]
    tender = buyer_api.get(f"/tenders/{tender_id}").json()
    assert tender["properties"]["buyer_id"] == login.organisation_id
    assert tender["properties"]["title"] == TITLE
    assert tender["properties"]["contract_value_gbp"] == 250_000.0
    assert tender["geometry"]["type"] in ("Polygon", "MultiPolygon")

    # two suppliers bid (the demo supplier and another), through the services
    store = open_store(web_server.settings.store)
    try:
        mine = str(web_server.logins["supplier"].organisation_id)
        other = next(s.id for s in store.iter_all(Supplier) if s.id != mine)
        first = _bid_on(store, tender, mine, f"{tender_id}-a")
        second = _bid_on(store, tender, other, f"{tender_id}-b")
    finally:
        store.close()

    page.goto(f"/app/buyer/tenders/{tender_id}")
    assert page.locator(".dicm-bids thead th").count() == 3  # the row heading and two bids
    check_page(page, "buyer-bids")

    # the scoring form refuses an empty submission with every problem listed
    page.goto(f"/app/buyer/bids/{first}/score")
    page.get_by_role("button", name="Save score").click()
    assert page.locator(".govuk-error-summary li").count() == 2 * len(QUALITATIVE_PARTS)
    check_page(page, "buyer-score-error")
    _score(page, first, 4)
    _score(page, second, 2)
    check_page(page, "buyer-bids-scored")
    scored = {s["id"]: s for s in buyer_api.get("/spos", params={"tender": tender_id}).json()}
    assert scored[first]["state"] == scored[second]["state"] == "scored"
    assert scored[first]["score"]["total"] > scored[second]["score"]["total"]

    # award the best: confirmation needed, then the lock hash
    page.goto(f"/app/buyer/tenders/{tender_id}")
    page.locator(f"a[href='/app/buyer/bids/{first}/award']").click()
    check_page(page, "buyer-award")
    page.get_by_role("button", name="Award contract").click()
    assert "Confirm that you award" in page.locator(".govuk-error-summary").inner_text()
    page.locator("input[name='confirm']").check()
    page.get_by_role("button", name="Award contract").click()
    page.wait_for_url(f"**/app/buyer/bids/{first}/awarded")
    shown_hash = page.locator("#lock-hash").inner_text().strip()
    check_page(page, "buyer-awarded")
    awarded = buyer_api.get(f"/spos/{first}").json()
    assert awarded["state"] == "awarded" and awarded["content_hash"] == shown_hash

    # a variation with its reason
    page.get_by_role("link", name="Record a variation").click()
    check_page(page, "buyer-vary")
    page.locator("input[name='amount-line-1']").fill("100")
    page.get_by_label("Reason for the variation").fill("The club closes for the summer")
    page.get_by_role("button", name="Record variation").click()
    page.wait_for_url("**varied=1")
    history = buyer_api.get(f"/spos/{first}/history").json()
    assert [h["reason"] for h in history if h["action"] == "spo.vary"] == [
        "The club closes for the summer"
    ]
    assert page.locator("#lock-hash").inner_text().strip() != shown_hash

    # the delivery board, live: the supplier starts delivery and reports, the board follows
    page.goto("/app/buyer/delivery")
    row = page.locator(f".dicm-rag[data-spo='{first}']")
    assert row.inner_text().startswith(("Green", "Amber", "Red"))  # words, not only colour
    check_page(page, "buyer-delivery")
    page.wait_for_function("() => document.getElementById('board').dataset.live === 'yes'")
    version = supplier_api.get(f"/spos/{first}").json()["version"]
    started = supplier_api.post(f"/spos/{first}/start-delivery", json={"expected_version": version})
    assert started.status_code == 200, started.text
    done = supplier_api.post(
        f"/spos/{first}/progress",
        json={
            "report_id": f"{first}-r1",
            "line_id": "line-1",
            "amount": 50,
            "delivered_on": date.today().isoformat(),
        },
    )
    assert done.status_code == 201, done.text
    page.wait_for_function(
        "() => Number(document.getElementById('board').dataset.updates || 0) >= 1", timeout=20_000
    )
    page.wait_for_function(
        f"() => document.querySelector(\".dicm-rag[data-spo='{first}']\")"
        ".closest('tr').innerText.includes('50%')",
        timeout=20_000,
    )

    # coverage gaps: the list zooms the map to its area
    page.goto("/app/buyer/coverage")
    first_zoom = page.locator(".dicm-zoom").first
    code = first_zoom.get_attribute("data-code")
    first_zoom.click()
    page.wait_for_function(f"() => document.getElementById('gap-map').dataset.zoomed === '{code}'")
    check_page(page, "buyer-coverage")

    # the report: on screen, printable, and the same figures to download
    page.goto("/app/buyer/report")
    assert first in page.locator("main").inner_text()
    check_page(page, "buyer-report")
    csv_text = page.request.get("/app/buyer/report.csv").text()
    assert first in csv_text and second not in csv_text  # a lost bid is never reported
    geo = page.request.get("/app/buyer/report.geojson").json()
    api_report = buyer_api.get("/reports/social-value").json()
    assert geo["report"]["totals"] == api_report["totals"]
    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="Download as CSV (spreadsheet)").is_visible()
    page.emulate_media(media="screen")
