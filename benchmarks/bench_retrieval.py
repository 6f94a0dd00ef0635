"""Retrieval speed and memory at catalog scale (default 10k synthetic products).

Run: ``python -m benchmarks.bench_retrieval [--products 10000] [--queries 300] [--model-dir models]``.

What it prints (per-query latencies in ms, median and p99, one thread for torch):
- search latency of BM25, dense (faiss flat and HNSW), hybrid (RRF), and hybrid with a category
  filter, with the query vector precomputed (index time only), plus the e5 query encoding time;
- baselines run side by side in the same process, with the ratio: a naive BM25 (Python loop over
  every document, no inverted index) against ours, and brute-force numpy dot products over all
  vectors against HNSW;
- build time and process memory (VmRSS) with a saved index loaded in a fresh process.

``--memo`` instead measures the query-vector memo on the demo catalog with the real model: a
hybrid search (query encoding included) whose query vector is in the memo against the baseline
where every query is encoded (memo off), same queries (the labelled viewer questions), same
index, side by side.

Passage vectors go through a persistent embedding cache (``--cache``), so only the first run pays
for embedding the synthetic catalog (about 70k passages; ~10 min on one shared core).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path

import numpy as np

from knowledge.domain import AfterSalesPolicy, Catalog, FaqPair, Product, ShippingPolicy, Sku
from knowledge.retrieval import Embedder, EmbeddingCache, HybridIndex, HybridOptions, tokenize
from knowledge.retrieval.embed import Vectors

CATEGORIES: dict[str, dict[str, list[str]]] = {
    "美妆": {
        "noun": ["精华液", "面霜", "口红", "粉底液", "防晒霜", "卸妆油", "眼霜", "爽肤水", "面膜", "气垫"],
        "adj": ["修护", "保湿", "美白", "控油", "持妆", "水光", "丝绒", "清透", "抗皱", "舒缓"],
        "attr": ["适用肤质", "核心成分", "净含量", "保质期"],
        "value": ["敏感肌", "干皮", "油皮", "烟酰胺", "玻尿酸", "30ml", "50ml", "3年"],
        "faq": ["敏感肌能用吗", "孕妇能用吗", "会闷痘吗", "能带上飞机吗", "怎么用"],
    },
    "服饰": {
        "noun": ["羽绒服", "卫衣", "牛仔裤", "连衣裙", "大衣", "衬衫", "T恤", "针织衫", "运动鞋", "雪地靴"],
        "adj": ["宽松", "修身", "加绒", "纯棉", "复古", "百搭", "轻薄", "高腰", "oversize", "韩版"],
        "attr": ["面料", "版型", "尺码", "厚度"],
        "value": ["纯棉", "羊毛", "涤纶", "S-XXL", "偏大一码", "常规", "加厚", "90白鸭绒"],
        "faq": ["偏大还是偏小", "会起球吗", "掉色吗", "165穿什么码", "能机洗吗"],
    },
    "数码": {
        "noun": [
            "蓝牙耳机",
            "充电宝",
            "手机壳",
            "智能手表",
            "键盘",
            "音箱",
            "数据线",
            "平板支架",
            "投影仪",
            "鼠标",
        ],
        "adj": ["降噪", "快充", "无线", "防水", "超薄", "磁吸", "便携", "长续航", "静音", "高清"],
        "attr": ["续航", "接口", "重量", "保修"],
        "value": ["30小时", "Type-C", "200g", "1年", "蓝牙5.3", "IPX5", "20000mAh", "PD快充"],
        "faq": ["能连iPhone吗", "防水吗", "续航多久", "保修多久", "能上飞机吗"],
    },
    "食品": {
        "noun": ["坚果", "牛奶", "鸭脖", "绿茶", "咖啡", "面包", "牛肉干", "蜂蜜", "燕麦片", "辣条"],
        "adj": ["每日", "低糖", "香辣", "原味", "有机", "即食", "高蛋白", "无添加", "手工", "冻干"],
        "attr": ["保质期", "产地", "净含量", "储存方式"],
        "value": ["12个月", "云南", "500g", "冷藏", "常温", "内蒙古", "30包", "6个月"],
        "faq": ["辣吗", "孕妇能吃吗", "保质期是多久呀", "小孩能吃吗", "甜吗"],
    },
    "家居": {
        "noun": ["保温杯", "四件套", "炒锅", "收纳箱", "洗衣凝珠", "枕头", "拖鞋", "台灯", "毛巾", "香薰"],
        "adj": ["不粘", "大容量", "抗菌", "静音", "加厚", "可折叠", "护颈", "速干", "恒温", "北欧"],
        "attr": ["材质", "尺寸", "容量", "适用"],
        "value": ["316不锈钢", "纯棉", "1.8m床", "500ml", "燃气灶电磁炉通用", "PP", "乳胶", "60x40cm"],
        "faq": ["电磁炉能用吗", "能装碳酸饮料吗", "会起球吗", "多大尺寸", "味道大吗"],
    },
}
BRANDS = [
    "澜序",
    "北纬线",
    "云岭",
    "植萃集",
    "声阔",
    "极客派",
    "暖居",
    "山野",
    "青禾",
    "拾光",
    "木言",
    "悦己",
]
COLOURS = ["黑色", "白色", "杏色", "藏青", "雾霾蓝", "酒红"]


def synthetic_catalog(n_products: int, seed: int = 7) -> Catalog:
    """A seeded catalog of ``n_products`` Chinese-style products over five categories."""
    rng = random.Random(seed)
    ship = ShippingPolicy("ship", carrier="顺丰", dispatch_hours=48, excluded_regions=("新疆", "西藏"))
    after = AfterSalesPolicy("after", no_reason_return_days=7, return_shipping_insurance=True)
    products = []
    for i in range(n_products):
        category = rng.choice(list(CATEGORIES))
        words = CATEGORIES[category]
        brand, noun = rng.choice(BRANDS), rng.choice(words["noun"])
        adj = rng.sample(words["adj"], 2)
        name = f"{brand} {adj[0]}{adj[1]}{noun} {rng.randint(1, 9)}代"
        skus = tuple(
            Sku(
                f"P{i}-{j}",
                f"{colour} {rng.choice(['S', 'M', 'L', '标准装', '加大'])}",
                Decimal(rng.randint(9, 999)),
            )
            for j, colour in enumerate(rng.sample(COLOURS, rng.randint(1, 3)))
        )
        faq = tuple(
            FaqPair(
                q,
                f"{rng.choice(['可以', '没问题'])}，{rng.choice(words['value'])}，{rng.choice(adj)}款。",
            )
            for q in rng.sample(words["faq"], 2)
        )
        description = "".join(
            f"{rng.choice(words['adj'])}{rng.choice(words['noun'])}，{rng.choice(words['value'])}，"
            f"{rng.choice(['日常通勤', '送礼自用', '学生党', '上班族', '宝妈'])}都合适。"
            for _ in range(3)
        )
        products.append(
            Product(
                product_id=f"P{i:05d}",
                name=name,
                skus=skus,
                category=category,
                brand=brand,
                link_no=i + 1,  # link numbers are unique in a catalog
                description=description,
                attributes={a: rng.choice(words["value"]) for a in words["attr"][:3]},
                aliases=(f"{adj[0]}{noun}",),
                faq=faq,
                shipping_id="ship",
                after_sales_id="after",
                price_protection_days=rng.choice([0, 7, 15, 30]),
            )
        )
    return Catalog("bench", tuple(products), shipping=(ship,), after_sales=(after,))


def items_of(catalog: Catalog) -> list[tuple[Product, ShippingPolicy | None, AfterSalesPolicy | None]]:
    return [
        (p, catalog.shipping_policy(p.shipping_id), catalog.after_sales_policy(p.after_sales_id))
        for p in catalog.products
    ]


def synthetic_queries(catalog: Catalog, n: int, seed: int = 11) -> list[str]:
    """Viewer-style questions about random products (aliases, attributes, FAQ, English)."""
    rng = random.Random(seed)
    templates = [
        "{alias}{faq}",
        "{alias}几号链接",
        "{noun}{value}吗",
        "{brand}的{noun}{faq}",
        "is the {noun} good",
    ]
    out = []
    for _ in range(n):
        p = rng.choice(catalog.products)
        words = CATEGORIES[p.category]
        out.append(
            rng.choice(templates).format(
                alias=p.aliases[0],
                faq=rng.choice(words["faq"]),
                noun=rng.choice(words["noun"]),
                value=rng.choice(words["value"]),
                brand=p.brand,
            )
        )
    return out


def rss_mib() -> float:
    """Resident memory of this process (VmRSS from /proc/self/status), MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn: Callable[[str], object], queries: Sequence[str]) -> tuple[float, float]:
    """Median and p99 latency of ``fn`` over ``queries``, ms (after a short warm-up)."""
    for q in queries[:5]:
        fn(q)
    samples = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        samples.append((time.perf_counter() - start) * 1000)
    return float(np.median(samples)), float(np.percentile(samples, 99))


