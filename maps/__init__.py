"""maps: pure folium map builders (supplier finder, coverage gaps, PCC heatmap, SPO map) and the
offline static assets they reference. No HTTP, no storage.
"""
