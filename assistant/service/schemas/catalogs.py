"""Response models of the catalog routes: products, promotions, effective facts, imports, search."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body
from pydantic import BaseModel, Field

from assistant.service.schemas.common import Money, Timestamp


class PricePointOut(BaseModel):
    effective_from: Timestamp
    price: Money


class SkuOut(BaseModel):
    sku_id: str
    spec: str
    price: Money = Field(description="base price now (before promotions)")
    list_price: Money | None
    stock: int
    price_history: list[PricePointOut] = Field(
        default_factory=list, description="earlier base prices (price protection looks back at them)"
    )


class FaqPairOut(BaseModel):
    question: str
    answer: str


class ProductOut(BaseModel):
    product_id: str
    name: str
    category: str
    brand: str
    link_no: int | None = Field(description="the shop link number viewers order by (几号链接)")
    description: str
    attributes: dict[str, str]
    aliases: list[str]
    price_protection_days: int
    shipping_id: str | None
    after_sales_id: str | None
    complements: list[str]
    faq: list[FaqPairOut]
    skus: list[SkuOut]


class FlashSaleOut(BaseModel):
    promo_id: str
    type: Literal["flash_sale"]
    title: str
    start: Timestamp
    end: Timestamp
    price: Money
    product_id: str
    sku_ids: list[str]
    quantity_cap: int | None


class CouponOut(BaseModel):
    promo_id: str
    type: Literal["coupon"]
    title: str
    start: Timestamp
    end: Timestamp
    threshold: Money | None
    amount: Money | None
    rate: str | None = Field(description="discount rate, e.g. '0.9' for 10% off (or an amount)")
    product_ids: list[str]
    per_viewer_limit: int
    stackable: bool


class SpendDiscountOut(BaseModel):
    promo_id: str
    type: Literal["spend_discount"]
    title: str
    start: Timestamp
    end: Timestamp
    threshold: Money
    amount: Money
    product_ids: list[str]
    stackable: bool


PromotionOut = Annotated[FlashSaleOut | CouponOut | SpendDiscountOut, Field(discriminator="type")]

#: A promotion in the canonical JSON shape (the same shape as the responses above, without
#: ``promo_id``, which is the path's); checked by ``knowledge.serialize.promotion_from_dict``.
PromotionBody = Annotated[
    dict[str, Any],
    Body(
        description="type (flash_sale | coupon | spend_discount), title, start, end (with offsets) "
        "and the fields of that type; amounts as strings",
        examples=[
            {
                "type": "coupon",
                "title": "满199减20",
                "start": "2026-11-21T20:00:00+08:00",
                "end": "2026-11-21T23:59:00+08:00",
                "threshold": "199.00",
                "amount": "20.00",
                "product_ids": [],
            }
        ],
    ),
]


class SkuFactsOut(BaseModel):
    """What one SKU costs at ``at`` and which promotions apply."""

    sku_id: str
    at: Timestamp
    base_price: Money
    price: Money = Field(description="after a running flash sale")
    price_after_coupon: Money = Field(description="after the best usable coupon too")
    stock: int
    flash_sale: FlashSaleOut | None
    best_coupon: CouponOut | None
    coupons: list[CouponOut]
    spend_discounts: list[SpendDiscountOut]
    upcoming: list[PromotionOut]
    valid_until: Timestamp | None = Field(description="when these facts next change (None: no change known)")


class ProductDetail(BaseModel):
    product: ProductOut
    facts: list[SkuFactsOut]
    version: int


class ProductPage(BaseModel):
    catalog_id: str
    version: int
    total: int = Field(description="products matching the filter (all pages)")
    products: list[ProductOut]


class ProductUpdated(BaseModel):
    product: ProductOut
    version: int = Field(description="the catalog version this change created")


class CatalogSummary(BaseModel):
    catalog_id: str
    version: int
    products: int


class CatalogList(BaseModel):
    catalogs: list[CatalogSummary]


class CatalogVersionOut(BaseModel):
    version: int
    created_at: Timestamp
    mode: Literal["upsert", "replace", "patch", "put_promotion", "delete_promotion"]
    source: str
    summary: dict[str, Any]


class CatalogVersions(BaseModel):
    versions: list[CatalogVersionOut]


class PriceChangeOut(BaseModel):
    product_id: str
    sku_id: str
    old_price: Money
    new_price: Money


class ImportSummary(BaseModel):
    added: int
    updated: int
    removed: int
    unchanged: int
    price_changes: int
    price_changed_skus: list[PriceChangeOut] = Field(description="the first 100 price changes")
    promotions_changed: bool
    policies_changed: bool


class ImportReportOut(BaseModel):
    """An applied import."""

    catalog_id: str
    version: int
    mode: Literal["upsert", "replace"]
    rows: int = Field(description="data rows read")
    summary: ImportSummary
    warnings: list[str] = Field(description="ignored columns, skipped sheets, ...")
    took_ms: float
    embedding_backlog: int = Field(
        0, description="passages still waiting for vectors (answers use the facts and BM25 meanwhile)"
    )


class PromotionSaved(BaseModel):
    promotion: PromotionOut
    version: int = Field(description="the catalog version this change created")


class CatalogVersionOnly(BaseModel):
    version: int = Field(description="the catalog version this change created")


class SearchHit(BaseModel):
    product_id: str
    kind: Literal["name", "attributes", "faq", "description", "policy"]
    text: str
    score: float


class SearchResults(BaseModel):
    hits: list[SearchHit]
