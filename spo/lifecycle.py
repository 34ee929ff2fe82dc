"""The SPO lifecycle: one table of (from state, action, to state, parties allowed).

draft → submitted → scored → awarded (locked) | not_awarded; awarded → in_delivery → reviewed;
withdrawn from draft or submitted. An administrator may make any transition the table has, never
one it lacks. An SPO whose bid loses (not_awarded) or that is withdrawn is terminal: it is never
formalised. :func:`check_transition` is pure and raises before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import Conflict, Forbidden
from spo.model import SpoState
from spo.permissions import Party


class Action(StrEnum):
    """What a party asks to do to an SPO."""

    EDIT = "edit"  # add or remove a line (draft only)
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    SCORE = "score"
    AWARD = "award"
    REJECT = "reject"
    START_DELIVERY = "start_delivery"
    REPORT_PROGRESS = "report_progress"
    REVIEW = "review"
    VARY = "vary"


@dataclass(frozen=True)
class Transition:
    """One allowed move; ``parties`` lists who may make it (an admin always may)."""

    from_state: SpoState
    action: Action
    to_state: SpoState
    parties: frozenset[Party]


S, A, P = SpoState, Action, Party
_SUP = frozenset({P.SUPPLIER})
_BUY = frozenset({P.BUYER})
_DELIVERERS = frozenset({P.SUPPLIER, P.PROVIDER})
_OPERATORS = frozenset({P.SUPPLIER, P.BUYER})

#: The published lifecycle. Every row implicitly admits ``Party.ADMIN``.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, A.EDIT, S.DRAFT, _SUP),
    Transition(S.DRAFT, A.SUBMIT, S.SUBMITTED, _SUP),
    Transition(S.DRAFT, A.WITHDRAW, S.WITHDRAWN, _SUP),
    Transition(S.SUBMITTED, A.WITHDRAW, S.WITHDRAWN, _SUP),
    Transition(S.SUBMITTED, A.SCORE, S.SCORED, _BUY),
    Transition(S.SCORED, A.SCORE, S.SCORED, _BUY),  # re-scoring replaces the breakdown
    Transition(S.SCORED, A.AWARD, S.AWARDED, _BUY),
    Transition(S.SCORED, A.REJECT, S.NOT_AWARDED, _BUY),
    Transition(S.AWARDED, A.START_DELIVERY, S.IN_DELIVERY, _OPERATORS),
    Transition(S.AWARDED, A.VARY, S.AWARDED, _BUY),
    Transition(S.IN_DELIVERY, A.VARY, S.IN_DELIVERY, _BUY),
    Transition(S.IN_DELIVERY, A.REPORT_PROGRESS, S.IN_DELIVERY, _DELIVERERS),
    Transition(S.IN_DELIVERY, A.REVIEW, S.REVIEWED, _BUY),
)

_BY_KEY: dict[tuple[SpoState, Action], Transition] = {
    (t.from_state, t.action): t for t in TRANSITIONS
}
TERMINAL_STATES = frozenset(s for s in SpoState if not any(t.from_state is s for t in TRANSITIONS))


def find_transition(state: SpoState, action: Action) -> Transition | None:
    """The table row for ``(state, action)``, or None when the table has none."""
    return _BY_KEY.get((state, action))


def may_ever(action: Action, parties: frozenset[Party]) -> bool:
    """True when some row of the table lets one of ``parties`` take ``action``."""
    if Party.ADMIN in parties:
        return True
    return any(t.action is action and t.parties & parties for t in TRANSITIONS)


def check_transition(state: SpoState, action: Action, parties: frozenset[Party]) -> Transition:
    """The transition ``parties`` may make from ``state``; raises and changes nothing otherwise.

    ``Forbidden`` when none of the parties may ever take the action (or may not from this
    state); ``Conflict`` when the action is not possible from this state at all.
    """
    if not may_ever(action, parties):
        raise Forbidden(f"you may not {action.value} this SPO")
    row = find_transition(state, action)
    if row is None:
        raise Conflict(f"cannot {action.value} an SPO that is {state.value}")
    if Party.ADMIN not in parties and not row.parties & parties:
        raise Forbidden(f"you may not {action.value} an SPO that is {state.value}")
    return row
