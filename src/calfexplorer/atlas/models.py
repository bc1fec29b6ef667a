"""Typed, immutable records of the knowledge base, as written in ``data/*.yaml``.

The YAML schema is documented in ``data/README.md``; these models are its source of truth.
Every fact carries ``refs``: ids of entries in ``data/references.yaml``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Root = Annotated[str, StringConstraints(pattern=r"^(C[1-8]|T(1[0-2]|[1-9])|L[1-5]|S[1-5]|Co1)$")]
RefList = Annotated[list[Id], Field(min_length=1)]
#: A name shown to the user: not empty, not only spaces.
Name = Annotated[str, StringConstraints(pattern=r"\S")]

StructureKind = Literal[
    "muscle",
    "bone",
    "tendon",
    "nerve",
    "artery",
    "vein",
    "region",
    "retinaculum",
    "fascia",
    "ligament",
]
#: Where a muscle lies; a ``region`` with ``compartment`` lists exactly the muscles of its value.
Compartment = Literal[
    "posterior_superficial",
    "posterior_deep",
    "lateral",
    "anterior",
    "thigh_anterior",
    "thigh_posterior",
    "thigh_medial",
    "gluteal",
    "foot_dorsal",
    "foot_plantar",
]
#: The order of an ordered list of structures (contents of a region, what passes a retinaculum).
Order = Literal[
    "superficial_to_deep",
    "front_to_back",
    "medial_to_lateral",
    "lateral_to_medial",
    "above_down",
]
#: Each order in words, for pages and questions.
ORDER_WORDS: dict[str, str] = {
    "superficial_to_deep": "from superficial to deep",
    "front_to_back": "from front to back",
    "medial_to_lateral": "from medial to lateral",
    "lateral_to_medial": "from lateral to medial",
    "above_down": "from above down",
}
Role = Literal["prime", "assisting"]
SiteShape = Literal["point", "line", "area"]


class Record(BaseModel):
    """Base for every record: unknown fields are errors and records are immutable.

    ``defer_build``: the validators are built on the first validation, not at import, so a start
    served from the validated-atlas cache (``atlas/cache.py``) never builds them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Reference(Record):
    """A source that facts cite (``data/references.yaml``)."""

    id: Id
    citation: str
    url: str | None = None
    kind: Literal["textbook", "article", "database", "web"] = "textbook"


class NormalRange(Record):
    """How far a healthy joint goes in one movement, from the neutral position."""

    degrees: Annotated[float, Field(ge=0, le=180)] = Field(
        description="the typical value, for marks and comparisons")
    text: str = Field(description="the range as sources give it, e.g. 'about 20 degrees'")
    refs: RefList


class AbsentMovers(Record):
    """Main movers of a joint movement that the atlas does not hold (hip flexion's iliopsoas):
    said wherever the atlas's muscles for that movement are listed, so the list is not taken
    for the whole."""

    text: str = Field(description="the muscles, e.g. 'iliopsoas (psoas major and iliacus)'")
    digits: list[Annotated[int, Field(ge=1, le=5)]] = Field(
        default=[], description="the toes they move, where not all the joint's (1 = great toe)"
    )
    refs: RefList


class Movement(Record):
    """One movement of a joint and the movement that opposes it."""

    id: Id
    name: Name
    opposite: Id
    normal: NormalRange | None = None
    main_movers_absent: AbsentMovers | None = None


class Joint(Record):
    """A joint and the movements the atlas uses for it (``data/joints.yaml``)."""

    id: Id
    name: Name
    movements: list[Movement]
    model_joint: str | None = Field(
        default=None,
        description="MyoLeg joint that measures this joint's angle, e.g. ankle_angle_r",
    )
    digits: list[Annotated[int, Field(ge=1, le=5)]] = Field(
        default=[], description="the toes whose joints these are (1 = great toe), if any"
    )


class Alternative(Record):
    """A version of a fact that some sources give instead of the main one (a dispute).

    ``roots``: an innervation's root set that sources give instead; ``movement``: on an
    action, a movement of the same joint that sources give instead (a study question never
    marks it wrong for that muscle)."""

    text: str
    roots: list[Root] | None = None
    movement: Id | None = None
    refs: RefList


