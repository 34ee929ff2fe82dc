"""spo: the Social Purchase Order domain and activity validation — lifecycle, permissions,
scoring, lock-in, variations, progress, value and secondary impact. Pure; no storage.
"""
