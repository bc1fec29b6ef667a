"""Typed-answer matching: normalisation and a nearest-name vocabulary with typo tolerance.

A typed answer is matched against every name the question could mean (the vocabulary: names,
Latin names and synonyms of all candidates, right and wrong). It is read as the candidate it is
nearest to, and only if every word of that candidate is present in the answer with at most a small
typo. So "solues" reads as soleus, "soleus" never as popliteus, and "fibularis brevis" never as
fibularis longus: the nearest name decides, not a loose threshold alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, process

# Words that only say what kind of thing a name is; dropped so "the soleus muscle" reads "soleus".
_FILLER = {"the", "a", "an", "of", "m", "mm", "muscle", "muscles", "musculus", "musculi"}
# Kind words dropped in an extra variant ("tibial" for "tibial nerve") when that stays unique.
_KIND_WORDS = {
    "nerve",
    "nerves",
    "nervus",
    "n",
    "artery",
    "arteries",
    "arteria",
    "arteriae",
    "vein",
    "veins",
    "vena",
    "venae",
    "v",
    "bone",
    "bones",
    "os",
    "ossa",
    "tendon",
    "tendo",
    "branch",
    "branches",
    "ligament",
    "ligaments",
    "ligamentum",
}
_WORD_RE = re.compile(r"[a-z0-9]+")
# Kind words read in the singular, so "sural artery" names the sural arteries.
_SINGULAR = {
    "arteries": "artery",
    "veins": "vein",
    "nerves": "nerve",
    "bones": "bone",
    "tendons": "tendon",
}

#: Minimum overall similarity (0-100) between the answer and the name it is read as.
OVERALL_CUTOFF = 72.0
#: Minimum similarity of each word of the name to some word of the answer.
WORD_CUTOFF = 75.0


_ARTERY_ABBREVIATION = re.compile(r"\ba\.")


def normalize(text: str) -> str:
    """Lower-case, strip accents and punctuation, drop filler words ("the", "muscle", "m.")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("_", " ")
    # "a." is the artery ("popliteal a.", "a. tibialis posterior"), never the article "a"
    text = _ARTERY_ABBREVIATION.sub(" artery ", text)
    words = [_SINGULAR.get(w, w) for w in _WORD_RE.findall(text) if w not in _FILLER]
    return " ".join(words)


#: Every form of a kind word -> one ("n.", "nervus", "nerves" -> nerve).
_KIND_STEMS = {
    "nerves": "nerve", "nervus": "nerve", "n": "nerve",
    "arteries": "artery", "arteria": "artery", "arteriae": "artery",
    "veins": "vein", "vena": "vein", "venae": "vein", "v": "vein",
    "bones": "bone", "os": "bone", "ossa": "bone",
    "tendo": "tendon",
    "branches": "branch",
    "ligaments": "ligament", "ligamentum": "ligament",
}


def _kind_stem(word: str) -> str:
    """A kind word in one form ("arteries", "arteria" -> "artery")."""
    return _KIND_STEMS.get(word, word)


def _strip_kind(norm: str) -> str:
    return " ".join(w for w in norm.split() if w not in _KIND_WORDS)


def names_in(text: str, names: Iterable[tuple[str, str]]) -> set[str]:
    """Ids whose name (text, id pairs) a sentence mentions: the whole name, or its words with
    a kind word soon after ("twigs from the lateral inferior genicular artery" mentions the
    genicular arteries, "sural branches" the sural arteries, "the posterior tibial and fibular
    arteries" both; "near its femoral insertion" not the femoral artery)."""
    words = normalize(text).split()
    found: set[str] = set()
    for name, cid in names:
        norm = normalize(name).split()
        key = _strip_kind(" ".join(norm)).split()
        if key and (_follows(words, norm, set()) or _follows(words, key, _KIND_WORDS)):
            found.add(cid)
    return found


def _follows(words: list[str], run: list[str], then: set[str]) -> bool:
    """Whether ``run`` occurs in ``words`` (followed within five words by one of ``then``,
    when it is not empty)."""
    n = len(run)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == run and (not then or then & set(words[i + n : i + n + 5])):
            return True
    return False


def _word_ok(name_word: str, answer_words: list[str]) -> bool:
    if len(name_word) <= 3:  # short words (roots, "of") must be exact
        return name_word in answer_words
    return any(fuzz.ratio(name_word, w) >= WORD_CUTOFF for w in answer_words)


