"""The embedded model file: never loaded unless it verifies."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from diplo_extract.backends import model_store
from diplo_extract.errors import ModelFileError


def test_a_file_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(ModelFileError, match="has 104 bytes, expected 1,117,320,768"):
        model_store.verify(fake)


def test_a_file_of_the_right_size_but_wrong_bytes_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"x" * 64)
    monkeypatch.setattr(model_store, "MODEL_SIZE", 64)
    with pytest.raises(ModelFileError, match="fails its checksum"):
        model_store.verify(fake)
    assert not (tmp_path / "model.gguf.verified.json").exists()


def test_a_verified_stamp_is_written_only_for_the_right_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = b"the official bytes"
    fake = tmp_path / "model.gguf"
    fake.write_bytes(content)
    monkeypatch.setattr(model_store, "MODEL_SIZE", len(content))
    monkeypatch.setattr(model_store, "MODEL_SHA256", hashlib.sha256(content).hexdigest())
    model_store.verify(fake)
    assert model_store._stamp_matches(fake)
    fake.write_bytes(b"tampered bytes!!!!")  # same size, new mtime: the stamp no longer vouches for it
    assert not model_store._stamp_matches(fake)


def test_missing_chunk_packages_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_store, "_chunk_file", lambda index: None)
    with pytest.raises(ModelFileError, match="part1, part2"):
        model_store.assemble(tmp_path / "m.gguf")
    assert not (tmp_path / "m.gguf").exists()


def test_assembly_that_does_not_verify_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = []
    for index in range(1, model_store.CHUNK_COUNT + 1):
        chunk = tmp_path / f"part{index:02d}.bin"
        chunk.write_bytes(bytes([index]) * 10)
        chunks.append(chunk)
    monkeypatch.setattr(model_store, "_chunk_file", lambda index: chunks[index - 1])
    with pytest.raises(ModelFileError, match="does not verify"):
        model_store.assemble(tmp_path / "m.gguf")
    assert not (tmp_path / "m.gguf").exists()
    assert not (tmp_path / "m.gguf.partial").exists()


def test_model_path_override_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIPLO_EXTRACT_MODEL_PATH", str(tmp_path / "nope.gguf"))
    with pytest.raises(ModelFileError, match="does not name an existing file"):
        model_store.resolve_model_path()
