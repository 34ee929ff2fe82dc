"""Driver exceptions -> ``domain.errors``: the only place that knows how drivers fail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from domain.errors import Conflict, DomainError, UnknownReference


class StorageError(DomainError):
    """The database failed in a way the caller cannot fix (unavailable, locked, corrupt).

    The message carries the driver's text for the log; the API never shows it."""

    code = "storage-unavailable"


def is_unique_violation(exc: IntegrityError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def inserted_new(conn: Connection, insert: Callable[[], None]) -> bool:
    """Run ``insert`` (a plain INSERT of rows whose keys are usually new) in a savepoint: True
    when it went in; False when a key was already there, the savepoint rolled back so the
    caller can upsert instead (the cheaper path for a bulk load of new rows, issue 19). Any
    other error is raised with the savepoint rolled back: a caller's unit of work that goes
    on after it holds nothing of the failed insert (``insert`` may encode its rows as it
    writes them, ``store.bulk_ahead``, so an error can come after some rows went in)."""
    savepoint = conn.begin_nested()
    try:
        insert()
    except IntegrityError as exc:
        savepoint.rollback()
        if not is_unique_violation(exc):
            raise
        return False
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    savepoint.commit()
    return True


def is_fk_violation(exc: IntegrityError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate == "23503" or "FOREIGN KEY constraint failed" in str(exc.orig)


@contextmanager
def translated(what: str, *, deleting: bool = False) -> Iterator[None]:
    """Run a database operation; re-raise driver errors as domain errors about ``what``."""
    try:
        yield
    except DomainError:
        raise
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise Conflict(f"{what} already exists") from None
        if is_fk_violation(exc):
            if deleting:
                raise Conflict(f"{what} is still referred to by other records") from None
            raise UnknownReference(f"{what} refers to something that does not exist") from None
        raise Conflict(f"{what} breaks a database constraint") from None
    except DBAPIError as exc:
        driver = f"{type(exc.orig).__name__}: {exc.orig}"
        raise StorageError(f"database error on {what}: {driver}") from None
    except SQLAlchemyError as exc:
        raise StorageError(f"database error on {what}: {type(exc).__name__}") from None