class Attachment(Record):
    """Where a muscle attaches: a bone, a named landmark and the site's shape."""

    site: Id = Field(description="short slug, unique within the muscle, e.g. soleal_line")
    bone: Id
    landmark: str
    text: str
    shape: SiteShape = "area"
    refs: RefList
    disputed: list[Alternative] = []


class Action(Record):
    """A movement a muscle produces (or assists) at a joint.

    ``part`` names the fibres that do it when the parts of a muscle act differently (the upper
    fibres of gluteus maximus abduct, the lower ones adduct); relations are derived per part.
    ``digits`` names the toes it moves where that is not every toe of the joint (extensor
    digitorum brevis: 2 to 4); muscles acting on other toes are not its relations.
    """

    joint: Id
    movement: Id
    role: Role
    part: str | None = None
    digits: list[Annotated[int, Field(ge=1, le=5)]] = []
    note: str | None = None
    refs: RefList
    disputed: list[Alternative] = []


class PartNerves(Record):
    """The nerves of one part of a muscle whose parts have different nerves."""

    part: str
    nerves: Annotated[list[Id], Field(min_length=1)]


class Innervation(Record):
    """The nerves that supply a muscle and their spinal roots."""

    nerves: Annotated[list[Id], Field(min_length=1)]
    roots: Annotated[list[Root], Field(min_length=1)]
    parts: list[PartNerves] = Field(
        default=[], description="where its parts have different nerves: each part its actions "
        "name (their 'part') with the nerves of that part, among 'nerves'")
    note: str | None = None
    refs: RefList
    disputed: list[Alternative] = []


class BloodSupply(Record):
    """Arteries that supply a structure."""

    arteries: Annotated[list[Id], Field(min_length=1)]
    note: str | None = None
    refs: RefList


class Note(Record):
    """A titled paragraph with references: architecture, clinical notes, function."""

    title: str
    text: str
    refs: RefList
    disputed: list[Alternative] = []


class Exercise(Record):
    """A stretch or strengthening exercise and what it targets."""

    name: str
    kind: Literal["stretch", "strengthen"]
    knee: Literal["straight", "bent", "any"] = "any"
    text: str
    refs: RefList


class TendonAttachment(Record):
    """An attachment onto another muscle or its tendon rather than onto a bone.

    Quadratus plantae inserts on the tendon of flexor digitorum longus. ``structure`` is the id of
    a muscle (its tendon) or of a tendon.
    """

    site: Id = Field(description="short slug, unique within the muscle's insertions")
    structure: Id
    text: str
    refs: RefList
    disputed: list[Alternative] = []


class BoneContact(Record):
    """Where a ligament, retinaculum or fascia attaches to a bone (optionally at a landmark)."""

    bone: Id
    landmark: str | None = None
    text: str
    refs: RefList


class Wall(Record):
    """One side of a region: a structure (``structure``) or, where none is in the atlas, words.

    ``where`` says which side (``medial``, ``superolateral``, ``anterior``); it may be left out for
    a roof or floor.
    """

    where: str | None = None
    structure: Id | None = None
    text: str | None = None
    refs: RefList

    @model_validator(mode="after")
    def _structure_or_text(self) -> Wall:
        if self.structure is None and not self.text:
            raise ValueError("give a 'structure' id or a 'text'")
        return self


class Ordered(Record):
    """Structures in a stated order, e.g. the contents of the tarsal tunnel from front to back."""

    order: Order
    ids: Annotated[list[Id], Field(min_length=1)]
    note: str | None = None
    refs: RefList


class Resistance(Record):
    """A movement or displacement a ligament resists; ``joint``/``movement`` where it is one."""

    text: str
    joint: Id | None = None
    movement: Id | None = None
    refs: RefList
    disputed: list[Alternative] = []


class Territory(Record):
    """The skin a cutaneous nerve (or cutaneous branch) supplies."""

    text: str
    refs: RefList
    disputed: list[Alternative] = []


class LiesUnder(Record):
    """The deepest muscle layer a nerve or vessel runs under (the deep fibular nerve, on the
    interosseous membrane, under every muscle of the anterior compartment)."""

    layer: Literal["superficial", "deep"]
    text: str
    refs: RefList


class ExplicitRelation(Record):
    """A synergist or antagonist added by hand, beyond those derived from the actions."""

    id: Id
    joint: Id
    movement: Id
    reason: str
    refs: RefList


