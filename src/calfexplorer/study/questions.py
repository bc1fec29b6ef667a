"""Questions: what to ask about a card, with plausible wrong choices and what counts as right.

Every answer lives in one id space per question: structure ids (muscles, nerves, arteries),
``joint:movement`` for actions, ``landmark:<bone>:<landmark>`` for attachment places and
``roots:L4,L5`` for spinal roots. Choices, clicks and typed answers are all graded against
``Question.correct_ids``; exactly one offered choice is correct, and no wrong choice is a fact
that is also true.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

from calfexplorer.atlas.models import COMPARTMENT_PLACES, KIND_TITLES
from calfexplorer.study.facts import NEAR_REGIONS, Site, StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.text import (
    Vocabulary,
    accepted_roots,
    format_roots,
    names_in,
    other_sources,
    part_of_accepted,
    root_id,
)
from calfexplorer.wording import listed

if TYPE_CHECKING:
    from calfexplorer.atlas import Atlas
    from calfexplorer.atlas.models import Action, Muscle

_T = TypeVar("_T", bound=Hashable)

AnswerMode = Literal["choice_or_text", "pick", "skin"]

N_CHOICES = 4
#: Kinds that fill in name-it choices when a kind has too few members of its own.
NEAR_KINDS: dict[str, tuple[str, ...]] = {
    "tendon": ("ligament", "retinaculum", "muscle"),  # (ligaments too: not all muscles)
    "artery": ("vein",),
    "vein": ("artery",),
    "nerve": ("artery", "vein"),
    "bone": ("tendon",),
}


@dataclass(frozen=True)
class Choice:
    """One offered answer: its id in the question's answer space and its text."""

    id: str
    text: str


@dataclass(frozen=True)
class Question:
    """A question about one card, ready for the GUI, the command line or an Anki note.

    Attributes
    ----------
    card
        The (structure id, kind) card this question tests.
    prompt
        The question text.
    highlight_ids
        Structures (or attachment sites) the 3D view lights up while asking.
    choices
        Offered answers for multiple choice; exactly one is correct. Empty for find-it.
    correct_ids
        Every answer id that counts as correct (several when several facts are true).
    accepted_answers
        Texts accepted when typed (typos and case are tolerated when grading).
    answer_text
        The correct answer as shown after answering.
    explanation
        A sentence or two with the facts behind the answer.
    link_id
        The structure to select to learn more (the answer's link).
    answer_ids
        Structures named in the answer, each of which can be a link.
    hint
        A hint for practice mode; None in exam mode.
    mode
        ``"pick"`` when the answer is a click on a structure in 3D (find-it), ``"skin"`` when
        it is a click on the skin (graded by the skin map), else ``"choice_or_text"``.
    static_prompt
        The prompt for a card that cannot be clicked (an Anki note), when it differs.
    static_answer
        Its answer in words, where the app's answer is a click (the skin's area described).
    """

    card: CardKey
    prompt: str
    highlight_ids: tuple[str, ...]
    choices: tuple[Choice, ...]
    correct_ids: frozenset[str]
    accepted_answers: tuple[str, ...]
    answer_text: str
    explanation: str
    link_id: str
    answer_ids: tuple[str, ...] = ()
    hint: str | None = None
    mode: AnswerMode = "choice_or_text"
    vocabulary: Vocabulary | None = field(default=None, repr=False, compare=False)
    roots_answers: tuple[frozenset[str], ...] = ()
    static_prompt: str | None = None
    static_answer: str | None = None

    @property
    def kind(self) -> str:
        return self.card.kind

    @property
    def structure_id(self) -> str:
        return self.card.structure_id

    @property
    def typed_ok(self) -> bool:
        """Whether a typed answer can be graded (else offer the choices or a 3D pick)."""
        return self.vocabulary is not None or bool(self.roots_answers)

    @property
    def correct_choice(self) -> Choice | None:
        """The one offered choice that is correct."""
        return next((c for c in self.choices if c.id in self.correct_ids), None)


class QuestionError(ValueError):
    """The card cannot be asked (unknown structure, or the atlas lacks the fact)."""


def _rank(
    candidates: Iterable[_T], score: Callable[[_T], float], rng: random.Random, n: int
) -> list[_T]:
    """The n most plausible candidates (highest score); ties broken at random."""
    unique = list(dict.fromkeys(candidates))
    keyed = [(-score(c), rng.random(), c) for c in unique]
    keyed.sort()
    return [c for _, _, c in keyed[:n]]


def _options(correct: Choice, wrong: list[Choice], rng: random.Random) -> tuple[Choice, ...]:
    opts = [correct, *wrong]
    rng.shuffle(opts)
    return tuple(opts)


def _the(name: str) -> str:
    return f"the {name[0].lower() + name[1:]}" if name[:1].isupper() else f"the {name}"