class HashedBagEmbedder:
    """Fast stand-in vectors: a normalised sum of seeded random vectors, one per search token.

    Not a language model: it exists so that index latency and memory can be measured at 10k+
    products on a machine where embedding 60k passages with e5 would take most of an hour.
    Same dimension (384) and normalisation as multilingual-e5-small.
    """

    dimension = 384
    model_id = "hashed-bag-384"

    def __init__(self) -> None:
        self._tokens: dict[str, Vectors] = {}

    def _token(self, token: str) -> Vectors:
        vec = self._tokens.get(token)
        if vec is None:
            seed = int.from_bytes(hashlib.sha256(token.encode()).digest()[:8], "little")
            vec = self._tokens[token] = (
                np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
            )
        return vec

    def _vec(self, text: str) -> Vectors:
        out = np.zeros(self.dimension, dtype=np.float32)
        for token in tokenize(text):
            out += self._token(token)
        norm = float(np.linalg.norm(out))
        return out / norm if norm > 0 else out

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self.encode_queries(texts)


class PrecomputedQueries:
    """An embedder that serves query vectors computed beforehand (so search timings exclude e5)."""

    def __init__(self, inner: Embedder, queries: Sequence[str]) -> None:
        self.inner = inner
        self.vectors = dict(zip(queries, inner.encode_queries(list(queries)), strict=True))

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self.vectors[t] for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self.inner.encode_passages(texts)


