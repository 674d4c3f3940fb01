"""The result cache key: every option that changes the record, the server, the file's metadata (issue 14)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from support.fake_backend import QueuedBackend

from diplo_extract import api
from diplo_extract.core.options import ExtractOptions
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.text.reader import article_from_text

SOURCE = article_from_text("Minister A met Minister B in Astana on Monday.")


def _key(options: ExtractOptions | None = None, *, endpoint: str | None = None, source: Any = SOURCE) -> str:
    backend = QueuedBackend()
    backend.endpoint = endpoint
    return api._cache_key(source, Extractor(backend, options))


def _changed(field: dataclasses.Field[Any]) -> Any:
    value = getattr(ExtractOptions(), field.name)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if field.name == "published":
        return dt.date(2024, 3, 1)
    return 1000  # token_budget and other optional numbers


@pytest.mark.parametrize("field", dataclasses.fields(ExtractOptions), ids=lambda f: f.name)
def test_every_option_but_the_token_budget_is_in_the_key(field: dataclasses.Field[Any]) -> None:
    changed = _key(ExtractOptions(**{field.name: _changed(field)}))
    if field.name in api._OPTIONS_NOT_IN_KEY:
        assert changed == _key()
    else:
        assert changed != _key(), f"{field.name} changes the record but not the cache key"


def test_threat_pass_is_in_the_key() -> None:
    assert _key(ExtractOptions(threat_pass=True)) != _key(ExtractOptions())


def test_the_endpoint_is_in_the_key() -> None:
    assert _key(endpoint="http://a:8080/v1") != _key(endpoint="http://b:8080/v1")


def test_file_metadata_is_in_the_key() -> None:
    titled = dataclasses.replace(SOURCE, title="A headline", published="2024-03-01")
    assert _key(source=titled) != _key()
