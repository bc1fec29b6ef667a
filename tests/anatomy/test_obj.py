"""Reading BodyParts3D OBJ element files: a file that is not a mesh is named, never half-read."""

from __future__ import annotations

import pytest

from calfexplorer.anatomy.obj import parse_obj

GOOD = b"v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1//1 2//2 3//3\nf 1 3 4\n"


def test_a_good_file_reads() -> None:
    verts, faces = parse_obj(GOOD, "FJ1.obj")
    assert verts.shape == (4, 3) and faces.tolist() == [[0, 1, 2], [0, 2, 3]]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (GOOD.replace(b"v 1 0 0", b"v nan nan nan"), "FJ1.obj: vertex 2 is not three finite"),
        (GOOD.replace(b"v 0 1 0", b"v inf 1 0"), "FJ1.obj: vertex 3 is not three finite"),
        (GOOD.replace(b"v 0 0 1", b"v 0 0 x"), "FJ1.obj: a vertex line is not three numbers"),
        (b"v 0 0 0\n", "FJ1.obj holds no triangles"),
        (GOOD.replace(b"f 1 3 4", b"f 1 3 9"), "FJ1.obj: a face refers to a vertex"),
        # a vertex line of two numbers was skipped unsaid: every later face shifted
        (GOOD.replace(b"v 1 0 0", b"v 1 0"), "FJ1.obj: line 2: a vertex line is not three"),
        (b"v\n" + GOOD, "FJ1.obj: line 1: a vertex line is not three"),  # (a bare "v" too)
    ],
)
def test_a_file_that_is_not_a_mesh_is_named(data: bytes, said: str) -> None:
    """One "v nan nan nan" line dropped the whole soleus from the pack as "outside the limb",
    and the build reported success."""
    with pytest.raises(ValueError, match=said):
        parse_obj(data, "FJ1.obj")


def test_relative_face_numbers_count_back_from_the_vertices_read_so_far() -> None:
    """'f -3 -2 -1' after the second triangle's vertices read the first triangle's: -1 was
    counted from the end of the file."""
    data = b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf -3 -2 -1\nv 9 0 0\nv 9 1 0\nv 9 0 1\nf -3 -2 -1\n"
    assert parse_obj(data)[1].tolist() == [[0, 1, 2], [3, 4, 5]]
