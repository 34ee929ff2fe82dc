"""The one SQLAlchemy metadata both backends share (Alembic's ``target_metadata``).

Filterable fields (ids, foreign keys, codes, state, validation status, version) are real columns
with real FOREIGN KEY constraints; nested values (needs, evidence, offers, sites, lines, score,
variations...) live in a JSON ``data`` column. Every geometry has bbox columns (used by the
SQLite adapter's prefilter) and, on PostGIS, a GiST index; point entities carry an H3 cell.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from store.types import GeoColumn, Json, UtcDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def _bbox() -> list[Column[float]]:
    return [Column(name, Float) for name in ("minx", "miny", "maxx", "maxy")]


def _gist(table: str, column: str) -> Index:
    """A GiST index, created on PostgreSQL only (SQLite uses the bbox columns)."""
    return Index(f"gix_{table}_{column}", column, postgresql_using="gist").ddl_if(
        dialect="postgresql"
    )


def _code_fk(table: str, name: str, nullable: bool = True) -> Column[str]:
    return Column(name, String(16), ForeignKey(f"{table}.code"), nullable=nullable, index=True)


def _id_fk(table: str, name: str, **kw: bool) -> Column[str]:
    return Column(name, String(200), ForeignKey(f"{table}.id", **kw), nullable=False, index=True)  # type: ignore[arg-type]


regions = Table(
    "regions",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    Column("geometry", GeoColumn()),
    *_bbox(),
    Index("ix_regions_bbox", "minx", "maxx", "miny", "maxy"),
    _gist("regions", "geometry"),
)

territories = Table(
    "territories",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    Column("force_name", Text, nullable=False),
    Column("pcc_name", Text, nullable=False),
    _code_fk("regions", "region_code"),
    Column("geometry", GeoColumn()),
    *_bbox(),
    Index("ix_territories_bbox", "minx", "maxx", "miny", "maxy"),
    _gist("territories", "geometry"),
)

local_authorities = Table(
    "local_authorities",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    _code_fk("territories", "territory_code"),
    _code_fk("regions", "region_code"),
    Column("geometry", GeoColumn()),
    *_bbox(),
    Index("ix_local_authorities_bbox", "minx", "maxx", "miny", "maxy"),
    _gist("local_authorities", "geometry"),
)

small_areas = Table(
    "small_areas",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    Column("level", String(8), nullable=False, index=True),
    Column("local_authority_code", String(16), index=True),  # no FK: LAs may come later
    Column("territory_code", String(16), index=True),
    Column("geometry", GeoColumn()),
    *_bbox(),
    Index("ix_small_areas_bbox", "minx", "maxx", "miny", "maxy"),
    _gist("small_areas", "geometry"),
)

#: boundaries an import replaced: each row a live area (local authority, territory, small area)
#: that an official file of its level and nation no longer carried, moved here with the dates it
#: was valid and the import that retired it (``level`` is the import level: lad, pfa, csp, lsoa)
area_history = Table(
    "area_history",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("level", String(8), nullable=False),
    Column("code", String(16), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("geometry", GeoColumn()),
    Column("valid_from", Date),
    Column("valid_to", Date, nullable=False),
    Column("replaced_by_import", Text, nullable=False),
    Index("ix_area_history_level_code", "level", "code"),
    sqlite_autoincrement=True,
)

police_plans = Table(
    "police_plans",
    metadata,
    Column("territory_code", String(16), ForeignKey("territories.code"), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("title", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("source", Text, nullable=False),
    Column("priorities", Json, nullable=False),
    Column("valid_until", Date),
)

providers = Table(
    "providers",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("charity_number", String(32)),
    Column("website", Text),
    Column("version", Integer, nullable=False),
)

activities = Table(
    "activities",
    metadata,
    Column("id", String(200), primary_key=True),
    _id_fk("providers", "provider_id"),
    Column("name", Text, nullable=False),
    Column("location", GeoColumn("POINT", geography=True), nullable=False),
    Column("service_area", GeoColumn()),
    Column("validation_status", String(16), nullable=False),
    Column("validated_until", Date),
    Column("active", Boolean, nullable=False),
    Column("themes", Json, nullable=False),
    _code_fk("local_authorities", "local_authority_code"),
    _code_fk("territories", "territory_code"),
    _code_fk("regions", "region_code"),
    Column("h3_cell", BigInteger, index=True),
    *_bbox(),
    Column("version", Integer, nullable=False),
    Column("data", Json, nullable=False),
    Index("ix_activities_bbox", "minx", "miny"),
    # keyset pages of one status (``WHERE validation_status = ? AND id > ? ORDER BY id``) seek
    # and read in index order: no sort of every validated row per page
    Index("ix_activities_validation_status_id", "validation_status", "id"),
    _gist("activities", "location"),
)

suppliers = Table(
    "suppliers",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", Json, nullable=False),
)

buyers = Table(
    "buyers",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False, index=True),
    _code_fk("territories", "territory_code"),
    Column("version", Integer, nullable=False),
)

tenders = Table(
    "tenders",
    metadata,
    Column("id", String(200), primary_key=True),
    _id_fk("buyers", "buyer_id"),
    Column("title", Text, nullable=False),
    _code_fk("territories", "territory_code"),
    Column("delivery_area", GeoColumn()),
    Column("status", String(16), nullable=False, index=True),
    *_bbox(),
    Column("version", Integer, nullable=False),
    Column("data", Json, nullable=False),
    _gist("tenders", "delivery_area"),
)

spos = Table(
    "spos",
    metadata,
    Column("id", String(200), primary_key=True),
    _id_fk("suppliers", "supplier_id"),
    _id_fk("tenders", "tender_id"),
    Column("state", String(16), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("content_hash", String(128)),
    Column("locked_at", UtcDateTime),
    Column("created_at", UtcDateTime),
    Column("updated_at", UtcDateTime),
    Column("version", Integer, nullable=False),
    Column("data", Json, nullable=False),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", String(200), primary_key=True),
    _id_fk("tenders", "tender_id"),
    _id_fk("suppliers", "supplier_id"),
    Column("awarded_at", UtcDateTime, nullable=False),
    # deferred: a contract and its SPO may arrive in the same put_many, in either order
    Column(
        "spo_id",
        String(200),
        ForeignKey("spos.id", deferrable=True, initially="DEFERRED"),
        index=True,
    ),
    Column("value_gbp", Float, nullable=False),
    Column("version", Integer, nullable=False),
)

progress_reports = Table(
    "progress_reports",
    metadata,
    Column("id", String(200), primary_key=True),
    _id_fk("spos", "spo_id"),
    Column("line_id", String(200), nullable=False, index=True),
    Column("amount", Float, nullable=False),
    Column("delivered_on", Date, nullable=False),
    Column("reported_by", Text, nullable=False),
    Column("data", Json, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", String(32), nullable=False, index=True),
    Column("organisation_id", String(200), index=True),
    _code_fk("territories", "territory_code"),
    Column("token_hash", String(256), nullable=False, index=True),
    Column("password_hash", String(256)),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)

#: change counters ("activities", "areas", "spos", "plans", "accounts"), bumped in the same
#: transaction as the change, so every process holding an in-memory index or cache (the SQLite
#: adapter's activity index, the API's fitted recommender and token cache) sees when it is stale
store_generations = Table(
    "store_generations",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

#: one row per activity id ever written: the "activities" change counter value its last write
#: committed as (``stamp``), and whether that write deleted it. Kept by triggers on
#: ``activities`` (migration 0009), so every write path (put, update, bulk COPY/executemany,
#: delete, a cleared area reference) stamps its rows in one place; ``Store.activity_changes``
#: reads the rows changed since a generation (an incremental refit of the recommender)
activity_changes = Table(
    "activity_changes",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("stamp", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False),
    # PostgreSQL reads the changes since a stamp by index; SQLite's log is one B-tree keyed by
    # id (no rowid, no second index: its row triggers pay per row, a scan of it is cheap)
    Index("ix_activity_changes_stamp", "stamp").ddl_if(dialect="postgresql"),
    sqlite_with_rowid=False,
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity_type", String(64), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("reason", Text),
    Column("detail", Json, nullable=False),
    Index("ix_audit_log_entity", "entity_type", "entity_id"),
)

#: the event log: one row per published change notice (an SPO's or a buyer's topic), ids
#: growing in commit order, so every worker and host fans out the same events in the same order
#: and an SSE client that reconnects with ``Last-Event-ID`` is replayed what it missed
events = Table(
    "events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("topic", String(240), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("data", Json, nullable=False),
    Index("ix_events_topic_id", "topic", "id"),
    sqlite_autoincrement=True,  # never reuse an id, even after the newest row is pruned
)
