"""The supplier's journey in Chromium: the finder's ranked list and map, "Add to SPO" on the
first result, the draft SPO, submitting it to the tender and the list of my SPOs; the outcome
checked through the API with the supplier's bearer token."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.web.conftest import WebServer
from tests.web.harness import DemoLogin

pytestmark = pytest.mark.browser

SignIn = Callable[[Any, str], DemoLogin]
CheckPage = Callable[[Any, str], object]


def test_a_supplier_finds_an_activity_drafts_an_spo_and_submits_it(
    page: Any, web_server: WebServer, sign_in: SignIn, check_page: CheckPage
) -> None:
    sign_in(page, "supplier")
    page.goto("/app/supplier/finder")
    results = page.locator("#results > li")
    assert results.count() > 0, page.locator("main").inner_text()
    first = results.first
    assert "out of 100" in first.inner_text()
    assert page.locator(".dicm-marker:not(.dicm-marker--nearby)").count() == results.count()
    check_page(page, "supplier-finder")

    first.get_by_label("Amount").fill("2500")
    first.get_by_role("button", name=re.compile("Add to SPO")).click()
    page.wait_for_url(re.compile(r"/app/supplier/spos/spo-[0-9a-f]+$"))
    spo_id = page.url.rsplit("/", 1)[1]
    assert "£2,500.00" in page.locator("main").inner_text()
    check_page(page, "supplier-spo-draft")

    page.get_by_role("button", name="Submit SPO to the tender").click()
    page.wait_for_url(f"**/app/supplier/spos/{spo_id}")
    assert "submitted" in page.locator("main").inner_text()

    page.goto("/app/supplier/spos")
    assert spo_id in page.locator("main").inner_html()
    check_page(page, "supplier-spos")

    with web_server.api("supplier") as api:
        answer = api.get(f"/spos/{spo_id}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["state"] == "submitted"
    assert len(body["lines"]) == 1
    assert body["lines"][0]["amount"] == 2500


def test_the_finder_says_so_in_words_when_nothing_is_in_reach(
    page: Any, sign_in: SignIn, check_page: CheckPage
) -> None:
    sign_in(page, "supplier")
    page.goto("/app/supplier/finder?reach_km=0.01")
    assert page.locator("#results > li").count() == 0
    assert "No activities found" in page.locator("main").inner_text()
    check_page(page, "supplier-finder-empty")


def test_a_refused_amount_is_explained_in_an_error_summary(
    page: Any, sign_in: SignIn, check_page: CheckPage
) -> None:
    sign_in(page, "supplier")
    # the route once read "1.200,00" as 0 (and "1,20" as 120): now the one parser says why
    for typed, says in (("0", "must be more than 0"), ("1.200,00", "ambiguous")):
        page.goto("/app/supplier/finder")
        first = page.locator("#results > li").first
        first.get_by_label("Amount").fill(typed)
        first.get_by_role("button", name=re.compile("Add to SPO")).click()
        summary = page.locator(".govuk-error-summary")
        assert says in summary.inner_text()
    check_page(page, "supplier-spo-refused")


def test_a_place_that_is_not_found_is_explained_by_the_field(
    page: Any, sign_in: SignIn, check_page: CheckPage
) -> None:
    sign_in(page, "supplier")
    page.goto("/app/supplier/finder?near=zz")
    assert page.locator(".govuk-error-summary").count() == 1
    assert page.locator("#near-error").count() == 1
    check_page(page, "supplier-finder-near-error")


def test_the_map_popup_starts_an_spo_in_the_web_flow(
    page: Any, web_server: WebServer, sign_in: SignIn, check_page: CheckPage
) -> None:
    """The folium finder opens with the session cookie (no ``?token=``); its popup's "Start a
    Social Purchase Order" link opens the Add-to-SPO form (it once went to the JSON API's
    ``/spos/new``: a raw 401 in a browser), which drafts the SPO for that activity."""
    login = sign_in(page, "supplier")
    page.goto(f"/maps/supplier/{login.organisation_id}")
    page.wait_for_selector(".dicm-rank", state="attached")
    # by keyboard (focus the first-ranked marker, Enter), as Leaflet allows: a mouse click on a
    # loaded machine could land while the map was still fitting its bounds and miss the marker
    first = page.locator(".dicm-rank").first
    first.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a", has_text="Start a Social Purchase Order")
    href = str(link.get_attribute("href"))
    assert href.startswith("/app/supplier/spos/new?activity=")
    activity_id = href.split("activity=", 1)[1]
    link.click()
    page.wait_for_url(re.compile(r"/app/supplier/spos/new\?activity="))
    assert page.get_by_role("button", name="Add to SPO").count() == 1
    check_page(page, "supplier-add-to-spo")

    page.get_by_label("Amount").fill("750")
    page.get_by_role("button", name="Add to SPO").click()
    page.wait_for_url(re.compile(r"/app/supplier/spos/spo-[0-9a-f]+$"))
    spo_id = page.url.rsplit("/", 1)[1]
    with web_server.api("supplier") as api:
        body = api.get(f"/spos/{spo_id}").json()
    assert body["state"] == "draft"
    assert [(line["activity_id"], line["amount"]) for line in body["lines"]] == [(activity_id, 750)]
