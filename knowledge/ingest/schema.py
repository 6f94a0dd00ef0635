"""JSON Schema (draft 2020-12) of the canonical catalog JSON (``knowledge.serialize``).

Written to knowledge/templates/catalog.schema.json by ``write_templates``. The schema describes the
shape; ``parse_catalog`` adds the checks a schema cannot express (unique ids, references, end after
start, exactly one of amount/rate).
"""

from __future__ import annotations

from typing import Any

_MONEY = {
    "description": 'CNY amount, at most 2 decimals; a string such as "199.00" (numbers are accepted)',
    "type": ["string", "number"],
    "pattern": r"^\d+(\.\d{1,2})?$",
    "minimum": 0,
}
_OPT_MONEY = {**_MONEY, "type": ["string", "number", "null"]}
_TIME = {
    "type": "string",
    "format": "date-time",
    "description": "ISO-8601; without offset: catalog time zone",
}
_ID = {"type": "string", "minLength": 1}
_IDS = {"type": "array", "items": _ID}
_COUNT = {"type": "integer", "minimum": 0}
_TEXT = {"type": "string", "maxLength": 10000}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


_SKU = _object(
    ["sku_id", "price"],
    {
        "sku_id": _ID,
        "spec": _TEXT,
        "price": _MONEY,
        "list_price": _OPT_MONEY,
        "stock": _COUNT,
        "price_history": {
            "type": "array",
            "items": _object(["effective_from", "price"], {"effective_from": _TIME, "price": _MONEY}),
        },
    },
)
_PRODUCT = _object(
    ["product_id", "name", "skus"],
    {
        "product_id": _ID,
        "name": {**_TEXT, "minLength": 1},
        "category": _TEXT,
        "brand": _TEXT,
        "link_no": {"type": ["integer", "null"], "minimum": 0},
        "description": _TEXT,
        "attributes": {"type": "object", "additionalProperties": _TEXT},
        "aliases": {"type": "array", "items": _TEXT},
        "price_protection_days": _COUNT,
        "shipping_id": {"type": ["string", "null"]},
        "after_sales_id": {"type": ["string", "null"]},
        "complements": _IDS,
        "faq": {
            "type": "array",
            "items": _object(["question", "answer"], {"question": _TEXT, "answer": _TEXT}),
        },
        "skus": {"type": "array", "minItems": 1, "items": _SKU},
    },
)
_PROMOTION = _object(
    ["promo_id", "type", "start", "end"],
    {
        "promo_id": _ID,
        "type": {"enum": ["flash_sale", "coupon", "spend_discount"]},
        "title": _TEXT,
        "start": _TIME,
        "end": _TIME,
        "price": _OPT_MONEY,
        "product_id": {"type": ["string", "null"]},
        "sku_ids": _IDS,
        "quantity_cap": {"type": ["integer", "null"], "minimum": 0},
        "threshold": _OPT_MONEY,
        "amount": _OPT_MONEY,
        "rate": {"type": ["string", "number", "null"], "pattern": r"^0?\.\d+$"},
        "product_ids": _IDS,
        "per_viewer_limit": {"type": "integer", "minimum": 1},
        "stackable": {"type": "boolean"},
    },
)
_SHIPPING = _object(
    ["shipping_id", "carrier", "dispatch_hours"],
    {
        "shipping_id": _ID,
        "carrier": _TEXT,
        "dispatch_hours": _COUNT,
        "free_shipping_threshold": _OPT_MONEY,
        "fee": _MONEY,
        "excluded_regions": {"type": "array", "items": _TEXT},
        "presale_dispatch": _TEXT,
    },
)
_AFTER_SALES = _object(
    ["after_sales_id"],
    {
        "after_sales_id": _ID,
        "no_reason_return_days": _COUNT,
        "return_shipping_insurance": {"type": "boolean"},
        "warranty_months": _COUNT,
        "notes": _TEXT,
    },
)


def catalog_schema() -> dict[str, Any]:
    """The JSON Schema document of a canonical catalog file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://liveshop.example/schemas/catalog.schema.json",
        "title": "LiveShop catalog",
        "description": "Canonical catalog JSON (import and export); see docs/catalog-format.md",
        **_object(
            ["products"],
            {
                "format": {"type": "integer", "description": "the document's format; ignored on import"},
                "catalog_id": {"type": "string", "description": "ignored on import"},
                "version": {"type": "integer", "description": "ignored on import"},
                "price_protection": _object(
                    [],
                    {
                        "exclude_flash_sale": {"type": "boolean"},
                        "exclude_coupons": {"type": "boolean"},
                        "note": _TEXT,
                    },
                ),
                "shipping": {"type": "array", "items": _SHIPPING},
                "after_sales": {"type": "array", "items": _AFTER_SALES},
                "promotions": {"type": "array", "items": _PROMOTION},
                "products": {"type": "array", "items": _PRODUCT},
            },
        ),
    }
