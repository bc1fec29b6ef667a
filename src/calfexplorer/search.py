"""Instant, typo-tolerant search over structure names, synonyms, Latin names and the search
terms of the data (a group a structure belongs to, an everyday word); then, as typed, over what
a muscle's actions call it, attachment sites' landmarks, the titles of notes and the names
of exercises.

Ranking: exact name, then prefix of the whole name, then prefix of a word ("ant" finds tibialis
anterior), then several words each starting a word ("tib ant"), then a substring, then fuzzy
matches (small typos, via rapidfuzz: a one-word query as a whole word, or the start of one, with
a letter or two wrong; a search term's match after a name's). Older terms are translated to
current ones, so "peroneus" finds the fibularis muscles even where the data lists no such
synonym, and everyday phrases to anatomical words ("big toe" finds the hallucis muscles).
"""

from __future__ import annotations

import functools
import re
import typing
import unicodedata
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from calfexplorer.atlas import Atlas
from calfexplorer.atlas.models import Note

#: Older or informal word -> current Terminologia Anatomica word (applied to queries).
TERM_EQUIVALENTS: dict[str, str] = {
    "peroneus": "fibularis",
    "peroneal": "fibular",
    "peronei": "fibularis",
    "achilles": "calcaneal",
    "tendinitis": "tendinopathy",
    "tendonitis": "tendinopathy",
}
#: Everyday phrases -> the anatomical words in the names (applied to queries).
PHRASE_EQUIVALENTS: dict[str, str] = {
    "big toe": "hallucis",
    "great toe": "hallucis",
    "little toe": "digiti minimi",
    "fifth toe": "digiti minimi",
    "dvt": "deep vein thrombosis",
}
#: Short names students use for a group -> the word the data names it by (whole words of a
#: query only, and in place of them: "quads" listed quadratus plantae with the quadriceps).
SHORT_NAMES: dict[str, str] = {
    "quads": "quadriceps",
    "hammies": "hamstring",
}
#: Words that may come with a spinal root in a query ("S1 dermatome", "L5 root").
ROOT_WORDS = frozenset({"root", "roots", "nerve", "spinal", "level", "segment", "dermatome",
                        "dermatomes", "myotome", "myotomes"})
_ROOT = re.compile(r"[ls][1-5]")
#: How a movement's id ends -> the word for a muscle that does it ("plantarflexion" ->
#: "plantarflexor"), and the words a joint's movers go by ("knee flexor", "toe flexor").
_AGENT_ENDINGS = (("flexion", "flexor"), ("extension", "extensor"), ("abduction", "abductor"),
                  ("adduction", "adductor"), ("inversion", "invertor"), ("eversion", "evertor"),
                  ("rotation", "rotator"))
_AGENT_JOINT_WORDS = {"ankle": ("", "ankle "), "subtalar": ("", "foot "), "knee": ("knee ",),
                      "hip": ("hip ",), "great_toe": ("great toe ", "big toe ", "toe "),
                      "lateral_toes": ("toe ", "lesser toe ")}
_FUZZY_CUTOFF = 75.0
#: How alike a query and a text must be once their spaces are dropped to count as the same
#: words spaced differently.
_SPACING_ONLY = 95.0
#: How much a match on a mover's word or a site's landmark counts against one on a name.
SECONDARY_WEIGHT = 0.85
#: How much a part of another name counts against the same part of a structure's own name
#: ("foot" found the navicular, as "scaphoid of the foot", before the phalanges of the foot).
SYNONYM_WEIGHT = 0.99
_NON_WORD = re.compile(r"[^a-z0-9]+")
#: Plurals that do not just add an s.
_IRREGULAR = {"calves": "calf", "feet": "foot", "halves": "half"}


