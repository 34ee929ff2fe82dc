"""The supplier's draft SPO in Chromium: lines per support type (cash £, volunteer hours,
in-kind) with milestones, a unit the line rule refuses, removing a line, a second activity from
the finder, a closed tender refused in words, and the printable SPO document (print media)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from domain.model import Tender
from spo.measure import measure_spo, totals
from spo.model import Spo
from store.factory import open_store
from tests.web.conftest import WebServer
from tests.web.harness import DemoLogin

pytestmark = pytest.mark.browser

SignIn = Callable[[Any, str], DemoLogin]
CheckPage = Callable[[Any, str], object]


def _draft_from_finder(page: Any, amount: str = "1000", query: str = "") -> str:
    """A new draft SPO from the first result of the finder; its id."""
    page.goto(f"/app/supplier/finder{query}")
    first = page.locator("#results > li").first
    first.get_by_label("Amount").fill(amount)
    first.get_by_role("button", name=re.compile("Add to SPO")).click()
    page.wait_for_url(re.compile(r"/app/supplier/spos/spo-[0-9a-f-]+$"))
    spo_id: str = page.url.rsplit("/", 1)[1]
    return spo_id


def _add_line(page: Any, support: str, amount: str, unit: str, **milestones: str) -> None:
    form = page.locator("#add-line")
    form.get_by_label("Kind of support").select_option(support)
    form.get_by_label("Amount", exact=True).fill(amount)
    form.get_by_label("Counted in").select_option(unit)
    for name, value in milestones.items():
        form.locator(f"#{name.replace('_', '-')}").fill(value)
    with page.expect_navigation():
        form.get_by_role("button", name="Add the line").click()


def test_a_draft_gets_lines_per_support_type_with_milestones_and_loses_one(
    page: Any, web_server: WebServer, sign_in: SignIn, check_page: CheckPage
) -> None:
    sign_in(page, "supplier")
    spo_id = _draft_from_finder(page, "1500")
    soon, later = date.today() + timedelta(days=60), date.today() + timedelta(days=200)
    _add_line(
        page,
        "volunteering",
        "120",
        "hours",
        milestone_1_due=soon.isoformat(),
        milestone_1_amount="40",
        milestone_2_due=later.isoformat(),
        milestone_2_amount="120",
    )
    _add_line(page, "in_kind", "30", "items")
    main = page.locator("main").inner_text()
    assert "120 hours" in main and "30 items" in main and "£1,500.00" in main
    assert f"40 hours by {soon.strftime('%-d %B %Y')}" in main
    assert page.locator(".govuk-error-summary").count() == 0
    check_page(page, "supplier-spo-lines")

    # the line rule checks the unit of a support type: cash is counted in £, not hours
    _add_line(page, "cash", "500", "hours")
    summary = page.locator(".govuk-error-summary")
    assert "cash is committed in GBP" in summary.inner_text()
    assert page.locator("#add-line").get_by_label("Amount", exact=True).input_value() == "500"
    check_page(page, "supplier-spo-line-refused")

    # a milestone that passes the line's amount is refused by the same rule
    _add_line(
        page,
        "volunteering",
        "10",
        "hours",
        milestone_1_due=soon.isoformat(),
        milestone_1_amount="11",
    )
    assert "milestone amount" in page.locator(".govuk-error-summary").inner_text()
    _add_line(page, "volunteering", "", "hours")
    assert page.locator("#line-amount-error").count() == 1
    assert "Enter the amount" in page.locator(".govuk-error-summary").inner_text()

    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Remove the in kind line")).click()
    assert "30 items" not in page.locator("main").inner_text()

    with web_server.api("supplier") as api:
        body = api.get(f"/spos/{spo_id}").json()
    kinds = sorted((x["support_type"], x["amount"], x["unit"]) for x in body["lines"])
    assert kinds == [("cash", 1500, "GBP"), ("volunteering", 120, "hours")]
    hours = next(x for x in body["lines"] if x["unit"] == "hours")
    assert [m["amount"] for m in hours["milestones"]] == [40, 120]


def test_more_activities_are_added_to_the_same_draft_from_the_finder(
    page: Any, web_server: WebServer, sign_in: SignIn
) -> None:
    sign_in(page, "supplier")
    spo_id = _draft_from_finder(page)
    page.get_by_role("link", name="Find more activities for this SPO").click()
    assert page.locator("#adding-to").is_visible()
    second = page.locator("#results > li").nth(1)
    activity_id = second.locator("input[name=activity_id]").input_value()
    second.get_by_label("Amount").fill("750")
    second.get_by_role("button", name=re.compile("Add to SPO")).click()
    page.wait_for_url(f"**/app/supplier/spos/{spo_id}")
    with web_server.api("supplier") as api:
        lines = api.get(f"/spos/{spo_id}").json()["lines"]
    assert len(lines) == 2
    assert activity_id in {x["activity_id"] for x in lines}


def _closed_copy_of(web_server: WebServer, tender_id: str) -> str:
    """A copy of the tender still marked open whose closing date has passed (a buyer who let
    it lapse); its id sorts after the demo's so no other test picks it by default."""
    store = open_store(web_server.settings.store)
    try:
        tender = store.get(Tender, tender_id)
        copy = replace(
            tender,
            id=f"zz-lapsed-{secrets.token_hex(3)}",
            title=f"{tender.title} (lapsed)",
            opens=date.today() - timedelta(days=90),
            closes=date.today() - timedelta(days=2),
            version=1,
        )
        store.put(copy)
        return copy.id
    finally:
        store.close()


