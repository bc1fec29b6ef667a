"""The loaded knowledge base: an immutable, queryable collection of structures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from calfexplorer.atlas import relations
from calfexplorer.atlas.models import (
    AbsentMovers,
    Attachment,
    Bone,
    Fascia,
    Joint,
    Ligament,
    Muscle,
    Nerve,
    NormalRange,
    Reference,
    Region,
    Retinaculum,
    Structure,
    Tendon,
    Vessel,
)
from calfexplorer.atlas.relations import ActionRelations, Relation
from calfexplorer.layers import Layer

Role = Literal["origin", "insertion"]
_KIND_LAYER: dict[str, Layer] = {
    "bone": "bones",
    "tendon": "tendons",
    "nerve": "nerves",
    "artery": "vessels",
    "vein": "vessels",
    "region": "regions",
    "retinaculum": "regions",
    "fascia": "regions",
    "ligament": "bones",  # ligaments are shown with the bones they join
}

#: Joints whose actions are labelled by the toes they move ("Flexion of the lateral four toes").
_TOES_MOVED = {"lateral_toes": "the lateral four toes"}
#: The regions of the limb's bones, from the trunk down.
_BONE_REGIONS = ("hip", "thigh", "knee", "leg", "ankle", "foot")
#: A region -> the regions whose bones an isolated nerve or vessel there is shown with.
_NEAR_BONE_REGIONS = {
    "hip": ("hip", "thigh"), "thigh": ("hip", "thigh", "knee"),
    "knee": ("thigh", "knee", "leg"), "leg": ("knee", "leg", "ankle"),
    "ankle": ("leg", "ankle", "foot"), "foot": ("ankle", "foot"),
}


@dataclass(frozen=True)
class AttachmentSite:
    """One origin or insertion site: ``id`` is ``"<muscle>:<origin|insertion>:<site>"``.

    ``muscle`` is the id of the structure that attaches (a muscle, or the calcaneal tendon).
    """

    id: str
    muscle: str
    role: Role
    attachment: Attachment

    @property
    def bone(self) -> str:
        """Id of the bone the site lies on."""
        return self.attachment.bone


@dataclass(frozen=True)
class BoneAttachments:
    """Every site on one bone, split into origins and insertions."""

    origins: tuple[AttachmentSite, ...]
    insertions: tuple[AttachmentSite, ...]


def place_label(landmark: str, bone: str) -> str:
    """Where a site is, for labels and quizzes: "Soleal line (tibia)"; the bone is left out
    where the landmark names it ("Head of the fibula"; "Distal phalanx of the great toe" on
    the phalanges of the foot, a surface in brackets then read as "..., plantar side": it read
    "Distal phalanx of the great toe (plantar), phalanges of the foot"), and after a landmark
    that ends in brackets it follows a comma ("Ischial tuberosity (superolateral facet), hip
    bone": two brackets read badly)."""
    words = lambda text: " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())  # noqa: E731
    if words(bone) in words(landmark):
        return landmark
    if landmark.endswith(")"):
        stem = words(bone).split(" ")[0][:6]  # "phalan": phalanx, phalanges
        if len(stem) == 6 and stem in words(landmark):
            return re.sub(r" \((\w+)\)$", r", \1 side", landmark)
        return f"{landmark}, {bone.lower()}"
    return f"{landmark} ({bone.lower()})"


def site_id(structure_id: str, role: Role, site: str) -> str:
    """The id of an attachment site, e.g. ``soleus:origin:soleal_line``."""
    return f"{structure_id}:{role}:{site}"


class Atlas:
    """Structures, joints and references of the knowledge base; read-only.

    Build it with :func:`calfexplorer.atlas.load_atlas`. Queries that return related structures
    return ids; use :meth:`get` for the records.
    """

    __slots__ = ("_structures", "_joints", "_references", "_sites", "_children", "_by_kind",
                 "_skipped")

    def __init__(
        self,
        structures: Mapping[str, Structure],
        joints: Mapping[str, Joint],
        references: Mapping[str, Reference],
        skipped: Iterable[str] = (),
    ) -> None:
        """``skipped``: ids of structures and joints left out for errors of their own."""
        self._skipped = frozenset(skipped)
        self._structures = MappingProxyType(dict(structures))
        self._joints = MappingProxyType(dict(joints))
        self._references = MappingProxyType(dict(references))
        sites: dict[str, AttachmentSite] = {}
        children: dict[str, list[str]] = {}
        by_kind: dict[str, list[Structure]] = {}
        for s in self._structures.values():
            by_kind.setdefault(s.kind, []).append(s)
            if s.parent:
                children.setdefault(s.parent, []).append(s.id)
            for site in _sites_of(s):
                sites[site.id] = site
        self._sites = MappingProxyType(sites)
        self._children = MappingProxyType({k: tuple(v) for k, v in children.items()})
        self._by_kind = MappingProxyType({k: tuple(v) for k, v in by_kind.items()})

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError("Atlas is immutable")
        object.__setattr__(self, name, value)

    def unknown(self, kind: str, value: str) -> str:
        """What to say of ``value``, named where a ``kind`` (muscle, nerve, joint ...) is
        expected and the atlas has none: unknown, or left out for errors of its own (reported
        at its entry)."""
        if self.was_skipped(value):
            return f"{kind} '{value}' has errors of its own in the atlas and was skipped"
        return f"unknown {kind} '{value}'"

    def was_skipped(self, value: str) -> bool:
        """Whether a structure or joint of this id was left out for errors of its own."""
        return value in self._skipped

    # --- structures --------------------------------------------------------------------------
    @property
    def structures(self) -> Mapping[str, Structure]:
        """Every structure by id, in file order."""
        return self._structures

    @property
    def joints(self) -> Mapping[str, Joint]:
        """Joints by id (``data/joints.yaml``)."""
        return self._joints

    @property
    def references(self) -> Mapping[str, Reference]:
        """References by id."""
        return self._references

    def __contains__(self, structure_id: object) -> bool:
        return structure_id in self._structures

    def __iter__(self) -> Iterator[Structure]:
        return iter(self._structures.values())

    def __len__(self) -> int:
        return len(self._structures)

    def __getitem__(self, structure_id: str) -> Structure:
        return self._structures[structure_id]

    def get(self, structure_id: str) -> Structure | None:
        """The structure with this id, or ``None``."""
        return self._structures.get(structure_id)

    def name_of(self, any_id: str) -> str:
        """Display name of a structure or attachment site id (the id itself when unknown)."""
        if s := self._structures.get(any_id):
            return s.name
        if site := self._sites.get(any_id):
            owner = self.name_of(site.muscle)
            landmark = site.attachment.landmark  # ("on the medial surface", not "the Medial")
            return f"{owner}: {site.role} on the {landmark[:1].lower()}{landmark[1:]}"
        return any_id

    def muscles(self) -> list[Muscle]:
        """Every muscle (and muscle part), in file order."""
        return list(self._by_kind.get("muscle", ()))  # type: ignore[arg-type]

    def bones(self) -> list[Bone]:
        """Every bone (or bone group)."""
        return list(self._by_kind.get("bone", ()))  # type: ignore[arg-type]

    def tendons(self) -> list[Tendon]:
        """Every tendon that is a structure of its own."""
        return list(self._by_kind.get("tendon", ()))  # type: ignore[arg-type]

    def nerves(self) -> list[Nerve]:
        """Every nerve."""
        return list(self._by_kind.get("nerve", ()))  # type: ignore[arg-type]

    def arteries(self) -> list[Vessel]:
        """Every artery."""
        return list(self._by_kind.get("artery", ()))  # type: ignore[arg-type]

    def veins(self) -> list[Vessel]:
        """Every vein."""
        return list(self._by_kind.get("vein", ()))  # type: ignore[arg-type]

    def regions(self) -> list[Region]:
        """Every region: the compartments of the leg, the popliteal fossa, the tarsal tunnel."""
        return list(self._by_kind.get("region", ()))  # type: ignore[arg-type]

    def retinacula(self) -> list[Retinaculum]:
        """Every retinaculum."""
        return list(self._by_kind.get("retinaculum", ()))  # type: ignore[arg-type]

    def fasciae(self) -> list[Fascia]:
        """Every fascia, septum and membrane."""
        return list(self._by_kind.get("fascia", ()))  # type: ignore[arg-type]

    def ligaments(self) -> list[Ligament]:
        """Every ligament."""
        return list(self._by_kind.get("ligament", ()))  # type: ignore[arg-type]

    def regions_containing(self, structure_id: str) -> list[str]:
        """Ids of the regions that hold a structure (as content, member, nerve or artery)."""
        return [
            r.id
            for r in self.regions()
            if structure_id in r.members
            or structure_id in r.nerves
            or structure_id in r.arteries
            or (r.contents is not None and structure_id in r.contents.ids)
        ]

    def retinacula_over(self, structure_id: str) -> list[str]:
        """Ids of the retinacula that a structure passes under."""
        return [r.id for r in self.retinacula() if structure_id in r.passes_under.ids]

    def inserting_onto(self, structure_id: str) -> list[str]:
        """Ids of the muscles that insert on this muscle's tendon (or on this tendon)."""
        return [
            m.id
            for m in self.muscles()
            if any(t.structure == structure_id for t in m.tendon_insertions)
        ]

    def isolation_of(self, structure_id: str) -> set[str]:
        """What isolating a structure shows: it with its parts (not the whole it is part of,
        which brought back its other parts: the medial head of gastrocnemius showed the
        lateral one), the tendons it inserts through (the soleus the calcaneal tendon), the
        attachment sites and bones of them all, and for a structure that attaches to no bone
        (a nerve, a vessel) the bones of its region and the regions beside it."""
        family = self.family(structure_id) if structure_id in self else {structure_id}
        keep = {structure_id} | self._descendants(structure_id)
        keep |= {t.id for t in self.tendons() if family & set(t.formed_by)}
        for member in list(keep):
            for site in self.attachments_of(member):
                keep.update({site.id, site.bone})
        s = self._structures.get(structure_id)
        region_of = {b.id: b.region for b in self.bones()}
        reached = [_BONE_REGIONS.index(region_of[i]) for i in keep
                   if region_of.get(i) in _BONE_REGIONS]
        if reached:  # and the bones between (a toe flexor's phalanges floated below the tibia)
            between = _BONE_REGIONS[min(reached): max(reached) + 1]
            keep |= {b for b, r in region_of.items() if r in between}
        elif s is not None:
            near = _NEAR_BONE_REGIONS.get(getattr(s, "region", None) or "", ())
            keep |= {b for b, r in region_of.items() if r in near}
        return keep

    def _descendants(self, structure_id: str) -> set[str]:
        out: set[str] = set()
        todo = [structure_id]
        while todo:
            for child in self._children.get(todo.pop(), ()):
                if child not in out:
                    out.add(child)
                    todo.append(child)
        return out

    def children(self, structure_id: str) -> list[str]:
        """Ids of the parts of a structure (e.g. the two heads of gastrocnemius)."""
        return list(self._children.get(structure_id, ()))

    def movements_of(self, muscle_id: str, disputed: bool = False) -> set[tuple[str, str]]:
        """(joint, movement) pairs of the actions of a muscle and its parts; with ``disputed``,
        the movements sources give instead (an action's dispute naming one) as well."""
        actions = [a for sid in self.family(muscle_id)
                   for a in getattr(self._structures.get(sid), "actions", None) or ()]
        out = {(a.joint, a.movement) for a in actions}
        if disputed:
            out |= {(a.joint, alt.movement) for a in actions for alt in a.disputed if alt.movement}
        return out

    def disputed_movements(self, muscle_id: str) -> set[tuple[str, str]]:
        """(joint, movement) pairs some sources give a muscle or a part of it instead of the
        atlas's action: a quiz never marks them wrong for it (the adductors' rotation)."""
        return self.movements_of(muscle_id, disputed=True) - self.movements_of(muscle_id)

    def wholes_over_parts(self, ids: Iterable[str]) -> list[str]:
        """``ids`` once each, in order, without a part whose whole is listed too
        (Gastrocnemius, not also its two heads)."""
        ids = list(dict.fromkeys(ids))
        listed = set(ids)

        def whole_listed(sid: str) -> bool:
            s = self.get(sid)
            seen = {sid}
            while s is not None and s.parent and s.parent not in seen:
                if s.parent in listed:
                    return True
                seen.add(s.parent)
                s = self.get(s.parent)
            return False

        return [i for i in ids if not whole_listed(i)]

    def family(self, structure_id: str) -> set[str]:
        """The structure, its ancestors and its descendants (not its siblings)."""
        out = {structure_id}
        s = self._structures.get(structure_id)
        while s is not None and s.parent and s.parent not in out:
            out.add(s.parent)
            s = self._structures.get(s.parent)
        return out | self._descendants(structure_id)

    # --- joints ------------------------------------------------------------------------------
    def movement_name(self, joint: str, movement: str) -> str:
        """Display name of a joint's movement, e.g. ``plantarflexion``."""
        j = self._joints.get(joint)
        for m in j.movements if j else ():
            if m.id == movement:
                return m.name
        return movement.replace("_", " ")

    def normal_range(self, joint: str, movement: str) -> NormalRange | None:
        """How far a healthy joint goes in this movement, where the data says."""
        j = self._joints.get(joint)
        return next((m.normal for m in j.movements if m.id == movement), None) if j else None

    def absent_main_movers(self, joint: str, movement: str) -> AbsentMovers | None:
        """Main movers of this movement that the atlas lacks, where the data names them."""
        j = self._joints.get(joint)
        if j is None:
            return None
        return next((m.main_movers_absent for m in j.movements if m.id == movement), None)

    def opposite_movement(self, joint: str, movement: str) -> str | None:
        """Id of the movement that opposes ``movement`` at ``joint``."""
        j = self._joints.get(joint)
        for m in j.movements if j else ():
            if m.id == movement:
                return m.opposite
        return None

    def action_label(self, joint: str, movement: str, digits: Sequence[int] = ()) -> str:
        """A short label such as ``Ankle plantarflexion``, ``Great toe flexion``, ``Flexion of
        the lateral four toes``, ``Extension of toes 2 to 4`` or, for a movement named with
        what moves, ``Medial rotation of the leg at the knee``."""
        name = self.movement_name(joint, movement)
        joint_word = joint.replace("_", " ")
        toes = ""
        whole = self._joints[joint].digits if joint in self._joints else ()
        if digits and sorted(digits) != sorted(whole):  # (not "great toe flexion (toe 1)")
            d = sorted(digits)
            run = len(d) > 2 and d == list(range(d[0], d[-1] + 1))
            span = f"{d[0]} to {d[-1]}" if run else ", ".join(map(str, d))
            toes = "the little toe" if d == [5] else f"toe{'s' if len(d) > 1 else ''} {span}"
        if joint in _TOES_MOVED:  # "lateral toe flexion" read as a sideways bend of a toe
            return f"{name[:1].upper()}{name[1:]} of {toes or _TOES_MOVED[joint]}"
        toes = f" ({toes})" if toes else ""
        if " of the " in name:
            return f"{name[:1].upper()}{name[1:]} at the {joint_word}{toes}"
        return f"{joint_word.capitalize()} {name}{toes}"

    # --- attachments, supply -----------------------------------------------------------------
    def attachments(self) -> list[AttachmentSite]:
        """Every origin and insertion site, in file order."""
        return list(self._sites.values())

    def attachment(self, site: str) -> AttachmentSite | None:
        """The site with this id (``soleus:origin:soleal_line``), or ``None``."""
        return self._sites.get(site)

    def attachments_of(self, structure_id: str) -> list[AttachmentSite]:
        """Sites of one muscle (or tendon): origins first, then insertions."""
        return [s for s in self._sites.values() if s.muscle == structure_id]

    def attachments_on_bone(self, bone_id: str) -> BoneAttachments:
        """Every site on a bone, split into origins and insertions."""
        on = [s for s in self._sites.values() if s.bone == bone_id]
        return BoneAttachments(
            tuple(s for s in on if s.role == "origin"),
            tuple(s for s in on if s.role == "insertion"),
        )

    def muscles_supplied_by(self, nerve_id: str) -> list[str]:
        """Ids of the muscles whose innervation names this nerve."""
        return [m.id for m in self.muscles() if nerve_id in m.innervation.nerves]

    def muscles_supplied_by_artery(self, artery_id: str) -> list[str]:
        """Ids of the muscles whose blood supply names this artery."""
        return [m.id for m in self.muscles() if artery_id in m.blood_supply.arteries]

    # --- layers ------------------------------------------------------------------------------
    def layer_of(self, any_id: str) -> Layer | None:
        """UI layer of a structure or attachment site id; ``None`` for an unknown id."""
        if any_id in self._sites:
            return "attachments"
        s = self._structures.get(any_id)
        if s is None:
            return None
        if isinstance(s, Muscle):
            return s.layer
        return _KIND_LAYER[s.kind]

    # --- relations (see calfexplorer.atlas.relations) ----------------------------------------
    def synergists(self, muscle_id: str) -> list[Relation]:
        """Muscles that help ``muscle_id`` in one of its actions (derived plus explicit)."""
        return relations.synergists(self, muscle_id)

    def antagonists(self, muscle_id: str) -> list[Relation]:
        """Muscles that oppose ``muscle_id`` in one of its actions (derived plus explicit)."""
        return relations.antagonists(self, muscle_id)

    def relations_by_action(self, muscle_id: str) -> list[ActionRelations]:
        """Per action of the muscle, in data order: who helps and who opposes it."""
        return relations.relations_by_action(self, muscle_id)

    def main_movers_missing(self, joint: str, movement: str) -> bool:
        """Whether the atlas has only assisting muscles for a movement (its main movers,
        such as iliopsoas for hip flexion, are not in it)."""
        return relations.main_movers_missing(self, joint, movement)

    def partial_atlas_note(self, joint: str, movement: str, listed: bool = True) -> str | None:
        """What to say beside the atlas's muscles for a movement where main movers of it are
        not in the atlas (naming them where the data does), else None."""
        return relations.partial_atlas_note(self, joint, movement, listed)


def _sites_of(s: Structure) -> Iterator[AttachmentSite]:
    if isinstance(s, Muscle):
        for a in s.origins:
            yield AttachmentSite(site_id(s.id, "origin", a.site), s.id, "origin", a)
        for a in s.insertions:
            yield AttachmentSite(site_id(s.id, "insertion", a.site), s.id, "insertion", a)
    elif isinstance(s, Tendon):
        a = s.insertion
        yield AttachmentSite(site_id(s.id, "insertion", a.site), s.id, "insertion", a)
