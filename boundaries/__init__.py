"""boundaries: importers for official ONS boundary files and the bundled offline UK geography.
Loaders are pure (file in, domain objects out); the store persists what they return.
"""
