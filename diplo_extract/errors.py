"""Every error diplo_extract raises on purpose.

User mistakes (bad input, bad configuration) derive from :class:`UserInputError`; failures while running
(endpoint down, model output unusable) derive from :class:`ExtractionRuntimeError`. Both share the root
:class:`DiploExtractError`, so ``except DiploExtractError`` catches everything the library means to raise.
This module imports nothing from the backends, so the schema layer can use it freely.
"""

from __future__ import annotations


class DiploExtractError(Exception):
    """Root of every error the library raises deliberately.

    Attributes:
        original: the lower-level exception that caused this one, if any.
        backend: the backend name ("embedded", "openai", ...) involved, if any.
    """

    def __init__(self, message: str, *, original: BaseException | None = None, backend: str | None = None):
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
        reason: a short machine-readable reason ("missing", "directory", "empty", "binary",
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
    "PromptError",
    "TokenBudgetExceededError",
    "TransportError",
    "UserInputError",
]


# Failures that are no article's fault and would fail every article of a batch: a batch stops on them.
BATCH_FATAL: tuple[type[DiploExtractError], ...] = (ConfigurationError, BackendUnavailableError, ModelFileError,
                                                    AuthenticationError)
