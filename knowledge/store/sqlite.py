"""SQLite catalog store (stdlib ``sqlite3``, WAL): survives restarts, one file for every catalog.

Schema (``seq`` keeps the catalog order; every ``*_json`` is ``knowledge.serialize`` output):
    catalogs(catalog_id PK, version, rules_json)
    products(catalog_id, product_id, seq, data_json, text_hash, updated_version)
    promotions(catalog_id, promo_id, seq, data_json)
    policies(catalog_id, kind 'shipping'|'after_sales', policy_id, seq, data_json)
    versions(catalog_id, version, created_at, mode, source, summary_json)
Writes use one connection under the store's write lock; reads (a ``get`` cache miss, ``versions``,
``catalog_ids``) use one read connection per thread and never wait for a write (WAL), so the store is
safe for the FastAPI threadpool. Each write is one ``BEGIN IMMEDIATE`` transaction, rolled back on
any error. The write transaction re-reads the stored version, so a
second process writing the same file is noticed before planning; ``refresh()`` drops the read cache
for deployments where another process writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from knowledge.domain import Catalog
from knowledge.serialize import (
    SNAPSHOT_FORMAT,
    after_sales_from_dict,
    after_sales_to_dict,
    catalog_from_dict,
    catalog_to_dict,
    product_to_dict,
    promotion_to_dict,
    shipping_to_dict,
)
from knowledge.store.base import BaseCatalogStore, TxState
from knowledge.store.model import CatalogVersion
from knowledge.store.plan import Plan
from knowledge.store.text_hash import product_text_hash

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS catalogs (
    catalog_id TEXT PRIMARY KEY, version INTEGER NOT NULL, rules_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS products (
    catalog_id TEXT NOT NULL, product_id TEXT NOT NULL, seq INTEGER NOT NULL, data_json TEXT NOT NULL,
    text_hash TEXT NOT NULL, updated_version INTEGER NOT NULL, PRIMARY KEY (catalog_id, product_id));
CREATE INDEX IF NOT EXISTS products_seq ON products (catalog_id, seq);
CREATE TABLE IF NOT EXISTS promotions (
    catalog_id TEXT NOT NULL, promo_id TEXT NOT NULL, seq INTEGER NOT NULL, data_json TEXT NOT NULL,
    PRIMARY KEY (catalog_id, promo_id));
CREATE TABLE IF NOT EXISTS policies (
    catalog_id TEXT NOT NULL, kind TEXT NOT NULL, policy_id TEXT NOT NULL, seq INTEGER NOT NULL,
    data_json TEXT NOT NULL, PRIMARY KEY (catalog_id, kind, policy_id));
CREATE TABLE IF NOT EXISTS versions (
    catalog_id TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, mode TEXT NOT NULL,
    source TEXT NOT NULL, summary_json TEXT NOT NULL, PRIMARY KEY (catalog_id, version));
"""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _after_sales_row(row: dict[str, Any]) -> dict[str, Any]:
    """An after-sales policy row as the current format reads it: rows are rewritten only when the
    policies change, so a row of an older format (no ``format`` in it) is read by that format's rules
    (``serialize.after_sales_from_dict``: its warranty of 0 was as often an empty cell)."""
    written = int(row.pop("format", 1))
    return after_sales_to_dict(after_sales_from_dict(row, written))


