"""The functions users call: ``extract_text`` and ``extract_file``.

Backends are built once per configuration and kept, so a script calling ``extract_file`` in a loop loads
the embedded model once.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

from diplo_extract.backends import BackendConfig, create_backend, resolve_config
from diplo_extract.extractor import ExtractOptions, Extractor
from diplo_extract.reader import ArticleSource, article_from_text, read_article
from diplo_extract.schema import ArticleExtraction

_extractors: dict[tuple[object, ...], Extractor] = {}
_extractors_lock = threading.Lock()


def _config_key(config: BackendConfig) -> tuple[object, ...]:
    extras = tuple(sorted((k, repr(v)) for k, v in config.extra_body.items()))
    return (config.backend, config.model, config.base_url, config.api_key, extras, config.server_flavor)


def get_extractor(backend: str | None = None, *, model: str | None = None, base_url: str | None = None,
                  api_key: str | None = None, options: ExtractOptions | None = None) -> Extractor:
    """An extractor for the selected backend; the backend is shared by every call with the same settings."""
    config = resolve_config(backend, model=model, base_url=base_url, api_key=api_key)
    key = _config_key(config)
    with _extractors_lock:
        shared = _extractors.get(key)
        if shared is None:
            shared = Extractor(create_backend(config.backend, model=config.model, base_url=config.base_url,
                                              api_key=config.api_key, extra_body=config.extra_body,
                                              server_flavor=config.server_flavor))
            _extractors[key] = shared
    return shared if options is None else Extractor(shared.backend, options)


def extract_source(source: ArticleSource, *, backend: str | None = None, model: str | None = None,
                   base_url: str | None = None, api_key: str | None = None,
                   options: ExtractOptions | None = None) -> ArticleExtraction:
    """Extract from an already-read article (see :mod:`diplo_extract.reader`)."""
    extractor = get_extractor(backend, model=model, base_url=base_url, api_key=api_key, options=options)
    return extractor.extract(source)


def extract_text(text: str, *, backend: str | None = None, model: str | None = None,
                 base_url: str | None = None, api_key: str | None = None, published: dt.date | None = None,
                 drop_ungrounded: bool = False, token_budget: int | None = None) -> ArticleExtraction:
    """Extract the meetings an article's text reports.

    Args:
        text: the article, exactly as evidence offsets should refer to it.
        backend: "embedded" (default) or "openai"; else ``DIPLO_EXTRACT_BACKEND``.
        model: model name for the openai backend; else ``DIPLO_EXTRACT_MODEL``.
        base_url: OpenAI-compatible endpoint; else ``OPENAI_BASE_URL``.
        api_key: else ``OPENAI_API_KEY``.
        published: publication date from metadata, to resolve relative dates when the text has none.
        drop_ungrounded: drop items whose evidence cannot be found in the text (default: keep, flagged).
        token_budget: stop with ``TokenBudgetExceededError`` when the article costs more tokens.

    Returns:
        An ``ArticleExtraction`` valid against the published JSON Schema.

    Raises:
        EmptyInputError, InputTooLargeError, ConfigurationError, BackendUnavailableError, ModelFileError,
        TransportError, AuthenticationError, ModelOutputError, TokenBudgetExceededError.
    """
    options = ExtractOptions(published=published, drop_ungrounded=drop_ungrounded, token_budget=token_budget)
    return extract_source(article_from_text(text), backend=backend, model=model, base_url=base_url,
                          api_key=api_key, options=options)


def extract_file(path: str | os.PathLike[str], *, backend: str | None = None, model: str | None = None,
                 base_url: str | None = None, api_key: str | None = None, published: dt.date | None = None,
                 drop_ungrounded: bool = False, token_budget: int | None = None) -> ArticleExtraction:
    """Read an article file (.txt, .html or .json) and extract its meetings; see :func:`extract_text`.

    Raises:
        InputFileError: the file is missing, a directory, empty, binary, undecodable or too large;
        and everything :func:`extract_text` raises.
    """
    source = read_article(Path(path))
    options = ExtractOptions(published=published, drop_ungrounded=drop_ungrounded, token_budget=token_budget)
    return extract_source(source, backend=backend, model=model, base_url=base_url, api_key=api_key,
                          options=options)