def mover_terms(structure: object) -> list[tuple[str, str]]:
    """What a muscle's actions call it, each as (words found, the mover's word shown): its
    mover's words ("dorsiflexor", "plantar flexor", "knee flexor", "hip medial rotator", "toe
    extensor") and the movements themselves ("plantarflexion", "plantar flexion", "knee
    flexion": a search by the movement said "No match"), shown as the mover's word; for an
    assisting action with "assisting" after both, so the main movers come first."""
    out: list[tuple[str, str]] = []
    for action in getattr(structure, "actions", ()):
        after = "" if action.role == "prime" else " assisting"
        movement = action.movement.replace("_", " ")
        agent = next((movement[: -len(end)] + word for end, word in _AGENT_ENDINGS
                      if movement.endswith(end)), None)
        if agent is None:
            continue
        forms = [(agent, agent), (movement, agent)]
        if agent.startswith(("plantar", "dorsi")):  # ("plantar flexor", "plantar flexion")
            forms += [(word.replace("flex", " flex"), agent.replace("flexor", " flexor"))
                      for word in (agent, movement)]
        for prefix in _AGENT_JOINT_WORDS.get(action.joint, (action.joint.replace("_", " ") + " ",)):
            out += [(prefix + word + after, prefix + shown + after) for word, shown in forms]
    return list(dict.fromkeys(out))


def roots_named(query: str) -> list[str]:
    """The spinal roots a query names, upper case ("S1 dermatome" -> ["S1"]); [] where it
    says anything besides roots and :data:`ROOT_WORDS`."""
    words = normalize(query).split()
    roots = [w.upper() for w in words if _ROOT.fullmatch(w)]
    if not roots or any(not _ROOT.fullmatch(w) and w not in ROOT_WORDS for w in words):
        return []
    return list(dict.fromkeys(roots))


def base_form(word: str) -> str:
    """A word's singular or plain form, as the data names things: "squats" and "squatting"
    -> "squat", "calves" -> "calf"; a Latin ending ("soleus", "gracilis") or a short word
    stays as it is."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 5 and word.endswith("ing"):
        stem = word[:-3]
        return stem[:-1] if stem[-1] == stem[-2] and stem[-1] not in "ls" else stem
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def note_titles(structure: object) -> list[str]:
    """The titles of a structure's notes (clinical, function, architecture and the rest)."""
    kind: type = type(structure)
    return [note.title for name in _note_fields(kind)
            for note in getattr(structure, name) or ()]


@functools.cache
def _note_fields(kind: type) -> tuple[str, ...]:
    """The fields of a kind of structure that hold notes (asked once per kind: the index is
    built at every start)."""
    if not issubclass(kind, BaseModel):
        return ()
    return tuple(name for name, f in kind.model_fields.items()
                 if Note in typing.get_args(f.annotation))


def named_id(atlas: Atlas, wanted: str) -> str | None:
    """The structure or attachment site ``wanted`` names: its id, or a name the search knows
    exactly ("Soleus", "peroneus longus"); None when it names none."""
    if wanted in atlas or atlas.attachment(wanted) is not None:
        return wanted
    named = normalize(wanted)
    return next((h.id for h in NameIndex(atlas).search(wanted) if normalize(h.matched) == named),
                None)


def closest_ids(atlas: Atlas, wanted: str, n: int = 1) -> list[str]:
    """The structures the search box offers first for ``wanted`` (up to ``n`` ids): what a
    name it does not know exactly ("achilles", "calf muscle") most likely meant.

    A hit by a note, a mover's word or an exercise after one by a name is left out ("knee":
    the patella and the popliteal fossa, not the rectus femoris by its note on the knee jerk).
    """
    out: list[str] = []
    named = False
    for hit in NameIndex(atlas).search(wanted):
        if named and not hit.by_name:
            break
        if hit.id in atlas:
            out.append(hit.id)
            named = named or hit.by_name
    return out[:n]


def match_names(query: str, names: Mapping[str, Sequence[str]]) -> list[tuple[str, float]]:
    """Which of ``names`` (key -> its names) ``query`` finds as typed, best first with a
    score on :class:`NameIndex`'s scale (the motion lab's presets by their names and the
    exercises they show: "deep squats" -> the deep squat). No typos are allowed, and a word of
    a longer name counts as a search term's does."""
    q = normalize(query)
    if not q:
        return []
    best: dict[str, float] = {}
    vocabulary = {w for texts in names.values() for t in texts for w in normalize(t).split()}
    for variant, factor in NameIndex._variants(q, vocabulary):
        q_words = variant.split()
        for key, texts in names.items():
            for text in map(normalize, texts):
                score = _literal_score(variant, q_words, text, text.split()) * factor
                if len(q_words) < len(text.split()) and score < 100.0:
                    score *= SECONDARY_WEIGHT
                best[key] = max(best.get(key, 0.0), score)
    return sorted(((k, round(v, 1)) for k, v in best.items() if v > 0), key=lambda kv: -kv[1])


