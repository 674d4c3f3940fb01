"""Prompt files: loaded strictly, versioned by content."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from diplo_extract.errors import PromptError
from diplo_extract.pipeline.passes import PASSES
from diplo_extract.pipeline.prompts import PromptTemplate, load_prompt, prompt_version


def test_every_shipped_prompt_loads_and_renders() -> None:
    for name in (question.name for question in PASSES):
        prompt = load_prompt(name)
        assert prompt.system.strip()
        rendered = prompt.render_user(article="ARTICLE-TEXT")
        assert "ARTICLE-TEXT" in rendered


def test_missing_and_unexpected_variables_fail_loudly() -> None:
    prompt = load_prompt("meetings")
    with pytest.raises(PromptError, match="missing variables"):
        prompt.render_user()
    with pytest.raises(PromptError, match="unexpected"):
        prompt.render_user(article="a", extra="b")


def test_undeclared_template_variables_are_rejected() -> None:
    with pytest.raises(ValidationError, match="declares"):
        PromptTemplate(name="x", description="d", variables=("article",), user="${article} ${oops}")


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValidationError):
        PromptTemplate.model_validate({"name": "x", "description": "d", "variables": [], "typo": 1})


def test_missing_prompt_file_is_a_prompt_error() -> None:
    with pytest.raises(PromptError, match="missing"):
        load_prompt("does-not-exist")


def test_prompt_version_is_a_stable_short_hash() -> None:
    assert prompt_version() == prompt_version()
    assert len(prompt_version()) == 12
    int(prompt_version(), 16)
