"""geo: pure geometry for dicm — coordinates, CRS, H3, point assignment, postcodes.

Plain data in, plain data out; imports none of the other dicm packages.
"""
