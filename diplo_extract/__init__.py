"""diplo_extract: validated, grounded records of diplomatic and security meetings from news articles."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from diplo_extract.errors import DiploExtractError
from diplo_extract.schema import Agreement, ArticleExtraction, Meeting, Participant, Span, Threat

try:
    __version__ = version("diplo-extract")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from diplo_extract.api import extract_file, extract_text
    from diplo_extract.batch import extract_files


def __getattr__(name: str) -> Any:
    # The extraction API pulls in the pipeline (dateparser, rapidfuzz, openai); importing the package for
    # its schema alone should not pay for that.
    if name in ("extract_file", "extract_text"):
        from diplo_extract import api

        return getattr(api, name)
    if name == "extract_files":
        from diplo_extract.batch import extract_files

        return extract_files
    raise AttributeError(f"module 'diplo_extract' has no attribute {name!r}")


__all__ = [
    "Agreement",
    "ArticleExtraction",
    "DiploExtractError",
    "Meeting",
    "Participant",
    "Span",
    "Threat",
    "__version__",
    "extract_file",
    "extract_files",
    "extract_text",
]
