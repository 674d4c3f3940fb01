"""Shared test configuration: cassette settings, the fake backend, paths to the example articles."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
DEV_SET = ROOT / "eval" / "dev"

# Headers that could carry credentials or identify an account; none may reach a cassette.
SECRET_HEADERS = ("authorization", "api-key", "x-api-key", "cookie", "set-cookie", "openai-organization",
                  "openai-project")


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS or name.lower().startswith("x-"):
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [*SECRET_HEADERS, "x-stainless-arch", "x-stainless-os", "x-stainless-runtime-version",
                           "x-stainless-package-version", "x-stainless-lang", "x-stainless-runtime",
                           "x-stainless-async", "x-stainless-retry-count", "x-stainless-read-timeout",
                           "user-agent"],
        "before_record_response": _scrub_response,
        # Matching on the body means a prompt or schema change can never replay an answer to another question:
        # the cassette must be re-recorded (see README, "Re-recording cassettes").
        "match_on": ["method", "scheme", "host", "port", "path", "body"],
        "decode_compressed_response": True,
    }


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the user's result cache; the verified model location is kept."""
    if "DIPLO_EXTRACT_RESULT_CACHE" not in os.environ:
        monkeypatch.setenv("DIPLO_EXTRACT_RESULT_CACHE", str(tmp_path_factory.mktemp("cache") / "results.db"))
