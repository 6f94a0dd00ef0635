"""Find the products a danmaku names: link numbers, names, aliases and distinctive name words.

Built once per catalog version. Matching is dictionary lookups over the text's substrings (keys are
2-16 characters), so it costs microseconds even for big catalogs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from assistant.danmaku.sounds import SoundIndex
from knowledge.domain import Catalog, Product
from knowledge.retrieval.tokenize import is_dictionary_word

MIN_KEY_CHARS = 2
MAX_KEY_CHARS = 16
_SPLIT = re.compile(r"[\s·•/|,，、()（）\[\]【】+\-]+")
# Generic words that name a kind of thing, not one product: they only narrow, never decide alone.
_GENERIC = frozenset({"套装", "礼盒", "新款", "经典", "升级", "加厚", "款", "系列", "男女", "女款", "男款"})


@dataclass(frozen=True, slots=True)
class NameMatch:
    """Products named in a text: ``exact`` by a full name or alias, else ``partial`` by name words.

    ``key`` is the longest name, alias or word found (what the viewer actually typed).
    """

    exact: tuple[str, ...]
    partial: tuple[str, ...]
    key: str = ""


class ProductMatcher:
    """Names, aliases and name words of one catalog version, mapped to product ids."""

    def __init__(self, catalog: Catalog) -> None:
        self.version = catalog.version
        self.by_link: dict[int, str] = {
            p.link_no: p.product_id for p in catalog.products if p.link_no is not None
        }
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._words: dict[str, set[str]] = defaultdict(set)
        self._single: dict[str, set[str]] = defaultdict(set)  # one-character aliases ("锅")
        for product in catalog.products:
            for key in _exact_keys(product):
                self._exact[key].add(product.product_id)
            for word in _name_words(product):
                self._words[word].add(product.product_id)
            for alias in product.aliases:
                if len(alias) == 1:
                    self._single[alias.lower()].add(product.product_id)
        self._sounds: SoundIndex | None = None
        self._catalog = catalog

    def called(self, character: str) -> tuple[str, ...]:
        """The products with ``character`` as a one-character alias ("锅"), sorted."""
        return tuple(sorted(self._single.get(character.lower(), ())))

    def match(self, text: str) -> NameMatch:
        """Products whose name/alias (exact) or distinctive name words (partial) occur in ``text``.

        A one-character alias counts only at the very start of the text ("锅什么价").
        """
        lowered = text.lower()
        exact, key = self._longest_hits(lowered, self._exact)
        joined = _LINKED_RE.sub("", lowered)
        if joined != lowered and _COMPARED_RE.search(lowered) is None:
            # "磁吸的那个充电宝": the name 磁吸充电宝, not every 充电宝 (but "比磁吸的充电宝容量大吗"
            # compares the one in view with it)
            exact_joined, key_joined = self._longest_hits(joined, self._exact)
            if len(key_joined) > len(key):
                exact, key = exact_joined, key_joined
        if exact:
            return NameMatch(exact=tuple(sorted(exact)), partial=(), key=key)
        partial, key = self._longest_hits(lowered, self._words, whole_noun=True)
        if not partial and lowered[:1] in self._single:
            return NameMatch(exact=tuple(sorted(self._single[lowered[:1]])), partial=(), key=lowered[:1])
        return NameMatch(exact=(), partial=tuple(sorted(partial)), key=key)

    def sound_alike(self, text: str, whole: bool = False) -> tuple[str, ...]:
        """Products whose name or alias sounds like part of ``text`` (保温悲 -> 保温杯, 耳几 -> 耳机);
        with ``whole``, like all of it (``SoundIndex.match``)."""
        return self.build_sounds().match(text.lower(), whole)

    def build_sounds(self) -> SoundIndex:
        """The sound-alike index, built on first use (or ahead of it: ``DanmakuPipeline.prepare``)."""
        if self._sounds is None:
            self._sounds = SoundIndex(self._catalog)
        return self._sounds

    @staticmethod
    def _longest_hits(
        text: str, table: dict[str, set[str]], whole_noun: bool = False
    ) -> tuple[set[str], str]:
        """Products of the longest keys found (and that key); a longer key wins over those inside it.

        With ``whole_noun`` (name words, not the operator's names and aliases), a two-character key
        must not be the end of a longer word ("吹风机" is no 暖风机)."""
        best_len = 0
        best_key = ""
        hits: set[str] = set()
        n = len(text)
        for i in range(n):
            for j in range(min(n, i + MAX_KEY_CHARS), i + MIN_KEY_CHARS - 1, -1):
                ids = table.get(text[i:j])
                if ids and whole_noun and _inside_another_noun(text, i, j):
                    break
                if ids:
                    length = j - i
                    if length > best_len:
                        best_len, hits, best_key = length, set(ids), text[i:j]
                    elif length == best_len:
                        hits |= ids
                    break
        return hits, best_key


# A modifier linked to the noun it qualifies ("磁吸的那个充电宝", "带线的充电宝"): read joined, it may
# be one name of the catalog.
_LINKED_RE = re.compile(r"的(?:那|这)?(?:个|款|种|只|台|件)?")
_COMPARED_RE = re.compile(r"比|和|跟|不是|不要|还是")


def _inside_another_noun(text: str, start: int, end: int) -> bool:
    """Whether the two-character name word ``text[start:end]`` ends a longer word of the dictionary
    with the character before it ("吹风机" holds 风机; "学生平板" does not hold a word 生平板)."""
    if end - start != 2 or start == 0:
        return False
    return "\u4e00" <= text[start - 1] <= "\u9fff" and is_dictionary_word(text[start - 1 : end])


def _exact_keys(product: Product) -> set[str]:
    keys = {product.name.lower(), *(a.lower() for a in product.aliases)}
    if product.brand:
        short = product.name.replace(product.brand, "").strip()
        if len(short) >= MIN_KEY_CHARS:
            keys.add(short.lower())
    return {k for k in keys if MIN_KEY_CHARS <= len(k) <= MAX_KEY_CHARS}


def _name_words(product: Product) -> set[str]:
    """Distinctive pieces of the name: the brand, each name part, its 2-3 character ending (the head
    noun: 口红, 羽绒服) and its 4-character windows. Short inner windows (保湿, 哑光) are left out:
    viewers use them as attribute words, not to name a product."""
    words: set[str] = set()
    if product.brand and len(product.brand) >= MIN_KEY_CHARS:
        words.add(product.brand.lower())
    name = product.name.replace(product.brand, " ") if product.brand else product.name
    for part in _SPLIT.split(name):
        part = part.strip().lower()
        if len(part) < MIN_KEY_CHARS:
            continue
        words.add(part[:MAX_KEY_CHARS])
        if part.isascii():
            continue
        words.update(part[-size:] for size in (2, 3) if len(part) > size)
        words.update(part[i : i + 4] for i in range(0, len(part) - 3))
    return {w for w in words if w not in _GENERIC and len(w) >= MIN_KEY_CHARS}
