from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diplo_extract.errors import (
    DiploExtractError,
    EmptyInputError,
    InputFileError,
    InputTooLargeError,
    UserInputError,
)
from diplo_extract.text import reader
from diplo_extract.text.reader import DEFAULT_MAX_BYTES, ArticleSource, article_from_text, read_article

RU = ("Министр внутренних дел Азербайджана генерал-полковник Вилаят Эйвазов встретился с делегацией "
      "Казахстана. Стороны обсудили сотрудничество в борьбе с терроризмом и наркотрафиком.")
FR = ("Le ministre français de l'Intérieur a rencontré son homologue algérien à Paris. Les deux parties ont "
      "signé un accord de coopération sécuritaire et évoqué la lutte contre le trafic de stupéfiants.")
DE = ("Der Bundesinnenminister traf seinen österreichischen Amtskollegen in Wien. Sie vereinbarten eine "
      "verstärkte Zusammenarbeit gegen Schleuserkriminalität und grenzüberschreitende Kriminalität.")
VI = "Bộ trưởng Bộ Công an Lương Tam Quang tiếp Chủ tịch Cơ quan Chống tham nhũng Kazakhstan."


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def reason_of(path: Path | str, **kw: Any) -> str:
    with pytest.raises(InputFileError) as info:
        read_article(path, **kw)
    err = info.value
    assert isinstance(err, UserInputError)
    assert err.path == str(path)
    message = str(err)
    assert "\n" not in message
    assert str(path) in message or ascii(str(path)) in message
    return err.reason


# --- each error reason -------------------------------------------------------------------------------------


def test_missing(tmp_path: Path) -> None:
    assert reason_of(tmp_path / "nope.txt") == "missing"
    assert reason_of(write(tmp_path, "file.txt", b"x") / "below.txt") == "missing"


def test_directory(tmp_path: Path) -> None:
    assert reason_of(tmp_path) == "directory"


def test_unreadable_via_permission_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "a.txt", b"text")

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(reader, "_open_descriptor", denied)
    assert reason_of(path) == "unreadable"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_via_chmod(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"text")
    path.chmod(0)
    try:
        assert reason_of(path) == "unreadable"
    finally:
        path.chmod(0o644)


def test_too_large_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "big.txt", b"x" * 101)

    def must_not_open(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("opened a file that stat already showed to be too large")

    monkeypatch.setattr(reader, "_open_descriptor", must_not_open)
    assert reason_of(path, max_bytes=100) == "too_large"


def test_at_the_limit_is_fine(tmp_path: Path) -> None:
    assert read_article(write(tmp_path, "ok.txt", b"x" * 100), max_bytes=100).text == "x" * 100


@pytest.mark.parametrize("data", [b"", b"   ", b" \n\t\r\n ", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty(tmp_path: Path, data: bytes) -> None:
    assert reason_of(write(tmp_path, "e.txt", data)) == "empty"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"text with a NUL\x00 byte",
        "Привет мир, без BOM".encode("utf-16-le"),
        b"\x01\x02\x03\x04hello\x05\x06",
        bytes(range(256)) * 4,
    ],
)
def test_binary(tmp_path: Path, data: bytes) -> None:
    assert reason_of(write(tmp_path, "b.bin", data)) == "binary"


def test_undecodable(tmp_path: Path) -> None:
    # Invalid UTF-8 that no legacy encoding turns into clean text.
    data = bytes([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC, 0x81]) * 20
    assert reason_of(write(tmp_path, "u.txt", data)) == "undecodable"


def test_undecodable_bom_mismatch(tmp_path: Path) -> None:
    assert reason_of(write(tmp_path, "u.txt", codecs.BOM_UTF8 + b"ok \xff\xfe bad")) == "undecodable"
    assert reason_of(write(tmp_path, "odd.txt", codecs.BOM_UTF16_LE + b"a\x00b")) == "undecodable"


def test_messages_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as info:
        read_article(write(tmp_path, "big.txt", b"x" * 11), max_bytes=10)
    assert "max_bytes" in str(info.value)
    with pytest.raises(InputFileError) as info:
        read_article(tmp_path / "nope.txt")
    assert "check the path" in str(info.value)


def test_path_with_newline_stays_on_one_line(tmp_path: Path) -> None:
    assert reason_of(tmp_path / "odd\nname.txt") == "missing"


# --- decoding ----------------------------------------------------------------------------------------------


def test_utf8(tmp_path: Path) -> None:
    source = read_article(write(tmp_path, "vi.txt", VI.encode("utf-8")))
    assert source.text == VI
    assert source.encoding == "utf-8"
    assert source.sha256 == hashlib.sha256(VI.encode("utf-8")).hexdigest()
    assert source.path == str(tmp_path / "vi.txt")


def test_utf8_bom_stripped(tmp_path: Path) -> None:
    source = read_article(write(tmp_path, "bom.txt", codecs.BOM_UTF8 + VI.encode("utf-8")))
    assert source.text == VI
    assert not source.text.startswith("\ufeff")
    assert source.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path: Path, codec: str) -> None:
    # Python writes the BOM itself for "utf-16" and "utf-32".
    data = codecs.BOM_UTF16_BE + RU.encode(codec) if codec == "utf-16-be" else RU.encode(codec)
    source = read_article(write(tmp_path, "u.txt", data))
    assert source.text == RU