@dataclass(frozen=True)
class Match:
    """What a typed answer was read as: the candidate ids it names, the name matched, the score.

    ``ids`` holds more than one id only when the nearest name is shared by several candidates
    (for example one landmark named on two bones).
    """

    ids: frozenset[str]
    name: str
    score: float


class Vocabulary:
    """Names (text -> candidate id) that typed answers are matched against.

    Parameters
    ----------
    names
        Pairs of (display text, candidate id). Several texts may share an id (synonyms).
    """

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        pairs: dict[str, set[str]] = {}
        display: dict[str, str] = {}
        #: Abbreviations ("ATFL", "EHL") match only as typed: "AITFL" is another ligament.
        self._exact: set[str] = set()
        #: The kind words in each candidate's names ("ligament" for the ATFL): an answer may add
        #: its own kind ("ATFL ligament"), never another ("anterior tibial nerve").
        kinds: dict[str, set[str]] = {}
        for text, cid in names:
            norm = normalize(text)
            if norm:
                pairs.setdefault(norm, set()).add(cid)
                display.setdefault(norm, text)
                kinds.setdefault(cid, set()).update(w for w in norm.split() if w in _KIND_WORDS)
                if text.isupper() and " " not in text.strip():
                    self._exact.add(norm)
        # Add "tibial" for "tibial nerve" only where that short form names one candidate.
        short: dict[str, set[str]] = {}
        for norm, ids in pairs.items():
            stripped = _strip_kind(norm)
            if stripped and stripped != norm:
                short.setdefault(stripped, set()).update(ids)
        for stripped, ids in short.items():
            if len(ids) == 1 and stripped not in pairs:
                pairs[stripped] = ids
                display[stripped] = stripped
        self._keys = list(pairs)
        self._ids = pairs
        self._display = display
        self._kinds = {key: {_kind_stem(k) for cid in ids for k in kinds.get(cid, ())}
                       for key, ids in pairs.items()}

    def __len__(self) -> int:
        return len(self._keys)

    def match(self, answer: str) -> Match | None:
        """What a typed answer names, or None when it matches no candidate.

        The answer is read as the nearest name whose every word it contains, and which contains
        every longer word of the answer (typos allowed either way). Names that tie all count.
        """
        norm = normalize(answer)
        if not norm:
            return None
        answer_words = norm.split()
        named = [w for w in answer_words if w not in _KIND_WORDS]  # "ATFL ligament": "atfl"
        hits = process.extract(
            norm, self._keys, scorer=_overall, score_cutoff=OVERALL_CUTOFF, limit=None
        )
        if named and len(named) < len(answer_words):  # also without its kind words
            hits += process.extract(" ".join(named), self._keys, scorer=_overall,
                                    score_cutoff=OVERALL_CUTOFF, limit=None)
        best_key = ""
        best_rank = (-1.0, -1.0)
        best_ids: set[str] = set()
        for key, score, _ in hits:
            key_words = key.split()
            own_kinds = self._kinds.get(key, set())
            if own_kinds and any(w in _KIND_WORDS and _kind_stem(w) not in own_kinds
                                 for w in answer_words):
                continue  # another kind ("anterior tibial nerve" for the artery)
            if key in self._exact and named != key_words:
                continue
            if not all(_word_ok(w, answer_words) for w in key_words):
                continue
            # (a name without a kind word takes any: "patella bone", "tibialis anterior tendon")
            if not all(_word_ok(w, key_words) for w in answer_words
                       if len(w) > 3 and _kind_stem(w) not in own_kinds
                       and not (not own_kinds and w in _KIND_WORDS)):
                continue  # the answer names something more ("soleus gastrocnemius")
            # Nearest by its words first, both ways: token_sort_ratio sorts words, so "aterior
            # tibial artery" (a typo sorting after "artery") lay nearer "posterior tibial
            # artery"; one way only, "popliteal ven" read as the popliteus ("popliteal").
            rank = (
                min(_words_score(key_words, answer_words), _words_score(answer_words, key_words)),
                score,
            )
            if rank > best_rank:
                best_key, best_rank, best_ids = key, rank, set(self._ids[key])
            elif rank == best_rank:
                best_ids |= self._ids[key]
        if not best_ids:
            return None
        return Match(frozenset(best_ids), self._display[best_key], best_rank[1])


