"""The HTTP service's settings section (``DICM_API__*``): bind address, body limit, paging;
and :class:`AppSettings`, what ``create_app`` needs of the root settings (``dicm.settings``
satisfies it; the api never imports it)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from services.settings import ServiceSettings
from store.settings import StoreSettings
from web.settings import WebSettings


class AdmissionSettings(BaseModel):
    """Admission control (``api.admission``): per-client token buckets of cost units and a cap
    on heavy requests in flight. ``DICM_API__ADMISSION__RATE_PER_SECOND=...`` and so on."""

    enabled: bool = True
    rate_per_second: float = Field(default=500.0, gt=0, description="Units refilled per s")
    burst: int = Field(default=5_000, gt=0, description="Bucket size: cost units at once")
    heavy_cost: int = Field(default=5, gt=1, description="Cost from which a request is heavy")
    heavy_per_client: int = Field(default=4, gt=0, description="Heavy requests per client")
    heavy_total: int = Field(default=16, gt=0, description="Heavy requests in flight at all")


class ApiSettings(BaseModel):
    """HTTP service knobs."""

    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(default=2_000_000, gt=0)
    page_size_default: int = Field(default=100, gt=0)
    page_size_max: int = Field(default=1000, gt=0)
    max_request_line_bytes: int = Field(default=65_536, gt=0)
    max_header_bytes: int = Field(default=65_536, gt=0)
    admission: AdmissionSettings = AdmissionSettings()
    #: where the installed front-end files are (None: ``maps/static`` beside the code)
    static_dir: Path | None = None
    #: browser origins allowed to read the API cross-origin (CORS), e.g. a web GIS;
    #: ``DICM_API__CORS_ORIGINS='["https://maps.example"]'``; empty: no CORS headers
    cors_origins: list[str] = Field(default_factory=list)


class AppSettings(Protocol):
    """The sections the app is built from: its own, the store's, the use cases' and the web
    pages'."""

    @property
    def api(self) -> ApiSettings: ...

    @property
    def store(self) -> StoreSettings: ...

    @property
    def services(self) -> ServiceSettings: ...

    @property
    def web(self) -> WebSettings: ...
