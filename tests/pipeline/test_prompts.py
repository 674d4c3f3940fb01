"""Prompt files: loaded strictly, versioned by content."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from diplo_extract.errors import PromptError
from diplo_extract.pipeline.passes import ARTICLE_PROMPT, PASSES
from diplo_extract.pipeline.prompts import PromptTemplate, load_prompt, prompt_version


def test_every_shipped_prompt_loads_and_renders() -> None:
    article = load_prompt(ARTICLE_PROMPT)
    assert "never" in article.system and "instructions" in article.system  # the article is data
    assert "[1] ARTICLE-TEXT" in article.render_user(sentences="[1] ARTICLE-TEXT")
    for question in PASSES:
        prompt = load_prompt(question.name)
        assert not prompt.system.strip()  # one system message for every question: the shared prefix
        values = {name: "7" for name in prompt.variables}
        assert prompt.render_user(**values).startswith("QUESTION:")


def test_missing_and_unexpected_variables_fail_loudly() -> None:
    prompt = load_prompt("sentence")
    with pytest.raises(PromptError, match="missing variables"):
        prompt.render_user(sentence="3")
    with pytest.raises(PromptError, match="unexpected"):
        prompt.render_user(sentence="3", words="They met.", extra="b")


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