def test_cp1251_cyrillic(tmp_path: Path) -> None:
    source = read_article(write(tmp_path, "ru.txt", RU.encode("cp1251")))
    assert source.text == RU
    assert source.encoding == "cp1251"


@pytest.mark.parametrize("text", [FR, DE, "Café à Paris."])
def test_latin1(tmp_path: Path, text: str) -> None:
    source = read_article(write(tmp_path, "l1.txt", text.encode("latin-1")))
    assert source.text == text


def test_cp1252_typographic_quotes(tmp_path: Path) -> None:
    text = "He said “we will cooperate” — and left. The naïve café owner agreed."
    assert read_article(write(tmp_path, "q.txt", text.encode("cp1252"))).text == text


def test_crlf_and_cr_converted(tmp_path: Path) -> None:
    source = read_article(write(tmp_path, "nl.txt", b"one\r\ntwo\rthree\n\r\nfour"))
    assert source.text == "one\ntwo\nthree\n\nfour"
    assert source.sha256 == hashlib.sha256(source.text.encode("utf-8")).hexdigest()


def test_pathlike_and_str_paths(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"hello")
    assert read_article(path) == read_article(str(path))


# --- HTML and JSON -----------------------------------------------------------------------------------------

HTML = b"""<!DOCTYPE html>
<html><head><title>Ministers &amp; delegations</title>
<style>p { color: red; }</style>
<script>var secret = "</p> not text"; document.write("<p>nope</p>");</script>
</head>
<body>
<h1>Vietnam &ndash; Kazakhstan talks</h1>
<p>The minister   met
   the delegation &amp; signed&nbsp;an accord.</p>
<!-- a comment that is not text -->
<div>Second <b>block</b> &#8220;quoted&#8221; &lt;tag&gt;</div>
<ul><li>one</li><li>two</li></ul>
<noscript>enable javascript</noscript>
</body></html>
"""


@pytest.mark.parametrize("suffix", [".html", ".htm", ".HTML"])
def test_html(tmp_path: Path, suffix: str) -> None:
    source = read_article(write(tmp_path, "a" + suffix, HTML))
    text = source.text
    assert "secret" not in text and "nope" not in text and "color" not in text
    assert "comment" not in text and "javascript" not in text
    assert "Vietnam – Kazakhstan talks" in text
    assert "The minister met the delegation & signed\u00a0an accord." in text
    assert "Second block “quoted” <tag>" in text
    assert "one\n" in text and "\ntwo" in text
    # Block elements are separate lines.
    lines = [line for line in text.split("\n") if line]
    assert lines[0] == "Vietnam – Kazakhstan talks"
    assert source.title == "Ministers & delegations"
    assert text == text.strip()


def test_html_without_text_is_empty(tmp_path: Path) -> None:
    assert reason_of(write(tmp_path, "e.html", b"<html><script>x()</script></html>")) == "empty"


def test_html_in_legacy_encoding(tmp_path: Path) -> None:
    markup = f"<html><body><p>{RU}</p></body></html>".encode("cp1251")
    assert read_article(write(tmp_path, "ru.html", markup)).text == RU


def test_json(tmp_path: Path) -> None:
    doc = {"text": "Line one\r\nLine two", "title": "Talks", "published": "2024-03-05", "extra": 1}
    source = read_article(write(tmp_path, "a.json", json.dumps(doc).encode("utf-8")))
    assert source.text == "Line one\nLine two"
    assert source.title == "Talks"
    assert source.published == "2024-03-05"


def test_json_optional_fields(tmp_path: Path) -> None:
    source = read_article(write(tmp_path, "a.json", json.dumps({"text": VI}, ensure_ascii=False).encode()))
    assert source.text == VI
    assert source.title is None and source.published is None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "undecodable"),
        (b"[1, 2]", "undecodable"),
        (b'{"title": "no text"}', "undecodable"),
        (b'{"text": 5}', "undecodable"),
        (b'{"text": "   "}', "empty"),
        (b'{"text": "a\\u0000b"}', "binary"),
        (b'{"text": "lone \\ud800 surrogate"}', "undecodable"),
    ],
)
def test_json_errors(tmp_path: Path, data: bytes, reason: str) -> None:
    assert reason_of(write(tmp_path, "a.json", data)) == reason


# --- article_from_text -------------------------------------------------------------------------------------


def test_article_from_text() -> None:
    source = article_from_text(VI, path="inline")
    assert source == ArticleSource(text=VI, path="inline", encoding="utf-8",
                                   sha256=hashlib.sha256(VI.encode("utf-8")).hexdigest())


