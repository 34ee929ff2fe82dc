"""API schemas: pydantic models at the HTTP edge and the conversions to and from domain values.

No schema crosses into domain code; routes convert here.
"""
