"""Typed, immutable records of the knowledge base, as written in ``data/*.yaml``.

The YAML schema is documented in ``data/README.md``; these models are its source of truth.
Every fact carries ``refs``: ids of entries in ``data/references.yaml``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Root = Annotated[str, StringConstraints(pattern=r"^(C[1-8]|T(1[0-2]|[1-9])|L[1-5]|S[1-5]|Co1)$")]
RefList = Annotated[list[Id], Field(min_length=1)]

StructureKind = Literal["muscle", "bone", "tendon", "nerve", "artery", "vein"]
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


class Movement(Record):
    """One movement of a joint and the movement that opposes it."""

    id: Id
    name: str
    opposite: Id


class Joint(Record):
    """A joint and the movements the atlas uses for it (``data/joints.yaml``)."""

    id: Id
    name: str
    movements: list[Movement]
    model_joint: str | None = Field(
        default=None,
        description="MyoLeg joint that measures this joint's angle, e.g. ankle_angle_r",
    )


class Alternative(Record):
    """A version of a fact that some sources give instead of the main one (a dispute)."""

    text: str
    roots: list[Root] | None = None
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
    """A movement a muscle produces (or assists) at a joint."""

    joint: Id
    movement: Id
    role: Role
    note: str | None = None
    refs: RefList
    disputed: list[Alternative] = []


class Innervation(Record):
    """The nerves that supply a muscle and their spinal roots."""

    nerves: Annotated[list[Id], Field(min_length=1)]
    roots: Annotated[list[Root], Field(min_length=1)]
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
    name: str = Field(description="preferred English name (Terminologia Anatomica)")
    latin: str | None = None
    synonyms: list[str] = []
    region: Literal["hip", "thigh", "knee", "leg", "ankle", "foot"]
    description: str
    parent: Id | None = Field(default=None, description="whole this is a part of")
    references: list[Id] = Field(default=[], description="general references for the entry")


class Muscle(Structure):
    """A muscle (or a head of one), with everything its info panel shows."""

    kind: Literal["muscle"] = "muscle"
    compartment: Literal[
        "posterior_superficial",
        "posterior_deep",
        "lateral",
        "anterior",
        "thigh_anterior",
        "thigh_posterior",
        "thigh_medial",
        "gluteal",
    ]
    layer: Literal["superficial", "deep"]
    origins: Annotated[list[Attachment], Field(min_length=1)]
    insertions: Annotated[list[Attachment], Field(min_length=1)]
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


class Bone(Structure):
    """A bone, or a group of bones shown as one (e.g. the metatarsals)."""

    kind: Literal["bone"] = "bone"
    landmarks: list[str] = []
    model_bodies: list[str] = Field(default=[], description="MyoLeg bodies it belongs to")


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
    disputed: list[Alternative] = []


class Vessel(Structure):
    """An artery or a vein."""

    kind: Literal["artery", "vein"]
    branch_of: Id | None = None
    course: str
    refs: RefList
    notes: list[Note] = []


AnyStructure = Annotated[Muscle | Bone | Tendon | Nerve | Vessel, Field(discriminator="kind")]

#: The record class of each structure ``kind``.
STRUCTURE_MODELS: dict[str, type[Structure]] = {
    "muscle": Muscle,
    "bone": Bone,
    "tendon": Tendon,
    "nerve": Nerve,
    "artery": Vessel,
    "vein": Vessel,
}


class StructureFile(Record):
    """One YAML file of structures: ``structures: [...]``."""

    structures: list[AnyStructure]
