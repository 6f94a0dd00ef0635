"""A fingerprint of the product text that feeds retrieval, to skip re-embedding unchanged text."""

from __future__ import annotations

import hashlib
import json

from knowledge.domain import Product


def product_text_hash(product: Product) -> str:
    """sha256 (hex) of the product's retrieval text.

    Covers name, brand, category, description, attributes, aliases, FAQ pairs and the SKU specs
    (viewers ask "有黑色吗"). Prices, stock, link numbers, policies and complements are left out:
    changing them must not trigger re-embedding.
    """
    text = {
        "name": product.name,
        "brand": product.brand,
        "category": product.category,
        "description": product.description,
        "attributes": sorted(product.attributes.items()),
        "aliases": list(product.aliases),
        "faq": [[f.question, f.answer] for f in product.faq],
        "specs": [s.spec for s in product.skus],
    }
    canonical = json.dumps(text, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
