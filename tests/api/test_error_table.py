"""Every error class the lower layers can raise answers a status chosen on purpose.

The classes are found by walking the packages, not listed here: a new ``DomainError`` or
``GeoError`` subclass anywhere in domain, geo, spo, boundaries, store or services fails this test
until it declares its own ``code`` and ``api/problems.py`` lists that code. Without that, it
would silently answer its parent's status (``StorageError`` once answered 400 "Request not
acceptable" that way). Each class is then raised from a real route and its answer checked.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.problems import PROBLEM_BASE, PROBLEMS
from dicm.settings import Settings
from domain.errors import DomainError
from geo.errors import GeoError
from services.pages.forms import FormErrors
from store.factory import open_store

LAYERS = ("domain", "geo", "spo", "boundaries", "store", "services")
#: exceptions of those layers that never reach HTTP, with the reason (none today)
NOT_HTTP: dict[str, str] = {}


def _modules() -> Iterator[object]:
    for name in LAYERS:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            if ".migrations" not in info.name:
                yield importlib.import_module(info.name)


def _error_classes() -> list[type[Exception]]:
    found: dict[str, type[Exception]] = {}
    for module in _modules():
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Exception) and value.__module__.split(".")[0] in LAYERS:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[k] for k in sorted(found)]


ERRORS = _error_classes()


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_walk_finds_the_known_errors() -> None:
    names = {_name(c) for c in ERRORS}
    assert {"store.errors.StorageError", "geo.errors.SwappedCoordinates"} <= names
    assert "boundaries.errors.MissingCRS" in names and "services.access.NotAuthenticated" in names


@pytest.mark.parametrize("cls", ERRORS, ids=_name)
def test_each_error_class_has_its_own_entry_in_the_table(cls: type[Exception]) -> None:
    if _name(cls) in NOT_HTTP:
        return
    assert issubclass(cls, DomainError | GeoError), (
        f"{_name(cls)} is neither a DomainError nor a GeoError: the API would answer 500"
    )
    assert "code" in vars(cls), f"{_name(cls)} inherits its code: declare its own"
    code = vars(cls)["code"]
    assert code in PROBLEMS, f"{_name(cls)}.code = {code!r} is not in api/problems.py PROBLEMS"


@pytest.fixture(scope="module")
def raising_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The real app (on a real, empty store: the lifespan starts the event reader on it) with
    one extra route that raises the error class named in the path."""
    settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('errors')}/e.sqlite")
    app = create_app(settings, store=open_store(settings.store))
    by_name = {_name(c): c for c in ERRORS}

    @app.get("/raise/{name}")
    def _raise(name: str) -> None:
        cls = by_name[name]
        if issubclass(cls, FormErrors):  # a form's refusal names its fields
            raise cls({"form": "what went wrong"})
        raise cls("what went wrong")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    "cls", [c for c in ERRORS if issubclass(c, DomainError | GeoError)], ids=_name
)
def test_each_error_class_answers_its_table_status(
    raising_client: TestClient, cls: type[Exception]
) -> None:
    code = vars(cls).get("code", getattr(cls, "code", ""))
    status, title = PROBLEMS[code]
    r = raising_client.get(f"/raise/{_name(cls)}")
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["type"] == PROBLEM_BASE + code and body["title"] == title
    if status == 503:
        assert r.headers["Retry-After"].isdigit()
        assert "what went wrong" not in r.text  # the driver's text stays in the log
    else:
        said = "form: what went wrong" if issubclass(cls, FormErrors) else "what went wrong"
        assert body["detail"] == said
