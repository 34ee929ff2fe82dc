"""Domain errors shared by the store and the services; the API maps each to a problem type."""

from __future__ import annotations


class DomainError(Exception):
    """Base class; ``code`` is the stable machine name used in problem+json ``type``."""

    code = "domain-error"


class NotFound(DomainError, LookupError):
    """An entity or code that does not exist."""

    code = "not-found"


class UnknownReference(DomainError, ValueError):
    """A foreign key (an id or ONS code) that points at nothing."""

    code = "unknown-reference"


class Conflict(DomainError):
    """The entity already exists, or the operation clashes with its current state."""

    code = "conflict"


class StaleVersion(Conflict):
    """Optimistic locking: the entity changed since the caller read it."""

    code = "stale-version"


class Forbidden(DomainError, PermissionError):
    """The actor's role may not do this."""

    code = "forbidden"


class InvalidInput(DomainError, ValueError):
    """Input that is well-formed but not acceptable (a radius of zero, negative weights...)."""

    code = "invalid-input"


class Locked(Conflict):
    """A locked (awarded) SPO cannot change except through a recorded variation."""

    code = "locked"


class TamperDetected(DomainError):
    """A stored locked SPO no longer matches its content hash."""

    code = "tamper-detected"


class InvalidQuery(InvalidInput):
    """A query parameter a client got wrong (an OGC API filter, sort, CRS or limit): 400."""

    code = "invalid-query"


class DeliveryExceedsCommitment(InvalidInput):
    """Delivery reported beyond a line's committed amount (the buyer records a variation)."""

    code = "delivery-exceeds-commitment"


class FutureDelivery(InvalidInput):
    """Delivery dated after today: it has not happened yet."""

    code = "delivery-in-future"


class NotLineProvider(Forbidden):
    """A provider reporting on a line that supports another provider's activity."""

    code = "not-line-provider"


class ReasonRequired(InvalidInput):
    """A decision that must be explained (a rejection) came without a written reason."""

    code = "reason-required"


class TenderClosed(Conflict):
    """A bid outside the tender's open/close dates, or an edit after it closed."""

    code = "tender-closed"


class InvalidMark(InvalidInput):
    """A scoring mark that is unknown to the rubric or out of its range."""

    code = "invalid-mark"


class InvalidLots(InvalidInput):
    """A tender's lots that are not valid polygons, repeat an id, overlap one another or lie
    outside the tender's delivery area (or, without one, its territory)."""

    code = "invalid-lots"


class InvalidDates(InvalidInput):
    """Dates in the wrong order, e.g. a tender that closes before it opens."""

    code = "invalid-dates"
