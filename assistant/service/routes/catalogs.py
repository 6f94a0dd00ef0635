"""Catalog routes: imports, products, patches, promotions, export, versions, search."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from assistant.service.deps import ServicesDep
from assistant.service.download import attachment
from assistant.service.errors import PayloadTooLargeError, UnprocessableError
from assistant.service.inputs import ApiAmount, CleanModel, Count, promotion_from_body
from assistant.service.schemas.catalogs import (
    CatalogList,
    CatalogSummary,
    CatalogVersionOnly,
    CatalogVersionOut,
    CatalogVersions,
    ImportReportOut,
    ProductDetail,
    ProductPage,
    ProductUpdated,
    PromotionBody,
    PromotionSaved,
    SearchHit,
    SearchResults,
)
from assistant.service.schemas.common import error_responses
from assistant.service.schemas.params import CatalogId, ProductId, PromoId
from knowledge.facts import sku_facts
from knowledge.ingest import UploadedFile
from knowledge.serialize import product_to_dict, promotion_to_dict
from knowledge.store import ProductPatch

router = APIRouter(tags=["catalogs"])

UPLOAD_CHUNK_BYTES = 1024 * 1024


async def read_limited(upload: UploadFile, limit: int) -> bytes:
    """Read an upload, failing with 413 as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(UPLOAD_CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLargeError(
                f"{upload.filename or 'upload'} is larger than the {limit} byte limit "
                "(LIVESHOP_LIMITS__MAX_UPLOAD_BYTES)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/catalogs/{catalog_id}/imports",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportReportOut,
    responses=error_responses(400, 413, 422, 503),
)
async def import_catalog(
    catalog_id: CatalogId,
    services: ServicesDep,
    file: Annotated[
        list[UploadFile],
        File(min_length=1, description="CSV (one or several, or a .zip), XLSX, JSON or JSONL"),
    ],
    mode: Annotated[Literal["upsert", "replace"], Form()] = "upsert",
) -> dict[str, Any]:
    """Import a catalog file; 422 lists every problem as {row, column, message} and changes nothing."""
    limit = services.settings.limits.max_upload_bytes
    files: list[UploadedFile] = []
    total = 0
    for upload in file:
        content = await read_limited(upload, limit - total)
        total += len(content)
        files.append(UploadedFile(upload.filename or "upload", content))
    try:
        outcome = await run_in_threadpool(services.catalogs.import_files, catalog_id, files, mode)
    except Exception:
        services.metrics.catalog_imports.labels("rejected").inc()
        raise
    services.metrics.catalog_imports.labels("applied").inc()
    return outcome.as_dict()


@router.get("/catalogs", response_model=CatalogList)
def list_catalogs(services: ServicesDep) -> CatalogList:
    """Every catalog with its current version and product count."""
    out = []
    for catalog_id in services.catalogs.catalog_ids():
        catalog = services.catalogs.catalog(catalog_id)
        out.append(
            CatalogSummary(catalog_id=catalog_id, version=catalog.version, products=len(catalog.products))
        )
    return CatalogList(catalogs=out)


@router.get(
    "/catalogs/{catalog_id}/versions", response_model=CatalogVersions, responses=error_responses(404, 422)
)
def catalog_versions(catalog_id: CatalogId, services: ServicesDep) -> CatalogVersions:
    """The catalog's history: every import, patch and promotion change made a version."""
    services.catalogs.catalog(catalog_id)  # 404 for an unknown catalog
    versions = services.catalogs.store.versions(catalog_id)
    return CatalogVersions(
        versions=[
            CatalogVersionOut(
                version=v.version,
                created_at=v.created_at.isoformat(),
                mode=v.mode,
                source=v.source,
                summary=v.summary,
            )
            for v in versions
        ]
    )


@router.get(
    "/catalogs/{catalog_id}/products", response_model=ProductPage, responses=error_responses(404, 422)
)
def list_products(
    catalog_id: CatalogId,
    services: ServicesDep,
    category: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """One page of the catalog's products (optionally one category), in catalog order."""
    catalog = services.catalogs.catalog(catalog_id)
    products = [p for p in catalog.products if category is None or p.category == category]
    page = products[offset : offset + limit]
    return {
        "catalog_id": catalog_id,
        "version": catalog.version,
        "total": len(products),
        "products": [product_to_dict(p) for p in page],
    }


@router.get(
    "/catalogs/{catalog_id}/products/{product_id}",
    response_model=ProductDetail,
    responses=error_responses(404, 422),
)
def get_product(
    catalog_id: CatalogId, product_id: ProductId, services: ServicesDep, at: datetime | None = None
) -> dict[str, Any]:
    """The product plus each SKU's effective facts (price, promotions) at ``at`` (default now)."""
    catalog = services.catalogs.catalog(catalog_id)
    product = services.catalogs.product(catalog_id, product_id)
    when = at or services.clock()
    if when.tzinfo is None:
        raise UnprocessableError("'at' needs a timezone offset, e.g. 2026-11-21T20:05:00+08:00")
    facts = [facts_to_dict(sku_facts(product, sku, catalog.promotions, when)) for sku in product.skus]
    return {"product": product_to_dict(product), "facts": facts, "version": catalog.version}


class ProductPatchBody(CleanModel):
    """Price and stock changes per SKU; applied together or not at all (amounts as imports read them)."""

    prices: dict[str, ApiAmount] = Field(
        default_factory=dict, description="sku_id -> new base price, e.g. '199.00'"
    )
    stock: dict[str, Count] = Field(default_factory=dict, description="sku_id -> new stock")


@router.patch(
    "/catalogs/{catalog_id}/products/{product_id}",
    response_model=ProductUpdated,
    responses=error_responses(400, 404, 422),
)
def patch_product(
    catalog_id: CatalogId, product_id: ProductId, body: ProductPatchBody, services: ServicesDep
) -> dict[str, Any]:
    """Change base prices and stock of the product's SKUs (all or nothing)."""
    patch = ProductPatch(price=body.prices or None, stock=body.stock or None)
    product = services.catalogs.patch_product(catalog_id, product_id, patch)
    return {"product": product_to_dict(product), "version": services.catalogs.catalog(catalog_id).version}


@router.put(
    "/catalogs/{catalog_id}/promotions/{promo_id}",
    response_model=PromotionSaved,
    responses=error_responses(400, 404, 422),
)
def put_promotion(
    catalog_id: CatalogId, promo_id: PromoId, body: PromotionBody, services: ServicesDep
) -> dict[str, Any]:
    """Add or replace one promotion (canonical JSON shape: type, title, start, end, ...)."""
    promotion = promotion_from_body(promo_id, body)
    if promotion.start.tzinfo is None or promotion.end.tzinfo is None:
        raise UnprocessableError(f"promotion {promo_id!r}: start and end need a timezone offset")
    if promotion.end <= promotion.start:
        raise UnprocessableError(f"promotion {promo_id!r}: end must be after start")
    version = services.catalogs.put_promotion(catalog_id, promotion)
    return {"promotion": promotion_to_dict(promotion), "version": version}


@router.delete(
    "/catalogs/{catalog_id}/promotions/{promo_id}",
    response_model=CatalogVersionOnly,
    responses=error_responses(404, 422),
)
def delete_promotion(catalog_id: CatalogId, promo_id: PromoId, services: ServicesDep) -> CatalogVersionOnly:
    """End and remove a catalog promotion."""
    return CatalogVersionOnly(version=services.catalogs.delete_promotion(catalog_id, promo_id))


BINARY = {"schema": {"type": "string", "format": "binary"}}
EXPORT_CONTENT = {
    "application/json": {"schema": {"type": "object", "description": "the canonical catalog JSON"}},
    "application/zip": BINARY,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": BINARY,
}


@router.get(
    "/catalogs/{catalog_id}/export",
    response_class=Response,
    responses={
        200: {
            "description": "The catalog as a download: JSON, a zip of CSV files, or an XLSX workbook",
            "content": EXPORT_CONTENT,
        },
        **error_responses(404, 422),
    },
)
def export_catalog(
    catalog_id: CatalogId, services: ServicesDep, format: Literal["csv", "xlsx", "json"] = "json"
) -> Response:
    """Download the catalog in an importable format (``csv`` is a zip of one CSV per table)."""
    content, media_type = services.catalogs.export(catalog_id, format)
    suffix = {"csv": "zip", "xlsx": "xlsx", "json": "json"}[format]
    headers = {"Content-Disposition": attachment(f"{catalog_id}.{suffix}")}  # RFC 6266, any script
    return Response(content, media_type=media_type, headers=headers)


@router.get(
    "/catalogs/{catalog_id}/search",
    response_model=SearchResults,
    responses=error_responses(404, 422, 503),
)
async def search_catalog(
    catalog_id: CatalogId,
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SearchResults:
    """Hybrid search over the catalog's chunks (what the assistant retrieves for open questions)."""
    index = await run_in_threadpool(services.catalogs.index, catalog_id)
    hits = await run_in_threadpool(index.search, q, k)
    return SearchResults(
        hits=[
            SearchHit(
                product_id=h.chunk.product_id,
                kind=h.chunk.kind,
                text=h.chunk.text,
                score=round(float(h.score), 6),
            )
            for h in hits
        ]
    )


def facts_to_dict(f: Any) -> dict[str, Any]:
    """SkuFacts as JSON (amounts as strings)."""
    return {
        "sku_id": f.sku_id,
        "at": f.at.isoformat(),
        "base_price": f"{f.base_price:.2f}",
        "price": f"{f.price:.2f}",
        "price_after_coupon": f"{f.price_after_coupon:.2f}",
        "stock": f.stock,
        "flash_sale": promotion_to_dict(f.flash_sale) if f.flash_sale else None,
        "best_coupon": promotion_to_dict(f.best_coupon) if f.best_coupon else None,
        "coupons": [promotion_to_dict(c) for c in f.coupons],
        "spend_discounts": [promotion_to_dict(s) for s in f.spend_discounts],
        "upcoming": [promotion_to_dict(p) for p in f.upcoming],
        "valid_until": f.valid_until.isoformat() if f.valid_until else None,
    }
