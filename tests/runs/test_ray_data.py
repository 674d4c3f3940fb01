"""Ray Data extraction on a real local Ray (2 CPUs, two actors) against the fault server's recorded answers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.fault_server import EXAMPLE_DIR, FaultServer, cassettes_or_skip, use_fast_openai

from diplo_extract.api import extract_file
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import ConfigurationError
from diplo_extract.outputs.record_check import record_problems

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' (CI installs it)")
pa = pytest.importorskip("pyarrow", reason="pyarrow comes with ray[data]: pip install -e '.[ray]'")

from diplo_extract.backends.config import resolve_config  # noqa: E402
from diplo_extract.runs.ray_data import ArticleBatchExtractor, extract_dataset  # noqa: E402

OPENAI: dict[str, Any] = {"backend": "openai", "model": "fault-server"}


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    cassettes = cassettes_or_skip()
    # The actors read DIPLO_EXTRACT_* from the driver (runtime_env); the recordings are llama.cpp-flavoured.
    monkeypatch.setenv("DIPLO_EXTRACT_SERVER_FLAVOR", "llama_cpp")
    with FaultServer(cassettes) as running:
        yield running


def _inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    paths = {}
    for article in sorted(EXAMPLE_DIR.glob("*.txt")):
        paths[article.stem] = folder / article.name
        paths[article.stem].write_bytes(article.read_bytes())
    paths["empty"] = folder / "empty.txt"
    paths["empty"].write_bytes(b"")
    paths["binary"] = folder / "binary.txt"
    paths["binary"].write_bytes(bytes(range(256)) * 8)
    return paths


def test_two_actors_one_row_out_per_row_in_bad_rows_carry_errors(
        local_ray: None, server: FaultServer, tmp_path: Path) -> None:
    paths = _inputs(tmp_path / "in")
    ds = ray.data.read_binary_files(str(tmp_path / "in"), include_paths=True)
    started = time.perf_counter()
    rows = extract_dataset(ds, text_column="bytes", id_column="path", base_url=server.url, concurrency=2,
                           batch_size=2, **OPENAI).take_all()
    seconds = time.perf_counter() - started
    assert len(rows) == len(paths) == 7
    by_name = {Path(row["path"]).stem: row for row in rows}
    assert set(by_name) == {Path(p).stem for p in paths.values()}  # each input once, none added
    for stem in (p.stem for p in EXAMPLE_DIR.glob("*.txt")):
        row = by_name[stem]
        assert row["error"] is None, row["error"]
        record = ArticleExtraction.model_validate_json(row["record"])
        assert record_problems(record, paths[stem].read_text(encoding="utf-8")) == []
        assert record.provenance.endpoint == server.url and not record.provenance.cached
        assert record.article.source_path is not None and record.article.source_path.endswith(f"{stem}.txt")
        assert row["bytes"] == paths[stem].read_bytes()  # the input columns come through
    assert by_name["empty"]["record"] is None and by_name["empty"]["error"].startswith("EmptyInputError: ")
    assert by_name["binary"]["record"] is None and by_name["binary"]["error"].startswith("InputFileError: ")
    assert server.stats()["unmatched"] == 0
    print(f"\nray: {len(paths)} rows in, {len(rows)} out, 2 errors, {seconds:.1f} s, 2 actors")


def test_records_match_extract_file_and_come_from_the_cache_the_second_time(
        local_ray: None, server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = sorted(EXAMPLE_DIR.glob("*.txt"))[:2]
    items = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in articles]
    ds = ray.data.from_items(items)
    first = extract_dataset(ds, id_column="id", base_url=server.url, concurrency=1, **OPENAI).take_all()
    asked = server.requests
    again = extract_dataset(ds, id_column="id", base_url=server.url, concurrency=1, **OPENAI).take_all()
    assert server.requests == asked  # every record came from the shared result cache
    use_fast_openai(monkeypatch)
    for path in articles:
        direct = extract_file(path, base_url=server.url, use_cache=False, **OPENAI)
        row = next(r for r in first if r["id"] == path.stem)
        cached = next(r for r in again if r["id"] == path.stem)
        assert ArticleExtraction.model_validate_json(row["record"]).meetings == direct.meetings
        assert ArticleExtraction.model_validate_json(cached["record"]).provenance.cached


def test_the_batch_callable_without_ray_keeps_columns_and_types(server: FaultServer) -> None:
    table = pa.table({"text": ["", "x\x00y", (EXAMPLE_DIR / "000_e11c53e7fe71c602.txt").read_text()],
                      "n": [1, 2, 3], "record": ["stale", "stale", "stale"]})
    extractor = ArticleBatchExtractor(text_column="text", id_column=None,
                                      config=resolve_config(base_url=server.url, **OPENAI), use_cache=False,
                                      threads=3)
    out = extractor(table)
    assert out.column_names == ["text", "n", "record", "error"]
    assert out.schema.field("record").type == pa.string() and out.schema.field("error").type == pa.string()
    records, errors = out.column("record").to_pylist(), out.column("error").to_pylist()
    assert records[:2] == [None, None] and errors[0].startswith("EmptyInputError")
    assert errors[1].startswith("InputFileError") and "NUL" in errors[1]
    assert errors[2] is None and json.loads(records[2])["meetings"]


def test_bad_configuration_fails_before_any_actor_starts() -> None:
    ds: Any = object()  # never reached: the settings are checked first
    with pytest.raises(ConfigurationError):
        extract_dataset(ds, backend="no-such-backend")
