"""The functions users call: ``extract_text`` and ``extract_file``.

Backends are built once per configuration and kept, so a script calling ``extract_file`` in a loop loads
the embedded model once. Finished records go to the result cache (:mod:`diplo_extract.cache`), so the same
text extracted again with the same settings costs no model call.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from diplo_extract.backends.config import BackendConfig, resolve_config
from diplo_extract.backends.model_store import MODEL_PATH_ENV
from diplo_extract.backends.registry import create_backend
from diplo_extract.cache import cache_key, code_version, open_cache, result_cache_off
from diplo_extract.core.options import ExtractOptions
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.pipeline import prompts
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.text.reader import ArticleSource, article_from_text, read_article

_extractors: dict[tuple[object, ...], Extractor] = {}
_extractors_lock = threading.Lock()


def _config_key(config: BackendConfig) -> tuple[object, ...]:
    extras = tuple(sorted((k, repr(v)) for k, v in config.extra_body.items()))
    return (config.backend, config.model, config.base_url, config.api_key, extras, config.server_flavor,
            config.sequences)


def get_extractor(config: BackendConfig | None = None, options: ExtractOptions | None = None) -> Extractor:
    """An extractor for a resolved backend configuration (default: :func:`resolve_config` of the environment).

    The backend is built once per configuration and shared by every call with the same settings.
    """
    config = config or resolve_config()
    key = _config_key(config)
    with _extractors_lock:
        shared = _extractors.get(key)
        if shared is None:
            shared = Extractor(create_backend(config))
            _extractors[key] = shared
    return shared if options is None else Extractor(shared.backend, options)


def _model_identity(extractor: Extractor) -> str:
    backend = extractor.backend
    # The embedded backend learns DIPLO_EXTRACT_MODEL_PATH's file name only when it loads the model; the
    # cache is consulted before that, so the name is resolved here the same way.
    custom = os.environ.get(MODEL_PATH_ENV) if backend.name == "embedded" else None
    return Path(custom).stem if custom else backend.model


# Options that do not change the record: the token budget decides whether a record is returned at all.
_OPTIONS_NOT_IN_KEY = frozenset({"token_budget"})


def _cache_key(source: ArticleSource, extractor: Extractor) -> str:
    # Every option is in the key unless listed above, so an option added to ExtractOptions is keyed the day
    # it is added; a hand-kept list forgot threat_pass.
    options = extractor.options
    varying = [(f.name, repr(getattr(options, f.name))) for f in dataclasses.fields(options)
               if f.name not in _OPTIONS_NOT_IN_KEY]
    backend = extractor.backend
    # The same model name on two servers can be two models (or two quantisations); the endpoint (credentials
    # already redacted) and the sampling extras sent with every request decide the answers too.
    varying += [("endpoint", backend.endpoint or ""),
                ("extra_body", json.dumps(backend.settings.extra_body, sort_keys=True, default=repr)),
                # A JSON or HTML file's metadata reaches the record but not the text hash.
                ("source_title", repr(source.title)), ("source_published", repr(source.published))]
    return cache_key(source.sha256, backend=backend.name, model=_model_identity(extractor),
                     prompt_version=prompts.prompt_version(), code=code_version(), options=tuple(varying))


def extract_source(source: ArticleSource, *, config: BackendConfig | None = None,
                   options: ExtractOptions | None = None, use_cache: bool = True) -> ArticleExtraction:
    """Extract from an already-read article (see :mod:`diplo_extract.text.reader`) with a resolved backend.

    With ``use_cache`` (the default) a record already extracted from the same text with the same prompt,
    backend, model, schema, library code and options comes from the result cache
    (:mod:`diplo_extract.cache`), marked ``provenance.cached``, without a model call; a fresh record is
    stored there.
    """
    extractor = get_extractor(config, options)
    if not use_cache or result_cache_off():
        return extractor.extract(source)
    cache = open_cache()
    key = _cache_key(source, extractor)
    hit = cache.get(key)
    budget = extractor.options.token_budget
    if hit is not None and (budget is None or hit.provenance.usage.total_tokens <= budget):
        # The same text may come from another file: the record names the one asked about.
        return hit.model_copy(update={"article": hit.article.model_copy(update={"source_path": source.path})})
    record = extractor.extract(source)
    cache.put(key, record)
    return record


def extract_text(text: str, *, backend: str | None = None, model: str | None = None,
                 base_url: str | Sequence[str] | None = None, api_key: str | None = None,
                 published: dt.date | None = None,
                 drop_ungrounded: bool = False, token_budget: int | None = None,
                 use_cache: bool = True) -> ArticleExtraction:
    """Extract the meetings an article's text reports.

    Args:
        text: the article, exactly as evidence offsets should refer to it.
        backend: "embedded" (default) or "openai"; else ``DIPLO_EXTRACT_BACKEND``.
        model: model name for the openai backend; else ``DIPLO_EXTRACT_MODEL``.
        base_url: OpenAI-compatible endpoint (several: a list, or commas); else ``DIPLO_EXTRACT_BASE_URLS``,
            else ``OPENAI_BASE_URL``.
        api_key: else ``OPENAI_API_KEY``.
        published: publication date from metadata, to resolve relative dates when the text has none.
        drop_ungrounded: drop items whose evidence cannot be found in the text (default: keep, flagged).
        token_budget: stop with ``TokenBudgetExceededError`` when the article costs more tokens.
        use_cache: answer from the result cache when this text was extracted with the same settings.

    Returns:
        An ``ArticleExtraction`` valid against the published JSON Schema.

    Raises:
        EmptyInputError, InputTooLargeError, ConfigurationError, BackendUnavailableError, ModelFileError,
        TransportError, AuthenticationError, ModelOutputError, TokenBudgetExceededError.
    """
    options = ExtractOptions(published=published, drop_ungrounded=drop_ungrounded, token_budget=token_budget)
    config = resolve_config(backend, model=model, base_url=base_url, api_key=api_key)
    return extract_source(article_from_text(text), config=config, options=options, use_cache=use_cache)


def extract_file(path: str | os.PathLike[str], *, backend: str | None = None, model: str | None = None,
                 base_url: str | Sequence[str] | None = None, api_key: str | None = None,
                 published: dt.date | None = None,
                 drop_ungrounded: bool = False, token_budget: int | None = None,
                 use_cache: bool = True) -> ArticleExtraction:
    """Read an article file (.txt, .html or .json) and extract its meetings; see :func:`extract_text`.

    Raises:
        InputFileError: the file is missing, a directory, empty, binary, undecodable or too large;
        and everything :func:`extract_text` raises.
    """
    source = read_article(Path(path))
    options = ExtractOptions(published=published, drop_ungrounded=drop_ungrounded, token_budget=token_budget)
    config = resolve_config(backend, model=model, base_url=base_url, api_key=api_key)
    return extract_source(source, config=config, options=options, use_cache=use_cache)
