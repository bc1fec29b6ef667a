"""The knowledge model: the YAML knowledge base loaded into typed, immutable, queryable objects.

    from calfexplorer.atlas import load_atlas
    atlas, problems = load_atlas()          # problems: list[AtlasProblem], [] when clean
    atlas.get("soleus").innervation.nerves  # ["tibial_nerve"]
    atlas.relations_by_action("gastrocnemius")

Pure Python: imports neither Qt nor VTK.
"""

from calfexplorer.atlas.atlas import (
    LAYERS,
    Atlas,
    AttachmentSite,
    BoneAttachments,
    Layer,
    site_id,
)
from calfexplorer.atlas.loader import load_atlas
from calfexplorer.atlas.problems import AtlasProblem, format_problems
from calfexplorer.atlas.relations import ActionRelations, Relation

__all__ = [
    "LAYERS",
    "ActionRelations",
    "Atlas",
    "AtlasProblem",
    "AttachmentSite",
    "BoneAttachments",
    "Layer",
    "Relation",
    "format_problems",
    "load_atlas",
    "site_id",
]
