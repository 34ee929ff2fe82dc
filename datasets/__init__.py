"""datasets: readers and writers of files holding dicm's own entities (import with a column mapping,
export with ONS codes) and the seeded, reproducible demo dataset. Pure: files/rows in, entities out.
"""
