"""Attachment landmarks are names from their bone's ``landmarks`` list."""

from __future__ import annotations

from calfexplorer.atlas import Atlas
from calfexplorer.atlas.models import Bone, Muscle, Tendon

from .data_folder import BASE, DataFolder, muscle

F = "structures/muscles.yaml"
WITH_LANDMARKS = BASE.replace(
    "    description: The shin bone.\n",
    "    description: The shin bone.\n    landmarks: [soleal line, medial border of tibia]\n",
).replace(
    "    description: The heel bone.\n",
    "    description: The heel bone.\n    landmarks: [calcaneal tuberosity]\n",
)


def test_listed_landmarks_raise_no_problem(data: DataFolder) -> None:
    data.write("structures/base.yaml", WITH_LANDMARKS)
    atlas, problems = data.load()
    assert problems == []
    assert atlas.get("tibia").landmarks == ["soleal line", "medial border of tibia"]


def test_unlisted_landmark_is_reported_with_file_entry_and_field(data: DataFolder) -> None:
    data.write("structures/base.yaml", WITH_LANDMARKS)
    data.write(
        F, "structures:\n" + muscle().replace("landmark: soleal line", "landmark: soleal lines")
    )
    atlas, problems = data.load()
    assert [str(p) for p in problems] == [
        f"{F}, line 12: entry 'soleus', field 'origins[0].landmark': landmark 'soleal lines' "
        "is not in the landmarks of bone 'tibia' (did you mean 'soleal line'?)"
    ]
    assert (problems[0].file, problems[0].entry, problems[0].field) == (
        F,
        "soleus",
        "origins[0].landmark",
    )
    # The attachment is kept: the place is still known, only its name is off the list.
    assert [a.landmark for a in atlas.get("soleus").origins] == ["soleal lines"]


def test_landmark_matching_is_exact(data: DataFolder) -> None:
    data.write("structures/base.yaml", WITH_LANDMARKS)
    data.write(
        F,
        "structures:\n"
        + muscle().replace("landmark: calcaneal tuberosity", "landmark: Calcaneal tuberosity"),
    )
    assert data.messages() == [
        f"{F}, line 18: entry 'soleus', field 'insertions[0].landmark': landmark "
        "'Calcaneal tuberosity' is not in the landmarks of bone 'calcaneus' "
        "(did you mean 'calcaneal tuberosity'?)"
    ]


def test_a_bone_without_a_landmark_list_is_not_checked(data: DataFolder) -> None:
    assert data.load()[1] == []


def test_real_bones_list_every_landmark_once_and_short(atlas: Atlas) -> None:
    bones = [s for s in atlas.structures.values() if isinstance(s, Bone)]
    assert bones
    for bone in bones:
        assert bone.landmarks, bone.id
        folded = [n.casefold() for n in bone.landmarks]
        assert len(set(folded)) == len(folded), bone.id
        assert [n for n in bone.landmarks if len(n) >= 45] == [], bone.id


def test_real_attachments_use_their_bones_landmarks(atlas: Atlas) -> None:
    missing = []
    for s in atlas.structures.values():
        attachments = []
        if isinstance(s, Muscle):
            attachments = [*s.origins, *s.insertions]
        elif isinstance(s, Tendon):
            attachments = [s.insertion]
        for a in attachments:
            if a.landmark not in atlas[a.bone].landmarks:
                missing.append((s.id, a.site, a.landmark))
    assert missing == []