class Structure(Record):
    """Fields every structure has."""

    id: Id
    kind: StructureKind
    name: Name = Field(description="preferred English name (Terminologia Anatomica)")
    latin: str | None = None
    synonyms: list[str] = []
    search_terms: list[str] = Field(
        default=[], description="words a student searches for that lead here without naming it "
        "(a group it belongs to, an everyday word): search only, never shown as a name")
    region: Literal["hip", "thigh", "knee", "leg", "ankle", "foot"]
    description: str
    parent: Id | None = Field(default=None, description="whole this is a part of")
    references: list[Id] = Field(default=[], description="general references for the entry")


class Muscle(Structure):
    """A muscle (or a head of one), with everything its info panel shows."""

    kind: Literal["muscle"] = "muscle"
    compartment: Compartment
    layer: Literal["superficial", "deep"]
    origins: Annotated[list[Attachment], Field(min_length=1)]
    insertions: list[Attachment] = Field(default=[], description="on bones")
    tendon_insertions: list[TendonAttachment] = Field(
        default=[], description="onto another muscle's tendon (quadratus plantae)"
    )
    actions: Annotated[list[Action], Field(min_length=1)]
    innervation: Innervation
    blood_supply: BloodSupply
    architecture: list[Note] = Field(default=[], description="fibre types, pennation, size")
    clinical: list[Note] = []
    function: list[Note] = Field(default=[], description="e.g. the soleus venous pump, posture")
    exercises: list[Exercise] = []
    extra_synergists: list[ExplicitRelation] = []
    extra_antagonists: list[ExplicitRelation] = []
    model_muscles: list[str] = Field(
        default=[], description="MyoLeg actuators that model this muscle, e.g. [soleus_r]"
    )

    @model_validator(mode="after")
    def _inserts_somewhere(self) -> Muscle:
        if not self.insertions and not self.tendon_insertions:
            raise ValueError("a muscle needs at least one insertion (on a bone or a tendon)")
        return self


class Bone(Structure):
    """A bone, or a group of bones shown as one (e.g. the metatarsals)."""

    kind: Literal["bone"] = "bone"
    landmarks: list[str] = []
    model_bodies: list[str] = Field(default=[], description="MyoLeg bodies it belongs to")
    clinical: list[Note] = Field(default=[], description="fractures, growth, blood supply")


class Tendon(Structure):
    """A named tendon that is a structure of its own (the calcaneal tendon)."""

    kind: Literal["tendon"] = "tendon"
    formed_by: Annotated[list[Id], Field(min_length=1)]
    insertion: Attachment
    notes: list[Note] = []


class Nerve(Structure):
    """A peripheral nerve, its roots and where it comes from."""

    kind: Literal["nerve"] = "nerve"
    roots: list[Root]
    branch_of: Id | None = None
    course: str
    refs: RefList
    peels_with: Literal["superficial", "deep"] | None = Field(None, description=(
        "the muscle layer it lies on or in (a vein under the skin over the superficial "
        "muscles, the veins inside the soleus): shown only while that layer is"))
    disputed: list[Alternative] = []
    skin_territory: Territory | None = None
    lies_under: LiesUnder | None = Field(None, description=(
        "the deepest muscle layer it runs under, where its region's muscles do not tell: "
        "with a lesion shown, coloured muscles of that layer and above fade over it"))


class Vessel(Structure):
    """An artery or a vein."""

    kind: Literal["artery", "vein"]
    branch_of: Id | None = None
    course: str
    refs: RefList
    peels_with: Literal["superficial", "deep"] | None = Field(None, description=(
        "the muscle layer it lies on or in (a vein under the skin over the superficial "
        "muscles, the veins inside the soleus): shown only while that layer is"))
    notes: list[Note] = []
    lies_under: LiesUnder | None = Field(None, description=(
        "the deepest muscle layer it runs under, where its region's muscles do not tell: "
        "with a lesion shown, coloured muscles of that layer and above fade over it"))


