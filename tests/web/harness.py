"""The browser harness of the web pages: a guard recording what a page asked for and what it
logged, sign-in as a demo account, and ``check_page`` (axe-core, screenshots at desktop and phone
size, no sideways scroll at phone size)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maps.assets import VENDOR_DIR
from tests.maps.browser import ROOT, is_local, sign_in_with_form

SCREENS = ROOT / "artifacts" / "screens"
AXE_JS = VENDOR_DIR / "axe" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: WCAG 2.2 AA and what it includes
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


@dataclass
class Guard:
    """Every request a page made and every console error it logged. A document answered with
    a 4xx on purpose (a form with errors) logs "Failed to load resource": those are not errors
    of the page."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed_documents: set[str] = field(default_factory=set)

    def attach(self, page: Any) -> None:
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def _on_response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type == "document":
            self.failed_documents.add(response.url)

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and where in self.failed_documents:
            return
        self.errors.append(f"{message.text} ({where})")

    def assert_clean(self) -> None:
        foreign = [u for u in self.requests if not is_local(u)]
        assert foreign == [], f"requests off loopback: {foreign}"
        assert self.errors == [], f"console errors: {self.errors}"


@dataclass(frozen=True)
class DemoLogin:
    """A demo account's sign-in."""

    id: str
    role: str
    password: str
    token: str
    organisation_id: str | None
    territory_code: str | None


def sign_in_as(page: Any, base_url: str, login: DemoLogin) -> None:
    """Sign in through the sign-in form, as a person would; ends on the home page."""
    sign_in_with_form(page, base_url, login.id, login.password)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.2 AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def _describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
            for v in violations
        ],
        indent=1,
    )


#: the elements that stick out past the right edge of the window, innermost first
_TOO_WIDE_JS = """() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.dicm-table-wrap, .leaflet-container')) continue;
    const r = el.getBoundingClientRect();
    const spills = getComputedStyle(el).overflowX === 'visible'
      && el.scrollWidth > el.clientWidth + 1;
    if (r.right > w + 1 || (spills && r.left + el.scrollWidth > w + 1)) {
      const name = [el.tagName.toLowerCase(), ...el.classList].join('.');
      out.push(`${name} ${Math.round(Math.max(r.right, r.left + el.scrollWidth))}px`);
    }
  }
  return out.slice(-5);
}"""


def _too_wide(page: Any) -> list[str]:
    """What makes a page scroll sideways, so the failure names the element to fix."""
    found: list[str] = page.evaluate(_TOO_WIDE_JS)
    return found


def check_page(page: Any, name: str) -> list[Path]:
    """The page as it is: zero serious/critical axe violations at desktop and phone size, no
    sideways scroll on a phone, a screenshot at each size (``artifacts/screens/NAME-*.png``)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    assert page.title().strip(), f"{name}: the page has no <title>"
    shots = []
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        violations = axe_violations(page)
        assert violations == [], f"{name} at {size_name}: {_describe(violations)}"
        if size_name == "phone":
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if widths[0] > widths[1]:
                page.screenshot(path=str(SCREENS / f"{name}-phone-FAILED.png"), full_page=True)
            assert widths[0] <= widths[1], (
                f"{name}: sideways scroll on a phone {widths}, widest: {_too_wide(page)}"
            )
        path = SCREENS / f"{name}-{size_name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)
    page.set_viewport_size(DESKTOP)
    return shots
