"""The kinds of study question and the card key they form with a structure id."""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

QuestionKind = Literal[
    "name_it",
    "find_it",
    "origin",
    "insertion",
    "action",
    "innervation",
    "roots",
    "blood_supply",
    "synergist",
    "antagonist",
    "attachment_site",
    "lesion_loss",
    "lesion_locate",
    "compartment",
    "region_boundary",
    "region_contents",
    "reflex_roots",
    "myotome_movement",
    "myotome_roots",
    "skin_locate",
]

ALL_KINDS: tuple[QuestionKind, ...] = get_args(QuestionKind)

KIND_LABELS: dict[str, str] = {
    "name_it": "Name it",
    "find_it": "Find it",
    "origin": "Origin",
    "insertion": "Insertion",
    "action": "Action",
    "innervation": "Innervation",
    "roots": "Spinal roots",
    "blood_supply": "Blood supply",
    "synergist": "Synergists",
    "antagonist": "Antagonists",
    "attachment_site": "Attachment sites",
    "lesion_loss": "Lesion: what is lost",
    "lesion_locate": "Lesion: where is it",
    "compartment": "Compartments",
    "region_boundary": "Region boundaries",
    "region_contents": "Contents in order",
    "reflex_roots": "Reflex roots",
    "myotome_movement": "Myotome: key movement",
    "myotome_roots": "Myotome: roots",
    "skin_locate": "Skin: where it lies",
}


class CardKey(NamedTuple):
    """One card: a structure (or attachment-site) id and a kind of question about it."""

    structure_id: str
    kind: str

    def __str__(self) -> str:
        return f"{self.structure_id}/{self.kind}"