def _capital(text: str) -> str:
    """A choice's text as the others read: "Flexion", not "flexion"."""
    return text[:1].upper() + text[1:]


def _plural(name: str) -> bool:
    """Whether a structure's name is plural ("genicular arteries", "cuneiform bones"), not a
    Latin singular in -us or -is ("soleus", "biceps femoris")."""
    head = name.split(" of ")[0].split(" (")[0]  # "phalanges of the foot": "phalanges"
    last = head.split()[-1].lower()
    return last.endswith("s") and not last.endswith(("us", "is", "ss", "ps"))


def _each_once(atlas: Atlas, ids: list[str]) -> list[str]:
    """``ids`` with each muscle named once: a whole listed with all its parts as the whole
    (Gastrocnemius, on the calcaneus), a whole listed with only some of them as those parts
    (Medial head of gastrocnemius, on the medial condyle: not "Gastrocnemius and Medial head
    of gastrocnemius", which reads as two muscles)."""
    chosen = set(ids)
    kept = [i for i in ids
            if not (parts := set(atlas.children(i))) or not parts & chosen or parts <= chosen]
    return atlas.wholes_over_parts(kept)




#: Joint -> the parts of the limb whose muscles make fair wrong helpers or opposers there
#: when too few muscles that cross it are left.
_NEAR_JOINT: dict[str, tuple[str, ...]] = {
    "hip": ("hip", "thigh", "knee", "leg"),
    "knee": ("hip", "thigh", "knee", "leg"),
    "ankle": ("leg", "ankle", "foot"),
    "subtalar": ("leg", "ankle", "foot"),
    "great_toe": ("leg", "foot"),
    "lateral_toes": ("leg", "foot"),
}


