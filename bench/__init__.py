"""Benchmarks: each ``bench/<name>.py`` has a ``main()`` printing ratios against a peer
measured in the same run. ``python -m bench`` runs them all; never asserted in tests."""
