"""The PCC analyst's journey in a browser: sign in, read £ by plan priority against the plan,
filter by priority and period with the form, drill down from a hexagon to the SPOs behind it,
and check every figure on the way against the API (the one measure); every page checked by axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import WebServer
from tests.web.harness import DemoLogin
from tests.web.roles_seed import TERRITORY


def _gbp(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"£([\d,]+)", text)]


def test_pcc_filters_by_priority_and_period_and_drills_down_to_an_spo(
    page: Any,
    sign_in: Callable[[Any, str], DemoLogin],
    check_page: Callable[[Any, str], list[Path]],
    web_server: WebServer,
) -> None:
    with web_server.api("pcc_office") as api:
        report = api.get("/reports/social-value", params={"format": "json"}).json()
    line = max(report["lines"], key=lambda x: x["committed_gbp"])
    priority, period = line["priority"], line["committed_period"]

    sign_in(page, "pcc_office")
    page.goto("/app/pcc")
    expect(
        page.get_by_role("heading", name="Social value against the Police & Crime Plan")
    ).to_be_visible()
    check_page(page, "pcc-dashboard")

    page.get_by_label("Priority").select_option(priority)
    page.get_by_label("Period").select_option(period)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(f"priority={priority}&period={period}"))
    with web_server.api("pcc_office") as api:
        params = {"level": "h3", "resolution": 7, "priority": priority, "period": period}
        cells = api.get(f"/territories/{TERRITORY}/heatmap", params=params).json()["features"]
    committed = sum(c["properties"]["committed_gbp"] for c in cells)
    expect(page.locator("#dashboard-body .govuk-body-l")).to_contain_text(f"£{committed:,.0f}")
    check_page(page, "pcc-dashboard-filtered")

    best = max(cells, key=lambda c: c["properties"]["committed_gbp"])
    cell = best["id"]
    page.locator(f'a[data-feature="{cell}"]').click()  # htmx: the SPOs in the panel
    panel = page.locator("#drill-panel")
    expect(panel).to_contain_text(f"SPOs behind hexagon {cell}")
    shown = _gbp(panel.locator("p").first.inner_text())[0]
    assert shown == round(best["properties"]["committed_gbp"])
    check_page(page, "pcc-drill-panel")
    spo_link = panel.locator("a").first
    spo_id = str(spo_link.get_attribute("href")).rsplit("/", 1)[-1]
    assert spo_id in {x["spo_id"] for x in report["lines"]}

    page.goto(f"/app/pcc/drill?cell={cell}&priority={priority}&period={period}")
    expect(page.get_by_role("heading", name="Where the figure comes from")).to_be_visible()
    check_page(page, "pcc-drill")
    with page.expect_download() as download:
        page.goto("/app/pcc")
        page.get_by_role("link", name=re.compile("Download these figures")).click()
    assert download.value.suggested_filename.startswith(f"social-value-{TERRITORY}")
