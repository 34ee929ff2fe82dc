"""Random sequences of SPO transitions by random actors, through the services, on a real store.

Invariants checked after every step:
- a locked SPO's commitment never changes except by a recorded variation (one more
  ``Variation`` and a ``spo.vary`` audit entry), and it always verifies against its hash;
- totals (committed and delivered) equal the sums over lines and progress reports;
- every successful change is exactly one audit entry; a refused one changes nothing at all;
- a contract exists exactly when the SPO was awarded; a lost bid is never formalised.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from domain.errors import DomainError, NotFound
from domain.model import Account, Contract
from domain.vocabulary import Role, SupportType
from services import spo as svc
from services.seal import verified
from spo.lifecycle import Action, find_transition
from spo.lockin import commitment_json
from spo.model import ProgressReport, Spo, SpoLine, SpoState
from spo.permissions import Party, SpoParties, parties_of
from spo.progress import spo_progress
from spo.scoring import QUALITATIVE_PARTS, Mark
from store.port import Store
from tests.spo.builders import make_account

AT = datetime(2027, 1, 5, tzinfo=UTC)
MARKS = {name: Mark(2, "adequate") for name in QUALITATIVE_PARTS}
ACTORS: dict[str, Account] = {
    "supplier": make_account(Role.SUPPLIER),
    "other_supplier": make_account(Role.SUPPLIER, id="acct-sup2", organisation_id="sup-2"),
    "buyer": make_account(Role.BUYER),
    "other_buyer": make_account(Role.BUYER, id="acct-buy2", organisation_id="buyer-2"),
    "provider": make_account(Role.PROVIDER),
    "other_provider": make_account(Role.PROVIDER, id="acct-prov2", organisation_id="prov-2"),
    "validator": make_account(Role.VALIDATOR),
    "admin": make_account(Role.ADMIN, organisation_id=None),
}
_ids = itertools.count()


class SpoMachine(RuleBasedStateMachine):
    store: Store  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self.spo_id = f"hspo-{next(_ids)}"
        spo = svc.create_draft(
            self.store, actor=ACTORS["supplier"], spo_id=self.spo_id, tender_id="tender-1", at=AT
        )
        self.successes = 1  # the draft's creation
        self.awarded_json: str | None = None
        self.variations = 0
        self.lost = False
        self.version = spo.version

    # --- helpers ---------------------------------------------------------------------------
    def stored(self) -> Spo:
        return self.store.get(Spo, self.spo_id)  # raw: no verification

    def reports(self) -> list[ProgressReport]:
        return svc.progress_reports(self.store, self.spo_id)

    def audit(self) -> int:
        return len(svc.history(self.store, self.spo_id))

    def attempt(self, action: Action, who: str, stale: bool, call: object) -> None:
        before, audit_before, reports_before = self.stored(), self.audit(), len(self.reports())
        parties = parties_of(ACTORS[who], SpoParties("sup-1", "buyer-1", frozenset({"prov-1"})))
        row = find_transition(before.state, action)
        permitted = row is not None and bool(row.parties & parties or Party.ADMIN in parties)
        try:
            result = call(before.version - 1 if stale else before.version)  # type: ignore[operator]
        except DomainError:
            assert self.stored() == before, "a refused change altered the SPO"
            assert self.audit() == audit_before, "a refused change was audited"
            assert len(self.reports()) == reports_before
            return
        assert permitted, f"{who} was allowed to {action.value} a {before.state.value} SPO"
        assert row is not None
        assert not (stale and action is not Action.REPORT_PROGRESS), "a stale write succeeded"
        self.successes += 1
        after = self.stored()
        assert after.state is row.to_state
        history = svc.history(self.store, self.spo_id)
        assert len(history) == audit_before + 1
        assert history[-1].action == f"spo.{action.value}"
        if action is Action.REPORT_PROGRESS:
            assert after == before and len(self.reports()) == reports_before + 1
            assert isinstance(result, ProgressReport)
            return
        assert after.version == before.version + 1
        if action is Action.AWARD:
            self.awarded_json = commitment_json(after)
        if action is Action.VARY:
            self.variations += 1
            self.awarded_json = commitment_json(after)
        if action is Action.REJECT:
            self.lost = True

    # --- rules -----------------------------------------------------------------------------
    # rightful parties more often than strangers, so sequences reach award and delivery
    actors = st.sampled_from(
        ["supplier"] * 3 + ["buyer"] * 3 + ["provider"] * 2 + ["admin"] + sorted(ACTORS)
    )

    @rule(who=actors, amount=st.integers(1, 500), stale=st.sampled_from([False, False, True]))
    def add_line(self, who: str, amount: int, stale: bool) -> None:
        line_id = f"l{next(_ids)}"
        self.attempt(
            Action.EDIT,
            who,
            stale,
            lambda v: svc.add_line(
                self.store,
                self.spo_id,
                actor=ACTORS[who],
                expected_version=v,
                line_id=line_id,
                activity_id="act-1",
                support_type=SupportType.VOLUNTEERING,
                amount=float(amount),
                unit="hours",
                priority="serious_violence",
                at=AT,
            ),
        )

    @rule(who=actors)
    def remove_line(self, who: str) -> None:
        lines = self.stored().lines
        line_id = lines[0].id if lines else "none"
        self.attempt(
            Action.EDIT,
            who,
            False,
            lambda v: svc.remove_line(
                self.store, self.spo_id, actor=ACTORS[who], expected_version=v, line_id=line_id
            ),
        )

    @rule(
        who=actors,
        action=st.sampled_from(
            [Action.SUBMIT, Action.WITHDRAW, Action.REJECT, Action.START_DELIVERY, Action.REVIEW]
        ),
        stale=st.sampled_from([False, False, True]),
    )
    def simple(self, who: str, action: Action, stale: bool) -> None:
        change = {
            Action.SUBMIT: svc.submit,
            Action.WITHDRAW: svc.withdraw,
            Action.REJECT: svc.reject,
            Action.START_DELIVERY: svc.start_delivery,
            Action.REVIEW: svc.review,
        }[action]
        self.attempt(
            action,
            who,
            stale,
            lambda v: change(self.store, self.spo_id, actor=ACTORS[who], expected_version=v, at=AT),
        )

    @rule(who=actors)
    def score(self, who: str) -> None:
        self.attempt(
            Action.SCORE,
            who,
            False,
            lambda v: svc.score(
                self.store, self.spo_id, actor=ACTORS[who], expected_version=v, marks=MARKS, at=AT
            ),
        )

    @rule(who=actors)
    def award(self, who: str) -> None:
        self.attempt(
            Action.AWARD,
            who,
            False,
            lambda v: svc.award(
                self.store, self.spo_id, actor=ACTORS[who], expected_version=v, at=AT
            )[0],
        )

    @rule(who=actors, amount=st.integers(1, 900))
    def vary(self, who: str, amount: int) -> None:
        lines: tuple[SpoLine, ...] = tuple(
            replace(line, amount=float(amount), milestones=()) for line in self.stored().lines
        )
        self.attempt(
            Action.VARY,
            who,
            False,
            lambda v: svc.vary(
                self.store,
                self.spo_id,
                actor=ACTORS[who],
                expected_version=v,
                lines=lines,
                reason="scope changed",
                at=AT,
            ),
        )

    @rule(who=actors, amount=st.integers(-5, 100))
    def report(self, who: str, amount: int) -> None:
        lines = self.stored().lines
        line_id = lines[0].id if lines else "none"
        self.attempt(
            Action.REPORT_PROGRESS,
            who,
            False,
            lambda _v: svc.report_progress(
                self.store,
                self.spo_id,
                actor=ACTORS[who],
                report_id=f"r{next(_ids)}",
                line_id=line_id,
                amount=float(amount),
                delivered_on=date(2027, 1, 4),
                at=AT,
            ),
        )

    @rule(pick=st.integers(0, 2))
    def advance(self, pick: int) -> None:
        """The happy path's next step by its rightful party (keeps runs moving forward)."""
        spo = self.stored()
        if spo.state is SpoState.DRAFT and not spo.lines:
            self.add_line("supplier", 100, False)
        elif spo.state is SpoState.DRAFT:
            self.simple("supplier", Action.SUBMIT, False)
        elif spo.state is SpoState.SUBMITTED:
            self.score("buyer")
        elif spo.state is SpoState.SCORED:
            self.award("buyer") if pick else self.simple("buyer", Action.REJECT, False)
        elif spo.state is SpoState.AWARDED:
            self.simple("supplier", Action.START_DELIVERY, False)
        elif spo.state is SpoState.IN_DELIVERY:
            [
                lambda: self.report("provider", 10),
                lambda: self.vary("buyer", 321),
                lambda: self.simple("buyer", Action.REVIEW, False),
            ][pick]()

    advance_more = advance  # a second entry: the happy path is drawn twice as often

    # --- invariants (one read of the store per step) -----------------------------------------
    @invariant()
    def invariants_hold(self) -> None:
        spo, reports = self.stored(), self.reports()
        # a locked SPO changes only by recorded variation, and always matches its hash
        verified(self.store, spo)
        assert len(spo.variations) == self.variations
        if self.awarded_json is not None:
            assert spo.is_locked and commitment_json(spo) == self.awarded_json
        else:
            assert not spo.is_locked
        # totals equal the sums over lines and reports
        p = spo_progress(spo, reports, date(2100, 1, 1))
        for unit in {line.unit for line in spo.lines}:
            assert p.committed_by_unit[unit] == sum(x.amount for x in spo.lines if x.unit == unit)
        assert sum(p.delivered_by_unit.values()) == sum(r.amount for r in reports)
        # every success is audited exactly once
        assert self.audit() == self.successes
        # a contract exists exactly when the SPO was awarded; a lost bid never is
        try:
            self.store.get(Contract, f"contract-{self.spo_id}")
            has_contract = True
        except NotFound:
            has_contract = False
        assert has_contract == (self.awarded_json is not None)
        if self.lost:
            assert spo.state is SpoState.NOT_AWARDED and not has_contract


def test_random_transitions_keep_the_invariants(world: Store) -> None:
    SpoMachine.store = world
    run_state_machine_as_test(
        SpoMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=35,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