def test_submitting_after_the_tender_closed_is_refused_in_words(
    page: Any, web_server: WebServer, sign_in: SignIn, check_page: CheckPage
) -> None:
    sign_in(page, "supplier")
    page.goto("/app/supplier/finder")
    lapsed = _closed_copy_of(web_server, page.locator("#tender").input_value())
    spo_id = _draft_from_finder(page, query=f"?tender={lapsed}")
    closed_on = (date.today() - timedelta(days=2)).strftime("%-d %B %Y")
    assert closed_on in page.locator("main").inner_text()
    page.get_by_role("button", name="Submit SPO to the tender").click()
    summary = page.locator(".govuk-error-summary")
    assert f"The tender closed on {closed_on}" in summary.inner_text()
    assert page.locator("#submit .govuk-error-message").count() == 1
    check_page(page, "supplier-spo-closed")
    with web_server.api("supplier") as api:
        assert api.get(f"/spos/{spo_id}").json()["state"] == "draft"


def test_the_printable_spo_document_of_an_awarded_spo_shows_its_lock_hash(
    page: Any, web_server: WebServer, sign_in: SignIn, check_page: CheckPage
) -> None:
    sign_in(page, "supplier")
    with web_server.api("supplier") as api:
        spos = api.get("/spos").json()
    locked = [s for s in spos if s.get("content_hash")]
    assert locked, "the demo supplier has no awarded SPO"
    spo = locked[0]
    page.goto(f"/app/supplier/spos/{spo['id']}")
    page.get_by_role("link", name="The SPO document (printable)").click()
    page.wait_for_url(f"**/app/supplier/spos/{spo['id']}/document")
    check_page(page, "supplier-spo-document")

    page.emulate_media(media="print")
    assert not page.locator(".dicm-header").first.is_visible()
    assert not page.locator(".govuk-footer").is_visible()
    document = page.locator("#spo-document")
    text = document.inner_text()
    assert spo["content_hash"] in page.locator("#lock-hash").inner_text()
    for heading in ("What", "Where", "When", "Toward the priority", "Committed £"):
        assert heading in text, heading
    assert len(document.locator(".dicm-doc__line").all()) == len(spo["lines"])
    total = re.search(r"Committed social value\s*£([\d,]+\.\d\d)", text)
    assert total is not None, text
    store = open_store(web_server.settings.store)
    try:
        stored = store.get(Spo, spo["id"])
    finally:
        store.close()
    expected = totals(measure_spo(stored, [], as_of=date.today())).committed_gbp
    assert float(total.group(1).replace(",", "")) == pytest.approx(expected)
    assert expected > 0
    page.emulate_media(media="screen")


def test_a_drafts_document_says_it_is_not_locked_yet(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "supplier")
    spo_id = _draft_from_finder(page, "2000")
    page.goto(f"/app/supplier/spos/{spo_id}/document")
    page.emulate_media(media="print")
    text = page.locator("#spo-document").inner_text()
    assert "Not awarded yet" in text
    assert "£2,000.00" in text