def naive_bm25(docs: list[list[str]]) -> Callable[[str], list[int]]:
    """Baseline: BM25 by looping over every document in Python (no inverted index)."""
    counters = [Counter(d) for d in docs]
    lengths = [len(d) for d in docs]
    avg = sum(lengths) / len(lengths)
    df: Counter[str] = Counter(t for c in counters for t in c)

    def search(query: str) -> list[int]:
        terms = list(dict.fromkeys(tokenize(query)))
        scores = []
        for i, c in enumerate(counters):
            s = 0.0
            for t in terms:
                tf = c.get(t)
                if tf:
                    idf = math.log1p((len(docs) - df[t] + 0.5) / (df[t] + 0.5))
                    s += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * lengths[i] / avg))
            scores.append(s)
        return sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:50]

    return search


def row(name: str, p50: float, p99: float, base: tuple[float, float] | None = None) -> None:
    ratio = (
        f"  baseline {base[0]:8.2f} / {base[1]:8.2f}  -> {base[0] / p50:6.1f}x faster (p50)" if base else ""
    )
    print(f"  {name:<34} p50 {p50:7.3f} ms  p99 {p99:7.3f} ms{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description="retrieval latency and memory at catalog scale")
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--model-dir", type=Path, default=Path("models"))
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "liveshop-bench-vectors.sqlite"
    )
    parser.add_argument(
        "--vectors",
        choices=["e5", "hashed"],
        default="e5",
        help="passage vectors from the e5 model, or fast hashed stand-ins for index timings at scale",
    )
    parser.add_argument("--measure-load", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--memo", action="store_true", help="query memo hit vs miss on the demo catalog")
    parser.add_argument("--int8", action="store_true", help="with --memo: the int8 dynamic encoder")
    args = parser.parse_args()
    if args.measure_load:
        return measure_load(args.measure_load, args.model_dir)
    if args.memo:
        return memo_bench(args.model_dir / "multilingual-e5-small", args.int8)
    import torch

    torch.set_num_threads(1)
    catalog = synthetic_catalog(args.products)
    queries = synthetic_queries(catalog, args.queries)
    model = args.model_dir / "multilingual-e5-small"
    embedder: Embedder | None = None
    print(f"passage vectors: {args.vectors}")
    if (model / "config.json").is_file():
        from knowledge.retrieval import E5Embedder

        e5 = E5Embedder(model, threads=1)
        enc = timed(lambda q: e5.encode_queries([q]), queries[:100])
        print(f"e5 query encoding (1 thread): p50 {enc[0]:.2f} ms  p99 {enc[1]:.2f} ms")
        embedder = PrecomputedQueries(e5 if args.vectors == "e5" else HashedBagEmbedder(), queries)
    elif args.vectors == "hashed":
        embedder = PrecomputedQueries(HashedBagEmbedder(), queries)
    else:
        print(f"no model in {model}: BM25 only (install it with `liveshop models install`)")
    run(catalog, queries, embedder, args.cache)


def build(catalog: Catalog, embedder: Embedder | None, options: HybridOptions) -> tuple[HybridIndex, float]:
    start = time.perf_counter()
    index = HybridIndex(embedder, options)
    last = [start]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"    ... {done}/{total} products", flush=True)

    index.upsert_products(items_of(catalog), progress)
    return index, time.perf_counter() - start


