"""Cross-reference checks: every id an entry names must exist and be of the right kind.

A dangling reference is reported and removed (the entry itself is kept): an unknown id in a
list of ids is dropped; a record that depends on it (an attachment on an unknown bone, an
action at an unknown joint) is dropped from its list. An attachment whose landmark is not one of
its bone's ``landmarks`` is reported but kept (the bone's list is the catalogue of place names;
a bone that lists no landmarks at all is not checked). A synonym that looks like a fragment of
a longer name (a comma inside an unquoted synonym splits it) is reported and dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from calfexplorer.atlas.failures import LoadFailures
from calfexplorer.atlas.messages import did_you_mean
from calfexplorer.atlas.models import (
    Action,
    Alternative,
    Attachment,
    BloodSupply,
    BoneContact,
    ExplicitRelation,
    Fascia,
    Innervation,
    Joint,
    Muscle,
    Nerve,
    Ordered,
    PartNerves,
    Reference,
    Region,
    Resistance,
    Tendon,
    TendonAttachment,
    Vessel,
    Wall,
)
from calfexplorer.atlas.synonyms import fragment_reason

Loc = tuple[str | int, ...]
_DROP = object()  # returned by a rule when the record must be removed from its list

Kinds = str | tuple[str, ...]
# (record type, field) -> kind(s) of structure the ids in that field must be; "same" = the
# entry's kind, "any" = any structure
_ID_FIELDS: dict[tuple[type, str], Kinds] = {
    (Innervation, "nerves"): "nerve",
    (PartNerves, "nerves"): "nerve",
    (BloodSupply, "arteries"): "artery",
    (Tendon, "formed_by"): "muscle",
    (Nerve, "branch_of"): "nerve",
    (Vessel, "branch_of"): "same",
    (Region, "members"): "muscle",
    (Region, "nerves"): "nerve",
    (Region, "arteries"): "artery",
    (Fascia, "separates"): "region",
    (Wall, "structure"): "any",
    (Ordered, "ids"): "any",
    (TendonAttachment, "structure"): ("muscle", "tendon"),
}
_REF_FIELDS = ("refs", "references")


class CrossChecker:
    """Checks and cleans records against the ids that loaded."""

    def __init__(
        self,
        structures: Mapping[str, Any],
        joints: Mapping[str, Joint],
        references: Mapping[str, Reference],
        invalid: set[str],
        failures: LoadFailures | None = None,
    ) -> None:
        """``invalid``: ids of entries skipped for errors; ``failures``: what did not load."""
        self.kinds = {sid: s.kind for sid, s in structures.items()}
        self.parents = {sid: s.parent for sid, s in structures.items() if s.parent}
        self.branches = {sid: b for sid, s in structures.items()
                         if (b := getattr(s, "branch_of", None))}
        #: top-level muscles by compartment (what a compartment's ``members`` must list)
        self.compartment_muscles: dict[str, list[str]] = {}
        for sid, s in structures.items():
            if s.kind == "muscle" and not s.parent:
                self.compartment_muscles.setdefault(s.compartment, []).append(sid)
        self.landmarks = {
            sid: list(s.landmarks) for sid, s in structures.items() if s.kind == "bone"
        }
        #: every root sources give for each nerve (disputes included): a branch carries no other
        self.nerve_roots = {
            sid: set(s.roots) | {r for a in s.disputed for r in a.roots or ()}
            for sid, s in structures.items()
            if s.kind == "nerve"
        }
        self.joints = joints
        self.references = references
        self.invalid = invalid
        self.failures = failures or LoadFailures()
        self._found: list[tuple[Loc, str]] = []
        self._entry: Any = None

    def take(self) -> list[tuple[Loc, str]]:
        """The problems found since the last call, as ``(location, message)``."""
        found, self._found = self._found, []
        return found

    def check(self, entry: BaseModel) -> Any:
        """The entry without its dangling references (problems go to :meth:`take`)."""
        self._entry = entry
        if isinstance(entry, Muscle):
            self._muscle_rules(entry)
            entry = self._explicit_relations_kept(entry)
        if isinstance(entry, Region):
            self._region_rules(entry)
        if isinstance(entry, Nerve):
            self._nerve_rules(entry)
        result = self._walk(entry, ())
        return None if result is _DROP else result

    def check_joint(self, joint: Joint) -> list[tuple[Loc, str]]:
        """Problems of one joint: duplicate movements, opposites that do not exist, a movement
        its own opposite or opposites that do not answer each other (synergists and
        antagonists are derived from them: inversion opposed to itself made every invertor
        its fellows' antagonist), and references that do not exist."""
        ids = [m.id for m in joint.movements]
        opposite = {m.id: m.opposite for m in joint.movements}
        found: list[tuple[Loc, str]] = []
        for i, m in enumerate(joint.movements):
            absent = m.main_movers_absent
            if absent is not None and joint.digits and not set(absent.digits) <= set(joint.digits):
                found.append((("movements", i, "main_movers_absent", "digits"),
                              f"toes {absent.digits} are not all this joint's "
                              f"({joint.digits})"))
            cited = {"normal": m.normal, "main_movers_absent": absent}
            for field, part in cited.items():
                for r, ref in enumerate(part.refs if part is not None else ()):
                    if ref in self.references or self.failures.unchecked("reference", ref):
                        continue
                    message = f"unknown reference '{ref}'" + did_you_mean(ref, self.references)
                    found.append((("movements", i, field, "refs", r), message))
            loc = ("movements", i, "opposite")
            if m.id in ids[:i]:
                found.append((("movements", i, "id"), f"duplicate movement '{m.id}'"))
            if m.opposite not in ids:
                found.append((loc, f"unknown movement '{m.opposite}' of joint '{joint.id}'"
                              + did_you_mean(m.opposite, ids)))
            elif m.opposite == m.id:
                found.append((loc, f"'{m.id}' cannot be its own opposite"))
            elif opposite.get(m.opposite) != m.id and opposite.get(m.opposite) in ids:
                # (an unknown opposite of that movement is reported at that movement)
                found.append((loc, f"'{m.opposite}' gives '{opposite.get(m.opposite)}' as its "
                                   f"opposite, not '{m.id}'"))
        return found

    # --- internals ---------------------------------------------------------------------------
    def _problem(self, loc: Loc, message: str) -> None:
        self._found.append((loc, message))

    def _muscle_rules(self, m: Muscle) -> None:
        lists: tuple[tuple[str, str, Sequence[Attachment | TendonAttachment]], ...] = (
            ("origins", "origins", m.origins),
            ("insertions", "insertions", m.insertions),
            ("tendon_insertions", "insertions", m.tendon_insertions),
        )
        seen_in: dict[str, set[str]] = {"origins": set(), "insertions": set()}
        for field, role, items in lists:
            seen = seen_in[role]
            for i, a in enumerate(items):
                if a.site in seen:
                    self._problem((field, i, "site"), f"duplicate site '{a.site}' in {role}")
                seen.add(a.site)
        seen_actions: set[tuple[str, str, str | None]] = set()
        for i, act in enumerate(m.actions):
            key = (act.joint, act.movement, act.part)
            if key in seen_actions:
                of = f" of the {act.part}" if act.part else ""
                self._problem(("actions", i), f"duplicate action '{act.joint} {act.movement}'{of}")
            seen_actions.add(key)
        named = {act.part for act in m.actions if act.part}
        for i, entry in enumerate(m.innervation.parts):
            loc = ("innervation", "parts", i)
            if entry.part not in named:
                self._problem((*loc, "part"), f"no action names the part '{entry.part}'"
                              + did_you_mean(entry.part, sorted(named)))
            for nerve in entry.nerves:
                if nerve not in m.innervation.nerves:
                    self._problem(loc, f"'{nerve}' is not one of its nerves "
                                       f"({', '.join(m.innervation.nerves)})")

    def _explicit_relations_kept(self, m: Muscle) -> Muscle:
        """The muscle without an explicit relation that names it, or repeats or contradicts
        an earlier one (both a synergist and an antagonist in one movement: the panel and the
        study would say both); each is reported."""
        named: dict[tuple[str, str, str], str] = {}
        kept: dict[str, list[ExplicitRelation]] = {}
        for field, kind in (("extra_synergists", "synergist"),
                            ("extra_antagonists", "antagonist")):
            kept[field] = []
            for i, r in enumerate(getattr(m, field)):
                key = (r.id, r.joint, r.movement)
                movement = f"{r.joint.replace('_', ' ')} {r.movement.replace('_', ' ')}"
                if r.id == m.id:
                    self._problem((field, i, "id"), f"a muscle is not its own {kind}")
                elif key in named:
                    said = (f"named {_article(kind)} {kind} twice" if named[key] == kind
                            else f"already named {_article(named[key])} {named[key]}")
                    self._problem((field, i, "id"), f"'{r.id}' is {said} in {movement}")
                else:
                    named[key] = kind
                    kept[field].append(r)
        if all(len(kept[f]) == len(getattr(m, f)) for f in kept):
            return m
        return m.model_copy(update=kept)

    def _nerve_rules(self, n: Nerve) -> None:
        """A branch's roots (main and disputed) are among those given for the nerve it leaves."""
        parent = self.nerve_roots.get(n.branch_of or "")
        if not parent:
            return
        given = ", ".join(sorted(parent))
        for i, root in enumerate(n.roots):
            if root not in parent:
                self._problem(("roots", i), f"{root} is not among the roots given for "
                              f"{n.branch_of}, the nerve it branches from ({given})")
        for d, alt in enumerate(n.disputed):
            for i, root in enumerate(alt.roots or ()):
                if root not in parent:
                    self._problem(("disputed", d, "roots", i), f"{root} is not among the roots "
                                  f"given for {n.branch_of}, the nerve it branches from ({given})")

    def _region_rules(self, r: Region) -> None:
        if r.compartment is None:
            if r.members:
                self._problem(
                    ("members",), "only a compartment (a region with 'compartment') has members"
                )
            return
        expected = self.compartment_muscles.get(r.compartment, [])
        for i, mid in enumerate(r.members):
            if self.kinds.get(mid) == "muscle" and mid not in expected:
                self._problem(
                    ("members", i),
                    f"muscle '{mid}' is not in compartment '{r.compartment}' "
                    "(its own 'compartment' field says otherwise, or it is a part of a muscle)",
                )
        for mid in expected:
            if mid not in r.members:
                self._problem(
                    ("members",),
                    f"muscle '{mid}' has compartment '{r.compartment}' but is not listed",
                )

    def _walk(self, obj: BaseModel, loc: Loc) -> Any:
        if not self._record_ok(obj, loc):
            return _DROP
        updates: dict[str, Any] = {}
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            new = self._field(obj, name, value, (*loc, name))
            if new is _DROP:
                return _DROP
            if new is not value:
                updates[name] = new
        return obj.model_copy(update=updates) if updates else obj

    def _field(self, obj: BaseModel, name: str, value: Any, loc: Loc) -> Any:
        if value is None:
            return value
        if name in _REF_FIELDS and isinstance(value, list):
            return self._filter(value, loc, self._reference_ok)
        if loc == ("synonyms",):
            return self._filter(value, loc, self._synonym_ok)
        kind = _ID_FIELDS.get((type(obj), name))
        if name == "parent" and loc == ("parent",):
            if self._loops(value, self.parents, "parent", "is part of"):
                return None
            kind = "same"
        if name == "branch_of" and loc == ("branch_of",) and self._loops(
                value, self.branches, "branch_of", "is a branch of"):
            return None  # (a lesion's walk down the branches would never end)
        if kind is not None:
            if kind == "same":
                kind = self._entry.kind
            if isinstance(value, list):
                return self._filter(value, loc, lambda v, lc: self._id_ok(v, kind, lc))
            return value if self._id_ok(value, kind, loc) else None
        if isinstance(value, BaseModel):
            return self._walk(value, loc)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            kept = [r for i, v in enumerate(value) if (r := self._walk(v, (*loc, i))) is not _DROP]
            return (
                kept
                if len(kept) != len(value)
                or any(a is not b for a, b in zip(kept, value, strict=True))
                else value
            )
        return value

    def _filter(self, values: list[str], loc: Loc, ok: Any) -> list[str]:
        kept = [v for i, v in enumerate(values) if ok(v, (*loc, i))]
        return values if len(kept) == len(values) else kept

    def _record_ok(self, obj: BaseModel, loc: Loc) -> bool:
        if isinstance(obj, Alternative) and obj.movement is not None and "actions" not in loc:
            # (kept: only a question about an action reads it, so elsewhere it does nothing)
            self._problem((*loc, "movement"), "only a dispute of an action can name a movement")
        if isinstance(obj, (Attachment, BoneContact)):
            if not self._id_ok(obj.bone, "bone", (*loc, "bone")):
                return False
            self._landmark_ok(obj, loc)
            return True
        if isinstance(obj, Action):
            joint = self.joints.get(obj.joint)
            if obj.digits and joint is not None and not set(obj.digits) <= set(joint.digits):
                toes = ", ".join(map(str, joint.digits)) or "none"
                self._problem((*loc, "digits"),
                              f"joint '{obj.joint}' moves toes {toes}, not "
                              f"{', '.join(map(str, sorted(set(obj.digits) - set(joint.digits))))}")
            for i, alt in enumerate(obj.disputed):
                # reported; an unknown movement then matches nothing a question offers
                if alt.movement is not None and obj.joint in self.joints:
                    self._movement_ok(obj.joint, alt.movement, (*loc, "disputed", i))
            return self._movement_ok(obj.joint, obj.movement, loc)
        if isinstance(obj, Resistance):
            if (obj.joint is None) != (obj.movement is None):
                self._problem(loc, "give both 'joint' and 'movement', or neither")
                return False
            return obj.joint is None or self._movement_ok(obj.joint, obj.movement or "", loc)
        if isinstance(obj, ExplicitRelation):
            if obj.id == self._entry.id:
                self._problem((*loc, "id"), "a muscle cannot be related to itself")
                return False
            return self._id_ok(obj.id, "muscle", (*loc, "id")) and self._movement_ok(
                obj.joint, obj.movement, loc
            )
        return True

    def _landmark_ok(self, a: Attachment | BoneContact, loc: Loc) -> None:
        names = self.landmarks.get(a.bone) or []
        if names and a.landmark is not None and a.landmark not in names:
            self._problem(
                (*loc, "landmark"),
                f"landmark '{a.landmark}' is not in the landmarks of bone '{a.bone}'"
                + did_you_mean(a.landmark, names),
            )

    def _movement_ok(self, joint: str, movement: str, loc: Loc) -> bool:
        j = self.joints.get(joint)
        if j is None and self.failures.unchecked("joint", joint):
            return False  # joints.yaml did not load: that problem is reported once
        if j is None:
            self._problem(
                (*loc, "joint"), f"unknown joint '{joint}'" + did_you_mean(joint, self.joints)
            )
            return False
        ids = [m.id for m in j.movements]
        if movement not in ids:
            self._problem(
                (*loc, "movement"),
                f"unknown movement '{movement}' of joint '{joint}'" + did_you_mean(movement, ids),
            )
            return False
        return True

    def _reference_ok(self, ref: str, loc: Loc) -> bool:
        if ref in self.references:
            return True
        if self.failures.unchecked("reference", ref):
            return False
        self._problem(loc, f"unknown reference '{ref}'" + did_you_mean(ref, self.references))
        return False

    def _synonym_ok(self, synonym: str, loc: Loc) -> bool:
        reason = fragment_reason(synonym)
        if reason is not None:
            self._problem(
                loc,
                f"synonym '{synonym}' looks like a fragment of a longer name ({reason}); "
                "quote a synonym that contains a comma",
            )
        return reason is None

    def _loops(self, up_to: str, links: Mapping[str, str], field: str, verb: str) -> bool:
        """Whether the entry would lead back to itself through ``up_to`` and ``links`` (its
        ``parent`` or ``branch_of``; reported: walks up the parts, in the study and the
        structure list, or down a nerve's branches in a lesion, would never end)."""
        me = self._entry.id
        chain = [me, up_to]
        while chain[-1] != me:
            up = links.get(chain[-1])
            if up is None or (up in chain and up != me):
                return False
            chain.append(up)
        kind = "parts" if field == "parent" else "branches"
        self._problem((field,), f"a loop of {kind}: " + f" {verb} ".join(chain))
        return True

    def _id_ok(self, value: str, kinds: Kinds, loc: Loc) -> bool:
        actual = self.kinds.get(value)
        allowed = (kinds,) if isinstance(kinds, str) else kinds
        if actual is not None and ("any" in allowed or actual in allowed):
            return True
        kind = " or ".join(allowed) if "any" not in allowed else "structure"
        if (
            actual is None
            and value not in self.invalid
            and self.failures.unchecked("structure", value)
        ):
            return False
        if actual is not None:
            self._problem(
                loc, f"'{value}' is {_article(actual)} {actual}, not {_article(kind)} {kind}"
            )
        elif value in self.invalid:
            self._problem(loc, f"{kind} '{value}' has errors of its own and was skipped")
        else:
            same = [sid for sid, k in self.kinds.items() if "any" in allowed or k in allowed]
            self._problem(loc, f"unknown {kind} '{value}'" + did_you_mean(value, same))
        return False


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
