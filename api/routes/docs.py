"""``/docs`` (Swagger UI) and ``/redoc`` from files dicm serves itself, so both work offline.

FastAPI's own pages load Swagger UI and Redoc from a CDN and Redoc's fonts from a web-font
service: with no network they are blank (``SwaggerUIBundle is not defined``). The same pages are
built here with the URLs of the copies ``make assets`` installs from the npm registry, Redoc
without web fonts and Swagger UI without its online spec validator.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from maps.assets import REDOC_JS, SWAGGER_CSS, SWAGGER_FAVICON, SWAGGER_JS, asset_url

router = APIRouter(include_in_schema=False)

#: Swagger UI options: no call to validator.swagger.io, the token kept only for the page's life
SWAGGER_PARAMETERS = {"validatorUrl": None, "persistAuthorization": False, "tryItOutEnabled": False}


def _openapi_url(request: Request) -> str:
    return request.app.openapi_url or "/openapi.json"


@router.get("/docs", name="swagger_ui_html")
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title} API: Swagger UI",
        swagger_js_url=asset_url(SWAGGER_JS),
        swagger_css_url=asset_url(SWAGGER_CSS),
        swagger_favicon_url=asset_url(SWAGGER_FAVICON),
        swagger_ui_parameters=SWAGGER_PARAMETERS,
    )


@router.get("/redoc", name="redoc_html")
def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title} API: Redoc",
        redoc_js_url=asset_url(REDOC_JS),
        redoc_favicon_url=asset_url(SWAGGER_FAVICON),
        with_google_fonts=False,
    )
