"""Where the library keeps its files (the assembled model, the result cache)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

CACHE_DIR_ENV = "DIPLO_EXTRACT_CACHE_DIR"
# What turns a cache off in its environment variable (DIPLO_EXTRACT_RESULT_CACHE, DIPLO_EXTRACT_ANSWER_CACHE).
OFF_WORDS = ("0", "off", "false", "no")


def cache_dir() -> Path:
    """The library's cache directory (models, results); ``DIPLO_EXTRACT_CACHE_DIR`` overrides it."""
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override) if override else Path(user_cache_dir("diplo_extract"))
