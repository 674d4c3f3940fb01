"""The embedded model for real, in process: run by .ci/run (the model is local), skipped without it."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES
from support.embedded_model import needs_embedded_model

from diplo_extract.core.schema import ArticleExtraction

pytestmark = pytest.mark.live


@needs_embedded_model
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
