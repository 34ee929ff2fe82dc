"""The admin's journey in Chromium: the home page's "Manage accounts", the accounts with role and
organisation, a new account (refused first, in an error summary), a password reset and disabling
the account; each outcome checked by signing in as that account in a second browser."""

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
NEW_ID = "web-made-provider"


def _can_sign_in(browser: Any, url: str, account_id: str, password: str) -> bool:
    """Whether ``account_id`` signs in with ``password`` (a fresh browser, the sign-in form)."""
    context = browser.new_context(base_url=url)
    page = context.new_page()
    try:
        page.goto("/app/sign-in")
        page.get_by_label("Account id").fill(account_id)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return bool(page.url == f"{url}/app")
    finally:
        context.close()


def test_an_admin_creates_an_account_resets_its_password_and_disables_it(
    page: Any, browser: Any, web_server: WebServer, sign_in: SignIn, check_page: CheckPage
) -> None:
    sign_in(page, "admin")
    page.get_by_role("link", name="Manage accounts").click()
    page.wait_for_url("**/app/admin/accounts")
    supplier = web_server.logins["supplier"]
    row = page.locator(f"#account-{supplier.id}")
    assert "supplier" in row.inner_text() and str(supplier.organisation_id) in row.inner_text()
    check_page(page, "admin-accounts")

    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Account id").fill(supplier.id)  # taken
    page.get_by_label("Role").select_option("provider")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    summary = page.locator(".govuk-error-summary")
    assert "already an account" in summary.inner_text()
    assert "8 characters" in summary.inner_text()
    assert "Enter the name" in summary.inner_text()
    assert page.locator("#account_id-error").count() == 1
    check_page(page, "admin-new-account-refused")

    provider = web_server.logins["provider"]
    page.get_by_label("Account id").fill(NEW_ID)
    page.get_by_label("Name").fill("Made on the web")
    page.get_by_label("Role").select_option("provider")
    page.get_by_label("Organisation id").fill(str(provider.organisation_id))
    page.get_by_label("Password").fill("first password 1")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(rf"/app/admin/accounts/{NEW_ID}\?done=created$"))
    assert "Account created" in page.locator("main").inner_text()
    check_page(page, "admin-account")
    assert _can_sign_in(browser, web_server.url, NEW_ID, "first password 1")

    page.get_by_label("New password").fill("second password 2")
    page.get_by_role("button", name="Reset password").click()
    page.wait_for_url(re.compile(r"\?done=password$"))
    assert not _can_sign_in(browser, web_server.url, NEW_ID, "first password 1")
    assert _can_sign_in(browser, web_server.url, NEW_ID, "second password 2")

    page.get_by_role("button", name=re.compile("Disable account")).click()
    page.wait_for_url(re.compile(r"\?done=disabled$"))
    assert "disabled" in page.locator("main").inner_text()
    assert not _can_sign_in(browser, web_server.url, NEW_ID, "second password 2")
    page.goto("/app/admin/accounts")
    assert "disabled" in page.locator(f"#account-{NEW_ID}").inner_text()


def test_an_admin_cannot_disable_itself_and_a_short_password_is_refused(
    page: Any, web_server: WebServer, sign_in: SignIn, check_page: CheckPage
) -> None:
    admin = sign_in(page, "admin")
    page.goto(f"/app/admin/accounts/{admin.id}")
    page.get_by_label("New password").fill("short")
    page.get_by_role("button", name="Reset password").click()
    assert "8 characters" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_role("button", name=re.compile("Disable account")).click()
    assert "signed in with" in page.locator(".govuk-error-summary").inner_text()
    check_page(page, "admin-account-refused")
    assert _still_signed_in(page)


def _still_signed_in(page: Any) -> bool:
    page.goto("/app")
    return "/app/sign-in" not in page.url


def test_the_admin_pages_are_refused_to_other_roles_in_words(
    page: Any, sign_in: SignIn, check_page: CheckPage
) -> None:
    sign_in(page, "supplier")
    response = page.goto("/app/admin/accounts")
    assert response is not None and response.status == 403
    assert "this page is for admin accounts" in page.locator("main").inner_text()
    check_page(page, "admin-refused")


def test_an_admin_form_without_its_csrf_token_is_refused(page: Any, sign_in: SignIn) -> None:
    """The admin's own signed-in browser, made to post by another site: no CSRF token."""
    sign_in(page, "admin")
    form = {
        "account_id": "forged-admin",
        "name": "Forged",
        "role": "admin",
        "password": "long enough password",
    }
    answer = page.request.post("/app/admin/accounts", form=form)
    assert answer.status == 403 and "did not come from dicm" in answer.text()
    page.goto("/app/admin/accounts")
    assert page.locator("#account-forged-admin").count() == 0
