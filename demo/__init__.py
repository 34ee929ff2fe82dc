"""The demo: a seeded, reproducible dataset and the driver that plays it through the services."""
