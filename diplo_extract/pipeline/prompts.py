"""Loading the prompt files of ``prompts/`` strictly, and the prompt version they define.

The files ship inside the wheel as ``diplo_extract/prompts``; in a source checkout they are read from the
repository's top-level ``prompts/``. A prompt's content hash, together with the LLM-facing schema, is the
prompt version recorded in every result, so a cached result is never reused across prompt changes.
"""

from __future__ import annotations

import hashlib
import json
import string
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from diplo_extract.errors import PromptError
from diplo_extract.pipeline.passes import ARTICLE_PROMPT, PASSES


class PromptTemplate(BaseModel):
    """One prompt file: a system message and a user template with declared variables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    variables: tuple[str, ...]
    system: str = ""
    user: str = ""

    @model_validator(mode="after")
    def _declared_variables_match(self) -> PromptTemplate:
        used = {
            named or braced
            for _, named, braced, _ in string.Template.pattern.findall(self.user)
            if named or braced
        }
        if used != set(self.variables):
            raise ValueError(f"template uses {sorted(used)} but declares {sorted(self.variables)}")
        return self

    def render_user(self, **values: str) -> str:
        """Fill the user template; every declared variable must be given, and nothing else."""
        missing = set(self.variables) - values.keys()
        extra = values.keys() - set(self.variables)
        if missing or extra:
            raise PromptError(
                f"prompt {self.name!r}: missing variables {sorted(missing)}, unexpected {sorted(extra)}"
            )
        return string.Template(self.user).substitute(values).strip()


def _prompt_dir() -> Path:
    packaged = resources.files("diplo_extract") / "prompts"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "prompts"
    if checkout.is_dir():
        return checkout
    raise PromptError("prompt files not found: neither diplo_extract/prompts nor ./prompts exists")


@cache
def load_prompt(name: str) -> PromptTemplate:
    """Load and validate ``prompts/<name>.toml``.

    Raises:
        PromptError: the file is missing, is not valid TOML, or does not match the prompt format.
    """
    path = _prompt_dir() / f"{name}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PromptError(f"prompt file {path} is missing", original=exc) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PromptError(f"prompt file {path} is not valid TOML: {exc}", original=exc) from exc
    try:
        return PromptTemplate.model_validate({"name": name, **data})
    except ValidationError as exc:
        raise PromptError(f"prompt file {path} is malformed: {exc}", original=exc) from exc


@cache
def prompt_version() -> str:
    """Short hash of every prompt file and the LLM-facing schemas: changes whenever either changes."""
    digest = hashlib.sha256()
    for name in (ARTICLE_PROMPT, *(question.name for question in PASSES)):
        digest.update(load_prompt(name).model_dump_json().encode())
    for question in PASSES:
        digest.update(json.dumps(question.response_model.model_json_schema(), sort_keys=True).encode())
    return digest.hexdigest()[:12]
