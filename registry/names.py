"""Derived forms of Chinese names: both scripts, a pinyin sort key, initials and a match key."""

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg

# Taiwan-standard character sets: s2t would write 華爲 where the registry's users write 華為.
_to_simplified = opencc.OpenCC("tw2s")
_to_traditional = opencc.OpenCC("s2tw")

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def clean_text(text: str) -> str:
    """Text without control characters (NUL among them, which PostgreSQL refuses) or outer spaces."""
    return "".join(c for c in text or "" if c in "\t\n" or unicodedata.category(c) != "Cc").strip()


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    # Cached: deriving a name's forms converts the same text several times over.
    return _to_simplified.convert(text) if text else text


def to_traditional(text: str) -> str:
    return _to_traditional.convert(text) if text else text


def scripts(name: str) -> tuple[str, str]:
    """Return (simplified, traditional) forms; the form the name was entered in is kept as entered."""
    simplified = to_simplified(name)
    traditional = name if simplified != name else to_traditional(name)
    return simplified, traditional


def match_key(name: str) -> str:
    """A key under which names equal across script, width, case and surrounding spaces collide."""
    return to_simplified(unicodedata.normalize("NFKC", name or "").strip()).casefold()


@lru_cache(maxsize=65536)
def _word_syllables(word: str) -> tuple[str, ...]:
    return tuple(s for syllable in lazy_pinyin(word) if (s := _NOT_ALNUM.sub("", syllable.lower())))


@lru_cache(maxsize=4096)
def _syllables(name: str) -> tuple[str, ...]:
    text = to_simplified(unicodedata.normalize("NFKC", name))
    # lazy_pinyin segments a name into words and reads each word, which settles characters with
    # several readings (重慶 chongqing, 銀行 yinhang); names share words, so each is read once.
    return tuple(s for word in seg(text) for s in _word_syllables(word))


def pinyin(name: str, override: str = "") -> tuple[str, str]:
    """Return (sort key, initials) for a name.

    ``override`` is pinyin written by hand, syllables separated by spaces
    (``zeng guo fan``), for names pypinyin reads wrong.
    """
    if override.strip():
        syllables = tuple(s for word in override.split() if (s := _NOT_ALNUM.sub("", word.lower())))
    else:
        syllables = _syllables(name)
    return "".join(syllables), "".join(s[0] for s in syllables)


def search_variants(query: str) -> set[str]:
    """The query as typed, in both scripts, and lower-cased: what a name search compares against."""
    query = unicodedata.normalize("NFKC", query).strip()
    return {v for v in (query, to_simplified(query), to_traditional(query), query.lower()) if v}
