"""What study mode needs from the atlas, gathered once: names, families, sites, relations.

Every other study module reads the atlas through :class:`StudyFacts`, so the quiz depends on a
small, fixed set of atlas calls: ``structures``/``get``, ``attachments()``, ``synergists()``,
``antagonists()``, ``main_movers_missing()``, ``opposite_movement()``, ``movement_name()``
and the joints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from calfexplorer.atlas import place_label
from calfexplorer.study.kinds import ALL_KINDS, CardKey
from calfexplorer.study.text import Vocabulary, normalize

if TYPE_CHECKING:
    from calfexplorer.lesion import LesionModel, LesionResult
    from calfexplorer.lesion.cases import Candidate

# Other ways people name movements (typed answers).
MOVEMENT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "plantarflexion": ("plantar flexion", "plantar-flexion"),
    "dorsiflexion": ("dorsi flexion", "dorsal flexion", "dorsiflexion of the foot"),
    "medial_rotation": ("internal rotation",),
    "lateral_rotation": ("external rotation",),
    "inversion": ("supination",),
    "eversion": ("pronation",),
}

# How people name the joints in a typed movement ("big toe flexion", "foot inversion").
JOINT_WORDS: dict[str, tuple[str, ...]] = {
    "great_toe": ("great toe", "big toe", "hallux"),
    "lateral_toes": ("lateral toes", "lesser toes", "toes", "toe"),
    "subtalar": ("subtalar", "foot"),
    "ankle": ("ankle", "foot"),
}

#: token_set_ratio above which two landmark texts on one bone count as the same place.
SAME_PLACE = 70
#: fuzz.ratio at which a landmark's word counts as named in a site's description.
_WORD_MATCH = 85
#: Words before a landmark that say where a site lies, not that it attaches there.
_WHERE_WORDS = {
    "above", "below", "beside", "near", "behind", "beyond", "under", "over", "front", "between",
    "deep", "toward", "towards", "next",
}

# Where each bone lies down the limb, and the levels each joint of the atlas spans: a muscle
# crosses a joint when it attaches on both sides of one of the joint's gaps between levels
# (the atlas's "subtalar" is the subtalar and transverse tarsal joints: talus | calcaneus |
# navicular and cuboid). Used for quiz choices only.
_BONE_LEVEL = {
    "sacrum": 0, "coccyx": 0, "hip_bone": 0, "femur": 1, "patella": 2, "tibia": 2, "fibula": 2,
    "talus": 3, "calcaneus": 4, "navicular": 5, "cuboid": 5, "cuneiforms": 6, "metatarsals": 7,
    "phalanges": 8,
}
_JOINT_LEVELS = {
    "hip": (0, 1), "knee": (1, 2), "ankle": (2, 3), "subtalar": (3, 5), "great_toe": (7, 8),
    "lateral_toes": (7, 8),
}

MUSCLE_KINDS = ("origin", "insertion", "action", "innervation", "roots", "blood_supply")
#: A body part -> the parts whose structures make fair wrong choices for one of it (no
#: buttock muscle or coccyx for a compartment of the leg).
NEAR_REGIONS: dict[str, tuple[str, ...]] = {
    "hip": ("hip", "thigh"),
    "thigh": ("thigh", "hip", "knee"),
    "knee": ("knee", "thigh", "leg"),
    "leg": ("leg", "knee", "ankle"),
    "ankle": ("ankle", "leg", "foot"),
    "foot": ("foot", "ankle"),
}
#: Compartments in teaching order: the calf first, then the foot and the thigh (others found
#: in the atlas follow).
COMPARTMENT_ORDER = (
    "posterior_superficial",
    "posterior_deep",
    "lateral",
    "anterior",
    "foot_dorsal",
    "foot_plantar",
    "thigh_posterior",
    "thigh_anterior",
    "thigh_medial",
    "gluteal",
)
LESION_KINDS = ("lesion_loss", "lesion_locate")


@dataclass(frozen=True)
class LesionCard:
    """A lesion a study card asks about: the candidate, its result, the wrong candidates."""

    candidate: Candidate
    result: LesionResult
    pool: tuple[Candidate, ...]


@dataclass(frozen=True)
class Site:
    """An attachment site: ``<owner>:<origin|insertion>:<site>`` on a bone."""

    id: str
    owner: str
    role: str  # "origin" or "insertion"
    bone: str
    landmark: str
    text: str

    @property
    def landmark_key(self) -> str:
        """Identifies the place (bone and landmark) independent of which muscle attaches."""
        return f"landmark:{self.bone}:{normalize(self.landmark).replace(' ', '_')}"


@dataclass(frozen=True)
class Rel:
    """A synergist or antagonist relation of a muscle at a joint, for a movement; ``part`` is
    the part of the other muscle that does it (gluteus maximus's upper or lower fibres)."""

    other: str
    joint: str
    movement: str
    part: str | None = None


def _field(obj: Any, name: str, index: int) -> Any:
    return obj[index] if isinstance(obj, tuple) else getattr(obj, name)


class StudyFacts:
    """The atlas, indexed for making questions. Build once per atlas; it is read-only."""

    def __init__(
        self,
        atlas: Any,
        lesions: LesionModel | None = None,
        not_drawn: Iterable[str] = (),
        skin_map: Any = None,
    ) -> None:
        self.atlas = atlas
        #: Card groups left out, each with why (a data file with problems), for the user.
        self.left_out: list[str] = []
        self.lesion_model = lesions
        #: Structures the 3D model has no shape for: never asked to name, find or point at.
        self.not_drawn = frozenset(not_drawn)
        self.lesions: dict[str, LesionCard] = _lesion_cards(atlas, lesions) if lesions else {}
        #: Reflexes by card id (``reflex:ankle_reflex``), from the lesion data.
        self.reflexes: dict[str, Any] = (
            {f"reflex:{r.id}": r for r in lesions.data.reflexes} if lesions else {}
        )
        #: Myotomes by card id (``myotome:l4_ankle_dorsiflexion``), and the key myotome of
        #: each root by card id (``root:L4``), from the lesion data.
        self.myotomes: dict[str, Any] = (
            {f"myotome:{m.id}": m for m in lesions.data.myotomes} if lesions else {}
        )
        self.key_myotomes: dict[str, Any] = {
            f"root:{r}": m for m in self.myotomes.values() if m.key for r in m.roots
        }
        #: Dermatomes and nerve territories of the skin map by card id (``skin:L5``).
        areas = (*skin_map.dermatomes, *skin_map.territories) if skin_map is not None else ()
        self.skin_areas: dict[str, Any] = {f"skin:{a.id}": a for a in areas}
        self.skin_dermatomes = frozenset(d.id for d in getattr(skin_map, "dermatomes", ()))
        raw = atlas.structures
        items = raw.values() if isinstance(raw, Mapping) else raw
        self.structures: dict[str, Any] = {s.id: s for s in items}
        self.children: dict[str, list[str]] = {}
        for s in self.structures.values():
            if s.parent:
                self.children.setdefault(s.parent, []).append(s.id)
        self.sites: dict[str, Site] = {}
        for entry in atlas.attachments():
            site_id = _field(entry, "id", 0)
            owner = _field(entry, "muscle", 1)
            role = _field(entry, "role", 2)
            att = _field(entry, "attachment", 3)
            self.sites[site_id] = Site(site_id, owner, role, att.bone, att.landmark, att.text)
        self.synergists: dict[str, list[Rel]] = {}
        self.antagonists: dict[str, list[Rel]] = {}
        for mid, s in self.structures.items():
            if s.kind != "muscle":
                continue
            self.synergists[mid] = self._rels(atlas.synergists(mid), mid, "synergist")
            self.antagonists[mid] = self._rels(atlas.antagonists(mid), mid, "antagonist")

    @classmethod
    def with_lesions(cls, atlas: Any) -> StudyFacts:
        """Facts for the app's data: lesion, reflex and myotome cards from ``lesions.yaml`` and
        skin cards from ``skin_map.yaml`` (none from a file with problems: the panels and
        ``calfexplorer validate`` name them), and no picture questions on structures
        ``data/geometry`` says are not drawn."""
        from calfexplorer.geometry.params import GeometryDataError, load_params
        from calfexplorer.lesion import open_lesion_model
        from calfexplorer.lesion.skin_map import load_skin_map

        model, problems = open_lesion_model(atlas)
        skin_map, skin_problems = load_skin_map(atlas)
        try:
            no_geometry = load_params().no_geometry
        except GeometryDataError:  # (validate names it; the view shows what it can)
            no_geometry = {}
        facts = cls(
            atlas, None if problems else model, no_geometry,
            None if skin_problems else skin_map,
        )
        for found, file, cards in ((problems, "lesions.yaml", "lesion, reflex and myotome"),
                                   (skin_problems, "skin_map.yaml", "skin")):
            if found:  # (they were left out without a word: the export, the study's scope)
                n = len(found)
                facts.left_out.append(
                    f"no {cards} cards: {file} has {n} problem{'s' if n != 1 else ''}, the "
                    f"first: {found[0]}; run 'calfexplorer validate'")
        return facts

    def _rels(self, relations: Iterable[Any], mid: str, kind: str) -> list[Rel]:
        """The relations a quiz may ask: not the muscle's own family, nor those of a movement
        whose main movers the atlas lacks (the answer would leave them out: 'helps the
        gluteus maximus in hip abduction' is gluteus medius and minimus, not sartorius)."""
        family = self.family(mid)
        out = []
        for r in relations:
            other, joint, movement = (_field(r, name, i)
                                      for i, name in enumerate(("id", "joint", "movement")))
            answer = movement if kind == "synergist" else (
                self.atlas.opposite_movement(joint, movement) or movement)
            if other not in family and not self.atlas.main_movers_missing(joint, answer):
                out.append(Rel(other, joint, movement, getattr(r, "part", None)))
        return out

    # --- names -------------------------------------------------------------------------------

    def name(self, sid: str) -> str:
        """Display name of a structure or attachment site."""
        if sid in self.structures:
            return self.structures[sid].name
        if sid in self.sites:
            return self.site_label(self.sites[sid])
        if sid in self.lesions:
            return self.lesions[sid].candidate.title
        if sid in self.reflexes:
            return self.reflexes[sid].name
        if sid in self.myotomes:
            m = self.myotomes[sid]
            return f"Myotome of {self.atlas.action_label(*m.movement.split('.')).lower()}"
        if sid in self.key_myotomes:
            return f"{sid.removeprefix('root:')} root"
        if sid in self.skin_areas:
            return str(self.skin_areas[sid].name)
        return sid.replace("_", " ")

    def kind_word(self, sid: str) -> str:
        """What a card's subject is, in a word or two: "muscle", "attachment site", "lesion",
        "reflex", "myotome", "root", "dermatome", "skin territory"."""
        if sid in self.structures:
            return str(self.structures[sid].kind)
        if sid in self.skin_areas:
            return "dermatome" if self.skin_areas[sid].id in self.skin_dermatomes \
                else "skin territory"
        for table, word in ((self.sites, "attachment site"), (self.lesions, "lesion"),
                            (self.reflexes, "reflex"), (self.myotomes, "myotome"),
                            (self.key_myotomes, "root")):
            if sid in table:
                return word
        return ""

    def names(self, sid: str) -> list[str]:
        """Every name a structure goes by: preferred, Latin, synonyms."""
        s = self.structures[sid]
        return [s.name, *([s.latin] if s.latin else []), *s.synonyms]

    def site_label(self, site: Site) -> str:
        """ "soleal line (tibia)": see :func:`calfexplorer.atlas.place_label`."""
        return place_label(site.landmark, self.name(site.bone))

    def joint(self, joint: str) -> Any | None:
        """The atlas's joint record, or None."""
        joints = getattr(self.atlas, "joints", None)
        if isinstance(joints, Mapping):
            return joints.get(joint)
        if joints is not None:
            return next((x for x in joints if x.id == joint), None)
        return None

    def joint_ids(self) -> list[str]:
        """Every joint the atlas's actions name, in the atlas's order."""
        joints = getattr(self.atlas, "joints", None)
        if isinstance(joints, Mapping):
            return list(joints)
        if joints is not None:
            return [x.id for x in joints]
        return list(
            dict.fromkeys(
                a.joint for s in self.structures.values() for a in getattr(s, "actions", []) or []
            )
        )

    def crosses(self, mid: str, joint: str) -> bool:
        """Whether a muscle may act at a joint: it names an action there, or its attachments lie
        on both sides of it (a bone or joint of unknown place counts as crossed)."""
        s = self.structures[mid]
        if any(a.joint == joint for a in getattr(s, "actions", []) or []):
            return True
        levels = [_BONE_LEVEL.get(site.bone) for site in self.sites.values() if site.owner == mid]
        span = _JOINT_LEVELS.get(joint)
        if span is None or not levels or None in levels:
            return True
        known = [level for level in levels if level is not None]
        low, high = min(known), max(known)
        return any(low <= gap < high for gap in range(span[0], span[1]))

    def disputed_movements(self, mid: str) -> set[tuple[str, str]]:
        """See :meth:`Atlas.disputed_movements`."""
        return self.atlas.disputed_movements(mid) if mid in self.atlas else set()

    def joint_name(self, joint: str) -> str:
        """Short joint name for prompts: "ankle (talocrural) joint"."""
        j = self.joint(joint)
        name = j.name if j is not None else f"{joint.replace('_', ' ')} joint"
        return name[0].lower() + name[1:]

    def movement_name(self, joint: str, movement: str) -> str:
        """The atlas's name of a movement at a joint."""
        try:
            return str(self.atlas.movement_name(joint, movement))
        except (KeyError, ValueError, AttributeError):
            return movement.replace("_", " ")

    def joint_movements(self, joint: str) -> list[str]:
        """Movement ids of a joint, in the atlas's order."""
        j = self.joint(joint)
        if j is not None:
            return [m.id for m in j.movements]
        found = []
        for s in self.structures.values():
            for a in getattr(s, "actions", []) or []:
                if a.joint == joint and a.movement not in found:
                    found.append(a.movement)
        return found

    # --- families and groups -----------------------------------------------------------------

    def family(self, sid: str) -> set[str]:
        """The structure, its ancestors and its descendants (parts): never each other's rivals."""
        out = {sid} | self.descendants(sid)
        s = self.structures.get(sid)
        while s is not None and s.parent and s.parent not in out:
            out.add(s.parent)
            s = self.structures.get(s.parent)
        return out

    def whole_family(self, sid: str) -> set[str]:
        """The family of the outermost whole a structure belongs to (for a head of
        gastrocnemius: gastrocnemius and both its heads)."""
        top, seen = sid, {sid}
        while (s := self.structures.get(top)) is not None and s.parent and s.parent not in seen:
            top = s.parent
            seen.add(top)
        return self.family(top)

    def descendants(self, sid: str) -> set[str]:
        """Parts of a structure (recursively), without the structure itself."""
        out: set[str] = set()
        stack = [sid]
        while stack:
            for c in self.children.get(stack.pop(), []):
                if c not in out:  # (a loop of parts edited into the data ends here)
                    out.add(c)
                    stack.append(c)
        return out

    def branch_ancestors(self, sid: str) -> set[str]:
        """Trunks a nerve or vessel branches from (``branch_of``, recursively)."""
        out: set[str] = set()
        s = self.structures.get(sid)
        while s is not None and getattr(s, "branch_of", None) and s.branch_of not in out:
            out.add(s.branch_of)
            s = self.structures.get(s.branch_of)
        return out

    def branch_line(self, sid: str) -> set[str]:
        """A nerve or vessel with the trunks it branches from and the branches it gives."""
        out = {sid} | self.branch_ancestors(sid)
        out |= {o for o in self.structures if sid in self.branch_ancestors(o)}
        return out

    def compartment(self, sid: str) -> str | None:
        """Compartment of a muscle, or of the muscle an attachment site belongs to."""
        if sid in self.sites:
            sid = self.sites[sid].owner
        return getattr(self.structures.get(sid), "compartment", None)

    def compartments(self, sid: str) -> frozenset[str]:
        """The compartments a card's id belongs to: a muscle's (or its site's) own; a lesion's,
        those of the muscles it takes nerve supply from (the tibial nerve's, the calf's)."""
        if sid in self.lesions:
            found = (self.compartment(m.muscle) for m in self.lesions[sid].result.muscles)
            return frozenset(c for c in found if c)
        own = self.compartment(sid)
        return frozenset((own,)) if own else frozenset()

    def is_clinical_card(self, sid: str) -> bool:
        """Whether a card id is a myotome, a root's key movement or an area of the skin map
        (none of them an atlas structure)."""
        return sid in self.myotomes or sid in self.key_myotomes or sid in self.skin_areas

    def structure_kind(self, sid: str) -> str:
        """Kind of a structure; an attachment site counts as its owner's kind, a lesion as a
        nerve."""
        if sid in self.lesions or sid in self.reflexes or self.is_clinical_card(sid):
            return "nerve"
        if sid in self.sites:
            sid = self.sites[sid].owner
        return str(self.structures[sid].kind)

    def similarity(self, a: str, b: str) -> int:
        """How easily a student confuses two structures: shared compartment, layer, region."""
        sa, sb = self.structures[a], self.structures[b]
        score = 0
        ca, cb = getattr(sa, "compartment", None), getattr(sb, "compartment", None)
        if ca and ca == cb:
            score += 4
        elif ca and cb and ca.split("_")[0] == cb.split("_")[0]:
            score += 2
        if getattr(sa, "layer", None) and getattr(sa, "layer", None) == getattr(sb, "layer", None):
            score += 1
        if sa.region == sb.region:
            score += 2
        ba, bb = getattr(sa, "branch_of", None), getattr(sb, "branch_of", None)
        if ba and ba == bb:
            score += 2
        if sa.parent and sa.parent == sb.parent:
            score += 3
        return score

    def of_kind(self, *kinds: str) -> list[str]:
        """Ids of every structure of the given kinds, in atlas order."""
        return [sid for sid, s in self.structures.items() if s.kind in kinds]

    def same_place(self, a: Site, b: Site) -> bool:
        """Whether two sites are (or may be read as) the same place on the same bone.

        True for the same landmark, for landmark texts that largely overlap ("calcaneal
        tuberosity" and "posterior surface of the calcaneus (calcaneal tuberosity)"), where one
        site's description names the other's landmark (the gracilis arises from "the body of
        the pubis, the inferior pubic ramus and the ramus of the ischium": three landmarks), and
        for a tendon's insertion and the insertions of the muscles that form it.
        """
        if a.bone != b.bone:
            return False
        if a.landmark_key == b.landmark_key:
            return True
        if fuzz.token_set_ratio(normalize(a.landmark), normalize(b.landmark)) >= SAME_PLACE:
            return True
        if self._text_names(a, b) or self._text_names(b, a):
            return True
        for x, y in ((a, b), (b, a)):
            formed = getattr(self.structures.get(x.owner), "formed_by", None) or []
            if any(y.owner in self.family(m) for m in formed):
                return True
        return False

    def _text_names(self, site: Site, other: Site) -> bool:
        """Whether ``site``'s description names ``other``'s landmark as a place it attaches:
        its words in order, the bone's own name left out ("lateral condyle of the femur" in
        "the lateral surface of the lateral femoral condyle"); not a landmark named to say
        where the site lies ("below the soleal line")."""
        bone_words = normalize(self.name(site.bone)).split()
        wanted = [
            w
            for w in normalize(other.landmark).split()
            if not any(w[:4] == b[:4] for b in bone_words)
        ]
        if not wanted:
            return False
        text = normalize(site.text).split()
        for start, word in enumerate(text):
            if fuzz.ratio(wanted[0], word) < _WORD_MATCH or _WHERE_WORDS & set(text[:start][-2:]):
                continue
            rest = iter(text[start + 1 :])
            if all(any(fuzz.ratio(w, t) >= _WORD_MATCH for t in rest) for w in wanted[1:]):
                return True
        return False

    @cached_property
    def _places(self) -> dict[str, tuple[str, ...]]:
        """Each site's place: the sites of its role at its landmark, in atlas order."""
        by_place: dict[tuple[str, str], list[str]] = {}
        for sid, site in self.sites.items():
            by_place.setdefault((site.role, site.landmark_key), []).append(sid)
        return {sid: tuple(ids) for ids in by_place.values() for sid in ids}

    def place_sites(self, site_id: str) -> tuple[str, ...]:
        """The sites of one role at one landmark (a muscle's, its heads', its neighbours'):
        they ask one question with one answer, so they make one card."""
        return self._places.get(site_id, (site_id,))

    def place_card(self, site_id: str) -> str:
        """The site whose id names its place's card: the first the 3D model draws."""
        sites = self.place_sites(site_id)
        return next((s for s in sites if self._drawn(s)), sites[0])

    def card_of(self, key: CardKey) -> CardKey:
        """The card a stored card key counts for now: an attachment site's card is its
        place's (earlier versions asked and scheduled one card per muscle at a place)."""
        if key.kind == "attachment_site" and key.structure_id in self.sites:
            return CardKey(self.place_card(key.structure_id), key.kind)
        return key

    def shared_by(self, key: CardKey) -> list[CardKey]:
        """The stored card keys whose reviews count for a card (itself first)."""
        if key.kind != "attachment_site" or key.structure_id not in self.sites:
            return [key]
        sites = self.place_sites(key.structure_id)
        return [key] + [CardKey(s, key.kind) for s in sites if s != key.structure_id]

    def muscle_attachments(self, mid: str, role: str) -> list[Site]:
        """A muscle's origins or insertions as sites."""
        return [s for s in self.sites.values() if s.owner == mid and s.role == role]

    # --- cards -------------------------------------------------------------------------------

    @cached_property
    def cards(self) -> list[CardKey]:
        """Every card the atlas supports, in a teaching order (muscles first, by kind)."""
        out: list[CardKey] = []
        muscles = sorted(self.of_kind("muscle"), key=self._teaching_rank)  # the calf first
        others = [sid for sid in self.structures if sid not in set(muscles)]
        for kind in ALL_KINDS:
            if kind in ("name_it", "find_it"):
                out += [CardKey(sid, kind) for sid in muscles + others if self._drawn(sid)]
            elif kind in MUSCLE_KINDS:
                out += [CardKey(m, kind) for m in muscles if self._has_fact(m, kind)]
            elif kind == "synergist":
                out += [CardKey(m, kind) for m in muscles if self.synergists.get(m)]
            elif kind == "antagonist":
                out += [CardKey(m, kind) for m in muscles if self.antagonists.get(m)]
            elif kind == "attachment_site":
                # one card per place (see place_sites)
                out += [CardKey(sid, kind) for sid in self.sites
                        if self._drawn(sid) and self.place_card(sid) == sid]
            elif kind == "lesion_loss":
                out += [CardKey(i, kind) for i, c in self.lesions.items() if _loses(c)]
            elif kind == "lesion_locate":
                out += [CardKey(i, kind) for i in self.lesions]
            elif kind == "compartment":
                out += [CardKey(m, kind) for m in muscles if self.compartment_region(m)]
            elif kind == "region_boundary":
                out += [CardKey(r, kind) for r in self.of_kind("region") if _walls(self, r) >= 2]
            elif kind == "region_contents":
                # One card per list: the flexor retinaculum covers what the tarsal tunnel
                # holds, in the same order (two cards asked the one fact).
                lists: set[tuple[str, ...]] = set()
                for r in self.of_kind("region", "retinaculum"):
                    ids = tuple(_ordered_ids(self.structures[r]))
                    if len(ids) >= 3 and ids not in lists:
                        lists.add(ids)
                        out.append(CardKey(r, kind))
            elif kind == "reflex_roots":
                out += [CardKey(r, kind) for r in self.reflexes]
            elif kind == "myotome_movement":
                out += [CardKey(r, kind) for r in self.key_myotomes]
            elif kind == "myotome_roots":
                out += [CardKey(m, kind) for m in self.myotomes]
            elif kind == "skin_locate":
                out += [CardKey(a, kind) for a in self.skin_areas]
        return out

    def _teaching_rank(self, sid: str) -> int:
        """Where a muscle's compartment comes in :data:`COMPARTMENT_ORDER`."""
        compartment = self.compartment(sid)
        return COMPARTMENT_ORDER.index(compartment) if compartment in COMPARTMENT_ORDER \
            else len(COMPARTMENT_ORDER)

    def _drawn(self, sid: str) -> bool:
        """Whether the 3D model draws a structure (a site: its muscle and its bone)."""
        if sid in self.sites:
            site = self.sites[sid]
            return site.owner not in self.not_drawn and site.bone not in self.not_drawn
        return sid not in self.not_drawn

    def leg_compartments(self) -> list[str]:
        """The regions that are compartments of the leg (not the thigh or foot)."""
        return [
            r for r in self.of_kind("region")
            if str(getattr(self.structures[r], "compartment", "") or "")
            in ("anterior", "lateral", "posterior_superficial", "posterior_deep")
        ]

    def compartment_region(self, mid: str) -> str | None:
        """The compartment region whose muscles include ``mid`` (or the whole it is part of)."""
        s = self.structures.get(mid)
        ids = {mid, getattr(s, "parent", None)}
        return next(
            (r for r in self.leg_compartments() if ids & set(self.structures[r].members)), None
        )

    def _has_fact(self, mid: str, kind: str) -> bool:
        s = self.structures[mid]
        if kind == "origin":
            return bool(self.muscle_attachments(mid, "origin"))
        if kind == "insertion":
            return bool(self.muscle_attachments(mid, "insertion"))
        if kind == "action":
            return bool(getattr(s, "actions", None))
        # (a list emptied by a reference the data names but the atlas lacks: no question)
        inn = getattr(s, "innervation", None)
        if kind == "innervation":
            return inn is not None and bool(inn.nerves)
        if kind == "roots":
            return inn is not None and bool(inn.roots)
        if kind == "blood_supply":
            bs = getattr(s, "blood_supply", None)
            return bs is not None and bool(bs.arteries)
        return False

    # --- vocabularies for typed answers ------------------------------------------------------

    @cached_property
    def all_names(self) -> Vocabulary:
        """Every structure's names (typed answers to name-it questions)."""
        return Vocabulary((n, sid) for sid in self.structures for n in self.names(sid))

    def names_of_kind(self, *kinds: str) -> Vocabulary:
        """Names of the structures of some kinds (cached per kind tuple)."""
        key = tuple(sorted(kinds))
        cache = self.__dict__.setdefault("_vocab_cache", {})
        if key not in cache:
            cache[key] = Vocabulary(self.name_pairs(*kinds))
        return cache[key]

    def name_pairs(self, *kinds: str) -> list[tuple[str, str]]:
        """(name, id) for every name of the structures of some kinds."""
        return [(n, sid) for sid in self.of_kind(*kinds) for n in self.names(sid)]

    def movements_vocab(self, *joints: str, named_only: Iterable[str] = ()) -> Vocabulary:
        """Movement names of joints (typed action answers), with common synonyms; the joints
        in ``named_only`` only with the joint named ("hip flexion", never a bare "flexion",
        which then reads as the movement of the other joints)."""
        pairs = [pair for joint in joints for pair in self.movement_names(joint)]
        pairs += [
            pair for joint in named_only for pair in self.movement_names(joint, bare=False)
        ]
        return Vocabulary(pairs)

    def movement_names(self, joint: str, bare: bool = True) -> list[tuple[str, str]]:
        """(typed words, "joint:movement") for every movement of a joint: its names and
        synonyms with the joint named ("big toe extension", "foot dorsiflexion") and, with
        ``bare``, without it."""
        pairs = []
        wheres = JOINT_WORDS.get(joint, (joint.replace("_", " "),))
        for mv in self.joint_movements(joint):
            cid = f"{joint}:{mv}"
            names = [self.movement_name(joint, mv), mv.replace("_", " ")]
            names += MOVEMENT_SYNONYMS.get(mv, ())
            # "knee flexion", "flexion of the knee": the joint named as well
            pairs += [(f"{where} {name}", cid) for name in names for where in wheres]
            if bare:
                pairs += [(name, cid) for name in names]
        return pairs


def _lesion_cards(atlas: Any, model: LesionModel) -> dict[str, LesionCard]:
    """Every lesion a case can be about that no other lesion's findings match."""
    from calfexplorer.lesion.cases import candidates, card_id, distinguishable

    pool = tuple(distinguishable(model, candidates(atlas, model)))
    return {card_id(c): LesionCard(c, model.compute(c.lesion), pool) for c in pool}


def _loses(card: LesionCard) -> bool:
    from calfexplorer.lesion.cases import lost_movements

    return bool(lost_movements(card.result))


def _walls(facts: StudyFacts, region_id: str) -> int:
    return sum(1 for w in facts.structures[region_id].boundaries if w.structure and w.where)


def _ordered_ids(s: Any) -> list[str]:
    ordered = getattr(s, "contents", None) or getattr(s, "passes_under", None)
    return list(ordered.ids) if ordered is not None else []
