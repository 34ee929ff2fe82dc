"""Bidding and delivery steps of an SPO: submit, withdraw, score, award, reject, start
delivery, review and vary — each one versioned, audited write through ``services.spo.change``.
The steps that move only the state are :class:`~services.spo.change.StateStep` s, one
signature for all; score, award and vary, which change content, are functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from domain.errors import InvalidInput, ReasonRequired, TenderClosed
from domain.model import Account, Activity, AuditEntry, Contract
from services.access import visible_loaded
from services.events import Broadcaster
from services.plans import plan_in_force
from services.seal import sealed, varied
from services.spo.change import Loaded, StateStep, apply, change, now, publish
from services.spo.drafting import LineSpec
from spo import lines as spo_lines
from spo.lifecycle import Action
from spo.lockin import commitment_version, line_to_dict
from spo.model import Spo, SpoLine
from spo.scoring import Mark, Rubric, ScoringInputs
from spo.scoring import score as score_spo
from store.port import Store


def _tender_open_with_lines(loaded: Loaded, _reason: str | None, when: datetime) -> None:
    tender, today = loaded.tender, when.date()
    if tender.opens is not None and today < tender.opens:
        raise TenderClosed(f"tender {tender.id!r} opens on {tender.opens.isoformat()}")
    if tender.closes is not None and today > tender.closes:
        raise TenderClosed(f"tender {tender.id!r} closed on {tender.closes.isoformat()}")
    if not loaded.spo.lines:
        raise InvalidInput("an SPO without lines cannot be submitted")


def _reason_given(_loaded: Loaded, reason: str | None, _when: datetime) -> None:
    if not (reason or "").strip():
        raise ReasonRequired("a rejection needs a written reason for the supplier")


#: Submit the draft with the bid while the tender is open (its ``opens``..``closes`` dates,
#: inclusive); it needs at least one line.
submit = StateStep(Action.SUBMIT, _tender_open_with_lines)
#: Withdraw a draft or submitted SPO.
withdraw = StateStep(Action.WITHDRAW)
#: Not awarded: the SPO is closed and never formalised. The losing supplier is owed a written
#: reason (``ReasonRequired`` otherwise, after the permission check).
reject = StateStep(Action.REJECT, _reason_given)
#: The awarded SPO moves into delivery.
start_delivery = StateStep(Action.START_DELIVERY)
#: The buyer's post-contract review closes the SPO.
review = StateStep(Action.REVIEW)


def score(
    store: Store,
    spo_id: str,
    *,
    actor: Account | None,
    expected_version: int,
    marks: Mapping[str, Mark],
    rubric: Rubric | None = None,
    need_by_area: Mapping[str, float] | None = None,
    need_indicator: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Score with the published rubric; the breakdown (every part) is stored on the SPO.

    Buyer priorities are the tender's plus the current Police & Crime Plan of its territory.
    ``need_indicator`` names the imported indicator ``need_by_area`` was read from (else the
    breakdown records the need as buyer-supplied).
    """
    when = now(at)
    used = rubric or Rubric()

    def edit(loaded: Loaded, actor: Account) -> Spo:
        tender = loaded.tender
        code = tender.territory_code
        plan = plan_in_force(store, code, when.date()) if code else None
        inputs = ScoringInputs(
            tender=tender,
            marks=marks,
            need_by_area=dict(need_by_area or {}),
            priorities=tuple(p.theme for p in plan.priorities) if plan else (),
            plan_territory_code=plan.territory_code if plan else None,
            plan_version=plan.version if plan else None,
            need_indicator=need_indicator or ("buyer-supplied" if need_by_area else None),
        )
        breakdown = score_spo(loaded.spo, inputs, used, scored_by=actor.id, scored_at=when)
        return replace(loaded.spo, score=breakdown)

    return change(
        store,
        spo_id,
        Action.SCORE,
        actor,
        expected_version,
        edit,
        at=when,
        bus=bus,
        detail=lambda _l, after: {
            "rubric": used.to_dict(),
            "total": after.score.total if after.score else None,
            "parts": dict(after.score.parts) if after.score else {},
        },
    )


def award(
    store: Store,
    spo_id: str,
    *,
    actor: Account | None,
    expected_version: int,
    contract_id: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> tuple[Spo, Contract]:
    """Award: lock the SPO (content hash) and create the Contract that carries it.

    ONE unit of work: the SPO, its tender and parties are loaded once; the locked SPO, the
    contract and both audit entries are written in one transaction; the event is published
    only after the commit, so a failed contract write leaves the SPO as it was and tells no one.
    """
    when = now(at)
    cid = contract_id or f"contract-{spo_id}"
    with store.transaction() as tx:
        signed_in, loaded = visible_loaded(tx, actor, spo_id)
        saved = apply(
            tx,
            loaded,
            Action.AWARD,
            signed_in,
            expected_version,
            lambda found, _actor: sealed(store, found.spo, at=when),
            at=when,
            detail=lambda _l, after: {"lines": [line_to_dict(x) for x in after.lines]},
        )
        contract = Contract(
            id=cid,
            tender_id=saved.tender_id,
            supplier_id=saved.supplier_id,
            awarded_at=when,
            spo_id=saved.id,
            value_gbp=loaded.tender.contract_value_gbp or 0.0,
        )
        tx.put(
            contract,
            audit=AuditEntry(
                actor=signed_in.id,
                action="contract.create",
                entity_type="contract",
                entity_id=contract.id,
                at=when,
                detail={"spo_id": saved.id, "content_hash": saved.content_hash},
            ),
        )
    publish(bus, loaded, saved, f"spo.{Action.AWARD.value}", signed_in)
    return saved, contract


def vary(
    store: Store,
    spo_id: str,
    *,
    actor: Account | None,
    expected_version: int,
    lines: Sequence[SpoLine | LineSpec],
    reason: str,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """A formal variation of an awarded SPO: new commitment version, reason and approver.

    A :class:`LineSpec` is built from its stored activity (carrying its WHERE). Every new or
    changed line passes the same line rule as a draft's new line (a validated, in-date, active
    activity in the buyer's area); lines kept exactly as they were are not re-judged.
    The audit entry keeps the previous lines, so every version can be rebuilt from history.
    """
    when = now(at)

    def edit(loaded: Loaded, approver: Account) -> Spo:
        kept = set(loaded.spo.lines)
        new_lines: list[SpoLine] = []
        for given in lines:
            if isinstance(given, SpoLine) and given in kept:
                new_lines.append(given)
                continue
            activity = store.get(Activity, given.activity_id)
            line = given if isinstance(given, SpoLine) else given.to_line(activity)
            if line not in kept:
                spo_lines.check_line_rule(line, activity, loaded.tender, when.date())
            new_lines.append(line)
        return varied(
            store, loaded.spo, tuple(new_lines), reason=reason, approved_by=approver.id, at=when
        )

    return change(
        store,
        spo_id,
        Action.VARY,
        actor,
        expected_version,
        edit,
        at=when,
        reason=reason,
        bus=bus,
        detail=lambda loaded, after: {
            "previous_lines": [line_to_dict(x) for x in loaded.spo.lines],
            "previous_commitment_version": commitment_version(loaded.spo),
            "lines": [line_to_dict(x) for x in after.lines],
        },
    )
