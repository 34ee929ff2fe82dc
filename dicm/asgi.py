"""The ASGI entry point uvicorn imports (``dicm.asgi:create_app_from_environment``): the app
built from ``DICM_*`` settings, so every worker process reads the same environment."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from dicm.settings import load_settings


def create_app_from_environment() -> FastAPI:
    """The dicm HTTP API with settings from the environment."""
    return create_app(load_settings())
