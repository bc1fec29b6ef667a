"""Spot a synonym that is a piece of a longer name, not a name of its own.

A YAML flow list splits at every comma, so ``[superficial femoral vein (obsolete, misleading
clinical term)]`` becomes two "synonyms", and a search then finds the entry under "middle" or
"clinical term)". A fragment shows itself by unbalanced parentheses, by beginning or ending with a
function word ("and lateral ...", "... medial and"; not a Latin abbreviation such as "a. poplitea"),
or by holding only words of position ("middle", "superior medial"), which name no structure.
"""

from __future__ import annotations

import re

_FUNCTION_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on"}
    | {"or", "the", "to", "with", "without"}
)
_POSITION_WORDS = frozenset(
    {"anterior", "posterior", "superior", "inferior", "medial", "lateral", "middle", "deep"}
    | {"intermediate", "superficial", "proximal", "distal", "upper", "lower", "internal"}
    | {"external", "common", "left", "right"}
)
_WORD = re.compile(r"[A-Za-z']+")


def fragment_reason(synonym: str) -> str | None:
    """Why ``synonym`` looks like a fragment of a longer name, or None when it looks whole."""
    depth = 0
    for char in synonym:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        return "unbalanced parentheses"
    words = _WORD.findall(synonym)
    if not words:
        return "no words"
    abbreviated = re.match(r"\s*[A-Za-z]+\.", synonym) is not None  # "a. poplitea", "m. ..."
    if words[0] in _FUNCTION_WORDS and not abbreviated:  # (a capital: "The long flexor")
        return f"it starts with '{words[0]}'"
    if words[-1].lower() in _FUNCTION_WORDS:
        return f"it ends with '{words[-1]}'"
    if all(w.lower() in _POSITION_WORDS | _FUNCTION_WORDS for w in words):
        return "only words of position, no name"
    return None
