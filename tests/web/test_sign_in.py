"""Sign-in, the home page's tasks, sign-out and error pages, in Chromium, as each demo user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from domain.vocabulary import Role
from services.accounts import create_account, set_password
from store.factory import open_store
from tests.web.conftest import WebServer
from tests.web.harness import DemoLogin

pytestmark = pytest.mark.browser

SignIn = Callable[[Any, str], DemoLogin]
CheckPage = Callable[[Any, str], object]
PASSWORD = "correct horse battery"


def test_a_page_without_a_session_sends_the_browser_to_sign_in_and_back(
    page: Any, web_server: WebServer, check_page: CheckPage
) -> None:
    page.goto("/app/supplier/finder?tender=x")
    assert "/app/sign-in?next=" in page.url
    check_page(page, "sign-in")
    login = web_server.logins["supplier"]
    page.get_by_label("Account id").fill(login.id)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app/supplier/finder?tender=x")


def test_a_wrong_password_shows_an_error_summary_linked_to_the_field(
    page: Any, web_server: WebServer, check_page: CheckPage
) -> None:
    page.goto("/app/sign-in")
    page.get_by_label("Account id").fill(web_server.logins["buyer"].id)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "The account id or the password is not right" in summary.inner_text()
    assert page.title().startswith("Error:")
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "password"
    check_page(page, "sign-in-error")


@pytest.mark.parametrize("role", ["supplier", "buyer", "provider", "validator", "pcc_office"])
def test_every_demo_user_signs_in_to_their_tasks_and_out_again(
    page: Any, sign_in: SignIn, check_page: CheckPage, role: str
) -> None:
    login = sign_in(page, role)
    assert page.get_by_role("heading", level=1).inner_text() == "Your tasks"
    assert login.id and page.locator(".dicm-header__user").is_visible()
    assert page.locator(".govuk-task-list__item").count() >= 1
    check_page(page, f"home-{role}")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/app/sign-in")
    page.goto("/app")
    assert "/app/sign-in" in page.url


def test_the_session_cookie_is_signed_http_only_and_same_site(page: Any, sign_in: SignIn) -> None:
    sign_in(page, "supplier")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "dicm_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert cookie["expires"] > 0  # it expires (idle timeout), not a forever cookie


def test_a_form_without_its_csrf_token_is_refused_with_a_page(web_server: WebServer) -> None:
    login = web_server.logins["supplier"]
    with httpx.Client(base_url=web_server.url) as client:
        answer = client.post(
            "/app/sign-in", data={"account_id": login.id, "password": login.password}
        )
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "did not come from dicm" in answer.text
    assert "dicm_session" not in answer.cookies or "account_id" not in answer.text


def test_errors_on_pages_are_pages_and_on_the_api_problem_json(
    page: Any, sign_in: SignIn, web_server: WebServer, check_page: CheckPage
) -> None:
    sign_in(page, "supplier")
    answer = page.goto("/app/no-such-page")
    assert answer is not None and answer.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    check_page(page, "error-404")
    api = httpx.get(f"{web_server.url}/spos/no-such-spo", timeout=10)
    assert api.headers["content-type"].startswith("application/problem+json")


def test_repeated_wrong_passwords_make_the_account_wait(web_server: WebServer) -> None:
    store = open_store(web_server.settings.store)
    try:  # an account of its own: the demo accounts must stay usable for the other tests
        create_account(store, id_="throttled", name="Throttled", role=Role.ADMIN)
        set_password(store, "throttled", PASSWORD)
    finally:
        store.close()
    with httpx.Client(base_url=web_server.url) as client:
        form = client.get("/app/sign-in").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        data = {"account_id": "throttled", "csrf_token": token}
        answers = [
            client.post("/app/sign-in", data={**data, "password": f"wrong-{i}"}).text
            for i in range(web_server.settings.web.sign_in_attempts + 1)
        ]
        right = client.post("/app/sign-in", data={**data, "password": PASSWORD})
    assert "Too many wrong passwords" in answers[-1]
    assert right.status_code == 400 and "Too many wrong passwords" in right.text
