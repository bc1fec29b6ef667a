"""Typed records of ``data/lesions.yaml``: where each nerve gives its branches, where it can be
cut, the reflexes, the dermatomes, the myotomes and the named clinical signs.

The file is the lesion model's only source of anatomy beyond the atlas itself (which says which
nerve and roots supply each muscle and what each muscle does). Every fact carries ``refs``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from calfexplorer.atlas.models import Alternative, Id, Record, RefList, Root

#: A joint movement written ``joint.movement``, e.g. ``ankle.dorsiflexion``.
MovementKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
MovementStatus = Literal["lost", "severely_weakened", "weakened", "slightly_weakened", "spared"]


class CourseEvent(Record):
    """One thing that happens along a nerve, proximal to distal.

    Exactly one of the kinds is set:

    - ``level``: a place where the nerve can be cut (an id unique within the nerve);
    - ``muscles``: muscular branches to atlas muscles;
    - ``nerves``: the nerve divides, or gives off named atlas nerves;
    - ``branch``: a named branch the atlas has no structure for yet (the plantar nerves);
    - ``skin``: a cutaneous branch and the area of skin it supplies.
    """

    level: Id | None = None
    muscles: list[Id] | None = None
    nerves: list[Id] | None = None
    branch: Id | None = None
    skin: Id | None = None
    name: str | None = Field(default=None, description="display name of a level, branch or skin")
    text: str | None = None
    causes: str | None = Field(default=None, description="how a level is usually injured")
    commonest: bool = Field(default=False, description=(
        "a level where the nerve is injured most often: the lesion explorer offers it first"))
    along: float | None = Field(default=None, ge=0.0, le=1.0, description=(
        "where a level lies on the 3D nerve, as a share of its drawn length from its upper "
        "end: the 3D view marks the cut there"))
    refs: RefList
    disputed: list[Alternative] = []
    #: on a ``nerves`` event: disputes about the skin of the nerves it hands on, shown with
    #: that skin when a cut above reaches it (not when the nerve itself is cut), unless the
    #: lesion also cuts one of ``skin_disputed_unless_cut`` (the other nerve that feeds it)
    skin_disputed: list[Alternative] = []
    skin_disputed_unless_cut: list[Id] = []

    @model_validator(mode="after")
    def _one_kind(self) -> CourseEvent:
        kinds = [k for k in ("level", "muscles", "nerves", "branch", "skin") if getattr(self, k)]
        if len(kinds) != 1:
            raise ValueError(
                "give exactly one of level, muscles, nerves, branch or skin"
                + (f" (found {', '.join(kinds)})" if kinds else "")
            )
        if (self.level or self.branch or self.skin) and not self.name:
            raise ValueError(f"a {kinds[0]} needs a name")
        if (self.skin_disputed or self.skin_disputed_unless_cut) and not self.nerves:
            raise ValueError("skin_disputed belongs to an event that names nerves")
        if self.commonest and not self.level:
            raise ValueError("commonest belongs to a level")
        if self.along is not None and not self.level:
            raise ValueError("along belongs to a level")
        return self

    @property
    def kind(self) -> str:
        """``level``, ``muscles``, ``nerves``, ``branch`` or ``skin``."""
        return next(k for k in ("level", "muscles", "nerves", "branch", "skin") if getattr(self, k))


class NerveCourse(Record):
    """A nerve's course as events from proximal to distal."""

    nerve: Id
    course: Annotated[list[CourseEvent], Field(min_length=1)]

    @model_validator(mode="after")
    def _one_commonest(self) -> NerveCourse:
        if sum(e.commonest for e in self.course) > 1:
            raise ValueError("at most one level of a nerve is its commonest")
        return self


class Reflex(Record):
    """A tendon reflex: the muscles that contract, the nerve and the roots of its arc."""

    id: Id
    name: str
    muscles: Annotated[list[Id], Field(min_length=1)]
    nerve: Id
    roots: Annotated[list[Root], Field(min_length=1)]
    text: str
    refs: RefList
    disputed: list[Alternative] = []


class Dermatome(Record):
    """The skin of the leg and foot that one spinal root supplies, in words. ``on_skin`` is
    false for one that lies wholly off the 3D skin (S3, on the buttock): the skin map has no
    area for it."""

    root: Root
    area: str
    on_skin: bool = True
    refs: RefList
    disputed: list[Alternative] = []


class Myotome(Record):
    """The movement that tests one or more spinal roots (a myotome), and the atlas muscles that
    do it. ``key`` marks the key muscle group of the spinal cord injury standard (ISNCSCI),
    one per root from L2 to S1; other entries record what sources give for other movements."""

    id: Id
    roots: Annotated[list[Root], Field(min_length=1)]
    movement: MovementKey
    key: bool = False
    muscles: Annotated[list[Id], Field(min_length=1)]
    text: str
    refs: RefList
    disputed: list[Alternative] = []

    @property
    def joint_movement(self) -> tuple[str, str]:
        """The joint and the movement of :attr:`movement` (``joint.movement``)."""
        joint, movement = self.movement.split(".")
        return joint, movement


class SignCondition(Record):
    """When a sign applies: every listed movement has one of the given statuses, and (when
    given) any listed nerve or named branch is cut and any listed root is damaged (a sign of
    muscles the atlas does not draw: the Trendelenburg sign of an L5 root lesion)."""

    movements: dict[MovementKey, list[MovementStatus]] = {}
    nerves_cut: list[Id] = []
    roots_damaged: list[Root] = []

    @model_validator(mode="after")
    def _not_empty(self) -> SignCondition:
        if not self.movements and not self.nerves_cut and not self.roots_damaged:
            raise ValueError("give movements, nerves_cut, roots_damaged or several")
        return self


class Sign(Record):
    """A named clinical sign and the computed findings that produce it."""

    id: Id
    name: str
    text: str
    when: SignCondition
    refs: RefList


class LesionFile(Record):
    """``data/lesions.yaml`` as a whole."""

    courses: list[NerveCourse]
    reflexes: list[Reflex] = []
    dermatomes: list[Dermatome] = []
    myotomes: list[Myotome] = []
    signs: list[Sign] = []
