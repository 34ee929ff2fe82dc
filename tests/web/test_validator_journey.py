"""The validator's journey in a browser: sign in, open the queue of my territory (map and list),
validate one activity, try to decline another without a reason (the error summary), then
decline it with one; both decisions checked through the API, every page checked by axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import WebServer
from tests.web.harness import DemoLogin
from tests.web.roles_seed import ensure_pending


def _status(server: WebServer, activity_id: str) -> str:
    with server.api("validator") as api:
        return str(api.get(f"/activities/{activity_id}").json()["properties"]["validation_status"])


def test_validator_validates_one_and_declines_one_with_a_reason(
    page: Any,
    sign_in: Callable[[Any, str], DemoLogin],
    check_page: Callable[[Any, str], list[Path]],
    web_server: WebServer,
) -> None:
    first, second = (f["id"] for f in ensure_pending(web_server, 2)[:2])
    sign_in(page, "validator")
    page.goto("/app/validator/queue")
    expect(page.get_by_role("heading", name="Activities to validate")).to_be_visible()
    expect(page.locator(".leaflet-interactive").first).to_be_visible()
    check_page(page, "validator-queue")

    page.locator(f'a[data-feature="{first}"]').click()  # htmx: the review in the side panel
    expect(page.get_by_role("button", name="Save the decision")).to_be_visible()
    check_page(page, "validator-review-panel")
    page.get_by_label("Validate: it delivers dual impact").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("is now validated")).to_be_visible()
    assert _status(web_server, first) == "validated"

    page.goto(f"/app/validator/activities/{second}")  # the review as a page of its own
    check_page(page, "validator-review")
    # a "renew" posted for a pending activity (a crafted form) must not validate it
    validate = page.get_by_label("Validate: it delivers dual impact")
    validate.evaluate("radio => { radio.value = 'renew'; radio.checked = true; }")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "the activity is pending, so it cannot be renewed"
    )
    assert _status(web_server, second) == "pending"
    page.get_by_label("Decline it").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are declining")
    check_page(page, "validator-review-errors")
    assert _status(web_server, second) == "pending"
    page.get_by_label("Decline it").check()
    page.get_by_label("Reason").fill("No safeguarding policy for work with children")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("is now declined")).to_be_visible()
    assert _status(web_server, second) == "declined"
    with web_server.api("validator") as api:
        history = api.get(f"/activities/{second}/history").json()
    assert history[-1]["reason"] == "No safeguarding policy for work with children"

    # a decision posted without the form's CSRF token (another site's form) changes nothing
    refused = page.request.post(
        f"{web_server.url}/app/validator/activities/{first}/decision",
        form={"expected_version": "2", "decision": "decline", "reason": "forged"},
    )
    assert refused.status == 403
    assert _status(web_server, first) == "validated"


def _validity(server: WebServer, activity_id: str) -> tuple[str, str | None]:
    with server.api("validator") as api:
        props = api.get(f"/activities/{activity_id}").json()["properties"]
    return str(props["validation_status"]), props["validated_until"]


def test_validator_renews_a_validation_about_to_lapse(
    page: Any,
    sign_in: Callable[[Any, str], DemoLogin],
    check_page: Callable[[Any, str], list[Path]],
    web_server: WebServer,
) -> None:
    """The queue lists validations ending soon with a Renew button; renewing one extends it
    for a full validity period (services.validation), as the API then shows."""
    sign_in(page, "validator")
    task = page.locator(".govuk-task-list__item", has_text="Renew validations")
    assert "to do" in task.inner_text()  # the home page's task list counts them
    task.get_by_role("link").click()
    page.wait_for_url("**/app/validator/queue")
    renewals = page.locator("table", has_text="Ending soon or lapsed")
    ending = renewals.locator("tr", has_text="Validation ends")
    assert ending.count() > 0, "the demo validator has no validation ending soon"
    check_page(page, "validator-queue-renewals")
    row = ending.first
    activity_id = str(row.locator("a[data-feature]").get_attribute("data-feature"))
    status, before = _validity(web_server, activity_id)
    assert status == "validated" and before is not None
    days_left = (date.fromisoformat(before) - date.today()).days
    assert 0 <= days_left <= 60

    row.get_by_role("button", name=re.compile("^Renew")).click()
    expect(page.get_by_text("is now validated")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Valid until")
    check_page(page, "validator-renewed")
    status, after = _validity(web_server, activity_id)
    assert status == "validated" and after is not None
    assert date.fromisoformat(after) > date.fromisoformat(before) + timedelta(days=60)
    # no longer ending soon: off the renewal list
    assert page.locator(f'tr:has(a[data-feature="{activity_id}"])').count() == 0
    with web_server.api("validator") as api:
        history = api.get(f"/activities/{activity_id}/history").json()
    assert history[-1]["action"].endswith("renew")
