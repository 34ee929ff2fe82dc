"""domain: dicm's entities as frozen dataclasses holding shapely geometries and plain values.

No ORM rows, WKB elements or API schemas here; the store and api convert at their edges.
"""
