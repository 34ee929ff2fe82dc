"""geo: pure geometry for dicm — coordinates and the one bbox parser, CRS, H3, the one sphere
(``geo.sphere``: radius, haversine, unit vectors), point assignment, postcodes.

Plain data in, plain data out; imports none of the other dicm packages.
"""
