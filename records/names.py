"""Derived forms of Chinese names: both scripts, a pinyin sort key, initials and a match key."""

import re
import unicodedata
from functools import cache, lru_cache
from types import SimpleNamespace

import opencc

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# Unicode's control characters (category Cc, which is closed: exactly these 65) but tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What a match key leaves out: every control character, and the format characters that show as nothing
# (soft hyphen, zero-width space and joiners, word joiner, BOM), which pasting from web pages brings along.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\xad\u200b-\u200d\u2060\ufeff]")


# The dictionaries are loaded on first use: OpenCC's take about 25 MB a direction and pypinyin's
# 55 MB, which a web worker that only reads pages never needs.


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _pypinyin() -> SimpleNamespace:
    from pypinyin import lazy_pinyin
    from pypinyin.constants import PHRASES_DICT, RE_HANS
    from pypinyin.seg import mmseg
    from pypinyin.seg.simpleseg import simple_seg

    return SimpleNamespace(
        lazy_pinyin=lazy_pinyin, RE_HANS=RE_HANS, mmseg=mmseg, simple_seg=simple_seg, phrases=PHRASES_DICT
    )


def clean_text(text: str) -> str:
    """Text without control characters (NUL among them, which PostgreSQL refuses) or outer spaces."""
    return _CONTROL.sub("", text or "").strip()


@lru_cache(maxsize=1024)
def to_simplified(text: str) -> str:
    # Cached: deriving a name's forms converts the same text several times over, one right after the
    # other, so a few recent texts are enough. Keeping all of a 100,000-row import's names cost its three
    # processes about 55 MB together, to spare a second conversion (3 µs a name) when a small file is
    # checked and then written in one process.
    # Taiwan-standard character sets: s2t would write 華爲 where the registry's users write 華為.
    return _converter("tw2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    return _converter("s2tw").convert(text) if text else text


def either_script_pattern(text: str) -> str:
    """A regular expression (Python's, PostgreSQL's and SQLite's alike) matching ``text`` in either script,
    character by character: 绿色制造 as (?:绿|綠)色(?:制|製)造."""
    parts = []
    for char in text:
        forms = dict.fromkeys((char, to_simplified(char), to_traditional(char)))
        parts.append(re.escape(char) if len(forms) == 1 else f"(?:{'|'.join(map(re.escape, forms))})")
    return "".join(parts)


def scripts(name: str) -> tuple[str, str]:
    """Return (simplified, traditional) forms; the form the name was entered in is kept as entered."""
    simplified = to_simplified(name)
    traditional = name if simplified != name else to_traditional(name)
    return simplified, traditional


def match_key(name: str) -> str:
    """A key under which names equal across script, width, case, surrounding spaces and invisible characters
    collide."""
    return to_simplified(_INVISIBLE.sub("", unicodedata.normalize("NFKC", name or "")).strip()).casefold()


@lru_cache(maxsize=65536)
def _word_syllables(word: str) -> tuple[str, ...]:
    return tuple(s for syllable in _pypinyin().lazy_pinyin(word) if (s := _NOT_ALNUM.sub("", syllable.lower())))


def _syllables(name: str) -> tuple[str, ...]:
    # lazy_pinyin segments a name into words and reads each word, which settles characters with
    # several readings (重慶 chongqing, 銀行 yinhang). This is its segmentation, pypinyin.seg.simpleseg.seg,
    # with the Han runs read by _han_syllables.
    text = to_simplified(unicodedata.normalize("NFKC", name))
    pypinyin = _pypinyin()
    if pypinyin.RE_HANS.match(text):  # All Han, as most names are: simple_seg would return it whole, slowly.
        return _han_syllables(text)
    syllables = ()
    for run in pypinyin.simple_seg(text):
        syllables += _han_syllables(run) if pypinyin.RE_HANS.match(run) else _word_syllables(run)
    return syllables


@lru_cache(maxsize=65536)
def _han_syllables(run: str) -> tuple[str, ...]:
    """The syllables of a run of Han characters, as pypinyin's forward maximum matching segments it.

    Names are unique but end alike (…科技有限公司), so the reading is memoised on the text still to
    read: the segmenter's next word depends on that text alone, except when the whole text is the
    start of a dictionary phrase, where it may split the rest into single characters; such a short
    run is segmented whole.
    """
    mmseg = _pypinyin().mmseg
    if run in mmseg.p_set:
        return tuple(s for word in mmseg.seg.cut(run) for s in _word_syllables(word))
    # The segmenter's first word, as next(mmseg.seg.cut(run)) finds it but without its generator: the
    # longest phrase among the starts of the run that begin a phrase, else the first character.
    prefixes, phrases = mmseg.p_set._set, _pypinyin().phrases
    word, end = run[0], 1
    while (start := run[:end]) in prefixes:
        if start in phrases:
            word = start
        end += 1
    rest = run[len(word) :]
    return _word_syllables(word) + (_han_syllables(rest) if rest else ())


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
