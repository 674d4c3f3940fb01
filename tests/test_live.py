"""The embedded model for real, in process: run by .ci/run (the model is local), skipped without it."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

from diplo_extract.backends.model_store import model_info
from diplo_extract.core.schema import ArticleExtraction

pytestmark = pytest.mark.live


def _embedded_available() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    info = model_info()
    return info.exists and info.verified


@pytest.mark.skipif(not _embedded_available(), reason="needs the local extra and `diplo-extract model install`")
def test_extract_file_with_the_embedded_model() -> None:
    from diplo_extract import extract_file

    path = EXAMPLES / "002_2dc1c5029a882417.txt"
    record = extract_file(path, backend="embedded")
    text = path.read_text(encoding="utf-8")
    again = ArticleExtraction.model_validate_json(record.model_dump_json())
    assert again.provenance.backend == "embedded"
    assert again.provenance.usage.completion_tokens > 0
    names = [p.name for m in record.meetings for p in m.participants if p.name]
    assert names, record.model_dump_json(indent=2)
    assert any(name in text for name in names)
