"""store: persistence — the Store port (CRUD, spatial queries, ``transaction()`` unit of work,
``iter_all``), the shared SQL store, its adapters ``store/sqlite`` and ``store/postgis``, the
store settings section and Alembic migrations. Driver exceptions never leave this package.
"""
