"""diplo_extract: validated, grounded records of diplomatic and security meetings from news articles."""

from __future__ import annotations

from diplo_extract.api import extract_file, extract_text
from diplo_extract.core.schema import Agreement, ArticleExtraction, Meeting, Participant, Span, Threat
from diplo_extract.core.version import __version__
from diplo_extract.errors import DiploExtractError
from diplo_extract.runs.batch import extract_files

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