class SqliteCatalogStore(BaseCatalogStore):
    """``CatalogStore`` in one SQLite file (created with its schema when missing)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (BEGIN ... COMMIT), so reads of one
        # snapshot happen inside one read transaction and see one consistent state (WAL).
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._conn = self._connect()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)
            self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        # check_same_thread=False only so that close() may close every connection; otherwise each
        # connection is used by one thread (readers) or under the write lock (the writer).
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection (opened on first use)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection; call when no other thread uses the store any more."""
        with self._lock, self._readers_lock:
            for conn in (*self._readers, self._conn):
                conn.close()
            self._readers.clear()

    def __enter__(self) -> SqliteCatalogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh(self, catalog_id: str | None = None) -> None:
        """Forget cached snapshots (one or all) so the next ``get`` reads the file again."""
        with self._cache_lock:
            if catalog_id is None:
                self._cache.clear()
            else:
                self._cache.pop(catalog_id, None)

    # -- reads ---------------------------------------------------------------------------------
    def catalog_ids(self) -> list[str]:
        rows = self._reader().execute("SELECT catalog_id FROM catalogs ORDER BY catalog_id").fetchall()
        return [r[0] for r in rows]

    def _load(self, catalog_id: str) -> Catalog | None:
        conn = self._reader()
        conn.execute("BEGIN")  # one read transaction: every table from the same committed state
        try:
            return self._load_in_tx(conn, catalog_id)
        finally:
            conn.execute("COMMIT")

    @staticmethod
    def _load_in_tx(conn: sqlite3.Connection, catalog_id: str) -> Catalog | None:
        row = conn.execute(
            "SELECT version, rules_json FROM catalogs WHERE catalog_id=?", (catalog_id,)
        ).fetchone()
        if row is None:
            return None

        def rows(sql: str, *args: str) -> list[Any]:
            return [json.loads(r[0]) for r in conn.execute(sql, (catalog_id, *args))]

        policies = "SELECT data_json FROM policies WHERE catalog_id=? AND kind=? ORDER BY seq"
        doc = {
            "catalog_id": catalog_id,
            "version": row[0],
            "price_protection": json.loads(row[1]),
            "shipping": rows(policies, "shipping"),
            "after_sales": [_after_sales_row(d) for d in rows(policies, "after_sales")],
            "promotions": rows("SELECT data_json FROM promotions WHERE catalog_id=? ORDER BY seq"),
            "products": rows("SELECT data_json FROM products WHERE catalog_id=? ORDER BY seq"),
        }
        return catalog_from_dict({"format": SNAPSHOT_FORMAT, **doc})

    def _version_rows(self, catalog_id: str) -> list[CatalogVersion]:
        sql = (
            "SELECT version, created_at, mode, source, summary_json FROM versions"
            " WHERE catalog_id=? ORDER BY version"
        )
        return [
            CatalogVersion(v, datetime.fromisoformat(at), mode, source, json.loads(summary))
            for v, at, mode, source, summary in self._reader().execute(sql, (catalog_id,))
        ]

    # -- writes --------------------------------------------------------------------------------
    def _transaction(self, catalog_id: str) -> AbstractContextManager[TxState]:
        return self._write_tx(catalog_id)

    @contextmanager
    def _write_tx(self, catalog_id: str) -> Iterator[TxState]:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT version FROM catalogs WHERE catalog_id=?", (catalog_id,)).fetchone()
            current = self._cache.get(catalog_id)
            if row is None:
                current = None
            elif current is None or current.version != row[0]:
                current = self._load_in_tx(conn, catalog_id)  # another process wrote since we cached
            first = conn.execute(
                "SELECT created_at FROM versions WHERE catalog_id=? ORDER BY version LIMIT 1", (catalog_id,)
            ).fetchone()
            yield current, datetime.fromisoformat(first[0]) if first else None
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _persist(self, catalog_id: str, previous: Catalog | None, plan: Plan) -> None:
        conn, new = self._conn, plan.catalog
        rules = catalog_to_dict(Catalog(catalog_id, (), price_protection=new.price_protection))
        conn.execute(
            "INSERT OR REPLACE INTO catalogs (catalog_id, version, rules_json) VALUES (?, ?, ?)",
            (catalog_id, new.version, _dumps(rules["price_protection"])),
        )
        self._persist_products(catalog_id, previous, plan)
        if plan.promotions_changed or previous is None:
            conn.execute("DELETE FROM promotions WHERE catalog_id=?", (catalog_id,))
            conn.executemany(
                "INSERT INTO promotions (catalog_id, promo_id, seq, data_json) VALUES (?, ?, ?, ?)",
                [
                    (catalog_id, p.promo_id, i, _dumps(promotion_to_dict(p)))
                    for i, p in enumerate(new.promotions)
                ],
            )
        if plan.policies_changed or previous is None:
            conn.execute("DELETE FROM policies WHERE catalog_id=?", (catalog_id,))
            rows = [("shipping", s.shipping_id, i, shipping_to_dict(s)) for i, s in enumerate(new.shipping)]
            rows += [
                ("after_sales", a.after_sales_id, i, {**after_sales_to_dict(a), "format": SNAPSHOT_FORMAT})
                for i, a in enumerate(new.after_sales)
            ]
            conn.executemany(
                "INSERT INTO policies (catalog_id, kind, policy_id, seq, data_json) VALUES (?, ?, ?, ?, ?)",
                [(catalog_id, kind, pid, seq, _dumps(doc)) for kind, pid, seq, doc in rows],
            )
        record = plan.record
        conn.execute(
            "INSERT INTO versions (catalog_id, version, created_at, mode, source, summary_json)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                catalog_id,
                record.version,
                record.created_at.isoformat(),
                record.mode,
                record.source,
                _dumps(record.summary),
            ),
        )

    def _persist_products(self, catalog_id: str, previous: Catalog | None, plan: Plan) -> None:
        """Write changed products, delete removed ones, renumber ``seq`` where the order moved.

        Invariant: ``seq`` is the product's index in the catalog tuple, so the previous snapshot's
        indexes tell which rows need a new ``seq``.
        """
        conn, new = self._conn, plan.catalog
        conn.executemany(
            "DELETE FROM products WHERE catalog_id=? AND product_id=?",
            [(catalog_id, pid) for pid in plan.removed],
        )
        written = {p.product_id for p in plan.written}
        old_seq = {p.product_id: i for i, p in enumerate(previous.products)} if previous else {}
        upserts: list[tuple[Any, ...]] = []
        moves: list[tuple[Any, ...]] = []
        for i, product in enumerate(new.products):
            pid = product.product_id
            if pid in written:
                data = _dumps(product_to_dict(product))
                upserts.append((catalog_id, pid, i, data, product_text_hash(product), new.version))
            elif old_seq.get(pid) != i:
                moves.append((i, catalog_id, pid))
        conn.executemany(
            "INSERT OR REPLACE INTO products"
            " (catalog_id, product_id, seq, data_json, text_hash, updated_version) VALUES (?, ?, ?, ?, ?, ?)",
            upserts,
        )
        conn.executemany("UPDATE products SET seq=? WHERE catalog_id=? AND product_id=?", moves)