def _overall(a: str, b: str, **_: object) -> float:
    """Similarity of two names as wholes, in the order typed or with the words sorted."""
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def _words_score(words: list[str], others: list[str]) -> float:
    """How nearly ``others`` spell each of ``words``: the mean of each word's best match."""
    return sum(max(fuzz.ratio(w, o) for o in others) for w in words) / len(words)


_ROOT_RE = re.compile(r"\b([cltsCLTS])\s*(\d{1,2})\b|\b(co)\s*1\b", re.IGNORECASE)
_RANGE_RE = re.compile(r"([cltsCLTS])\s*(\d{1,2})\s*(?:-|–|—|to)\s*([cltsCLTS])?\s*(\d{1,2})")
# "L4/5", "L4,5", "S1,2,3": root numbers sharing one letter.
_SHORTHAND_RE = re.compile(r"\b([cltsCLTS])\s*\d{1,2}(?:\s*[/,]\s*\d{1,2}\b)+")
_SEGMENTS = [f"C{i}" for i in range(1, 9)] + [f"T{i}" for i in range(1, 13)]
_SEGMENTS += [f"L{i}" for i in range(1, 6)] + [f"S{i}" for i in range(1, 6)] + ["Co1"]


def parse_roots(text: str) -> frozenset[str] | None:
    """Spinal roots named in free text: "L4, L5, S1", "l4-s1", "L5 to S2", "L4/5", "L4,5".
    None if none."""
    roots: set[str] = set()
    rest = _SHORTHAND_RE.sub(_spell_out, text)
    for m in _RANGE_RE.finditer(text):
        start = f"{m.group(1).upper()}{int(m.group(2))}"
        end = f"{(m.group(3) or m.group(1)).upper()}{int(m.group(4))}"
        if start in _SEGMENTS and end in _SEGMENTS:
            i, j = _SEGMENTS.index(start), _SEGMENTS.index(end)
            if i <= j:
                roots.update(_SEGMENTS[i : j + 1])
                rest = rest.replace(m.group(0), " ")
    for m in _ROOT_RE.finditer(rest):
        if m.group(3):
            roots.add("Co1")
            continue
        seg = f"{m.group(1).upper()}{int(m.group(2))}"
        if seg in _SEGMENTS:
            roots.add(seg)
    return frozenset(roots) or None


def _spell_out(m: re.Match[str]) -> str:
    """ "L4/5" and "L4,5" as "L4 L5": a number after a root is a root of the same letter."""
    letter = m.group(1)
    numbers = re.findall(r"\d{1,2}", m.group(0)[1:])
    return " ".join(f"{letter}{n}" for n in numbers)


def format_roots(roots: Iterable[str]) -> str:
    """Roots in spinal order, joined: "L4, L5, S1"."""
    order = {s: i for i, s in enumerate(_SEGMENTS)}
    return ", ".join(sorted(roots, key=lambda r: order.get(r, 99)))


def root_id(roots: Iterable[str]) -> str:
    """The choice id of a root set ("roots:L4,L5")."""
    return "roots:" + format_roots(roots).replace(" ", "")


class _Dispute(Protocol):
    @property
    def roots(self) -> Sequence[str] | None: ...


def accepted_roots(roots: Iterable[str], disputed: Iterable[_Dispute]) -> list[frozenset[str]]:
    """The root sets some source gives: ``roots`` first, then each other set the ``disputed``
    alternatives give (those naming roots), once."""
    main = frozenset(roots)
    others = (frozenset(d.roots) for d in disputed if d.roots)
    return [main, *dict.fromkeys(r for r in others if r != main)]


def other_sources(accepted: Sequence[frozenset[str]]) -> str:
    """" Some sources give L4, L5; S1." for the root sets after the first of ``accepted``
    (:func:`accepted_roots`); empty where there are none."""
    if len(accepted) < 2:
        return ""
    return " Some sources give " + "; ".join(format_roots(a) for a in accepted[1:]) + "."


def part_of_accepted(roots: frozenset[str], accepted: Iterable[frozenset[str]]) -> bool:
    """Whether a root set is, or lies within, a set some source gives ("L5, S1" where one
    gives L5 to S2): incomplete rather than wrong, so never offered as a wrong choice (typed,
    only a set some source gives counts as right)."""
    return any(roots <= a for a in accepted)
