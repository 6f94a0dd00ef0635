"""Catalog store behaviour, run against every backend (memory and SQLite on a temp file)."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.domain import (
    AfterSalesPolicy,
    Catalog,
    Coupon,
    FlashSale,
    PricePoint,
    PriceProtectionRules,
    Product,
    ShippingPolicy,
    Sku,
)
from knowledge.errors import (
    ImportRejected,
    InvalidUpdateError,
    UnknownCatalogError,
    UnknownProductError,
)
from knowledge.price_protection import ProtectionOutcome, price_protection
from knowledge.store import (
    MAX_PRICE_POINTS,
    CatalogChange,
    CatalogStore,
    MemoryCatalogStore,
    ProductPatch,
    SqliteCatalogStore,
    UnknownPromotionError,
    product_text_hash,
)
from knowledge.store.history import with_price

CST = timezone(timedelta(hours=8))
T0 = datetime(2025, 6, 1, 20, 0, tzinfo=CST)
SHIP = ShippingPolicy("ship-sf", "顺丰", 24)
AFTER = AfterSalesPolicy("as-7", no_reason_return_days=7)


def sku(sku_id: str, price: str, stock: int = 10, spec: str = "") -> Sku:
    return Sku(sku_id, spec or sku_id, Decimal(price), stock=stock)


def product(pid: str, *skus: Sku, link_no: int | None = None, **kw: object) -> Product:
    fields: dict[str, object] = {
        "description": f"{pid} 描述",
        "shipping_id": "ship-sf",
        "after_sales_id": "as-7",
    }
    fields.update(kw)
    return Product(pid, f"商品{pid}", tuple(skus), link_no=link_no, **fields)  # type: ignore[arg-type]


def base_catalog() -> Catalog:
    flash = FlashSale(
        "fs-1", "耳机秒杀", T0 + timedelta(days=20), T0 + timedelta(days=21), Decimal("149"), "p3"
    )
    return Catalog(
        "shop",
        (
            product("p1", sku("p1-red", "99"), sku("p1-pink", "99"), link_no=1, price_protection_days=15),
            product("p2", sku("p2-m", "59.90"), link_no=2, complements=("p1",)),
            product("p3", sku("p3-w", "199"), link_no=3),
        ),
        promotions=(flash,),
        shipping=(SHIP,),
        after_sales=(AFTER,),
    )


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], CatalogStore]]:
    """A factory: each call opens the backend on the same storage (a restart, for SQLite)."""
    opened: list[SqliteCatalogStore] = []
    memory = MemoryCatalogStore()

    def make() -> CatalogStore:
        if request.param == "memory":
            return memory
        opened.append(SqliteCatalogStore(tmp_path / "catalog.sqlite3"))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[[], CatalogStore]) -> CatalogStore:
    s = make_store()
    s.apply_import("shop", base_catalog(), "upsert", T0, source="base.json")
    return s


def changes_of(store: CatalogStore) -> list[CatalogChange]:
    seen: list[CatalogChange] = []
    store.subscribe(seen.append)
    return seen


def test_first_import_creates_catalog_with_history(store: CatalogStore) -> None:
    catalog = store.get("shop")
    assert store.catalog_ids() == ["shop"]
    assert catalog.version == 1
    assert [p.product_id for p in catalog.products] == ["p1", "p2", "p3"]
    red = catalog.products[0].skus[0]
    assert red.price_history == (PricePoint(T0, Decimal("99")),)
    assert store.get("shop") is catalog  # cached snapshot until a change


def test_upsert_counts_added_updated_unchanged(store: CatalogStore) -> None:
    incoming = Catalog(
        "ignored-id",
        (
            product("p2", sku("p2-m", "59.90"), link_no=2, complements=("p1",)),  # same as stored
            product("p3", sku("p3-w", "199"), sku("p3-b", "209"), link_no=3),  # a new SKU
            product("p4", sku("p4-x", "15"), link_no=4),
        ),
    )
    report = store.apply_import("shop", incoming, "upsert", T0 + timedelta(hours=1))
    # p1 was not in the upsert: it stays, and counts as unchanged like the identical p2
    assert (report.added, report.updated, report.unchanged, report.removed) == (
        ("p4",),
        ("p3",),
        ("p1", "p2"),
        (),
    )
    catalog = store.get("shop")
    assert [p.product_id for p in catalog.products] == ["p1", "p2", "p3", "p4"]  # order kept, new appended
    assert catalog.catalog_id == "shop"
    assert [s.sku_id for s in catalog.products[2].skus] == ["p3-w", "p3-b"]
    assert catalog.promotions == base_catalog().promotions  # upsert without promotions keeps them
    assert report.summary()["added"] == 1 and report.summary()["unchanged"] == 2


def test_replace_removes_and_follows_incoming(store: CatalogStore) -> None:
    incoming = Catalog(
        "shop", (product("p3", sku("p3-w", "199"), link_no=3),), shipping=(SHIP,), after_sales=(AFTER,)
    )
    report = store.apply_import("shop", incoming, "replace", T0 + timedelta(hours=1))
    assert report.removed == ("p1", "p2") and report.unchanged == ("p3",)
    catalog = store.get("shop")
    assert [p.product_id for p in catalog.products] == ["p3"]
    assert catalog.promotions == ()  # the flash sale on p3 was not in the incoming catalog
    assert report.promotions_changed


def test_versions_increment_and_record_history(store: CatalogStore) -> None:
    later = T0 + timedelta(hours=2)
    store.apply_import(
        "shop", Catalog("shop", (product("p4", sku("p4-x", "15")),)), "upsert", later, "add.csv"
    )
    store.update_product("shop", "p4", ProductPatch(stock={"p4-x": 3}), later)
    coupon = Coupon("cp-1", "满100减10", T0, T0 + timedelta(days=1), Decimal("100"), amount=Decimal("10"))
    assert store.put_promotion("shop", coupon, later) == 4
    assert store.delete_promotion("shop", "cp-1", later) == 5
    history = store.versions("shop")
    assert [v.version for v in history] == [1, 2, 3, 4, 5]
    assert [v.mode for v in history] == ["upsert", "upsert", "patch", "put_promotion", "delete_promotion"]
    assert history[0].source == "base.json" and history[0].created_at == T0
    assert history[1].summary["added"] == 1 and history[1].summary["unchanged"] == 3
    assert store.get("shop").version == 5


def test_rejected_import_lists_every_problem_and_changes_nothing(store: CatalogStore) -> None:
    before = store.get("shop")
    seen = changes_of(store)
    bad = Catalog(
        "shop",
        (
            product(
                "p4",
                sku("p1-red", "10"),  # SKU id of p1
                link_no=1,  # link of p1
                complements=("ghost",),
                shipping_id="ship-x",
                after_sales_id="as-x",
            ),
        ),
        promotions=(
            FlashSale("fs-2", "秒杀", T0, T0 + timedelta(hours=1), Decimal("9"), "p-missing"),
            FlashSale("fs-3", "秒杀", T0, T0 + timedelta(hours=1), Decimal("9"), "p1", ("p1-none",)),
            Coupon("cp-2", "券", T0, T0 + timedelta(days=1), amount=Decimal("5"), product_ids=("p-ghost",)),
        ),
    )
    with pytest.raises(ImportRejected) as caught:
        store.apply_import("shop", bad, "upsert", T0 + timedelta(hours=1), source="bad.csv")
    got = {(p.column, p.row) for p in caught.value.problems}
    expected_columns = {
        "sku_id",
        "link_no",
        "complements",
        "shipping_id",
        "after_sales_id",
        "product_id",
        "sku_ids",
    }
    assert expected_columns | {"product_ids"} <= {c for c, _ in got}
    assert all(row is None for _, row in got)
    text = " | ".join(p.message for p in caught.value.problems)
    for needle in ("p1-red", "'p1' and 'p4'", "ghost", "ship-x", "as-x", "p-missing", "p1-none", "p-ghost"):
        assert needle in text
    assert caught.value.filename == "bad.csv"
    assert store.get("shop") == before and store.get("shop").version == 1
    assert len(store.versions("shop")) == 1 and seen == []


def test_replace_is_validated_as_merged(store: CatalogStore) -> None:
    # Dropping p1 leaves p2's complement dangling and the catalog has no shipping policy any more.
    incoming = Catalog("shop", (product("p2", sku("p2-m", "59.90"), complements=("p1",)),))
    with pytest.raises(ImportRejected) as caught:
        store.apply_import("shop", incoming, "replace", T0 + timedelta(hours=1))
    assert {p.column for p in caught.value.problems} == {"complements", "shipping_id", "after_sales_id"}
    assert [p.product_id for p in store.get("shop").products] == ["p1", "p2", "p3"]


def test_duplicate_ids_inside_one_import_are_rejected(store: CatalogStore) -> None:
    twice = product("p9", sku("p9-a", "1"))
    with pytest.raises(ImportRejected) as caught:
        store.apply_import("shop", Catalog("shop", (twice, twice)), "upsert", T0)
    assert any("'p9'" in p.message and p.column == "product_id" for p in caught.value.problems)


def _protection(catalog: Catalog, bought: datetime, now: datetime) -> tuple[ProtectionOutcome, Decimal]:
    result = price_protection(catalog, "p1-red", purchased_at=bought, now=now)
    return result.outcome, result.refund


def test_price_drop_by_import_keeps_history_for_price_protection(store: CatalogStore) -> None:
    drop = T0 + timedelta(days=2)
    incoming = Catalog(
        "shop",
        (product("p1", sku("p1-red", "89"), sku("p1-pink", "99"), link_no=1, price_protection_days=15),),
    )
    report = store.apply_import("shop", incoming, "upsert", drop)
    assert [(c.sku_id, c.old_price, c.new_price) for c in report.price_changes] == [
        ("p1-red", Decimal("99"), Decimal("89"))
    ]
    catalog = store.get("shop")
    p1 = catalog.products[0]
    assert p1.skus[0].price_history == (PricePoint(T0, Decimal("99")), PricePoint(drop, Decimal("89")))
    assert p1.skus[1].price_history == (PricePoint(T0, Decimal("99")),)  # unchanged price adds nothing
    assert _protection(catalog, T0 + timedelta(days=1), drop + timedelta(hours=1)) == (
        ProtectionOutcome.REFUND,
        Decimal("10"),
    )
    after = _protection(catalog, drop + timedelta(minutes=30), drop + timedelta(hours=1))
    assert after == (ProtectionOutcome.NO_PRICE_DROP, Decimal("0"))


def test_price_drop_by_patch_keeps_history_and_reports_prices(store: CatalogStore) -> None:
    seen = changes_of(store)
    drop = T0 + timedelta(days=3)
    updated = store.update_product("shop", "p1", ProductPatch(price={"p1-red": Decimal("79")}), drop)
    assert updated.skus[0].price == Decimal("79")
    assert updated.skus[0].price_history[-1] == PricePoint(drop, Decimal("79"))
    catalog = store.get("shop")
    assert catalog.product("p1") == updated and catalog.version == 2
    assert _protection(catalog, T0 + timedelta(days=1), drop) == (ProtectionOutcome.REFUND, Decimal("20"))
    assert _protection(catalog, drop, drop + timedelta(days=1))[0] == ProtectionOutcome.NO_PRICE_DROP
    assert seen[-1].prices_changed == {"p1-red"} and seen[-1].text_changed_product_ids == frozenset()


def test_stock_patch_is_not_a_text_change(store: CatalogStore) -> None:
    seen = changes_of(store)
    before = store.get("shop").product("p1")
    assert before is not None
    updated = store.update_product("shop", "p1", ProductPatch(stock={"p1-pink": 0}), T0 + timedelta(hours=1))
    assert updated.skus[1].stock == 0 and updated.skus[1].price_history == before.skus[1].price_history
    assert product_text_hash(updated) == product_text_hash(before)
    (change,) = seen
    assert change.product_ids_changed == {"p1"} and change.text_changed_product_ids == frozenset()
    assert change.prices_changed == frozenset() and not change.promotions_changed


def test_invalid_patch_names_every_problem_and_changes_nothing(store: CatalogStore) -> None:
    before = store.get("shop")
    patch = ProductPatch(price={"p1-red": Decimal("-1"), "nope-1": Decimal("5")}, stock={"p1-pink": -3})
    with pytest.raises(InvalidUpdateError) as caught:
        store.update_product("shop", "p1", patch, T0 + timedelta(hours=1))
    for needle in ("nope-1", "p1-red", "negative", "p1-pink"):
        assert needle in str(caught.value)
    with pytest.raises(InvalidUpdateError, match="fen"):
        store.update_product("shop", "p1", ProductPatch(price={"p1-red": Decimal("9.999")}), T0)
    with pytest.raises(UnknownProductError):
        store.update_product("shop", "p-none", ProductPatch(stock={"x": 1}), T0)
    assert store.get("shop") is before and len(store.versions("shop")) == 1


def test_listeners_get_the_right_change(store: CatalogStore) -> None:
    seen = changes_of(store)
    incoming = Catalog(
        "shop",
        (
            product(
                "p1",
                sku("p1-red", "99"),
                sku("p1-pink", "99"),
                link_no=1,
                price_protection_days=15,
                description="新卖点",
            ),
            product("p2", sku("p2-m", "49.90"), link_no=2, complements=("p1",)),
            product("p3", sku("p3-w", "199"), link_no=3),
            product("p4", sku("p4-x", "15"), link_no=4),
        ),
    )
    store.apply_import("shop", incoming, "upsert", T0 + timedelta(hours=1))
    change = seen[-1]
    assert (change.catalog_id, change.version) == ("shop", 2)
    assert change.product_ids_changed == {"p1", "p2", "p4"}
    assert change.text_changed_product_ids == {"p1", "p4"}  # p2 only changed its price
    assert change.prices_changed == {"p2-m"} and change.removed_product_ids == frozenset()
    assert not change.promotions_changed and change.catalog is store.get("shop")
    store.apply_import(
        "shop",
        dataclasses.replace(incoming, products=incoming.products[:3], shipping=(SHIP,), after_sales=(AFTER,)),
        "replace",
        T0 + timedelta(hours=2),
    )
    assert seen[-1].removed_product_ids == {"p4"} and seen[-1].promotions_changed
    coupon = Coupon("cp-1", "券", T0, T0 + timedelta(days=1), amount=Decimal("5"), product_ids=("p1",))
    store.put_promotion("shop", coupon, T0 + timedelta(hours=3))
    assert seen[-1].promotions_changed and seen[-1].product_ids_changed == frozenset()
    assert [c.version for c in seen] == [2, 3, 4]


def test_promotions_put_replace_delete(store: CatalogStore) -> None:
    coupon = Coupon("cp-1", "券", T0, T0 + timedelta(days=1), amount=Decimal("5"))
    store.put_promotion("shop", coupon, T0)
    store.put_promotion("shop", dataclasses.replace(coupon, amount=Decimal("8")), T0)
    promos = store.get("shop").promotions
    assert [p.promo_id for p in promos] == ["fs-1", "cp-1"] and promos[1] == dataclasses.replace(
        coupon, amount=Decimal("8")
    )
    with pytest.raises(InvalidUpdateError, match="p-ghost"):
        store.put_promotion("shop", dataclasses.replace(coupon, product_ids=("p-ghost",)), T0)
    with pytest.raises(UnknownPromotionError):
        store.delete_promotion("shop", "cp-none", T0)
    store.delete_promotion("shop", "fs-1", T0)
    assert [p.promo_id for p in store.get("shop").promotions] == ["cp-1"]


def test_upsert_replaces_rules_only_when_given(store: CatalogStore) -> None:
    only_p3 = Catalog("shop", (product("p3", sku("p3-w", "199"), link_no=3),))
    strict = PriceProtectionRules(exclude_flash_sale=True, exclude_coupons=False, note="券后价也保价")
    store.apply_import("shop", dataclasses.replace(only_p3, price_protection=strict), "upsert", T0)
    assert store.get("shop").price_protection == strict
    store.apply_import("shop", only_p3, "upsert", T0)  # default rules: not given, stored rules stay
    assert store.get("shop").price_protection == strict


def test_price_history_is_bounded(store: CatalogStore) -> None:
    for i in range(MAX_PRICE_POINTS + 5):
        price = Decimal(100 + i)
        store.update_product("shop", "p3", ProductPatch(price={"p3-w": price}), T0 + timedelta(minutes=i + 1))
    history = store.get("shop").products[2].skus[0].price_history
    assert len(history) == MAX_PRICE_POINTS
    assert history[-1] == PricePoint(
        T0 + timedelta(minutes=MAX_PRICE_POINTS + 5), Decimal(MAX_PRICE_POINTS + 104)
    )


def test_undated_stored_price_starts_at_since() -> None:
    old = Sku("s", "", Decimal("10"))
    new = with_price(old, dataclasses.replace(old, price=Decimal("8")), T0, since=T0 - timedelta(days=9))
    assert new.price_history == (
        PricePoint(T0 - timedelta(days=9), Decimal("10")),
        PricePoint(T0, Decimal("8")),
    )


def test_unknown_catalog(make_store: Callable[[], CatalogStore]) -> None:
    store = make_store()
    with pytest.raises(UnknownCatalogError):
        store.get("none")
    with pytest.raises(UnknownCatalogError):
        store.versions("none")
    with pytest.raises(UnknownCatalogError):
        store.update_product("none", "p1", ProductPatch(stock={"a": 1}), T0)
    with pytest.raises(ValueError, match="timezone"):
        store.apply_import("none", base_catalog(), "upsert", datetime(2025, 1, 1))


def test_restart_keeps_everything(make_store: Callable[[], CatalogStore]) -> None:
    first = make_store()
    first.apply_import("shop", base_catalog(), "upsert", T0, "base.json")
    first.update_product(
        "shop", "p1", ProductPatch(price={"p1-red": Decimal("89.50")}), T0 + timedelta(days=1)
    )
    coupon = Coupon("cp-1", "9折券", T0, T0 + timedelta(days=1), rate=Decimal("0.9"), product_ids=("p1",))
    first.put_promotion("shop", coupon, T0 + timedelta(days=1))
    first.apply_import(
        "other",
        Catalog("other", (product("q1", sku("q1-a", "5"), shipping_id=None, after_sales_id=None),)),
        "replace",
        T0,
    )
    again = make_store()
    assert again.catalog_ids() == ["other", "shop"]
    assert again.get("shop") == first.get("shop") and again.get("shop").version == 3
    assert again.get("shop").products[0].skus[0].price_history[-1] == PricePoint(
        T0 + timedelta(days=1), Decimal("89.50")
    )
    assert again.versions("shop") == first.versions("shop")
    reordered = dataclasses.replace(first.get("shop"), products=first.get("shop").products[::-1])
    first.apply_import("shop", reordered, "replace", T0 + timedelta(days=1))
    assert [p.product_id for p in make_store().get("shop").products] == ["p3", "p2", "p1"]
    # the reopened store keeps writing from where the first one stopped
    again.update_product("shop", "p3", ProductPatch(stock={"p3-w": 1}), T0 + timedelta(days=2))
    assert [v.version for v in again.versions("shop")] == [1, 2, 3, 4, 5]


def _generation(n: int, gen: int) -> Catalog:
    products = tuple(
        product(f"g{i}", sku(f"g{i}-a", str(100 + gen)), link_no=i, description=f"gen-{gen}")
        for i in range(n)
    )
    return Catalog("shop", products, shipping=(SHIP,), after_sales=(AFTER,))


def test_concurrent_readers_see_old_or_new_never_a_mix(make_store: Callable[[], CatalogStore]) -> None:
    writer = make_store()
    writer.apply_import("shop", _generation(300, 0), "replace", T0)
    reader = make_store()  # for SQLite a second store on the same file: reloads from disk below
    done = threading.Event()
    mixes: list[str] = []
    reads = [0]

    def read() -> None:
        for _ in range(5000):  # bounded
            if done.is_set():
                break
            if isinstance(reader, SqliteCatalogStore):
                reader.refresh("shop")
            catalog = reader.get("shop")
            gens = {p.description for p in catalog.products} | {
                f"gen-{int(p.skus[0].price) - 100}" for p in catalog.products
            }
            if len(gens) != 1 or len(catalog.products) != 300:
                mixes.append(f"v{catalog.version}: {sorted(gens)[:3]}")
            reads[0] += 1

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for gen in range(1, 9):
        writer.apply_import("shop", _generation(300, gen), "upsert", T0 + timedelta(minutes=gen))
    done.set()
    for t in threads:
        t.join(timeout=60)
    assert mixes == []
    assert reads[0] > 0
    assert writer.get("shop").products[0].description == "gen-8"


def test_reimported_export_keeps_its_history(store: CatalogStore) -> None:
    drop = T0 + timedelta(days=1)
    store.update_product("shop", "p1", ProductPatch(price={"p1-red": Decimal("90")}), drop)
    exported = store.get("shop")
    store.apply_import("copy", exported, "replace", drop + timedelta(days=1))
    assert store.get("copy").products == exported.products  # history carried by the incoming SKUs
    old_p1 = exported.products[0]
    red_80 = dataclasses.replace(old_p1.skus[0], price=Decimal("80"))  # edited price, exported history
    edited = dataclasses.replace(old_p1, skus=(red_80, *old_p1.skus[1:]))
    later = drop + timedelta(days=2)
    store.apply_import("copy", dataclasses.replace(exported, products=(edited,)), "upsert", later)
    red = store.get("copy").products[0].skus[0]
    assert [p.price for p in red.price_history] == [Decimal("99"), Decimal("90"), Decimal("80")]
    assert red.price_history[-1].effective_from == later


def test_failing_listener_does_not_undo_the_write(store: CatalogStore) -> None:
    def broken(change: CatalogChange) -> None:
        raise RuntimeError("listener bug")

    store.subscribe(broken)
    seen = changes_of(store)
    version = store.put_promotion(
        "shop", Coupon("cp-1", "券", T0, T0 + timedelta(days=1), amount=Decimal("5")), T0
    )
    assert version == 2 and store.get("shop").version == 2 and [c.version for c in seen] == [2]


def test_reading_under_a_lock_the_listener_needs_does_not_deadlock(
    make_store: Callable[[], CatalogStore],
) -> None:
    first = make_store()
    first.apply_import("a", base_catalog(), "replace", T0)
    first.apply_import("b", base_catalog(), "replace", T0)
    store = make_store()  # SQLite: a restarted store, so "b" is not cached and get() must load it
    service_lock = threading.Lock()
    held, in_listener = threading.Event(), threading.Event()
    acquired: list[bool] = []
    loaded: list[int] = []

    def listener(change: CatalogChange) -> None:
        in_listener.set()
        ok = service_lock.acquire(timeout=10)
        acquired.append(ok)
        if ok:
            service_lock.release()

    def reader() -> None:
        with service_lock:
            held.set()
            in_listener.wait(timeout=10)
            loaded.append(store.get("b").version)  # a cache miss while the writer sits in the listener

    store.subscribe(listener)
    thread = threading.Thread(target=reader)
    thread.start()
    assert held.wait(timeout=10)
    store.put_promotion("a", Coupon("cp-1", "券", T0, T0 + timedelta(days=1), amount=Decimal("5")), T0)
    thread.join(timeout=20)
    assert acquired == [True] and loaded == [1]


def test_a_warranty_stated_none_and_one_unsaid_survive_a_restart(tmp_path: Path) -> None:
    """A warranty of 0 (stated: none) and an unsaid one (None) read back as written after a restart;
    a row written before the store recorded its format reads a 0 as unsaid (an empty cell then), so
    "no warranty" is never said on air for it."""
    path = tmp_path / "catalog.sqlite3"
    none, unsaid = AfterSalesPolicy("none", 7, True, 0, ""), AfterSalesPolicy("unsaid", 7, True, None, "")
    catalog = Catalog(
        "shop",
        (product("p1", sku("p1-a", "5"), after_sales_id="none"),),
        shipping=(SHIP,),
        after_sales=(none, unsaid),
    )
    first = SqliteCatalogStore(path)
    first.apply_import("shop", catalog, "upsert", T0)
    first.close()
    again = SqliteCatalogStore(path)
    assert {a.after_sales_id: a.warranty_months for a in again.get("shop").after_sales} == {
        "none": 0,
        "unsaid": None,
    }
    again.close()
    with sqlite3.connect(path) as conn:  # as an older release wrote it: no format, 0 for an empty cell
        legacy = '{"after_sales_id":"none","no_reason_return_days":7,"return_shipping_insurance":true,'
        legacy += '"warranty_months":0,"notes":""}'
        conn.execute("UPDATE policies SET data_json=? WHERE policy_id='none'", (legacy,))
    reopened = SqliteCatalogStore(path)
    policy = reopened.get("shop").after_sales_policy("none")
    assert policy is not None and policy.warranty_months is None
    reopened.close()
