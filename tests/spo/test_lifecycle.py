"""The SPO transition table: every (state, action, party) pair, allowed or refused."""

from __future__ import annotations

import pytest

from domain.errors import Conflict, DomainError, Forbidden
from domain.vocabulary import Role
from spo.lifecycle import TERMINAL_STATES, TRANSITIONS, Action, check_transition
from spo.model import SpoState
from spo.permissions import Party, SpoParties, parties_of
from tests.spo.builders import make_account

S, A, P = SpoState, Action, Party

# The lifecycle as the issue states it, written out independently of spo.lifecycle.
EXPECTED: dict[tuple[SpoState, Action], tuple[SpoState, frozenset[Party]]] = {
    (S.DRAFT, A.EDIT): (S.DRAFT, frozenset({P.SUPPLIER})),
    (S.DRAFT, A.SUBMIT): (S.SUBMITTED, frozenset({P.SUPPLIER})),
    (S.DRAFT, A.WITHDRAW): (S.WITHDRAWN, frozenset({P.SUPPLIER})),
    (S.SUBMITTED, A.WITHDRAW): (S.WITHDRAWN, frozenset({P.SUPPLIER})),
    (S.SUBMITTED, A.SCORE): (S.SCORED, frozenset({P.BUYER})),
    (S.SCORED, A.SCORE): (S.SCORED, frozenset({P.BUYER})),
    (S.SCORED, A.AWARD): (S.AWARDED, frozenset({P.BUYER})),
    (S.SCORED, A.REJECT): (S.NOT_AWARDED, frozenset({P.BUYER})),
    (S.AWARDED, A.START_DELIVERY): (S.IN_DELIVERY, frozenset({P.SUPPLIER, P.BUYER})),
    (S.AWARDED, A.VARY): (S.AWARDED, frozenset({P.BUYER})),
    (S.IN_DELIVERY, A.VARY): (S.IN_DELIVERY, frozenset({P.BUYER})),
    (S.IN_DELIVERY, A.REPORT_PROGRESS): (S.IN_DELIVERY, frozenset({P.SUPPLIER, P.PROVIDER})),
    (S.IN_DELIVERY, A.REVIEW): (S.REVIEWED, frozenset({P.BUYER})),
}

PARTY_SETS = [frozenset({p}) for p in Party] + [frozenset()]
CASES = [(s, a, ps) for s in SpoState for a in Action for ps in PARTY_SETS]


def _id(case: tuple[SpoState, Action, frozenset[Party]]) -> str:
    s, a, ps = case
    return f"{s.value}-{a.value}-{'+'.join(sorted(ps)) or 'nobody'}"


def test_table_is_exactly_the_published_lifecycle() -> None:
    got = {(t.from_state, t.action): (t.to_state, t.parties) for t in TRANSITIONS}
    assert got == EXPECTED


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_every_pair_is_allowed_or_refused_as_published(
    case: tuple[SpoState, Action, frozenset[Party]],
) -> None:
    state, action, parties = case
    expected = EXPECTED.get((state, action))
    allowed = expected is not None and (P.ADMIN in parties or bool(expected[1] & parties))
    if allowed:
        assert expected is not None
        assert check_transition(state, action, parties).to_state is expected[0]
        return
    with pytest.raises(DomainError) as err:
        check_transition(state, action, parties)
    assert isinstance(err.value, Forbidden | Conflict)
    if P.ADMIN in parties:  # an admin is only ever refused by the table itself
        assert isinstance(err.value, Conflict)


def test_lost_and_withdrawn_spos_are_terminal_and_never_formalised() -> None:
    assert {S.NOT_AWARDED, S.WITHDRAWN, S.REVIEWED} == TERMINAL_STATES
    reachable, frontier = {S.NOT_AWARDED}, [S.NOT_AWARDED]
    while frontier:
        state = frontier.pop()
        for t in TRANSITIONS:
            if t.from_state is state and t.to_state not in reachable:
                reachable.add(t.to_state)
                frontier.append(t.to_state)
    assert S.AWARDED not in reachable


PARTIES = SpoParties(supplier_id="sup-1", buyer_id="buyer-1", provider_ids=frozenset({"prov-1"}))


@pytest.mark.parametrize(
    ("role", "org", "expected"),
    [
        (Role.SUPPLIER, "sup-1", {P.SUPPLIER}),
        (Role.SUPPLIER, "sup-2", set()),  # another supplier's SPO
        (Role.BUYER, "buyer-1", {P.BUYER}),
        (Role.BUYER, "buyer-2", set()),  # another buyer's tender
        (Role.PROVIDER, "prov-1", {P.PROVIDER}),
        (Role.PROVIDER, "prov-9", set()),
        (Role.VALIDATOR, None, set()),
        (Role.PCC_OFFICE, None, set()),
        (Role.ADMIN, None, {P.ADMIN}),
    ],
)
def test_an_account_stands_only_towards_its_own_spos(
    role: Role, org: str | None, expected: set[Party]
) -> None:
    actor = make_account(role, organisation_id=org)
    assert parties_of(actor, PARTIES) == expected


def test_an_inactive_account_stands_nowhere() -> None:
    assert parties_of(make_account(Role.ADMIN, active=False), PARTIES) == frozenset()
