"""Every error diplo_extract raises on purpose.

User mistakes (bad input, bad configuration) derive from :class:`UserInputError`; failures while running
(endpoint down, model output unusable) derive from :class:`ExtractionRuntimeError`. Both share the root
:class:`DiploExtractError`, so ``except DiploExtractError`` catches everything the library means to raise.
This module imports nothing from the backends, so the schema layer can use it freely.

Every message is made safe once, here, when the error is built (:func:`safe_message`): one line (control
characters and newlines escaped), at most :data:`MAX_MESSAGE_CHARS` characters, and no credential (URL
user-info, bearer tokens, ``sk-`` keys, key-like header and query values, and every secret handed to
:func:`register_secret`). Server text ends up in messages (error pages, echoed headers), so whatever prints
or stores ``str(error)`` (the CLI, batch failure lines) prints nothing a terminal or a reader should not see.
"""

from __future__ import annotations

import re
import threading
import urllib.parse

#: Longest message an error carries; server bodies get a smaller share (:data:`MAX_SERVER_CHARS`).
MAX_MESSAGE_CHARS = 1000
MAX_SERVER_CHARS = 300
REDACTED = "***"

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
# Shorter values would redact ordinary words ("key", "1234"); real keys and passwords are longer.
_MIN_SECRET_CHARS = 6
_SECRET_PATTERNS = (
    # user:password@ (or token@) in any URL
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"<>]+@"), r"\1" + REDACTED + "@"),
    # Authorization: Bearer/Basic <token>, anywhere (a proxy echoing request headers)
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{4,}"), r"\1\2" + REDACTED),
    # OpenAI-style keys
    (re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"), "sk-" + REDACTED),
    # api-key: x, "api_key": "x", ?key=x, token=x, password=x, secret=x ...
    (re.compile(r"(?i)(\b(?:api[-_]?key|x-api-key|access[-_]?token|token|password|passwd|secret|"
                r"authorization|sig|signature|key)\b[\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;}<>]{3,})"),
     r"\1" + REDACTED),
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def register_secret(value: str | None) -> None:
    """Remember a credential (an API key, a URL password) so no message ever shows it."""
    if value and len(value) >= _MIN_SECRET_CHARS:
        with _secrets_lock:
            _secrets.add(value)
            quoted = urllib.parse.quote(value, safe="")
            if quoted != value:
                _secrets.add(quoted)


def redact(text: str) -> str:
    """``text`` with credentials replaced by ``***``: registered secrets first, then known shapes."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_url(url: str) -> str:
    """A URL fit to print or store: user-info and key-like query values replaced by ``***``."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return redact(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = REDACTED + "@" + netloc.rsplit("@", 1)[1]
    # Key-like query values (?api-key=, &sig=) go through redact()'s patterns.
    return redact(urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)))


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS, *, total: int | None = None) -> str:
    """``text`` on one line (newlines, control and line-separator characters escaped), cut at ``limit``.

    ``total`` is the length of the text ``text`` was cut from, when the caller cut it already.
    """
    total = len(text) if total is None else total
    # Escaping a 10 MB error page only to cut it is wasted work: cut first, generously.
    flat = _CONTROL.sub(lambda m: "\\n" if m.group() == "\n" else ascii(m.group())[1:-1], text[:4 * limit])
    if len(flat) <= limit and total <= 4 * limit:
        return flat
    return flat[:limit] + f"... [{total:,} characters in all, cut]"


def safe_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """What every error message is made into: credentials redacted, one line, at most ``limit`` characters."""
    # Redacted before the final cut, so half a secret at the cut cannot show; the rest is never shown.
    return one_line(redact(text[:4 * limit]), limit, total=len(text))


def server_text(text: object, limit: int = MAX_SERVER_CHARS) -> str:
    """A server's words (an error body, an exception's text) as an error message may quote them."""
    return safe_message(str(text), limit)


def describe(exc: BaseException) -> str:
    """One safe line for any exception: the library's own message, else its type and text."""
    if isinstance(exc, DiploExtractError):
        return exc.message
    return safe_message(f"{type(exc).__name__}: {exc}" if str(exc) else repr(exc))


