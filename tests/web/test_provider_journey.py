"""The provider's journey in a browser: sign in, see my activities, position a new one by postcode
(after the form's errors) and another by a click on the map, then report progress on one of my
SPO lines in delivery; each outcome checked through the API, every page checked by axe at
desktop and phone size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import WebServer
from tests.web.harness import DemoLogin


def _activity_id(page: Any) -> str:
    return str(page.url.split("/activities/")[1].split("?")[0])


def test_provider_positions_an_activity_and_reports_progress(
    page: Any,
    sign_in: Callable[[Any, str], DemoLogin],
    check_page: Callable[[Any, str], list[Path]],
    web_server: WebServer,
) -> None:
    sign_in(page, "provider")
    page.goto("/app/provider/activities")
    expect(page.get_by_role("heading", name="Your activities")).to_be_visible()
    check_page(page, "provider-activities")

    page.get_by_role("link", name="Position a new activity").click()
    expect(page.locator(".leaflet-container")).to_be_visible()
    check_page(page, "provider-new-activity")
    page.get_by_role("button", name="Position the activity").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the activity's name")
    expect(summary).to_contain_text("click the map")
    expect(page).to_have_title("Error: Position a new activity – dicm")
    check_page(page, "provider-new-activity-errors")

    page.get_by_label("Name of the activity").fill("Knife crime workshops")
    page.get_by_label("Postcode or place name", exact=True).fill("RG1 1AF")
    page.get_by_label("Serious violence and knife crime").check()
    page.get_by_label("Kind of support").select_option("volunteering")
    page.get_by_label("How much").fill("120")
    page.get_by_label("Title of the evidence").fill("Evaluation 2025")
    page.get_by_role("button", name="Position the activity").click()
    expect(page.get_by_text("Activity positioned")).to_be_visible()
    expect(page.get_by_text("Waiting for a validator")).to_be_visible()
    check_page(page, "provider-activity")
    by_postcode = _activity_id(page)
    with web_server.api("provider") as api:
        props = api.get(f"/activities/{by_postcode}").json()["properties"]
    assert props["validation_status"] == "pending" and props["postcode"] == "RG1 1AF"
    assert props["territory_code"] == "E23000029"

    page.goto("/app/provider/activities/new")
    page.get_by_label("Name of the activity").fill("Placed by a click")
    page.get_by_label("Domestic abuse").check()
    page.locator("#pick-map").click()  # the middle of the map: inside the provider's territory
    expect(page.locator("#pick-status")).to_contain_text("Placed on the map")
    page.get_by_role("button", name="Position the activity").click()
    expect(page.get_by_text("Activity positioned")).to_be_visible()
    with web_server.api("provider") as api:
        clicked = api.get(f"/activities/{_activity_id(page)}").json()
    assert clicked["properties"]["postcode"] is None
    assert clicked["properties"]["validation_status"] == "pending"

    page.goto("/app/provider/activities")
    line_link = page.locator("a[data-reportable]").first
    href = str(line_link.get_attribute("href"))
    spo_id, line_id = href.split("/")[-2:]
    with web_server.api("provider") as api:
        before = _delivered(api.get(f"/spos/{spo_id}/progress").json(), line_id)
    line_link.click()
    check_page(page, "provider-line")
    page.get_by_label("Amount delivered", exact=False).fill("100000")
    page.get_by_role("button", name="Report progress").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("commit")
    check_page(page, "provider-line-errors")
    page.get_by_label("Amount delivered", exact=False).fill("2")
    page.get_by_label("Delivered on").fill(date.today().isoformat())
    page.get_by_role("button", name="Report progress").click()
    expect(page.get_by_text("Progress reported")).to_be_visible()
    with web_server.api("provider") as api:
        after = _delivered(api.get(f"/spos/{spo_id}/progress").json(), line_id)
    assert after == before + 2


def _delivered(progress: dict[str, Any], line_id: str) -> float:
    return float(next(x["delivered"] for x in progress["lines"] if x["line_id"] == line_id))
