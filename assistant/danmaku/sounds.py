"""Sound-alike product names: viewers type homophones (保温悲 for 保温杯, 耳几 for 耳机, 面摸 for 面膜).

Names and aliases of 2-8 Chinese characters are indexed by their toneless pinyin (every reading of
polyphonic characters: 轧 is ya/zha/ga); a text matches when a run of its syllables equals one.
Used only when nothing else names a product, and memoised per text, so the cost (~0.2 ms for the
pinyin of a short text) is paid rarely.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from functools import lru_cache

from knowledge.domain import Catalog

MIN_SYLLABLES = 2
MAX_SYLLABLES = 8
MAX_READINGS_PER_KEY = 16


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


@lru_cache(maxsize=20_000)
def syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin, one syllable per Chinese character (other characters kept as they are)."""
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(text))


@lru_cache(maxsize=100_000)
def readings(word: str) -> frozenset[str]:
    """Every toneless pinyin spelling of ``word`` (capped for words full of polyphones).

    Memoised: each catalog version builds its own index, and a price change keeps every name, so
    the rebuild is lookups (20,000 products: 3.5 s of pypinyin without the memo)."""
    from pypinyin import Style, pinyin

    per_char = pinyin(word, style=Style.NORMAL, heteronym=True)
    combos = itertools.islice(itertools.product(*per_char), MAX_READINGS_PER_KEY)
    return frozenset(" ".join(c) for c in combos)


class SoundIndex:
    """Pinyin spellings of a catalog's names and aliases -> product ids."""

    def __init__(self, catalog: Catalog) -> None:
        self._table: dict[str, set[str]] = defaultdict(set)
        for product in catalog.products:
            for key in (product.name, *product.aliases):
                key = key.replace(" ", "")
                if MIN_SYLLABLES <= len(key) <= MAX_SYLLABLES and _is_cjk(key):
                    for spelling in readings(key):
                        self._table[spelling].add(product.product_id)
        self._memo: dict[str, tuple[str, ...]] = {}

    def match(self, text: str, whole: bool = False) -> tuple[str, ...]:
        """Products named by sound in ``text`` (the longest sounding match wins); with ``whole``, only
        when all of ``text`` sounds like a name (a name span: "保温悲" sounds like 保温杯, while
        "洁面皂" only holds the sound of 洁面 and names other goods)."""
        memo_key = f"{int(whole)}{text}"
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        result = self._match(text, whole)
        if len(self._memo) < 50_000:
            self._memo[memo_key] = result
        return result

    def _match(self, text: str, whole: bool) -> tuple[str, ...]:
        sounds = syllables(text)
        for size in range(min(MAX_SYLLABLES, len(sounds)), MIN_SYLLABLES - 1, -1):
            hits: set[str] = set()
            if whole and size != len(sounds):
                continue
            starts = range(len(sounds) - size + 1)
            for i in starts:
                hits |= self._table.get(" ".join(sounds[i : i + size]), set())
            if hits:
                return tuple(sorted(hits))
        return ()
