"""Error messages: one line, bounded, escaped, and never a credential, whatever text they were built from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diplo_extract.errors import (
    MAX_MESSAGE_CHARS,
    DiploExtractError,
    TransportError,
    describe,
    one_line,
    redact,
    redact_url,
    register_secret,
    safe_message,
)

SECRET = "hunter2-Very-Secret-9f8e7d"
register_secret(SECRET)

# Newline, carriage return, escape, bell, NEL, line and paragraph separators: none may reach a terminal raw.
LINE_BREAKERS = "\n\r\x1b\x07\x85\u2028\u2029\x0b\x0c\x1c"


@given(st.text(max_size=3000), st.integers(min_value=0, max_value=3000))
@settings(max_examples=200, deadline=None)
def test_any_message_is_one_bounded_line_without_the_secret(text: str, at: int) -> None:
    at = min(at, len(text))
    message = str(DiploExtractError(text[:at] + SECRET + text[at:]))
    assert SECRET not in message
    assert not any(ch in message for ch in LINE_BREAKERS)
    assert len(message) <= MAX_MESSAGE_CHARS + 60


@pytest.mark.parametrize(("raw", "leak"), [
    ("GET http://alice:pa55word-xyz@proxy.local:8080/v1 failed", "pa55word-xyz"),
    ("upstream said Authorization: Bearer sk-proj-abcdefghijklmnop1234", "abcdefghijklmnop1234"),
    ("key sk-abcdefghijklmnopqrstuvwxyz in the body", "abcdefghijklmnopqrstuvwxyz"),
    ('{"api_key": "zz-top-secret-value"}', "zz-top-secret-value"),
    ("https://x.openai.azure.com/v1?api-key=azurekey123&api-version=2024", "azurekey123"),
    ("x-api-key: plainvalue42", "plainvalue42"),
])
def test_known_credential_shapes_are_redacted(raw: str, leak: str) -> None:
    assert leak not in redact(raw)
    assert leak not in safe_message(raw)


def test_redact_url_keeps_the_server_and_drops_user_info() -> None:
    assert redact_url("http://user:pw-123456@127.0.0.1:8080/v1") == "http://***@127.0.0.1:8080/v1"
    assert redact_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"
    assert "api-version=2024" in redact_url("https://h/v1?api-version=2024")


def test_a_10_mb_server_page_becomes_a_short_line_quickly() -> None:
    page = "\x1b[31mPANIC\r\n" * 1_000_000
    message = TransportError(f"server said: {page}", attempts=5).message
    assert len(message) < MAX_MESSAGE_CHARS + 60 and "\n" not in message and "\x1b" not in message
    assert "characters in all, cut" in message


def test_one_line_escapes_instead_of_dropping() -> None:
    assert one_line("a\nb\x1bc\u2028d") == "a\\nb\\x1bc\\u2028d"


def test_describe_covers_foreign_exceptions() -> None:
    assert describe(ValueError(f"bad\n{SECRET}")) == "ValueError: bad\\n***"
    assert describe(KeyError()) == "KeyError()"
