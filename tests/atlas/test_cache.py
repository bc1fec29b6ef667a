"""The validated-atlas cache: used when current, rebuilt when stale, ignored when damaged."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from calfexplorer.atlas import cache, load_atlas, loader

from .data_folder import DataFolder, muscle


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / cache.CACHE_NAME


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Counts full validations (the folders validated, in order)."""
    seen: list[Path] = []
    real = loader.validate_folder

    def counting(path=None):  # noqa: ANN001, ANN202 - same signature as the real one
        seen.append(Path(path))
        return real(path)

    monkeypatch.setattr(loader, "validate_folder", counting)
    return seen


def _records(atlas) -> tuple[dict, dict, dict]:  # noqa: ANN001
    return dict(atlas.structures), dict(atlas.joints), dict(atlas.references)


def test_a_clean_folder_is_stored_and_then_served_from_the_cache(
    data: DataFolder, cache_file: Path, validations: list[Path]
) -> None:
    cache_file.parent.mkdir()
    first, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and cache_file.is_file() and len(validations) == 1
    second, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and len(validations) == 1  # no second validation
    assert _records(second) == _records(first)
    assert second.get("soleus").innervation.nerves == ["tibial_nerve"]
    assert [s.id for s in second.attachments_of("soleus")] == [
        s.id for s in first.attachments_of("soleus")
    ]


def test_an_edited_file_makes_the_cache_stale(
    data: DataFolder, cache_file: Path, validations: list[Path]
) -> None:
    cache_file.parent.mkdir()
    cache.load_cached(data.path, cache_file)
    plantaris = muscle(mid="plantaris", name="Plantaris")
    data.write("structures/muscles.yaml", "structures:\n" + plantaris)
    atlas, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and len(validations) == 2
    assert "plantaris" in atlas and "soleus" not in atlas
    cache.load_cached(data.path, cache_file)
    assert len(validations) == 2  # the rebuilt cache serves the edited folder


def test_a_new_file_makes_the_cache_stale(
    data: DataFolder, cache_file: Path, validations: list[Path]
) -> None:
    cache_file.parent.mkdir()
    cache.load_cached(data.path, cache_file)
    data.write("structures/more.yaml", "structures:\n" + muscle(mid="plantaris", name="Plantaris"))
    atlas, _ = cache.load_cached(data.path, cache_file)
    assert len(validations) == 2 and "plantaris" in atlas


def test_malformed_yaml_after_caching_still_gets_the_validators_message(
    data: DataFolder, cache_file: Path
) -> None:
    cache_file.parent.mkdir()
    cache.load_cached(data.path, cache_file)
    stored = cache_file.read_bytes()
    data.write("structures/muscles.yaml", "structures:\n  - id: x\n   kind: bone\n")
    _, problems = cache.load_cached(data.path, cache_file)
    assert [str(p) for p in problems] == [
        "structures/muscles.yaml, line 3: malformed YAML at column 4: while parsing a block "
        "collection: did not find expected '-' indicator"
    ]
    assert cache_file.read_bytes() == stored  # a load with problems is never stored
    _, problems = cache.load_cached(data.path, cache_file)
    assert len(problems) == 1  # and the problem is reported again on the next start


def test_a_folder_with_problems_is_not_stored(data: DataFolder, cache_file: Path) -> None:
    cache_file.parent.mkdir()
    data.write("structures/more.yaml", "structures:\n  - id: bad\n    kind: organ\n")
    _, problems = cache.load_cached(data.path, cache_file)
    assert problems and not cache_file.exists()


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps(("key", "not", "the", "layout")),
        pickle.dumps((b"\0" * 20, [], {}, {})),
    ],
    ids=["empty", "garbage", "wrong-key-and-layout", "wrong-types"],
)
def test_a_corrupt_cache_is_ignored_and_replaced(
    data: DataFolder, cache_file: Path, validations: list[Path], blob: bytes
) -> None:
    cache_file.parent.mkdir()
    cache_file.write_bytes(blob)
    atlas, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and "soleus" in atlas and len(validations) == 1
    cache.load_cached(data.path, cache_file)
    assert len(validations) == 1  # the damaged file was replaced by a good one


def test_a_truncated_cache_is_ignored(
    data: DataFolder, cache_file: Path, validations: list[Path]
) -> None:
    cache_file.parent.mkdir()
    cache.load_cached(data.path, cache_file)
    cache_file.write_bytes(cache_file.read_bytes()[:1000])
    atlas, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and "soleus" in atlas and len(validations) == 2


def test_the_cache_unpickles_no_foreign_classes(
    data: DataFolder, cache_file: Path, tmp_path: Path
) -> None:
    cache_file.parent.mkdir()
    key = cache.cache_key(data.path)
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):  # noqa: ANN204
            return (Path.touch, (marker,))

    cache_file.write_bytes(pickle.dumps((key, {"x": Evil()}, {}, {})))
    atlas, problems = cache.load_cached(data.path, cache_file)
    assert not marker.exists()
    assert problems == [] and "x" not in atlas and "soleus" in atlas


def test_an_unwritable_cache_folder_still_loads(data: DataFolder, tmp_path: Path) -> None:
    atlas, problems = cache.load_cached(data.path, tmp_path / "missing" / cache.CACHE_NAME)
    assert problems == [] and "soleus" in atlas


def test_load_atlas_caches_only_the_apps_own_data_folder(
    data: DataFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALFEXPLORER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(cache.DISABLE_ENV, raising=False)
    load_atlas(data.path)  # some other folder: never cached
    assert not (tmp_path / "cache" / cache.CACHE_NAME).exists()

    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(data.path))
    _, problems = load_atlas()
    assert problems == [] and (tmp_path / "cache" / cache.CACHE_NAME).is_file()
    data.write("structures/broken.yaml", "structures:\n  - id: x\n   kind: bone\n")
    _, problems = load_atlas()
    assert [p.file for p in problems] == ["structures/broken.yaml"]


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.DISABLE_ENV, "1")
    assert cache.default_cache_file() is None
