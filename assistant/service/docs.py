"""The API docs pages, served from files installed with the service (no CDN, no internet).

FastAPI's default ``/docs`` and ``/redoc`` load Swagger UI, ReDoc and Google Fonts from CDNs, so on
a machine without internet they are blank pages. Here the same pages load their JavaScript, CSS
and favicon from ``/docs-assets``, a static mount of the ``static/`` folder the ``fastapi-offline``
package ships (``swagger-ui-bundle.js``, ``swagger-ui.css``, ``redoc.standalone.js``,
``favicon.png``). The bearer scheme in the schema (``assistant.service.auth.BEARER``) gives Swagger
UI its Authorize button, so "Try it out" on ``/v1`` sends the key.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from assistant.service.schemas.common import ERROR_DESCRIPTIONS, ErrorBody

ASSETS_URL = "/docs-assets"
ASSETS_PACKAGE = "fastapi_offline"
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
#: The docs pages may load only what this server serves: a browser never reaches for a CDN (ReDoc's
#: sidebar always asks cdn.redoc.ly for its logo; here that image is simply not requested).
#: Inline scripts and styles are the pages' own start-up code; ReDoc's search runs in a blob: worker.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)
SWAGGER_UI_PARAMETERS = {
    "validatorUrl": None,  # no badge fetched from validator.swagger.io
    "tryItOutEnabled": False,
    "displayRequestDuration": True,
    "docExpansion": "list",
}


def assets_dir() -> Path:
    """The installed folder of docs assets; fails naming the package to install if it is missing."""
    try:
        directory = Path(str(resources.files(ASSETS_PACKAGE) / "static"))
    except ModuleNotFoundError:
        raise RuntimeError(
            "the API docs assets are missing: install the 'fastapi-offline' package "
            "(a dependency in pyproject.toml; `pip install -e .`)"
        ) from None
    missing = [name for name in ASSET_FILES if not (directory / name).is_file()]
    if missing:
        raise RuntimeError(f"{directory} lacks {', '.join(missing)}: reinstall the 'fastapi-offline' package")
    return directory


REF_TEMPLATE = "#/components/schemas/{model}"
ERROR_REF = {"$ref": REF_TEMPLATE.format(model="ErrorBody")}
BODY_ERRORS = (400, 413)  # what any operation with a request body can answer
FASTAPI_422 = {"$ref": REF_TEMPLATE.format(model="HTTPValidationError")}


def finish_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Document the errors every route shares, with the one ``ErrorBody``, in one place.

    FastAPI answers a body it cannot decode (not UTF-8) with 400, the request guard
    (``assistant.service.request_guard``) a body over its route's limit with 413, and FastAPI
    documents its own 422 with a model whose ``detail`` is always a list, while the domain's 422s
    carry a message string. So every operation with a request body gets the 400 and the 413, and
    every 422 is ``ErrorBody`` (a message or the list of issues)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorBody.model_json_schema(ref_template=REF_TEMPLATE)
    for name, definition in error_schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components.setdefault("ErrorBody", error_schema)
    error_content = {"application/json": {"schema": ERROR_REF}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code in BODY_ERRORS if "requestBody" in operation else ():
                if str(code) not in responses:
                    responses[str(code)] = {"description": ERROR_DESCRIPTIONS[code], "content": error_content}
            unprocessable = responses.get("422", {})
            if unprocessable.get("content", {}).get("application/json", {}).get("schema") == FASTAPI_422:
                responses["422"] = {"description": ERROR_DESCRIPTIONS[422], "content": error_content}
    if FASTAPI_422["$ref"] not in str(schema.get("paths")):
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
    return schema


def install_schema(app: FastAPI) -> None:
    """Serve ``finish_schema`` of FastAPI's schema at ``/openapi.json`` (built once, on first use)."""

    generate = app.openapi  # FastAPI's own generator (it caches in ``app.openapi_schema``)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish_schema(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise


def install_docs(app: FastAPI) -> None:
    """Mount the assets and add ``/docs`` (Swagger UI) and ``/redoc``; build the app with
    ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not registered."""
    install_schema(app)
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")
    title = app.title

    def urls(request: Request) -> tuple[str, str]:
        """The schema and assets URLs under the root path the app is served at (behind a proxy)."""
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return f"{root}{app.openapi_url}", f"{root}{ASSETS_URL}"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        openapi_url, assets = urls(request)
        page = get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - API docs",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        openapi_url, assets = urls(request)
        page = get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - API reference",
            redoc_js_url=f"{assets}/redoc.standalone.js",
            redoc_favicon_url=f"{assets}/favicon.png",
            with_google_fonts=False,
        )
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page
