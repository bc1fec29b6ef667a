"""Every structure of the atlas has a place in the structure tree: a new kind or compartment
that the tree does not know would leave its structures out of it."""

from __future__ import annotations

from calfexplorer.atlas import Atlas
from calfexplorer.ui.explore.structure_tree import tree_groups


def test_every_structure_is_in_the_tree_once(atlas: Atlas) -> None:
    placed: list[str] = []
    for _title, subgroups in tree_groups(atlas):
        for _sub, items in subgroups:
            for s in items:
                placed.append(s.id)
                placed.extend(atlas.children(s.id))  # heads sit under their muscle
    assert sorted(placed) == sorted(s.id for s in atlas)


def test_the_foot_muscles_have_their_own_group(atlas: Atlas) -> None:
    groups = dict(tree_groups(atlas))
    foot = dict(groups["Muscles of the foot"])
    assert {s.id for s in foot["Sole of the foot"]} >= {"abductor_hallucis", "quadratus_plantae"}
    assert "Regions" in groups and "Ligaments" in groups