class DiploExtractError(Exception):
    """Root of every error the library raises deliberately.

    Attributes:
        original: the lower-level exception that caused this one, if any.
        backend: the backend name ("embedded", "openai", ...) involved, if any.
    """

    def __init__(self, message: str, *, original: BaseException | None = None, backend: str | None = None):
        message = safe_message(message)
        super().__init__(message)
        self.message = message
        self.original = original
        self.backend = backend

    def __str__(self) -> str:
        return self.message


# --- user mistakes ---------------------------------------------------------------------------------------


class UserInputError(DiploExtractError):
    """The caller gave something the library cannot work with."""


class InputFileError(UserInputError):
    """An input file is missing, a directory, empty, binary, undecodable or too large.

    Attributes:
        path: the offending path, as given.
        reason: a short machine-readable reason ("missing", "directory", "not_regular", "empty", "binary",
            "undecodable", "too_large", "unreadable").
    """

    def __init__(self, message: str, *, path: str, reason: str, original: BaseException | None = None):
        super().__init__(message, original=original)
        self.path = path
        self.reason = reason


class EmptyInputError(UserInputError):
    """The article text is empty or only whitespace."""


class InputTooLargeError(UserInputError):
    """The article text exceeds the configured size limit."""


class ConfigurationError(UserInputError):
    """Backend, model or option settings are invalid or inconsistent."""


class PromptError(ConfigurationError):
    """A prompt file is missing, malformed or references an unknown variable."""


class OutputValidationError(UserInputError):
    """A record given to ``validate`` does not match the published schema."""


# --- runtime failures -------------------------------------------------------------------------------------


class ExtractionRuntimeError(DiploExtractError):
    """Something failed while extracting, not because of the caller's input."""


class OutputWriteError(ExtractionRuntimeError):
    """An output file cannot be written (read-only folder, disk full, not a regular file).

    Attributes:
        path: the output path, as given.
    """

    def __init__(self, message: str, *, path: str, original: BaseException | None = None):
        super().__init__(message, original=original)
        self.path = path


class ModelFileError(ExtractionRuntimeError):
    """The embedded model file is missing, incomplete or fails its checksum."""


class BackendUnavailableError(ExtractionRuntimeError):
    """A backend's dependency is not installed, or its endpoint cannot be reached."""


class AuthenticationError(ExtractionRuntimeError):
    """The endpoint rejected the API key (HTTP 401/403)."""


class TransportError(ExtractionRuntimeError):
    """Transport retries were exhausted (timeouts, connection errors, 429, 5xx).

    Attributes:
        attempts: how many requests were made before giving up.
    """

    def __init__(self, message: str, *, attempts: int, original: BaseException | None = None,
                 backend: str | None = None):
        super().__init__(message, original=original, backend=backend)
        self.attempts = attempts


class ModelOutputError(ExtractionRuntimeError):
    """The model's answers never validated, within the allowed re-asks.

    Attributes:
        attempts: how many completions were requested for this step.
        last_output: the last raw completion text, for debugging.
        prompt_tokens / completion_tokens: tokens spent on all attempts.
    """

    def __init__(self, message: str, *, attempts: int, last_output: str | None,
                 prompt_tokens: int = 0, completion_tokens: int = 0,
                 original: BaseException | None = None, backend: str | None = None):
        super().__init__(message, original=original, backend=backend)
        self.attempts = attempts
        self.last_output = last_output
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens


class TokenBudgetExceededError(ModelOutputError):
    """The article used more tokens than the ``token_budget`` option allows."""


__all__ = [
    "BATCH_FATAL",
    "MAX_MESSAGE_CHARS",
    "AuthenticationError",
    "BackendUnavailableError",
    "ConfigurationError",
    "DiploExtractError",
    "EmptyInputError",
    "ExtractionRuntimeError",
    "InputFileError",
    "InputTooLargeError",
    "ModelFileError",
    "ModelOutputError",
    "OutputValidationError",
    "OutputWriteError",
    "PromptError",
    "TokenBudgetExceededError",
    "TransportError",
    "UserInputError",
    "describe",
    "one_line",
    "redact",
    "redact_url",
    "register_secret",
    "safe_message",
    "server_text",
]


# Failures that are no article's fault and would fail every article of a batch: a batch stops on them.
BATCH_FATAL: tuple[type[DiploExtractError], ...] = (ConfigurationError, BackendUnavailableError, ModelFileError,
                                                    AuthenticationError)
