"""Catalog domain types: products, SKUs, promotions, price protection, shipping, after-sales, FAQ.

Amounts are exact CNY ``Decimal`` values (never float). Times are timezone-aware ``datetime``
values; naive times are rejected at the edges (ingest, API), never guessed here.
All types are frozen dataclasses so a catalog snapshot can be shared between threads safely and
serialised (see ``knowledge.serialize``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class PricePoint:
    """The base price of a SKU from ``effective_from`` on (until the next point)."""

    effective_from: datetime
    price: Decimal


@dataclass(frozen=True, slots=True)
class Sku:
    """One purchasable variant of a product (a colour / size / capacity)."""

    sku_id: str
    spec: str  # human text as the operator wrote it, e.g. "黑色 L" or "50ml 控油款"
    price: Decimal  # the current base (non-promotional) price
    list_price: Decimal | None = None  # 划线价, shown for comparison only
    stock: int = 0
    # Earlier base prices, oldest first; the last point equals ``price``. Empty means the
    # price has been ``price`` for as long as the catalog knows (used by price protection).
    price_history: tuple[PricePoint, ...] = ()


@dataclass(frozen=True, slots=True)
class FaqPair:
    """A curated question/answer pair written by the operator."""

    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Product:
    """A product as presented in the room: its SKUs, facts and curated knowledge."""

    product_id: str
    name: str
    skus: tuple[Sku, ...]
    category: str = ""
    brand: str = ""
    link_no: int | None = None  # N号链接 in the room's cart panel
    description: str = ""  # 卖点, free text written by the operator
    attributes: dict[str, str] = field(default_factory=dict)  # 材质, 产地, 适用肤质, 尺码表 ...
    aliases: tuple[str, ...] = ()
    faq: tuple[FaqPair, ...] = ()
    complements: tuple[str, ...] = ()  # product ids that go with this one (搭配)
    price_protection_days: int = 0  # 0 means no price protection
    shipping_id: str | None = None  # a ShippingPolicy of the catalog
    after_sales_id: str | None = None  # an AfterSalesPolicy of the catalog

    def sku(self, sku_id: str) -> Sku | None:
        """The SKU with this id, or None."""
        for sku in self.skus:
            if sku.sku_id == sku_id:
                return sku
        return None


class PromotionKind(StrEnum):
    FLASH_SALE = "flash_sale"  # 限时秒杀
    COUPON = "coupon"  # 优惠券
    SPEND_DISCOUNT = "spend_discount"  # 满减


@dataclass(frozen=True, slots=True)
class FlashSale:
    """A time-boxed special price for some SKUs, with an optional quantity cap."""

    promo_id: str
    title: str
    start: datetime
    end: datetime  # exclusive: the sale is over at ``end``
    price: Decimal
    product_id: str
    sku_ids: tuple[str, ...] = ()  # empty: every SKU of the product
    quantity_cap: int | None = None

    kind = PromotionKind.FLASH_SALE

    def applies_to(self, product_id: str, sku_id: str) -> bool:
        return product_id == self.product_id and (not self.sku_ids or sku_id in self.sku_ids)

    def active_at(self, t: datetime) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True, slots=True)
class Coupon:
    """A coupon: ``amount`` off (or pay ``rate`` of the price) once the order reaches ``threshold``.

    ``rate`` is the share paid: Decimal("0.9") is 9折 (10 % off). Exactly one of amount/rate is set.
    """

    promo_id: str
    title: str
    valid_from: datetime
    valid_to: datetime  # exclusive
    threshold: Decimal = Decimal("0")
    amount: Decimal | None = None
    rate: Decimal | None = None
    product_ids: tuple[str, ...] = ()  # empty: shop-wide (店铺券)
    per_viewer_limit: int = 1
    stackable: bool = False  # may combine with other coupons / 满减

    kind = PromotionKind.COUPON

    def applies_to(self, product_id: str, sku_id: str = "") -> bool:
        return not self.product_ids or product_id in self.product_ids

    def active_at(self, t: datetime) -> bool:
        return self.valid_from <= t < self.valid_to

    @property
    def start(self) -> datetime:
        return self.valid_from

    @property
    def end(self) -> datetime:
        return self.valid_to


@dataclass(frozen=True, slots=True)
class SpendDiscount:
    """满减: save ``amount`` when the order reaches ``threshold`` (across the products in scope)."""

    promo_id: str
    title: str
    start: datetime
    end: datetime  # exclusive
    threshold: Decimal
    amount: Decimal
    product_ids: tuple[str, ...] = ()  # empty: shop-wide
    stackable: bool = True

    kind = PromotionKind.SPEND_DISCOUNT

    def applies_to(self, product_id: str, sku_id: str = "") -> bool:
        return not self.product_ids or product_id in self.product_ids

    def active_at(self, t: datetime) -> bool:
        return self.start <= t < self.end


Promotion = FlashSale | Coupon | SpendDiscount


@dataclass(frozen=True, slots=True)
class PriceProtectionRules:
    """Catalog-wide price-protection (保价) rules; the number of days is per product.

    By default a lower price only counts when it is the shop's own base price: a flash-sale price
    or a coupon price does not (and a purchase made at a flash-sale price is not protected).
    """

    exclude_flash_sale: bool = True
    exclude_coupons: bool = True
    note: str = "秒杀价、优惠券价不参与保价"


@dataclass(frozen=True, slots=True)
class ShippingPolicy:
    """Shipping promise for the products that name this policy."""

    shipping_id: str
    carrier: str  # 顺丰 / 中通 / 京东 ...
    dispatch_hours: int  # ships within N hours of payment
    free_shipping_threshold: Decimal | None = Decimal("0")  # 0: 包邮; None: never free
    fee: Decimal = Decimal("0")  # fee below the threshold
    excluded_regions: tuple[str, ...] = ()  # no shipping / no free shipping (新疆, 西藏 ...)
    presale_dispatch: str = ""  # free text for 预售, e.g. "12月5日前发货"


@dataclass(frozen=True, slots=True)
class AfterSalesPolicy:
    """After-sales promise: returns, return-shipping insurance, warranty."""

    after_sales_id: str
    no_reason_return_days: int = 7  # 7天无理由; 0 means not supported
    return_shipping_insurance: bool = False  # 运费险
    # months of warranty; 0: the policy states there is none; None: it says nothing of a warranty
    # (a question about repairs is then a person's)
    warranty_months: int | None = None
    notes: str = ""  # e.g. "食品拆封后不支持无理由退货"


@dataclass(frozen=True, slots=True)
class Catalog:
    """One operator catalog at one version: products plus the policies and promotions they use."""

    catalog_id: str
    products: tuple[Product, ...]
    promotions: tuple[Promotion, ...] = ()
    shipping: tuple[ShippingPolicy, ...] = ()
    after_sales: tuple[AfterSalesPolicy, ...] = ()
    price_protection: PriceProtectionRules = PriceProtectionRules()
    version: int = 0

    def product(self, product_id: str) -> Product | None:
        for product in self.products:
            if product.product_id == product_id:
                return product
        return None

    def shipping_policy(self, shipping_id: str | None) -> ShippingPolicy | None:
        return next((s for s in self.shipping if s.shipping_id == shipping_id), None)

    def after_sales_policy(self, after_sales_id: str | None) -> AfterSalesPolicy | None:
        return next((a for a in self.after_sales if a.after_sales_id == after_sales_id), None)