class SearchHit(NamedTuple):
    """A structure that matches a query: its id, a score (0-100), the text that matched and,
    for a note's title, that title (the passage of its page to show)."""

    id: str
    score: float
    matched: str
    passage: str | None = None
    by_name: bool = True  # (False: by a note, a mover's word, a landmark or an exercise)


def normalize(text: str) -> str:
    """Lower case, accents removed, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain).strip()


class NameIndex:
    """Names, synonyms, Latin names and search terms of every structure of an atlas, ready to
    search. A hit's matched text is the name it matched, or "related: " and the search term (a
    group's name is not the structure's)."""

    def __init__(self, atlas: Atlas) -> None:
        ids: list[str] = []
        texts: list[str] = []
        shown: list[str] = []
        primary: list[bool] = []  # a name (False: a mover's word or a site's landmark)
        related: list[bool] = []  # a search term (a group, an everyday word)
        synonym: list[bool] = []  # another name (a synonym, the Latin name)
        order: dict[str, int] = {}

        def secondary(sid: str, text: str, label: str) -> None:
            """A row found by ``text`` that is no name of ``sid`` (a landmark, a root, ...)."""
            ids.append(sid)
            texts.append(text)
            shown.append(label)
            primary.append(False)
            related.append(False)
            synonym.append(False)

        for rank, s in enumerate(atlas):
            order[s.id] = rank
            names = [(name, name) for name in (s.name, *s.synonyms, *([s.latin] if s.latin
                                                                      else []))]
            names += [(s.id, s.name), *((term, f"related: {term}") for term in s.search_terms)]
            movers = [(term, f"{shown.removesuffix(' assisting')} ("
                              f"{'assisting' if shown.endswith(' assisting') else 'main mover'})")
                      for term, shown in mover_terms(s)]
            seen: set[str] = set()
            for n, (name, text) in enumerate(names + movers):
                norm = normalize(name)
                if norm and norm not in seen:
                    seen.add(norm)
                    ids.append(s.id)
                    texts.append(norm)
                    shown.append(text)
                    primary.append(n < len(names))
                    related.append(text.startswith("related: "))
                    synonym.append(0 < n < len(names) and not related[-1] and name != s.id)
        # Attachment sites by their landmark ("soleal line", "head of the fibula"): each one's
        # page says what attaches there (the landmark found only a structure named like it).
        for site in atlas.attachments():
            norm = normalize(site.attachment.landmark)
            if norm:
                order[site.id] = len(order)
                secondary(site.id, norm, atlas.name_of(site.id))  # "Soleus: origin on the..."
        # A muscle's spinal roots ("S1" found nothing; "L5" only a note): each muscle a root
        # supplies, by a word counted like a mover's
        roots: set[str] = set()
        for s in atlas:
            for root in getattr(getattr(s, "innervation", None), "roots", None) or ():
                roots.add(root)
                secondary(s.id, normalize(root), f"root {root}")
        #: The spinal roots that supply a muscle of the atlas.
        self.roots = frozenset(roots)
        # The titles of a structure's notes ("shin splints", "Thompson test", "DVT"): each
        # found nothing, though a page teaches it.
        passages: dict[int, str] = {}
        for s in atlas:
            for title in note_titles(s):
                passages[len(ids)] = title
                secondary(s.id, normalize(title), f"note: {title}")
        # The names of a page's exercises ("calf raise", "Nordic hamstring exercise").
        for s in atlas:
            for exercise in getattr(s, "exercises", None) or ():
                passages[len(ids)] = exercise.name
                secondary(s.id, normalize(exercise.name), f"exercise: {exercise.name}")
        self._passages = passages
        # A mover's word or a site's landmark counts less than a name, and only as typed
        # (no typos): "plantar" finds the plantar nerves before the plantar flexors, "plantaris"
        # no "plantar flexor", "sural" no "supra-acetabular groove".
        self._primary = primary
        self._related = related
        self._synonym = synonym
        self._weight = [1.0 if p else SECONDARY_WEIGHT for p in primary]
        self._ids = ids
        self._texts = texts
        self._words = [t.split() for t in texts]
        self._vocabulary = frozenset(w for words in self._words for w in words)
        self._shown = shown
        self._order = order
        self._name_len = {s.id: len(s.name) for s in atlas}
        self._name_len.update({i: len(t) + 1000 for i, t in zip(ids, texts, strict=True)
                               if i not in self._name_len})  # (sites after structures)

    def __len__(self) -> int:
        return len(self._texts)

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Best matches first, one hit per structure; ``[]`` for an empty query."""
        q = normalize(query)
        if not q:
            return []
        best: dict[str, tuple[float, int]] = {}
        variants = self._variants(q, self._vocabulary)
        for variant, factor in variants:
            self._exact_pass(variant, factor, best)
        # Fuzzy scores stay below every literal score, so with enough literal hits the fuzzy
        # pass cannot change the top ``limit``: skip it (keeps typing fast).
        if len(best) < limit:
            for variant, factor in variants:
                if len(variant) >= 3:
                    self._fuzzy_pass(variant, factor, best)
        ranked = sorted(
            best.items(),
            key=lambda kv: (-kv[1][0], self._name_len[kv[0]], self._order[kv[0]]),
        )
        return [SearchHit(sid, round(score, 1), self._shown[i], self._passages.get(i),
                          self._primary[i])
                for sid, (score, i) in ranked][:limit]

    # --- internals ---------------------------------------------------------------------------
    @staticmethod
    def _variants(q: str, vocabulary: set[str] | frozenset[str] = frozenset()
                  ) -> list[tuple[str, float]]:
        """The query and what else it may mean, each with how much a match on it counts;
        a word's plain form (:func:`base_form`) only where ``vocabulary`` has it."""
        short = " ".join(SHORT_NAMES.get(w, w) for w in q.split())
        if short != q:  # (in place of the query: "quad" of "quads" starts quadratus plantae)
            q = short
        out = [(q, 1.0)]
        words = q.split()
        if (roots := roots_named(q)) and len(roots) == 1 and roots[0].lower() != q:
            out.append((roots[0].lower(), 0.98))  # ("S1 dermatome": the muscles S1 supplies)
        swapped = []
        for w in words:
            for old, new in TERM_EQUIVALENTS.items():
                if old.startswith(w) and len(w) >= 4 or w.startswith(old):
                    w = new + w[len(old) :] if w.startswith(old) else new
                    break
            swapped.append(w)
        # every word swapped, and each swap alone ("Achilles tendinitis": the note is on
        # "Achilles tendinopathy", and nothing is called "calcaneal tendinopathy")
        alts = [" ".join(swapped)]
        if sum(a != b for a, b in zip(words, swapped, strict=True)) > 1:
            alts += [" ".join([*words[:i], swapped[i], *words[i + 1:]])
                     for i in range(len(words)) if words[i] != swapped[i]]
        out += [(alt, 0.98) for alt in dict.fromkeys(alts) if alt != q]
        for phrase, equivalent in PHRASE_EQUIVALENTS.items():
            if phrase in q:
                out.append((q.replace(phrase, equivalent), 0.98))
        singular = " ".join(b if (b := base_form(w)) in vocabulary else w for w in words)
        if singular != q:  # "squats", "squatting", "deep squats": the data's "squat"
            out.append((singular, 0.98))
        return out

    def _exact_pass(self, q: str, factor: float, best: dict[str, tuple[float, int]]) -> None:
        q_words = q.split()
        for i, text in enumerate(self._texts):
            score = _literal_score(q, q_words, text, self._words[i])
            if score:
                weight = self._weight[i]
                if self._related[i] and len(q_words) < len(self._words[i]):
                    # A word of a longer everyday term names something else ("leg" of
                    # "tennis leg", "nerve" of "nerve graft"): names with it come first.
                    weight = SECONDARY_WEIGHT
                elif self._synonym[i] and score < 100.0:
                    weight = SYNONYM_WEIGHT  # (an own name first where they match alike)
                _keep(best, self._ids[i], score * factor * weight, i)

    def _fuzzy_pass(self, q: str, factor: float, best: dict[str, tuple[float, int]]) -> None:
        # Whole text (a typo anywhere) and, for longer texts, the best-aligned part (a typo in
        # a prefix: "gastrc"). Fuzzy scores are mapped below every literal match (< 70).
        matches = [
            m for m in process.extract(
                q, self._texts, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=None
            )
            if _same_words(q, m[0])
        ]
        if len(q) >= 4:
            matches += [
                m for m in process.extract(
                    q, self._texts, scorer=fuzz.partial_ratio, score_cutoff=80.0, limit=None
                )
                if _aligned_at_words(q, m[0]) and _within_words(q, m[0])
            ]
        for text, score, i in matches:
            # an abbreviation ("ta", "edl"), a mover's word and a landmark match as typed only
            if len(text) >= 4 and self._primary[i]:
                # a text covering part of the query counts for the part ("calf" for "calf
                # cramps" came before the note on calf cramps)
                covered = 0.5 + 0.5 * min(1.0, len(text) / len(q))
                # a search term, alike, after a name ("calf" of "related: calf pain")
                weight = SECONDARY_WEIGHT if self._related[i] else 1.0
                _keep(best, self._ids[i], 0.69 * score * factor * covered * weight, i)


