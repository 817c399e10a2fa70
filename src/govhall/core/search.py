"""Chinese full-text search: rjieba segmentation into a tokens column, indexed per database.

Why segmentation rather than trigrams: most Chinese service words are two characters
(护照, 低保), which trigram indexes cannot see. Documents are indexed with
``cut_for_search`` (every word and its sub-words); queries are cut coarsely and every query
word must appear. SQLite serves the match from an FTS5 table, PostgreSQL from a GIN index
over ``to_tsvector('simple', tokens)``; the app that owns the table creates both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import rjieba

_SEPARATORS = re.compile(r"[\s\u3000,，。、；;：:（）()《》〈〉“”\"'‘’!！?？/\\\-—·.【】\[\]{}]+")
_SAFE_TOKEN = re.compile(r"^[\w\u3400-\u9fff]+$")
#: Words of how people phrase a wish ("我要开餐馆") that say nothing about the item.
QUERY_STOPWORDS = frozenset(
    {"我要", "我想", "想要", "如何", "怎么", "怎样", "在哪", "哪里", "的", "了", "吗", "呢", "要"}
)


def _clean(tokens: Iterable[str]) -> list[str]:
    result: list[str] = []
    for token in tokens:
        for piece in _SEPARATORS.split(token.lower()):
            if piece and _SAFE_TOKEN.match(piece):
                result.append(piece)
    return result


def index_tokens(*texts: str) -> str:
    """The space-separated, de-duplicated tokens to store for a document."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for token in _clean(rjieba.cut_for_search(text)):
            seen.setdefault(token, None)
    return " ".join(seen)


def query_tokens(query: str) -> list[str]:
    """The words every match must contain, in query order."""
    tokens = [t for t in _clean(rjieba.cut(query or "")) if t not in QUERY_STOPWORDS]
    if any(len(t) > 1 for t in tokens):
        tokens = [t for t in tokens if len(t) > 1]
    return list(dict.fromkeys(tokens))


def fts5_match(tokens: list[str], *, prefix: bool = False) -> str:
    """An FTS5 MATCH expression requiring every token (each quoted; ``*`` for a prefix)."""
    star = "*" if prefix else ""
    return " ".join(f'"{token}"{star}' for token in tokens)


def tsquery(tokens: list[str], *, prefix: bool = False) -> str:
    """A ``to_tsquery('simple', ...)`` expression requiring every token (``:*`` for a prefix)."""
    star = ":*" if prefix else ""
    return " & ".join(f"'{token}'{star}" for token in tokens)
