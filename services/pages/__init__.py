"""Page view models: what each user's web pages show and the form use cases behind them.

FastAPI-free, one module per user (``provider``, ``validator``, ``pcc``); every figure comes
from the same services the API calls, and forms answer field errors instead of raising.
"""
