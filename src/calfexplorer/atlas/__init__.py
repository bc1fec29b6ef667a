"""The knowledge model: the YAML knowledge base loaded into typed, immutable, queryable objects.

Pure Python: imports neither Qt nor VTK. The API other modules use::

    from calfexplorer.atlas import load_atlas
    atlas, problems = load_atlas()          # never raises for bad data; problems == [] if clean
                                            # (a clean data/ is cached: see atlas/cache.py)
    str(problems[0])  # "structures/x.yaml, line 9: entry 'soleus', field 'innervation...': ..."

    atlas.structures / atlas.get(id) / atlas[id]      records from calfexplorer.atlas.models
    atlas.muscles() bones() tendons() nerves() arteries() veins()
    atlas.regions() retinacula() fasciae() ligaments()
    atlas.regions_containing(id), retinacula_over(id), inserting_onto(id) -> [ids]
    atlas.joints, atlas.references                     mappings by id
    atlas.name_of(id)                 display name of a structure or attachment-site id
    atlas.children(id) / family(id)   parts (gastrocnemius heads) / self + ancestors + parts
    atlas.movement_name(joint, movement), action_label(joint, movement) -> "Ankle plantarflexion"
    atlas.attachments() / attachment(site_id) / attachments_of(id)   -> AttachmentSite
    atlas.attachments_on_bone(bone_id) -> BoneAttachments(origins, insertions)
    atlas.muscles_supplied_by(nerve_id), muscles_supplied_by_artery(artery_id) -> [ids]
    atlas.synergists(id), antagonists(id)
        -> [Relation(id, joint, movement, derived, reason, role, part)]
    atlas.relations_by_action(id) -> [ActionRelations(joint, movement, action, helpers, opposers)]
    atlas.layer_of(id) -> "superficial" | "deep" | "tendons" | "vessels" | "nerves"
                          | "attachments" | "bones" | "regions" | None
        (regions, retinacula and fasciae: "regions"; ligaments: "bones")

Attachment-site ids are ``"<muscle>:<origin|insertion>:<site>"`` (see :func:`site_id`).
The records are frozen pydantic models; treat their lists as read-only too.
"""

from calfexplorer.atlas.atlas import (
    Atlas,
    AttachmentSite,
    BoneAttachments,
    place_label,
    site_id,
)
from calfexplorer.atlas.cache import load_atlas
from calfexplorer.atlas.problems import AtlasProblem, format_problems
from calfexplorer.atlas.relations import (
    PARTIAL_ATLAS_NOTE,
    ActionRelations,
    Relation,
    relation_labels,
)
from calfexplorer.layers import LAYERS, Layer

__all__ = [
    "LAYERS",
    "PARTIAL_ATLAS_NOTE",
    "ActionRelations",
    "Atlas",
    "AtlasProblem",
    "AttachmentSite",
    "BoneAttachments",
    "Layer",
    "Relation",
    "format_problems",
    "load_atlas",
    "place_label",
    "relation_labels",
    "site_id",
]