class Region(Structure):
    """A space examined as a whole: a compartment of the leg, the popliteal fossa, a tunnel.

    ``compartment`` ties a compartment to the muscles whose ``compartment`` field has that value:
    ``members`` must list exactly those (parts such as the gastrocnemius heads aside).
    """

    kind: Literal["region"] = "region"
    compartment: Compartment | None = None
    boundaries: Annotated[list[Wall], Field(min_length=1)]
    roof: list[Wall] = []
    floor: list[Wall] = []
    contents: Ordered | None = None
    members: list[Id] = Field(default=[], description="muscles of a compartment")
    nerves: list[Id] = Field(default=[], description="the nerve(s) of a compartment")
    arteries: list[Id] = Field(default=[], description="the artery (arteries) of a compartment")
    refs: RefList
    clinical: list[Note] = []
    notes: list[Note] = []

    def held(self) -> list[str]:
        """What the region holds: a compartment's muscles, nerves and arteries, and the
        contents of a fossa or tunnel (selecting the region lights these)."""
        contents = list(self.contents.ids) if self.contents is not None else []
        return list(dict.fromkeys([*self.members, *self.nerves, *self.arteries, *contents]))


class Retinaculum(Structure):
    """A band of thickened deep fascia that holds tendons down where they change direction."""

    kind: Literal["retinaculum"] = "retinaculum"
    attachments: Annotated[list[BoneContact], Field(min_length=1)]
    passes_under: Ordered
    refs: RefList
    notes: list[Note] = []


class Fascia(Structure):
    """A sheet of connective tissue: the crural fascia, an intermuscular septum, a membrane."""

    kind: Literal["fascia"] = "fascia"
    attachments: list[BoneContact] = []
    separates: list[Id] = Field(default=[], description="the regions it lies between")
    refs: RefList
    notes: list[Note] = []


class Ligament(Structure):
    """A ligament between bones, what it resists and how it is injured."""

    kind: Literal["ligament"] = "ligament"
    attachments: Annotated[list[BoneContact], Field(min_length=2)]
    resists: Annotated[list[Resistance], Field(min_length=1)]
    refs: RefList
    clinical: list[Note] = []
    notes: list[Note] = []


AnyStructure = Annotated[
    Muscle | Bone | Tendon | Nerve | Vessel | Region | Retinaculum | Fascia | Ligament,
    Field(discriminator="kind"),
]

#: The record class of each structure ``kind``.
STRUCTURE_MODELS: dict[str, type[Structure]] = {
    "muscle": Muscle,
    "bone": Bone,
    "tendon": Tendon,
    "nerve": Nerve,
    "artery": Vessel,
    "vein": Vessel,
    "region": Region,
    "retinaculum": Retinaculum,
    "fascia": Fascia,
    "ligament": Ligament,
}

#: A muscle's ``compartment`` as a heading (the structure list, the study setup).
COMPARTMENT_TITLES: dict[str, str] = {
    "posterior_superficial": "Posterior compartment, superficial",
    "posterior_deep": "Posterior compartment, deep",
    "lateral": "Lateral compartment",
    "anterior": "Anterior compartment",
    "thigh_anterior": "Anterior thigh",
    "thigh_posterior": "Posterior thigh (hamstrings)",
    "thigh_medial": "Medial thigh",
    "gluteal": "Gluteal region",
    "foot_dorsal": "Dorsum of the foot",
    "foot_plantar": "Sole of the foot",
}

#: A muscle's ``compartment`` in a sentence ("It lies in the ...").
COMPARTMENT_PLACES: dict[str, str] = {
    "posterior_superficial": "superficial posterior compartment of the leg",
    "posterior_deep": "deep posterior compartment of the leg",
    "lateral": "lateral compartment of the leg",
    "anterior": "anterior compartment of the leg",
    "thigh_anterior": "anterior compartment of the thigh",
    "thigh_posterior": "posterior compartment of the thigh",
    "thigh_medial": "medial compartment of the thigh",
    "gluteal": "gluteal region",
    "foot_dorsal": "dorsum of the foot",
    "foot_plantar": "sole of the foot",
}

#: A heading for many structures of each ``kind`` (Latin plurals where anatomy uses them).
KIND_TITLES: dict[str, str] = {
    "muscle": "Muscles",
    "bone": "Bones",
    "tendon": "Tendons",
    "nerve": "Nerves",
    "artery": "Arteries",
    "vein": "Veins",
    "region": "Regions",
    "retinaculum": "Retinacula",
    "fascia": "Fasciae",
    "ligament": "Ligaments",
}


class StructureFile(Record):
    """One YAML file of structures: ``structures: [...]``."""

    structures: list[AnyStructure]
