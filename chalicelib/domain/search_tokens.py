"""How product search cuts text into tokens (pure functions).

The rules, the same for a product's text and for a query:

- the text is NFKC-normalised (full-width letters and digits become ASCII,
  `Ａ１` -> `a1`) and lower-cased;
- it splits into runs: a run of CJK characters (Unicode letters without case:
  Han, kana, Hangul), or a run of other letters and digits (Latin, digits,
  mixed like `250g`, `iphone15`); anything else (spaces, punctuation, symbols)
  separates runs and is never a token;
- a product's CJK run gives each character and each overlapping pair of
  characters (`龙井绿茶` -> 龙 井 绿 茶 龙井 井绿 绿茶); its word gives the word
  and each of its prefixes (`oolong` -> o oo ool ... oolong), at most
  MAX_WORD characters;
- a query's CJK run gives its overlapping pairs (a one-character run: that
  character); its word gives the whole word (cut at MAX_WORD characters).

A product matches a query when every one of the query's tokens is among the
product's, so `龙` finds 乌龙茶 and 龙井绿茶, `绿茶` finds 龙井绿茶, `oolo`
finds "Oolong", and a query of punctuation only has no tokens and finds nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

CJK = "cjk"
WORD = "word"
MAX_WORD = 20
"""Characters of a Latin/digit word that are indexed (longer words: their first 20)."""


def _kind(char: str) -> str | None:
    if unicodedata.category(char) == "Lo":
        return CJK
    return WORD if char.isalnum() else None


def _runs(text: str) -> Iterator[tuple[str, str]]:
    """(kind, run) for each run of the normalised text: CJK or WORD."""
    kind: str | None = None
    run: list[str] = []
    for char in unicodedata.normalize("NFKC", text).lower():
        this = _kind(char)
        if this != kind and run:
            yield str(kind), "".join(run)
            run = []
        kind = this
        if this is not None:
            run.append(char)
    if run:
        yield str(kind), "".join(run)


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def product_tokens(texts: Iterable[str]) -> set[str]:
    """Every token a product's texts (title, category, SKU names) give."""
    tokens: set[str] = set()
    for text in texts:
        for kind, run in _runs(text):
            if kind == CJK:
                tokens.update(run)
                tokens.update(_pairs(run))
            else:
                word = run[:MAX_WORD]
                tokens.update(word[:n] for n in range(1, len(word) + 1))
    return tokens


def query_tokens(query: str) -> set[str]:
    """The tokens a product must all have to match `query` (none: nothing matches)."""
    tokens: set[str] = set()
    for kind, run in _runs(query):
        if kind == WORD:
            tokens.add(run[:MAX_WORD])
        elif len(run) == 1:
            tokens.add(run)
        else:
            tokens.update(_pairs(run))
    return tokens


def matches(query: set[str], product: Iterable[str]) -> bool:
    return bool(query) and query.issubset(product)
