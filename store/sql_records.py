"""Police & Crime Plans (versioned, append-only per territory) and the append-only audit log:
the SQL both adapters share, mixed into ``SqlStore``.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager

from sqlalchemy import Connection, insert, select

from domain.errors import UnknownReference
from domain.model import AuditEntry, PolicePlan
from store import schema
from store.codec_rows import plan_to_row, row_to_audit, row_to_plan
from store.crud_checks import insert_audit
from store.errors import translated


class PlansAndAudit:
    """Plans and audit methods of a SQL store; ``SqlStore`` provides the transactions."""

    def _write(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _bump_names(self, conn: Connection, names: list[str]) -> dict[str, int]:
        raise NotImplementedError

    # --- plans ----------------------------------------------------------------------------
    def put_plan(self, plan: PolicePlan) -> None:
        what = f"plan version {plan.version} of territory {plan.territory_code}"
        try:
            with translated(what), self._write() as conn:
                conn.execute(insert(schema.police_plans).values(plan_to_row(plan)))
                self._bump_names(conn, ["plans"])
        except UnknownReference:
            raise UnknownReference(f"territory {plan.territory_code!r} does not exist") from None

    def plans(self, territory_code: str) -> list[PolicePlan]:
        table = schema.police_plans
        stmt = select(table).where(table.c.territory_code == territory_code)
        with self._read() as conn:
            rows = conn.execute(stmt.order_by(table.c.version)).all()
        return [row_to_plan(row._mapping) for row in rows]

    def current_plan(self, territory_code: str) -> PolicePlan | None:
        versions = self.plans(territory_code)
        return versions[-1] if versions else None

    # --- audit ----------------------------------------------------------------------------
    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        with translated("an audit record"), self._write() as conn:
            return insert_audit(conn, entry)

    def audit_log(
        self, *, entity_type: str | None = None, entity_id: str | None = None
    ) -> Sequence[AuditEntry]:
        table = schema.audit_log
        stmt = select(table).order_by(table.c.id)
        if entity_type is not None:
            stmt = stmt.where(table.c.entity_type == entity_type)
        if entity_id is not None:
            stmt = stmt.where(table.c.entity_id == entity_id)
        with self._read() as conn:
            return [row_to_audit(row._mapping) for row in conn.execute(stmt).all()]
