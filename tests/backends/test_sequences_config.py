"""How many articles the embedded model decodes together: chosen by argument, environment or batch's -j."""

from __future__ import annotations

import pytest

from diplo_extract.backends.config import resolve_config
from diplo_extract.backends.embedded import EmbeddedBackend, context_tokens
from diplo_extract.backends.registry import create_backend
from diplo_extract.errors import ConfigurationError


def test_sequences_come_from_the_argument_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIPLO_EXTRACT_SEQUENCES", raising=False)
    assert resolve_config("embedded").sequences is None
    assert resolve_config("embedded", sequences=3).sequences == 3
    monkeypatch.setenv("DIPLO_EXTRACT_SEQUENCES", "2")
    config = resolve_config("embedded")
    assert config.sequences == 2
    backend = create_backend(config)
    assert isinstance(backend, EmbeddedBackend) and backend.sequences == 2  # nothing loaded yet
    monkeypatch.setenv("DIPLO_EXTRACT_SEQUENCES", "many")
    with pytest.raises(ConfigurationError, match="DIPLO_EXTRACT_SEQUENCES"):
        resolve_config("embedded")


def test_the_shared_context_grows_with_the_sequences_and_is_bounded() -> None:
    assert context_tokens(1) == 8192
    assert context_tokens(4) > context_tokens(2) > context_tokens(1)
    with pytest.raises(ConfigurationError, match="between 1 and 8"):
        EmbeddedBackend(sequences=9)
    with pytest.raises(ConfigurationError):
        EmbeddedBackend(sequences=0)