class QuestionFactory:
    """Makes questions from the atlas. Randomness comes only from the ``rng`` passed in."""

    def __init__(self, facts: StudyFacts) -> None:
        from calfexplorer.study import lesion_questions as lq  # they build on this module
        from calfexplorer.study import myotome_questions as mq
        from calfexplorer.study import region_questions as rq
        from calfexplorer.study import skin_questions as sq

        self.facts = facts
        self._makers: dict[str, Callable[[str, random.Random, bool], Question]] = {
            "name_it": self._name_it,
            "find_it": self._find_it,
            "origin": lambda s, r, e: self._attachment(s, r, e, "origin"),
            "insertion": lambda s, r, e: self._attachment(s, r, e, "insertion"),
            "action": self._action,
            "innervation": self._innervation,
            "roots": self._roots,
            "blood_supply": self._blood_supply,
            "synergist": lambda s, r, e: self._relation(s, r, e, "synergist"),
            "antagonist": lambda s, r, e: self._relation(s, r, e, "antagonist"),
            "attachment_site": self._attachment_site,
            "lesion_loss": lambda s, r, e: lq.lesion_loss_question(facts, s, r, e),
            "lesion_locate": lambda s, r, e: lq.lesion_locate_question(facts, s, r, e),
            "compartment": lambda s, r, e: rq.compartment_question(facts, s, r, e),
            "region_boundary": lambda s, r, e: rq.boundary_question(facts, s, r, e),
            "region_contents": lambda s, r, e: rq.order_question(facts, s, r, e),
            "reflex_roots": lambda s, r, e: rq.reflex_question(facts, s, r, e),
            "myotome_movement": lambda s, r, e: mq.myotome_movement_question(facts, s, r, e),
            "myotome_roots": lambda s, r, e: mq.myotome_roots_question(facts, s, r, e),
            "skin_locate": lambda s, r, e: sq.skin_question(facts, s, r, e),
        }

    def make(self, card: CardKey, rng: random.Random, exam: bool = False) -> Question:
        """A question for a card. ``exam`` leaves out hints.

        Raises
        ------
        QuestionError
            When the card's structure is unknown or the atlas lacks the fact it asks about.
        """
        maker = self._makers.get(card.kind)
        if maker is None:
            raise QuestionError(f"unknown question kind {card.kind!r}")
        sid = card.structure_id
        f = self.facts
        known = (
            sid in f.structures or sid in f.sites or sid in f.lesions or sid in f.reflexes
            or f.is_clinical_card(sid)
        )
        if not known:
            raise QuestionError(f"unknown structure {card.structure_id!r}")
        return maker(sid, rng, exam)

    # --- helpers -----------------------------------------------------------------------------

    def _structure_distractors(
        self,
        target: str,
        pool: Iterable[str],
        exclude: set[str],
        rng: random.Random,
        bonus: Callable[[str], float] | None = None,
    ) -> list[str]:
        f = self.facts
        cands = [c for c in pool if c not in exclude]

        def score(c: str) -> float:
            return f.similarity(target, c) + (bonus(c) if bonus else 0.0)

        chosen: list[str] = []
        taken: set[str] = set()
        for c in _rank(cands, score, rng, len(cands)):
            if c in taken:
                continue  # one choice per whole: not the gastrocnemius and its heads
            chosen.append(c)
            taken |= f.whole_family(c)
            if len(chosen) == N_CHOICES - 1:
                break
        return chosen

    def _hint_for(self, sid: str, exam: bool) -> str | None:
        if exam:
            return None
        f = self.facts
        s = f.structures[sid]
        if s.kind == "region":  # (its compartment is itself: "It lies in the lateral
            # compartment" gave the answer away)
            held = [f.name(h) for h in s.held() if h in f.structures][:2]
            if held:
                return f"It holds {' and '.join(_the(n) for n in held)}."
        comp = getattr(s, "compartment", None)
        if comp and s.kind != "region":
            return f"It lies in the {COMPARTMENT_PLACES.get(comp, comp.replace('_', ' '))}."
        return f"It is {'an' if s.kind[:1] in 'aeiou' else 'a'} {s.kind} of the {s.region}."

    def _muscle(self, sid: str) -> Muscle:
        s = self.facts.structures.get(sid)
        if s is None or s.kind != "muscle":
            raise QuestionError(f"{sid!r} is not a muscle")
        return s

    # --- name it / find it -------------------------------------------------------------------

    def _name_it(self, sid: str, rng: random.Random, exam: bool) -> Question:
        f = self.facts
        s = f.structures[sid]
        family = f.family(sid)
        near = NEAR_REGIONS.get(s.region, (s.region,))
        # those near it first (the coccyx was offered for the tibia), the rest still possible
        wrong = self._structure_distractors(
            sid, f.of_kind(s.kind), family, rng,
            bonus=lambda o: 0.4 if getattr(f.structures[o], "region", None) in near else 0.0)
        lone = len(wrong) < N_CHOICES - 1
        if lone:  # a lone kind (one tendon): its nearest kin nearby fill in
            kin = f.of_kind(*NEAR_KINDS.get(s.kind, ()))
            nearby = [o for o in kin if getattr(f.structures[o], "region", None) in near]
            more = self._structure_distractors(
                sid, nearby if len(set(nearby) - family) >= N_CHOICES else kin,
                family | set(wrong), rng
            )
            wrong += more[: N_CHOICES - 1 - len(wrong)]
        accepted = tuple(f.names(sid))
        # The prompt names nothing the choices would give away: not the kind where only one
        # choice is of it ("Name the highlighted tendon" among muscles), and both numbers where
        # a name of that kind is plural ("Sural arteries" among single arteries).
        what = ("structure" if lone
                else f"{s.kind} (or {KIND_TITLES.get(s.kind, s.kind + 's').lower()})"
                if any(_plural(f.name(o))
                                                        for o in f.of_kind(s.kind))
                else s.kind)
        hint = self._hint_for(sid, exam)
        if lone and hint is not None:
            hint = f"It lies in the {s.region}."
        return Question(
            card=CardKey(sid, "name_it"),
            prompt=f"Name the highlighted {what}.",
            highlight_ids=(sid,),
            choices=_options(Choice(sid, s.name), [Choice(w, f.name(w)) for w in wrong], rng),
            correct_ids=frozenset({sid}),
            accepted_answers=accepted,
            answer_text=s.name,
            explanation=s.description,
            link_id=sid,
            answer_ids=(sid,),
            hint=hint,
            vocabulary=f.all_names,
        )

    def _find_it(self, sid: str, rng: random.Random, exam: bool) -> Question:
        f = self.facts
        s = f.structures[sid]
        return Question(
            card=CardKey(sid, "find_it"),
            prompt=f"Click {_the(s.name)}.",
            highlight_ids=(),
            choices=(),
            correct_ids=frozenset({sid} | f.descendants(sid)),
            accepted_answers=(),
            answer_text=s.name,
            explanation=s.description,
            link_id=sid,
            answer_ids=(sid,),
            hint=self._hint_for(sid, exam),
            mode="pick",
            static_prompt=f"Where {'are' if _plural(s.name) else 'is'} {_the(s.name)}? "
            "Picture it, then check.",
        )

    # --- origin / insertion ------------------------------------------------------------------

    def _attachment(self, mid: str, rng: random.Random, exam: bool, role: str) -> Question:
        f = self.facts
        m = self._muscle(mid)
        own = f.muscle_attachments(mid, role)
        if not own:
            raise QuestionError(f"{mid!r} has no {role}")
        correct_keys = {s.landmark_key for s in own}
        pick = rng.choice(own)
        other_role = "insertion" if role == "origin" else "origin"
        own_other = {s.landmark_key for s in f.muscle_attachments(mid, other_role)}
        own_bones = {s.bone for s in own}
        by_key: dict[str, Site] = {}
        for site in f.sites.values():
            if site.landmark_key in correct_keys or any(f.same_place(site, o) for o in own):
                continue
            by_key.setdefault(site.landmark_key, site)

        def score(key: str) -> float:
            site = by_key[key]
            owner_sim = f.similarity(mid, site.owner) if site.owner in f.structures else 0
            return (
                owner_sim
                + (3 if site.bone in own_bones else 0)
                + (2 if key in own_other else 0)
                + (1 if site.role == role else 0)
            )

        wrong: list[str] = []
        for key in _rank(by_key, score, rng, len(by_key)):
            if not any(f.same_place(by_key[key], by_key[w]) for w in wrong):
                wrong.append(key)
            if len(wrong) == N_CHOICES - 1:
                break
        verb = "originate" if role == "origin" else "insert"
        texts = [s.text for s in own]
        bones = sorted({_the(f.name(b)) for b in own_bones})
        # The bone is a hint only where another choice lies on it too (else it names the
        # answer: popliteus's insertion was the one choice on the tibia).
        if any(by_key[w].bone in own_bones for w in wrong):
            hint = f"It is attached to {listed(bones)}."
        else:
            hint = f"Think of the {'upper' if role == 'origin' else 'lower'} end of " \
                   f"{_the(m.name)} and what it crosses."
        labels = [f.site_label(s) for s in own]
        return Question(
            card=CardKey(mid, role),
            prompt=f"Where does {_the(m.name)} {verb}?",
            highlight_ids=(mid,),
            choices=_options(
                Choice(pick.landmark_key, f.site_label(pick)),
                [Choice(k, f.site_label(by_key[k])) for k in wrong],
                rng,
            ),
            correct_ids=frozenset(correct_keys | {s.id for s in own}),
            accepted_answers=tuple(s.landmark for s in own),
            answer_text="; ".join(labels),
            explanation=f"{m.name}, {role}: " + " ".join(texts),
            link_id=mid,
            answer_ids=tuple(dict.fromkeys([s.id for s in own] + [s.bone for s in own])),
            hint=None if exam else hint,
            # No typed answers: landmarks are long descriptions, and near-verbatim typing
            # would be the only way to be graded right. Multiple choice only.
        )

    # --- actions -----------------------------------------------------------------------------

    def _action(self, mid: str, rng: random.Random, exam: bool) -> Question:
        f = self.facts
        m = self._muscle(mid)
        joints = list(dict.fromkeys(a.joint for a in m.actions))
        joint = rng.choice(joints)
        does = [a for a in m.actions if a.joint == joint]
        correct = {f"{joint}:{a.movement}" for a in does}
        disputed = f.disputed_movements(mid)
        wrong_moves = [mv for mv in f.joint_movements(joint)
                       if f"{joint}:{mv}" not in correct and (joint, mv) not in disputed]
        if len(wrong_moves) < N_CHOICES - 1:
            return self._action_anywhere(mid, joint, rng, exam)
        pick = rng.choice(does)
        opposite = self._opposite(joint, pick.movement)
        wrong = _rank(wrong_moves, lambda mv: 2 if mv in opposite else 0, rng, N_CHOICES - 1)
        jname = f.joint_name(joint)
        return Question(
            card=CardKey(mid, "action"),
            prompt=f"Which movement does {_the(m.name)} produce at the {jname}?",
            highlight_ids=(mid,),
            choices=_options(
                Choice(f"{joint}:{pick.movement}", _capital(f.movement_name(joint, pick.movement))),
                [Choice(f"{joint}:{mv}", _capital(f.movement_name(joint, mv))) for mv in wrong],
                rng,
            ),
            correct_ids=frozenset(correct | {f"{j}:{mv}" for j, mv in disputed if j == joint}),
            accepted_answers=tuple(f.movement_name(joint, a.movement) for a in does),
            answer_text=listed([f.movement_name(joint, a.movement) for a in does]),
            explanation=f"At the {jname}, {_the(m.name)} produces: "
            + listed([self._action_words(a, f.movement_name(joint, a.movement)) for a in does])
            + ".",
            link_id=mid,
            answer_ids=(mid,),
            hint=None if exam else f"Think of where {_the(m.name)} crosses the {jname}.",
            # (the other joints' movements named with their joint: "hip flexion" typed for a
            # toe flexor was read as "flexion" and marked right)
            vocabulary=f.movements_vocab(
                joint, named_only=[j for j in dict.fromkeys(f.joint_ids()) if j != joint]
            ),
        )

    def _action_anywhere(self, mid: str, joint: str, rng: random.Random, exam: bool) -> Question:
        """An action at a joint with too few other movements to offer (the ankle: plantarflexion
        or dorsiflexion, a coin toss), asked among movements of several joints, each with its
        joint: "Ankle plantarflexion", "Subtalar eversion", "Knee extension". A wrong choice is
        another movement at a joint where the muscle acts, or one at a joint it does not cross
        (never subtalar inversion for the soleus: it crosses that joint, and its action there
        is not in the atlas)."""
        f = self.facts
        m = self._muscle(mid)
        correct = {f"{a.joint}:{a.movement}" for a in m.actions}
        pick = rng.choice([a for a in m.actions if a.joint == joint])
        opposite = self._opposite(joint, pick.movement)
        acts = {a.joint for a in m.actions}
        disputed = f.disputed_movements(mid)
        pool = [
            (j, mv)
            for j in dict.fromkeys(f.joint_ids())
            if j in acts or not f.crosses(mid, j)
            for mv in f.joint_movements(j)
            if f"{j}:{mv}" not in correct and (j, mv) not in disputed
        ]

        def score(move: tuple[str, str]) -> float:
            j, mv = move
            return (3 if j == joint else 1 if j in acts else 0) + (2 if mv in opposite else 0)

        wrong = _rank(pool, score, rng, N_CHOICES - 1)
        label = f.atlas.action_label
        return Question(
            card=CardKey(mid, "action"),
            prompt=f"Which of these movements does {_the(m.name)} produce?",
            static_prompt=f"Which movements does {_the(m.name)} produce?",  # (no list shown)
            highlight_ids=(mid,),
            # (with the toes it moves: abductor digiti minimi "produced flexion of the lateral
            # four toes", where it flexes the little toe only)
            choices=_options(
                Choice(f"{joint}:{pick.movement}", label(joint, pick.movement, pick.digits)),
                [Choice(f"{j}:{mv}", label(j, mv)) for j, mv in wrong],
                rng,
            ),
            correct_ids=frozenset(correct | {f"{j}:{mv}" for j, mv in disputed}),
            accepted_answers=tuple(label(a.joint, a.movement, a.digits) for a in m.actions),
            answer_text=listed([label(a.joint, a.movement, a.digits) for a in m.actions]),
            explanation=f"{m.name} produces: "
            + listed([self._action_words(a, label(a.joint, a.movement, a.digits).lower())
                     for a in m.actions])
            + ".",
            link_id=mid,
            answer_ids=(mid,),
            hint=None if exam else f"Think of which joints {_the(m.name)} crosses.",
            vocabulary=f.movements_vocab(
                *acts, named_only=[j for j in dict.fromkeys(f.joint_ids()) if j not in acts]
            ),
        )

    def _opposite(self, joint: str, movement: str) -> set[str]:
        jrec = self.facts.joint(joint)
        return {mv.opposite for mv in (jrec.movements if jrec else []) if mv.id == movement}

    @staticmethod
    def _action_words(action: Action, name: str) -> str:
        """"adduction (lower fibres, assisting)": which part does it, where parts differ."""
        role = "prime mover" if action.role == "prime" else "assisting"
        return f"{name} ({action.part + ', ' if action.part else ''}{role})"

    # --- innervation, roots, blood supply ----------------------------------------------------

    def _supplier(
        self,
        mid: str,
        rng: random.Random,
        exam: bool,
        kind: str,
        ids: list[str],
        supplier_kind: str,
        note: str | None,
    ) -> Question:
        f = self.facts
        m = self._muscle(mid)
        ids = [i for i in ids if i in f.structures]
        if not ids:
            raise QuestionError(f"{mid!r} has no known {kind}")
        pick = rng.choice(ids)
        excluded: set[str] = set()
        for i in ids:
            excluded |= f.branch_line(i)
        # Nor one the note names ("twigs of the lateral inferior genicular artery also reach
        # it", "one atlas also lists ..."), or the whole muscle's note for a head (the
        # gastrocnemius's belly gets twigs of the posterior tibial artery; the medial head's
        # note is silent): true in part, so never offered as wrong.
        whole = getattr(f.structures.get(m.parent), kind, None) if m.parent else None
        for text in (note, getattr(whole, "note", None)):
            if text:
                others = f.of_kind(supplier_kind)
                excluded |= names_in(text, ((n, o) for o in others for n in f.names(o)))
        # Which suppliers serve muscles like this one: the plausible confusions.
        served: dict[str, float] = {}
        for other in f.of_kind("muscle"):
            if other in f.family(mid):
                continue
            for sup in self._suppliers_of(other, kind):
                served[sup] = max(served.get(sup, 0.0), float(f.similarity(mid, other)))
        pool = [s for s in f.of_kind(supplier_kind) if s not in excluded]
        wrong = _rank(
            pool,
            lambda s: served.get(s, -1.0) + 0.5 * f.similarity(pick, s),
            rng,
            N_CHOICES - 1,
        )
        noun = "nerve" if kind == "innervation" else "artery"
        names = [f.name(i) for i in ids]
        explanation = f"{m.name} is supplied by {listed([_the(n) for n in names])}."
        if note:
            explanation += f" {note}"
        return Question(
            card=CardKey(mid, kind),
            prompt=f"Which {noun} supplies {_the(m.name)}?",
            # (a card with no choices asks for every one the back lists)
            static_prompt=None if len(ids) < 2 else
            f"Which {'nerves' if noun == 'nerve' else 'arteries'} supply {_the(m.name)}?",
            highlight_ids=(mid,),
            choices=_options(
                Choice(pick, f.name(pick)), [Choice(w, f.name(w)) for w in wrong], rng
            ),
            correct_ids=frozenset(ids),
            accepted_answers=tuple(n for i in ids for n in f.names(i)),
            answer_text=listed(names),
            explanation=explanation,
            link_id=mid,
            answer_ids=tuple(ids),
            hint=None
            if exam
            else f"Which {noun} serves the "
            f"{COMPARTMENT_PLACES.get(m.compartment, m.compartment.replace('_', ' '))}?",
            vocabulary=self._supplier_vocabulary(mid, supplier_kind, ids),
        )

    def _sciatic_divisions(self, mid: str) -> set[str]:
        """The divisions of the sciatic nerve a muscle's note gives it: the one it names first
        ("Common fibular part ..., unlike every other hamstring (tibial part)"), or for a
        muscle with heads, those of its heads."""
        f = self.facts
        heads = [sid for sid, s in f.structures.items() if getattr(s, "parent", None) == mid]
        if heads:
            return {d for h in heads for d in self._sciatic_divisions(h)}
        inn = getattr(f.structures.get(mid), "innervation", None)
        note = (inn.note or "").lower() if inn is not None else ""
        named = [(note.find(f"{d} part"), d) for d in ("tibial", "common fibular")
                 if f"{d} part" in note]
        return {min(named)[1]} if named else set()

    def _supplier_vocabulary(self, mid: str, supplier_kind: str, ids: list[str]) -> Vocabulary:
        """The names of the kind; for a muscle of the sciatic nerve also its divisions typed
        out ("tibial part of the sciatic nerve"): its own reads as the sciatic nerve, the
        other one as a wrong answer."""
        f = self.facts
        own = self._sciatic_divisions(mid) if "sciatic_nerve" in ids else set()
        if not own:
            return f.names_of_kind(supplier_kind)
        pairs = list(f.name_pairs(supplier_kind))
        for division, words in (("tibial", ("tibial",)),
                                ("common fibular", ("common fibular", "common peroneal"))):
            cid = "sciatic_nerve" if division in own else f"sciatic_nerve:{division}"
            pairs += [(f"{w} {part} of the sciatic nerve", cid) for w in words
                      for part in ("part", "division", "portion")]
        return Vocabulary(pairs)

    def _suppliers_of(self, mid: str, kind: str) -> list[str]:
        s = self.facts.structures[mid]
        if kind == "innervation":
            inn = getattr(s, "innervation", None)
            return list(inn.nerves) if inn else []
        bs = getattr(s, "blood_supply", None)
        return list(bs.arteries) if bs else []

    def _innervation(self, mid: str, rng: random.Random, exam: bool) -> Question:
        m = self._muscle(mid)
        return self._supplier(
            mid, rng, exam, "innervation", list(m.innervation.nerves), "nerve", m.innervation.note
        )

    def _blood_supply(self, mid: str, rng: random.Random, exam: bool) -> Question:
        m = self._muscle(mid)
        return self._supplier(
            mid,
            rng,
            exam,
            "blood_supply",
            list(m.blood_supply.arteries),
            "artery",
            m.blood_supply.note,
        )

    def _roots(self, mid: str, rng: random.Random, exam: bool) -> Question:
        f = self.facts
        m = self._muscle(mid)
        accepted_sets = accepted_roots(m.innervation.roots, m.innervation.disputed)
        main = accepted_sets[0]
        correct = {root_id(r) for r in accepted_sets}
        pool: dict[str, frozenset[str]] = {}
        score: dict[str, float] = {}
        for other in f.of_kind("muscle"):
            inn = getattr(f.structures[other], "innervation", None)
            if inn is None:
                continue
            r = frozenset(inn.roots)
            key = root_id(r)
            if part_of_accepted(r, accepted_sets):
                continue
            pool.setdefault(key, r)
            score[key] = max(score.get(key, -1.0), float(f.similarity(mid, other)))
        for shifted, plausible in _shifted_root_sets(main):
            key = root_id(shifted)
            if not part_of_accepted(shifted, accepted_sets) and key not in pool:
                pool[key] = shifted
                score[key] = plausible
        wrong = _rank(pool, lambda k: score[k], rng, N_CHOICES - 1)
        text = format_roots(main)
        explanation = f"{m.name}: spinal roots {text}.{other_sources(accepted_sets)}"
        return Question(
            card=CardKey(mid, "roots"),
            prompt=f"Which spinal roots supply {_the(m.name)}?",
            highlight_ids=(mid,),
            choices=_options(
                Choice(root_id(main), text), [Choice(k, format_roots(pool[k])) for k in wrong], rng
            ),
            correct_ids=frozenset(correct),
            accepted_answers=tuple(format_roots(a) for a in accepted_sets),
            answer_text=text,
            explanation=explanation,
            link_id=mid,
            answer_ids=tuple(m.innervation.nerves),
            hint=None if exam or not m.innervation.nerves
            else f"Its nerve is {_the(f.name(m.innervation.nerves[0]))}.",
            roots_answers=tuple(accepted_sets),
        )

    # --- synergists / antagonists ------------------------------------------------------------

    def _relation(self, mid: str, rng: random.Random, exam: bool, kind: str) -> Question:
        f = self.facts
        m = self._muscle(mid)
        rels = (f.synergists if kind == "synergist" else f.antagonists).get(mid, [])
        if not rels:
            raise QuestionError(f"{mid!r} has no {kind}s")
        actions = list(dict.fromkeys((r.joint, r.movement) for r in rels))
        joint, movement = rng.choice(actions)  # each action equally often, not each relation
        here = [r for r in rels if (r.joint, r.movement) == (joint, movement)]
        same = list(dict.fromkeys(r.other for r in here))
        parts = {r.other: r.part for r in here if r.part}

        def label(o: str) -> str:  # "Gluteus maximus (lower fibres)" where a part does it
            return f"{f.name(o)} ({parts[o]})" if o in parts else f.name(o)

        pick = rng.choice(same)
        excluded = set(f.family(mid))
        for r in rels:  # never offer any true synergist (antagonist) as a wrong choice
            excluded |= f.family(r.other)
        # nor one that some sources say does it (the adductors' rotation)
        moves = {movement} if kind == "synergist" else set(self._opposite(joint, movement))
        by_some = {o for o in f.of_kind("muscle")
                   if any((joint, mv) in f.disputed_movements(o) for mv in moves)
                   } - f.family(mid)  # (never the asked muscle as its own opposer)
        excluded |= by_some
        # nor one that does it on other toes (abductor digiti minimi flexes the little toe: it
        # neither helps nor opposes extensor digitorum brevis, on toes 2 to 4)
        excluded |= {o for o in f.of_kind("muscle")
                     if any(a.joint == joint and a.movement in moves
                            for a in getattr(f.structures[o], "actions", ()))}
        # Wrong choices: muscles that act at the joint (in other movements), or else ones that
        # do not cross it, from near it first (no foot muscle for the hip); never one that
        # crosses it with no action there in the atlas (the soleus for inversion: sources
        # differ on what it does at the subtalar joint).
        muscles = f.of_kind("muscle")
        acting = [o for o in muscles if any(j == joint for j, _ in f.atlas.movements_of(o))]
        apart = [o for o in muscles if o not in acting and not f.crosses(o, joint)]
        near = _NEAR_JOINT.get(joint, ())
        nearby = [o for o in apart if getattr(f.structures[o], "region", None) in near]

        def enough(pool: list[str]) -> bool:  # (one choice per whole muscle)
            return len({min(f.whole_family(o)) for o in pool if o not in excluded}) >= N_CHOICES - 1

        pool = next((p for p in (acting, acting + nearby) if enough(p)), acting + apart)
        acting_set = set(acting)
        wrong = self._structure_distractors(
            mid,
            pool,
            excluded,
            rng,
            bonus=lambda o: 3.0 if o in acting_set else 0.0,
        )
        jname = f.joint_name(joint)
        mv = f.movement_name(joint, movement)
        named = listed([label(o) for o in f.atlas.wholes_over_parts(same)])  # (not its heads too)
        if kind == "synergist":
            prompt = f"Which muscle helps {_the(m.name)} in {mv} at the {jname}?"
            explanation = f"{mv[0].upper() + mv[1:]} at the {jname}: {m.name} is helped by {named}."
        else:
            prompt = f"Which muscle opposes {_the(m.name)} in {mv} at the {jname}?"
            explanation = (
                f"{mv[0].upper() + mv[1:]} at the {jname}: {m.name} is opposed by {named}."
            )
        many = len(f.atlas.wholes_over_parts(same)) > 1
        return Question(
            card=CardKey(mid, kind),
            prompt=prompt,
            static_prompt=None if not many else prompt.replace(
                "Which muscle helps", "Which muscles help").replace(
                "Which muscle opposes", "Which muscles oppose"),
            highlight_ids=(mid,),
            choices=_options(
                Choice(pick, label(pick)), [Choice(w, f.name(w)) for w in wrong], rng
            ),
            correct_ids=frozenset(same) | by_some,  # (typed, what some sources say is right)
            accepted_answers=tuple(f.name(o) for o in same),
            answer_text=named,
            explanation=explanation,
            link_id=mid,
            answer_ids=tuple(same),
            hint=None if exam else f"Look for muscles that cross the {jname}.",
            # the labels with the part that does it ("Gluteus maximus (lower fibres)") read as
            # right; the other part ("upper fibres") names nothing and is not
            vocabulary=Vocabulary(
                f.name_pairs("muscle", "tendon") + [(label(o), o) for o in same if o in parts]
            )
            if parts
            else f.names_of_kind("muscle", "tendon"),
        )

    # --- attachment sites --------------------------------------------------------------------

    def _attachment_site(self, site_id: str, rng: random.Random, exam: bool) -> Question:
        f = self.facts
        site = f.sites.get(site_id)
        if site is None:
            raise QuestionError(f"{site_id!r} is not an attachment site")
        key = site.landmark_key
        here = [s for s in f.sites.values() if s.landmark_key == key]
        near = [s for s in f.sites.values() if f.same_place(s, site)]
        correct: set[str] = set()
        for s in here:
            if s.role == site.role:
                correct |= f.family(s.owner)
                owner = f.structures.get(s.owner)
                for formed in getattr(owner, "formed_by", []) or []:
                    correct |= f.family(formed)
        excluded = set(correct)
        for s in near:  # nor a muscle that attaches here too, or the other way round
            excluded |= f.family(s.owner)
            for formed in getattr(f.structures.get(s.owner), "formed_by", []) or []:
                excluded |= f.family(formed)
        on_bone = {s.owner for s in f.sites.values() if s.bone == site.bone}
        main_owner = (
            site.owner
            if f.structures[site.owner].kind == "muscle"
            else next((c for c in sorted(correct) if f.structures[c].kind == "muscle"), site.owner)
        )
        wrong = self._structure_distractors(
            main_owner,
            f.of_kind("muscle"),
            excluded,
            rng,
            bonus=lambda o: 3.0 if o in on_bone else 0.0,
        )
        verb = "originates from" if site.role == "origin" else "inserts on"
        bone = f.name(site.bone).lower()
        answer = [site.owner] + sorted(
            c
            for c in correct
            if c != site.owner and c in {s.owner for s in here if s.role == site.role}
        )
        named = _each_once(f.atlas, answer)
        # (a tendon among the answers is asked for: it is not one of "the muscles")
        tendons = any(f.structures[o].kind != "muscle" for o in named)
        what = "muscle or tendon" if tendons else "muscle"
        return Question(
            card=CardKey(site_id, "attachment_site"),
            prompt=f"Which {what} {verb} the highlighted site on the {bone}?",
            static_prompt=None if len(named) < 2 else
            f"Which {what.replace('muscle', 'muscles').replace('tendon', 'tendons')} "
            f"{'originate from' if site.role == 'origin' else 'insert on'} the highlighted "
            f"site on the {bone}?",
            highlight_ids=(site_id, site.bone),
            choices=_options(
                Choice(site.owner, f.name(site.owner)),
                [Choice(w, f.name(w)) for w in wrong],
                rng,
            ),
            correct_ids=frozenset(correct),
            accepted_answers=tuple(n for o in answer for n in f.names(o)),
            answer_text=listed([f.name(o) for o in named]),
            explanation=f"{f.site_label(site)[0].upper() + f.site_label(site)[1:]}: {site.text}",
            link_id=site.owner,
            answer_ids=tuple(answer) + (site_id,),
            hint=None if exam else f"The site is {_the(site.landmark)}.",
            vocabulary=f.names_of_kind("muscle", "tendon"),
        )


def _shifted_root_sets(roots: frozenset[str]) -> list[tuple[frozenset[str], float]]:
    """The same span of roots moved one, two and three segments up and down, with how
    plausible each is as a wrong answer (a wide range some source gives leaves few others)."""
    from calfexplorer.study.text import _SEGMENTS

    idx = sorted(_SEGMENTS.index(r) for r in roots if r in _SEGMENTS)
    out = []
    for d, plausible in ((-1, 0.5), (1, 0.5), (-2, 0.25), (2, 0.25), (-3, 0.1), (3, 0.1)):
        moved = [i + d for i in idx]
        if all(0 <= i < len(_SEGMENTS) for i in moved):
            out.append((frozenset(_SEGMENTS[i] for i in moved), plausible))
    return out
