"""The embedded SQLite adapter of the Store port: WKB geometry, bbox and H3 columns, k-d tree."""
