"""CSP and LSOA boundaries get a home: ``small_areas`` (code, name, level csp|lsoa, the council
and territory its representative point falls in, geometry with bbox columns; a GiST index on
PostGIS), so ``dicm boundaries import --level csp|lsoa`` stores what it reads.

Revision: 0007 (after 0006 plan end dates), 2026-12-02. Both dialects; a new table only.
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "small_areas",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("local_authority_code", sa.String(length=16), nullable=True),
        sa.Column("territory_code", sa.String(length=16), nullable=True),
        sa.Column("geometry", store.types.GeoColumn("GEOMETRY", geography=False), nullable=True),
        sa.Column("minx", sa.Float(), nullable=True),
        sa.Column("miny", sa.Float(), nullable=True),
        sa.Column("maxx", sa.Float(), nullable=True),
        sa.Column("maxy", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_small_areas")),
    )
    with op.batch_alter_table("small_areas") as batch:
        batch.create_index("ix_small_areas_bbox", ["minx", "maxx", "miny", "maxy"], unique=False)
        batch.create_index(batch.f("ix_small_areas_level"), ["level"], unique=False)
        batch.create_index(
            batch.f("ix_small_areas_local_authority_code"), ["local_authority_code"], unique=False
        )
        batch.create_index(batch.f("ix_small_areas_territory_code"), ["territory_code"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "gix_small_areas_geometry", "small_areas", ["geometry"], postgresql_using="gist"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("gix_small_areas_geometry", table_name="small_areas")
    op.drop_table("small_areas")