def _same_words(q: str, text: str) -> bool:
    """Whether a text like ``q`` as a whole is like it word by word too, or differs only in
    its spaces: "superior gluteal nerve" is not the inferior gluteal nerve, nor "lateral femoral
    cutaneous nerve" the lateral sural cutaneous nerve, though each is close letter by letter;
    "flexordigitorum longus" is flexor digitorum longus."""
    if " " not in q and " " not in text:
        return True
    if fuzz.ratio(q.replace(" ", ""), text.replace(" ", "")) >= _SPACING_ONLY:
        return True
    return _aligned_at_words(q, text)


def _within_words(q: str, text: str) -> bool:
    """Whether the part of ``text`` a one-word ``q`` best aligns with lies within one of its
    words and is as long as ``q``, but for a letter: "soleus" is no typo of the word "sole" in
    "sole of the foot" (the plantar aponeurosis came third for "soleus"); "gastrc" is one of
    "gastro" in "gastrocnemius"."""
    if " " in q or len(text) <= len(q):
        return True
    alignment = fuzz.partial_ratio_alignment(q, text)
    if alignment is None:
        return False
    part = text[alignment.dest_start:alignment.dest_end]
    return " " not in part and len(part) >= len(q) - 1


def _aligned_at_words(q: str, text: str) -> bool:
    """Whether the best alignment of the shorter of ``q`` and ``text`` within the longer
    keeps to its words: the part of a longer text ``q`` matches starts a word ("gastrc" in
    "gastrocnemius", not "solues" in "malleolus"), and a shorter text covers whole words of
    ``q`` ("fibula" in "fibula bone", "tibia" in "tibbia bone", not "perone" in "peroneus
    lngus")."""
    if len(text) > len(q):
        words = q.split()
        if len(words) > 1:  # each word begins a word of the text, nearly ("cal tedon")
            return all(any(fuzz.ratio(w, tw[: len(w)]) >= _FUZZY_CUTOFF for tw in text.split())
                       for w in words)
        alignment = fuzz.partial_ratio_alignment(q, text)
        if alignment is None:  # (only below a score cutoff, and none is given)
            return False
        start = alignment.dest_start
        return start == 0 or text[start - 1] == " "
    # each word of the shorter text nearly is a whole word of the query ("tibbia" for
    # "tibia"), not the start of a longer one ("perone" of "peroneus")
    words = q.split()
    return all(any(abs(len(tw) - len(w)) <= 1 and not (len(w) > len(tw) and w.startswith(tw))
                   and fuzz.ratio(tw, w) >= _FUZZY_CUTOFF for w in words)
               for tw in text.split())


def _literal_score(q: str, q_words: list[str], text: str, words: list[str]) -> float:
    closeness = len(q) / len(text)
    if text == q:
        return 100.0
    if text.startswith(q):
        return 90.0 + 9.0 * closeness
    if any(w.startswith(q) for w in words):
        return 80.0 + 9.0 * closeness
    if len(q_words) > 1 and _words_prefix(q_words, words):
        return 75.0 + 4.0 * closeness
    if len(q) >= 3 and q in text:
        return 70.0 + 4.0 * closeness
    return 0.0


def _words_prefix(q_words: list[str], words: list[str]) -> bool:
    """Whether each query word starts a different word of the text, in order."""
    j = 0
    for qw in q_words:
        while j < len(words) and not words[j].startswith(qw):
            j += 1
        if j == len(words):
            return False
        j += 1
    return True


def _keep(best: dict[str, tuple[float, int]], sid: str, score: float, i: int) -> None:
    if score > best.get(sid, (0.0, -1))[0]:
        best[sid] = (score, i)
