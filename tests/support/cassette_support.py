"""Replaying (or recording) extractions of the example articles through vcrpy cassettes.

Cassettes hold real answers of Qwen2.5-Coder-1.5B-Instruct Q4_K_M served by ``python -m llama_cpp.server``
on loopback; ``tests/record_cassettes.sh`` re-records them. In replay mode no server is needed and a
request that is not in the cassette fails the test instead of reaching the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import vcr

from diplo_extract.backends.base import GenerationSettings
from diplo_extract.backends.embedded import LLAMA_CPP_EXTRAS
from diplo_extract.backends.openai_compat import OpenAICompatibleBackend
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.text.reader import ArticleSource, article_from_text, read_article

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
RECORDING_BASE_URL = "http://127.0.0.1:8765/v1"
RECORDING_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"


def cassette_backend() -> OpenAICompatibleBackend:
    """The backend cassettes were recorded with: llama.cpp's server, same sampling as the embedded one."""
    return OpenAICompatibleBackend(model=RECORDING_MODEL, base_url=RECORDING_BASE_URL,
                                   settings=GenerationSettings(extra_body=dict(LLAMA_CPP_EXTRAS)),
                                   server_flavor="llama_cpp")


def extract_with_cassette(article: Path, cassette: Path, vcr_config: dict[str, Any],
                          record_mode: str) -> ArticleExtraction:
    """Extract one article file, replaying (or recording) its HTTP exchanges from ``cassette``."""
    return _extract(read_article(article), cassette, vcr_config, record_mode)


def extract_text_with_cassette(text: str, cassette: Path, vcr_config: dict[str, Any],
                               record_mode: str) -> ArticleExtraction:
    """Extract an article's text, replaying (or recording) its HTTP exchanges from ``cassette``."""
    return _extract(article_from_text(text), cassette, vcr_config, record_mode)


def _extract(source: ArticleSource, cassette: Path, vcr_config: dict[str, Any],
             record_mode: str) -> ArticleExtraction:
    if record_mode == "rewrite":  # pytest-recording's mode: drop the old cassette, record everything anew
        cassette.unlink(missing_ok=True)
        record_mode = "all"
    recorder = vcr.VCR(record_mode=record_mode, **vcr_config)
    backend = cassette_backend()
    try:
        with recorder.use_cassette(str(cassette)):
            return Extractor(backend).extract(source)
    finally:
        backend.close()