def test_article_from_text_keeps_text_verbatim() -> None:
    text = "one\r\ntwo\r"
    assert article_from_text(text).text == text


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_article_from_text_empty(text: str) -> None:
    with pytest.raises(EmptyInputError):
        article_from_text(text)


def test_article_from_text_too_large() -> None:
    with pytest.raises(InputTooLargeError) as info:
        article_from_text("x" * 11, max_chars=10)
    assert "max_chars" in str(info.value)
    assert article_from_text("x" * 10, max_chars=10).text == "x" * 10
    assert len("x" * DEFAULT_MAX_BYTES) == DEFAULT_MAX_BYTES
    article_from_text("x" * DEFAULT_MAX_BYTES)


def test_article_from_text_nul_is_binary() -> None:
    with pytest.raises(InputFileError) as info:
        article_from_text("abc\x00def")
    assert info.value.reason == "binary"
    assert info.value.path == "<text>"
    with pytest.raises(InputFileError) as info:
        article_from_text("abc\x00def", path="inline.txt")
    assert info.value.path == "inline.txt"


def test_article_from_text_lone_surrogate() -> None:
    with pytest.raises(InputFileError) as info:
        article_from_text("bad \ud800 text")
    assert info.value.reason == "undecodable"


# --- properties --------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".json", ""]),
       max_bytes=st.sampled_from([DEFAULT_MAX_BYTES, 50]))
def test_read_article_on_any_bytes_raises_only_library_errors(data: bytes, suffix: str,
                                                              max_bytes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"article{suffix}"
        path.write_bytes(data)
        try:
            source = read_article(path, max_bytes=max_bytes)
        except DiploExtractError as exc:
            assert isinstance(exc, InputFileError)
            assert exc.reason in {"empty", "binary", "undecodable", "too_large"}
            assert "\n" not in str(exc)
            return
        assert isinstance(source, ArticleSource)
        assert source.text.strip()
        assert "\r" not in source.text and "\x00" not in source.text
        assert source.sha256 == hashlib.sha256(source.text.encode("utf-8")).hexdigest()


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=2000))
def test_utf8_text_files_round_trip(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.txt"
        path.write_bytes(text.encode("utf-8"))
        try:
            source = read_article(path)
        except InputFileError as exc:
            assert exc.reason in {"empty", "binary"}
            return
        assert source.text == text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.characters(), max_size=300), max_chars=st.sampled_from([DEFAULT_MAX_BYTES, 20]))
def test_article_from_text_on_any_text_raises_only_library_errors(text: str, max_chars: int) -> None:
    try:
        source = article_from_text(text, max_chars=max_chars)
    except DiploExtractError as exc:
        assert isinstance(exc, (EmptyInputError, InputTooLargeError, InputFileError))
        return
    assert source.text == text


# --- hostile inputs (issue 14) -----------------------------------------------------------------------------


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert reason_of(fifo) == "not_regular"
    assert time.monotonic() - started < 5


def test_a_device_is_refused_without_reading_it() -> None:
    assert reason_of("/dev/zero") == "not_regular"


def test_open_regular_names_what_it_opens(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"^Records file .* does not exist"):
        reader.open_regular(tmp_path / "none.jsonl", max_bytes=10, what="Records file")


def test_invalid_utf8_in_utf8_text_is_replaced_and_warned_not_read_as_mojibake(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = "Лавров встретился с Ваном И в Пекине.".encode() + b"\xff\xfe broken \xc3"
    with caplog.at_level("WARNING", logger="diplo_extract.text.reader"):
        source = read_article(write(tmp_path, "ru.txt", data))
    assert source.text.startswith("Лавров встретился") and source.encoding == "utf-8"
    assert source.text.count("\ufffd") == 3
    assert len(source.warnings) == 1 and "3 invalid byte sequence(s)" in source.warnings[0]
    assert any("not valid UTF-8" in r.getMessage() for r in caplog.records)


def test_real_legacy_text_is_still_guessed_without_a_warning(tmp_path: Path) -> None:
    source = read_article(write(tmp_path, "ru.txt", RU.encode("cp1251")))
    assert source.text == RU and source.warnings == ()


def test_html_meta_publication_date_and_title(tmp_path: Path) -> None:
    page = (b'<html><head><title>Ministers meet</title><meta property="article:published_time" '
            b'content="2024-03-01T10:00:00Z"></head><body><p>Minister A met Minister B.</p></body></html>')
    source = read_article(write(tmp_path, "a.html", page))
    assert source.title == "Ministers meet"
    assert source.published == "2024-03-01T10:00:00Z" and source.published_date == dt.date(2024, 3, 1)


@pytest.mark.parametrize(("published", "date"), [
    ("2024-03-01", dt.date(2024, 3, 1)), ("2024-02-30", None), ("1 March 2024", None), (None, None)])
def test_published_date_reads_iso_dates_only(published: str | None, date: dt.date | None) -> None:
    source = ArticleSource(text="x", path=None, encoding="utf-8", sha256="0" * 64, published=published)
    assert source.published_date == date
