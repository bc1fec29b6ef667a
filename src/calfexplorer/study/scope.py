"""What a study session covers: compartments, kinds of question and kinds of structure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import ALL_KINDS, CardKey


def _set(values: Iterable[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


@dataclass(frozen=True)
class Scope:
    """A filter on cards. ``None`` in a field means "all".

    Attributes
    ----------
    compartments
        Muscle compartments (``posterior_deep``, ``lateral``, ...). When set, only muscles in
        them, the attachment sites of those muscles and the lesions that take nerve supply
        from them are included (bones, nerves and vessels have no compartment and drop out).
    kinds
        Question kinds (see :data:`calfexplorer.study.kinds.ALL_KINDS`).
    structure_kinds
        Structure kinds (muscle, bone, tendon, nerve, artery, vein); an attachment site counts
        as the kind of the structure that attaches.
    """

    compartments: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    structure_kinds: frozenset[str] | None = None

    @classmethod
    def of(
        cls,
        compartments: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        structure_kinds: Iterable[str] | None = None,
    ) -> Scope:
        """Build a scope from any iterables (lists from a command line or a dialog)."""
        from typing import get_args

        from calfexplorer.atlas.models import Compartment, StructureKind

        checks = ((kinds, ALL_KINDS, "question kinds"),
                  (compartments, get_args(Compartment), "compartments"),
                  (structure_kinds, get_args(StructureKind), "kinds of structure"))
        for given, known, what in checks:
            unknown = set(given or ()) - set(known)
            if unknown:
                raise ValueError(f"unknown {what}: {', '.join(sorted(unknown))}; known: "
                                 f"{', '.join(known)}")
        return cls(_set(compartments), _set(kinds), _set(structure_kinds))

    def includes(self, facts: StudyFacts, card: CardKey) -> bool:
        """Whether a card lies inside this scope."""
        if self.kinds is not None and card.kind not in self.kinds:
            return False
        return bool(self.covered(facts, card))

    def covered(self, facts: StudyFacts, card: CardKey) -> list[str]:
        """The structures or sites of a card this scope's compartments and kinds of structure
        take in: an attachment place's card is in the deck of every muscle at the place (the
        soleus's and the fibularis longus's origin on the head of the fibula)."""
        sid = card.structure_id
        ids = facts.place_sites(sid) if card.kind == "attachment_site" else (sid,)
        return [i for i in ids if self._takes(facts, i)]

    def _takes(self, facts: StudyFacts, sid: str) -> bool:
        if self.structure_kinds is not None and facts.structure_kind(sid) not in (
            self.structure_kinds
        ):
            return False
        return self.compartments is None or bool(facts.compartments(sid) & self.compartments)

    def cards(self, facts: StudyFacts) -> list[CardKey]:
        """The atlas's cards inside this scope, in teaching order."""
        return [c for c in facts.cards if self.includes(facts, c)]
