"""Award a bid (its lock hash shown back to the buyer) and vary an awarded one with a reason.

The award is :func:`services.spo.award`: the SPO is sealed with a content hash and a contract
is created in one unit of work. The confirmation page reads the hash from the stored SPO (which
re-verifies it), never from what the form sent. A variation changes line amounts only, with a
written reason; it is :func:`services.spo.vary`, so the line rule and the new hash apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.errors import InvalidInput, NotFound, StaleVersion
from domain.model import Account, Activity, Contract, Supplier, Tender
from services.access import visible_spo
from services.events import Broadcaster
from services.pages.buyer_bids import own_tender, parse_version
from services.pages.forms import FORM, FormErrors, raise_if_any
from services.spo import award, commitment_history, vary
from spo.model import FORMAL_STATES, Spo, SpoLine
from store.port import Store

MAX_REASON = 2000


@dataclass(frozen=True)
class AwardOutcome:
    """What the award confirmation shows: the locked SPO, its hash, contract and history."""

    spo: Spo
    tender: Tender
    supplier_name: str
    contract: Contract | None
    versions: tuple[dict[str, Any], ...]  # every version of the commitment, oldest first

    @property
    def content_hash(self) -> str:
        return self.spo.content_hash or ""

    @property
    def locked_at(self) -> datetime | None:
        return self.spo.locked_at


def award_bid(
    store: Store,
    viewer: Account | None,
    spo_id: str,
    *,
    fields: Mapping[str, str],
    bus: Broadcaster | None = None,
) -> Spo:
    """Award the bid (after the buyer confirmed): locked, with its contract."""
    own_tender(store, viewer, store.get(Spo, spo_id).tender_id)
    version = parse_version(fields.get("expected_version", ""))
    if fields.get("confirm") != "yes":
        raise FormErrors({"confirm": "Confirm that you award the contract to this bid"})
    try:
        spo, _contract = award(store, spo_id, actor=viewer, expected_version=version, bus=bus)
    except StaleVersion as exc:
        raise FormErrors({FORM: "Someone changed this bid since you opened it: reload"}) from exc
    return spo


def award_outcome(store: Store, viewer: Account | None, spo_id: str) -> AwardOutcome:
    """The awarded SPO as stored (its seal verified on read), for its buyer."""
    spo = visible_spo(store, viewer, spo_id)
    _actor, tender = own_tender(store, viewer, spo.tender_id)
    if spo.state not in FORMAL_STATES:
        raise NotFound(f"SPO {spo_id!r} has not been awarded")
    contracts = [c for c in store.iter_all(Contract, spo_id=spo.id)]
    try:
        supplier_name = store.get(Supplier, spo.supplier_id).name
    except NotFound:
        supplier_name = spo.supplier_id
    return AwardOutcome(
        spo,
        tender,
        supplier_name,
        contracts[0] if contracts else None,
        tuple(commitment_history(store, spo.id)),
    )


@dataclass(frozen=True)
class VaryLine:
    """One line of an awarded SPO as the variation form shows it."""

    line: SpoLine
    activity_name: str


def variation_lines(store: Store, spo: Spo) -> tuple[VaryLine, ...]:
    """The SPO's lines with their activities' names."""
    out = []
    for line in spo.lines:
        try:
            name = store.get(Activity, line.activity_id).name
        except NotFound:
            name = line.activity_id
        out.append(VaryLine(line, name))
    return tuple(out)


def rescaled(line: SpoLine, amount: float) -> SpoLine:
    """``line`` with a new amount, its cumulative milestones scaled in proportion (so a
    smaller commitment keeps its delivery profile and no milestone passes the line)."""
    factor = amount / line.amount if line.amount else 1.0
    milestones = tuple(
        replace(m, amount=min(amount, round(m.amount * factor, 2))) for m in line.milestones
    )
    return replace(line, amount=amount, milestones=milestones)


def parse_variation(spo: Spo, fields: Mapping[str, str]) -> tuple[tuple[SpoLine, ...], str]:
    """New amounts (``amount-LINE``, above 0) and the written reason, all checked at once."""
    errors: dict[str, str] = {}
    lines: list[SpoLine] = []
    for line in spo.lines:
        key = f"amount-{line.id}"
        text = fields.get(key, "").strip().replace(",", "").removeprefix("£")
        try:
            amount = float(text)
        except ValueError:
            errors[key] = f"The amount for line {line.id} must be a number, like 120"
            continue
        if not 0 < amount < float("inf"):
            errors[key] = f"The amount for line {line.id} must be more than 0"
            continue
        lines.append(line if amount == line.amount else rescaled(line, amount))
    reason = fields.get("reason", "").strip()
    if not reason:
        errors["reason"] = "Write the reason for this variation"
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"The reason must be {MAX_REASON} characters or fewer"
    if not errors and tuple(lines) == spo.lines:
        errors[f"amount-{spo.lines[0].id}" if spo.lines else FORM] = "Change at least one amount"
    raise_if_any(errors)
    return tuple(lines), reason


def vary_bid(
    store: Store,
    viewer: Account | None,
    spo_id: str,
    *,
    fields: Mapping[str, str],
    bus: Broadcaster | None = None,
) -> Spo:
    """A formal variation of an awarded SPO: new amounts, a reason, the buyer as approver."""
    spo = visible_spo(store, viewer, spo_id)
    own_tender(store, viewer, spo.tender_id)
    version = parse_version(fields.get("expected_version", ""))
    lines, reason = parse_variation(spo, fields)
    try:
        return vary(
            store,
            spo_id,
            actor=viewer,
            expected_version=version,
            lines=lines,
            reason=reason,
            bus=bus,
        )
    except StaleVersion as exc:
        raise FormErrors({FORM: "Someone changed this SPO since you opened it: reload"}) from exc
    except InvalidInput as exc:
        raise FormErrors({FORM: f"The variation was refused: {exc}"}) from exc


@dataclass(frozen=True)
class VariationView:
    """The variation form: the awarded SPO (with its versions) and its lines."""

    outcome: AwardOutcome
    lines: tuple[VaryLine, ...]


def variation_view(store: Store, viewer: Account | None, spo_id: str) -> VariationView:
    """What the variation form shows for the buyer's awarded SPO."""
    outcome = award_outcome(store, viewer, spo_id)
    return VariationView(outcome, variation_lines(store, outcome.spo))
