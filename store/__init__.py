"""store: persistence — the Store port and its two adapters (embedded SQLite file, PostGIS),
Alembic migrations. Driver exceptions never leave this package.
"""
