"""How the pack credits BodyParts3D: both licence statements, the citation, what was changed."""

from __future__ import annotations

from calfexplorer.anatomy.download import ARCHIVE

CITATION = (
    "Mitsuhashi N, Fujieda K, Tamura T, Kawamoto S, Takagi T, Okubo K. BodyParts3D: 3D structure "
    "database for anatomical concepts. Nucleic Acids Res. 2009;37(Database issue):D782-D785. "
    "doi:10.1093/nar/gkn613"
)
LICENCE_PAGE = "https://dbarchive.biosciencedbc.jp/en/bodyparts3d/lic.html"
#: As the licence page is quoted since 2025-02-27.
CC_BY_4 = (
    "BodyParts3D, (c) The Database Center for Life Science licensed under CC Attribution 4.0 "
    "International"
)
#: As every OBJ file header of release 4.0 states it (the double space is in the original).
CC_BY_SA_21_JP = (
    "BodyParts3D, (c)  The Database Center for Life Science licensed under CC Attribution-Share "
    "Alike 2.1 Japan"
)
#: The release and file the pack is made from, as the archive names them.
SOURCE = f"BodyParts3D 4.0 (IS-A tree, polygon reduction rate 99 %: {ARCHIVE})"
CHANGES = (
    "Element files of the right lower limb selected and merged per structure, mislabelled "
    "elements left out, each bone group scaled, rotated and moved onto the MyoLeg skeleton "
    "(metres, MyoLeg world frame); vertex normals recomputed."
)
ATTRIBUTION = {
    "title": "BodyParts3D 4.0 (The Database Center for Life Science, Japan)",
    "source": SOURCE,
    "licence_page": LICENCE_PAGE,
    "cc_by_4_0": {"since": "2025-02-27", "text": CC_BY_4,
                  "url": "https://creativecommons.org/licenses/by/4.0/"},
    "cc_by_sa_2_1_jp": {"where": "the header of every OBJ file of release 4.0",
                        "text": CC_BY_SA_21_JP,
                        "url": "https://creativecommons.org/licenses/by-sa/2.1/jp/"},
    "citation": CITATION,
    "changes": CHANGES,
}


def notice_text() -> str:
    """NOTICE.md of the pack."""
    return f"""# BodyParts3D meshes in this folder

These meshes are made from {SOURCE} by The Database Center for Life Science (DBCLS), Japan,
downloaded by the user from {LICENCE_PAGE.rsplit('/en/', 1)[0]}.

Licence, as the licence page ({LICENCE_PAGE}) is quoted since 2025-02-27:
> {CC_BY_4}

Licence, as the header of every file of release 4.0 states it:
> {CC_BY_SA_21_JP}

Cite: {CITATION}.

Changes: {CHANGES}
"""
