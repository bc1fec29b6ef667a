"""The scene's catalog reads the atlas: kinds, layers, names and attachment sites are the atlas's
own answers, so the scene, the tree and the info panel never disagree about a structure."""

from __future__ import annotations

from calfexplorer.atlas import Atlas
from calfexplorer.scene.catalog import build_catalog


def test_the_catalog_gives_the_atlas_layers_names_and_sites(atlas: Atlas) -> None:
    sites = [s.id for s in atlas.attachments()]
    catalog = build_catalog(atlas, sites)
    for s in atlas:
        info = catalog[s.id]
        assert (info.kind, info.layer, info.name, info.parent) == (
            s.kind,
            atlas.layer_of(s.id),
            s.name,
            s.parent,
        )
    for sid in sites:
        info, site = catalog[sid], atlas.attachment(sid)
        assert info.name == atlas.name_of(sid)
        assert (info.owner, info.bone, info.layer) == (site.muscle, site.bone, "attachments")
        assert info.kind == f"{site.role}_site"
        # (a surface in brackets on the toes reads "..., plantar side")
        assert site.attachment.landmark.split(" (")[0] in info.place
        assert ") (" not in info.place, info.place  # ("... (plantar) (phalanges of the foot)")
        assert "), phalanges" not in info.place, info.place


def test_a_mesh_the_atlas_does_not_know_is_drawn_as_its_asset_file_says() -> None:
    catalog = build_catalog(None, ["os_trigonum", "mystery"], {"os_trigonum": "bone"})
    assert catalog["os_trigonum"].kind == "bone"
    assert catalog["mystery"].kind == "other"