def run(catalog: Catalog, queries: list[str], embedder: Embedder | None, cache: Path) -> None:
    n = len(catalog.products)
    bm25_only, seconds = build(catalog, None, HybridOptions())
    print(
        f"{n} products, {len(bm25_only)} chunks; BM25-only build {seconds:.1f} s "
        f"({n / seconds:.0f} products/s)"
    )
    docs = [tokenize(c.text) for pid in bm25_only.product_ids for c in bm25_only.chunks_of(pid)]
    naive = naive_bm25(docs)
    base = timed(naive, queries[:20])
    print("search latency (query vector precomputed; 1 thread):")
    row(
        "bm25 (inverted index, numpy)",
        *timed(lambda q: bm25_only.search(q, 5, mode="bm25"), queries),
        base=base,
    )
    print(f"  {'baseline: naive BM25 (20 queries)':<34} p50 {base[0]:7.3f} ms  p99 {base[1]:7.3f} ms")
    if embedder is None:
        return
    cached = EmbeddingCache(cache)
    indexes = {}
    for kind in ("flat", "hnsw"):
        options = HybridOptions(dense_kind=kind, cache_path=cache)
        index, seconds = build(catalog, embedder, options)
        print(f"  built hybrid/{kind} in {seconds:.1f} s (passage cache: {len(cached)} vectors)")
        indexes[kind] = index
    hnsw = indexes["hnsw"]
    ids = np.fromiter(hnsw._vec_id.values(), dtype=np.int64)
    assert hnsw._dense is not None
    matrix = hnsw._dense.vectors(ids)
    qv = embedder.encode_queries

    def brute(q: str) -> np.ndarray:
        return np.argsort(-(matrix @ qv([q])[0]))[:50]

    base = timed(brute, queries)
    for kind, index in indexes.items():
        row(f"dense/{kind}", *timed(partial(index.search, k=5, mode="dense"), queries), base=base)
    print(f"  {'baseline: numpy brute force dot':<34} p50 {base[0]:7.3f} ms  p99 {base[1]:7.3f} ms")
    for kind, index in indexes.items():
        row(f"hybrid/{kind} (RRF)", *timed(partial(index.search, k=5), queries))
        row(f"hybrid/{kind} + category filter", *timed(partial(index.search, k=5, category="食品"), queries))
        row(f"hybrid/{kind} search_products", *timed(partial(index.search_products, k=5), queries))
    recall = np.mean(
        [
            len(
                {h.chunk.chunk_id for h in hnsw.search(q, 10, mode="dense")}
                & {h.chunk.chunk_id for h in indexes["flat"].search(q, 10, mode="dense")}
            )
            / 10
            for q in queries
        ]
    )
    print(f"  HNSW recall@10 against exact flat search: {recall:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        hnsw.save(Path(tmp) / "idx")
        size = sum(f.stat().st_size for f in (Path(tmp) / "idx").iterdir()) / 2**20
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_retrieval", "--measure-load", str(Path(tmp) / "idx")],
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"saved index {size:.0f} MiB on disk; {out.stdout.strip()}")


def memo_bench(model: Path, quantize: bool) -> None:
    """Hybrid search latency, query encoding included, with the query vector memoised or not."""
    import torch

    from evals.retrieval import build_index, load_queries
    from knowledge.demo import load_demo_catalog
    from knowledge.retrieval import E5Embedder, QueryMemo

    torch.set_num_threads(1)
    e5 = E5Embedder(model, threads=1, quantize=quantize)
    index = build_index(load_demo_catalog(), e5)
    queries = [q.query for q in load_queries()]
    print(f"demo catalog, {len(index)} chunks, {len(queries)} labelled queries, encoder {e5.model_id}")
    e5.memo = QueryMemo(0)  # baseline: the previous behaviour, every query encoded
    miss = timed(partial(index.search, k=5), queries)
    e5.memo = QueryMemo(4096)
    e5.encode_queries(queries)  # the room has asked these before
    hit = timed(partial(index.search, k=5), queries)
    encode = timed(lambda q: e5.encode_queries([q]), queries)
    print("hybrid search k=5, query encoding included (1 thread):")
    row("memo hit (repeated question)", *hit, base=miss)
    print(f"  {'baseline: memo off / miss':<34} p50 {miss[0]:7.3f} ms  p99 {miss[1]:7.3f} ms")
    row("encode_queries, memo hit alone", *encode)
    print(f"memo: {e5.memo.hits} hits, {e5.memo.misses} misses, {len(e5.memo)} vectors")


def measure_load(directory: Path, model_dir: Path) -> None:
    """Child process: RSS before and after loading a saved index (without the model)."""
    import faiss  # noqa: F401  (imported first so the delta is the index, not the library)

    from knowledge.retrieval.dense import DenseIndex

    tokenize("预热")  # loads jieba's dictionary, so the delta below is the index alone
    before = rss_mib()
    index = HybridIndex.load(directory, None)
    index._dense = DenseIndex.load(directory / "dense.faiss")
    index.search("敏感肌能用吗", 5, mode="bm25")
    after = rss_mib()
    print(
        f"RSS with the index loaded: {after:.0f} MiB "
        f"(index: +{after - before:.0f} MiB; python, numpy, faiss, jieba: {before:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
