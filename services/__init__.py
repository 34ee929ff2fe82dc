"""services: the use cases, FastAPI-free; the HTTP routes, the CLI and the demo all call them.

One room per noun: ``access`` (who may see and do what), ``accounts`` and ``token_cache``,
``directory`` (geography, organisations, activities, tenders), ``validation`` (activity
validation), ``recommendations`` (matches for a supplier) over ``recommender_cache`` (the
fitted recommender, fitted or restored by ``recommender_fit`` from ``recommender_state``),
``matching_context``, ``activity_loader``, ``need_indicators``, ``supply_coverage`` and
``evaluation``; ``spo/`` (change path, drafting, transitions, progress, reports),
``analytics``, ``geography``, ``imports``, ``exports``, ``ogc_collections``, ``maps``
(map-page assembly), ``events`` (the broadcaster) and ``settings`` (this layer's settings
section). A use case checks access itself; multi-record writes run in one
``store.transaction()`` and publish events after the commit.
"""
