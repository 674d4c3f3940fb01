r"""Read article files (or take article text) with clear, typed errors.

Every failure is an :class:`~diplo_extract.errors.InputFileError` whose ``reason`` says what went wrong
("missing", "directory", "not_regular", "unreadable", "too_large", "empty", "binary", "undecodable"), or, for
text passed directly, :class:`~diplo_extract.errors.EmptyInputError` /
:class:`~diplo_extract.errors.InputTooLargeError`.

Decoding: UTF-8 (a BOM is stripped), UTF-16/UTF-32 only when a byte-order mark says so, else a legacy
encoding (cp1251, cp1252, ...) guessed by charset-normalizer, accepted only when the guess is clean. UTF-8
text with a few invalid bytes (more valid multi-byte characters than invalid sequences) stays UTF-8, the bad
bytes replaced by U+FFFD, with a warning (``ArticleSource.warnings`` and the log), not read as mojibake.

**Opening.** :func:`open_regular` is how every command opens a path it was given (articles here, record
files in :mod:`diplo_extract.outputs.records`): only regular files (a FIFO, a device or a socket would block
or never end), never more than a size limit, one typed error otherwise.

**Offsets.** :func:`read_article` converts ``\r\n`` and ``\r`` to ``\n``, and for ``.html``/``.htm`` and
``.json`` files returns extracted text, so every character offset the library reports refers to
``ArticleSource.text`` as returned, not to the bytes on disk. :func:`article_from_text` keeps the text it is
given unchanged, so offsets refer to the caller's own string.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import logging
import os
import re
import stat
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, BinaryIO

from charset_normalizer import from_bytes

from diplo_extract.errors import EmptyInputError, InputFileError, InputTooLargeError

__all__ = ["DEFAULT_MAX_BYTES", "ArticleSource", "article_from_text", "open_regular", "read_article"]

_log = logging.getLogger(__name__)

#: Largest article file (bytes) or text (characters) accepted by default: far beyond any news article, small
#: enough that a wrong path to a dump or a binary fails fast instead of filling memory.
DEFAULT_MAX_BYTES = 2_000_000

# A NUL byte this early means binary (or BOM-less UTF-16, which we do not guess).
_SNIFF_BYTES = 8192
# C0/C1 control characters other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Above this share of control characters the "text" is really binary that happened to decode.
_MAX_CONTROL_SHARE = 0.05
# charset-normalizer's "chaos" (0 = clean text, 1 = gibberish); above this the guess is not trusted.
_MAX_CHAOS = 0.1
# When several legacy encodings decode equally cleanly (short texts, shared Latin letters), the one most
# likely for news text wins. Earlier is preferred.
_PREFERRED_ENCODINGS = (
    "cp1252", "cp1251", "gb18030", "big5", "shift_jis", "cp932", "euc_kr", "cp949", "euc_jp",
    "cp1250", "cp1254", "cp1256", "cp1253", "cp1255", "cp1257", "cp1258", "koi8_r", "koi8_u",
    "iso8859_15", "latin_1",
)

# <meta> names (name=, property= or itemprop=) whose content is the publication date.
_PUBLISHED_META = frozenset({"article:published_time", "og:published_time", "datepublished", "date", "pubdate",
                             "publishdate", "publish-date", "dc.date", "dc.date.issued", "dcterms.created"})
_ISO_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})")

_HTML_SUFFIXES = (".html", ".htm")
_JSON_SUFFIXES = (".json",)


@dataclass(frozen=True)
class ArticleSource:
    """An article's text ready for extraction.

    Attributes:
        text: the article text; all offsets in extraction records index into this string.
        path: the file it came from, or the ``path`` label given to :func:`article_from_text`.
        encoding: the codec the file was decoded with ("utf-8", "utf-8-sig", "utf-16", "cp1251", ...);
            "utf-8" for text given directly.
        sha256: hex SHA-256 of ``text`` encoded as UTF-8.
        title: the HTML ``<title>`` or the JSON "title" field, when the file had one.
        published: the JSON "published" field or the HTML ``<meta>`` publication date as written.
        warnings: what reading had to repair (invalid UTF-8 bytes replaced), also logged.
    """

    text: str
    path: str | None
    encoding: str
    sha256: str
    title: str | None = None
    published: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def published_date(self) -> dt.date | None:
        """``published`` as a date when it starts with an ISO date (``2024-03-01``, ``2024-03-01T10:00Z``)."""
        match = _ISO_DATE.match(self.published or "")
        if match is None:
            return None
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            return None


def _shown(path: str) -> str:
    # Messages are one line: a path with a newline or other control character is shown escaped.
    return f"'{path}'" if path.isprintable() else ascii(path)


def _error(path: str, reason: str, problem: str, advice: str, original: BaseException | None = None,
           what: str = "Article") -> InputFileError:
    return InputFileError(f"{what} {_shown(path)} {problem}; {advice}.", path=path, reason=reason,
                          original=original)


def _open_descriptor(path: str) -> int:
    # Non-blocking: opening a FIFO (swapped in after the stat) must not wait for a writer.
    return os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))


def open_regular(path: str | os.PathLike[str], *, max_bytes: int, what: str = "File",
                 advice: str = "split it") -> BinaryIO:
    """Open a path for reading in binary mode, only if it is a regular file of at most ``max_bytes``.

    Checked before opening (a device is never opened) and again on the open descriptor (the path may have
    been swapped in between); the open itself does not wait for a FIFO's writer. The caller should still
    read at most ``max_bytes + 1`` bytes: a file can grow after the check.

    Raises:
        InputFileError: ``reason`` "missing", "directory", "not_regular", "too_large" or "unreadable";
            the message starts with ``what``.
    """
    p = os.fspath(path)

    def check(info: os.stat_result) -> None:
        if stat.S_ISDIR(info.st_mode):
            raise _error(p, "directory", "is a directory", "pass a file inside it", what=what)
        if not stat.S_ISREG(info.st_mode):
            raise _error(p, "not_regular", "is not a regular file (a FIFO, device or socket)",
                         "save the content to a file and pass that", what=what)
        if info.st_size > max_bytes:
            raise _error(p, "too_large", f"is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit",
                         advice, what=what)

    try:
        check(os.stat(p))
        fd = _open_descriptor(p)
    except InputFileError:
        raise
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise _error(p, "missing", "does not exist", "check the path", exc, what=what) from exc
    except ValueError as exc:  # e.g. an embedded NUL: no such file can exist
        raise _error(p, "missing", "is not a valid path", "check the path", exc, what=what) from exc
    except OSError as exc:
        raise _error(p, "unreadable", f"cannot be opened ({exc.strerror or exc})",
                     "check the path and its permissions", exc, what=what) from exc
    try:
        check(os.fstat(fd))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _binary_error(path: str) -> InputFileError:
    return _error(path, "binary", "looks binary (NUL bytes or control characters), not text",
                  "pass a text, HTML or JSON article (UTF-16 text needs a byte-order mark)")


def _undecodable_error(path: str, original: BaseException | None = None, detail: str = "",
                       advice: str = "re-save it as UTF-8") -> InputFileError:
    problem = detail or "is not UTF-8 and its encoding could not be identified reliably"
    return _error(path, "undecodable", problem, advice, original)


_JSON_ADVICE = 'give a JSON object with a string "text" field (and optional "title", "published")'



def _guess_legacy(data: bytes, path: str) -> tuple[str, str]:
    """Decode non-UTF-8 bytes with charset-normalizer's cleanest guess, or raise "undecodable"."""
    try:
        matches = list(from_bytes(data))
    except Exception as exc:  # third-party detector on arbitrary bytes: any failure means "cannot tell"
        raise _undecodable_error(path, exc) from exc
    # BOM-less UTF-16/32 "guesses" on ASCII-ish bytes are noise; those encodings are accepted only by BOM.
    candidates = [m for m in matches if m.chaos <= _MAX_CHAOS and not m.encoding.startswith("utf")]
    if not candidates:
        raise _undecodable_error(path)

    def rank(match: Any) -> tuple[float, float, int]:
        names = [match.encoding, *match.could_be_from_charset]
        preference = min((_PREFERRED_ENCODINGS.index(n) for n in names if n in _PREFERRED_ENCODINGS),
                         default=len(_PREFERRED_ENCODINGS))
        # Chaos and coherence are rounded so near-ties fall through to the preference order.
        return round(match.chaos, 2), -round(match.coherence, 2), preference

    best = min(candidates, key=rank)
    names = [best.encoding, *best.could_be_from_charset]
    encoding = next((n for n in _PREFERRED_ENCODINGS if n in names), best.encoding)
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise _undecodable_error(path, exc) from exc


def _decode(data: bytes, path: str) -> tuple[str, str]:
    """Bytes to text: BOM-marked Unicode, else UTF-8, else a clean legacy guess."""
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        # UTF-32-LE's BOM starts with UTF-16-LE's, so UTF-32 is checked first.
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, codec in boms:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise _undecodable_error(path, exc, f"starts with a {codec} byte-order mark but is not "
                                                    f"valid {codec}") from exc
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise _binary_error(path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    invalid = replaced.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for ch in replaced if ord(ch) > 0x7F) - replaced.count("\ufffd")
    # Legacy single-byte text forms a valid UTF-8 sequence only by accident; UTF-8 text with a truncated or
    # corrupted character is mostly valid sequences. Guessing a legacy codec for the latter turns every
    # correct character into mojibake, so it stays UTF-8 and only the bad bytes are lost, with a warning.
    if valid >= max(1, invalid):
        return replaced, "utf-8-replaced"
    return _guess_legacy(data, path)


class _HTMLText(HTMLParser):
    """Visible text of an HTML page: scripts and styles dropped, block elements on their own lines."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object"})
    _BLOCK = frozenset({
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead",
        "tfoot", "tr", "ul", "body", "html", "head",
    })
    _CELL = frozenset({"td", "th"})
    # HTML whitespace only: a non-breaking space is content, not layout.
    _SPACES = re.compile(r"[ \t\n\r\f]+")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities arrive unescaped in handle_data
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skip_depth = 0
        self._in_title = False
        self._pre_depth = 0
        self.published: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta" and self.published is None:
            named = dict(attrs)
            key = (named.get("property") or named.get("name") or named.get("itemprop") or "").strip().lower()
            if key in _PUBLISHED_META and (named.get("content") or "").strip():
                self.published = (named.get("content") or "").strip()
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self._BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self._pre_depth += 1
        elif tag in self._CELL:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self._BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
        elif tag in self._CELL:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._in_title:
            self.title_parts.append(data)
        elif self._pre_depth:
            self.parts.append(data)
        else:
            self.parts.append(self._SPACES.sub(" ", data))

    def result(self) -> tuple[str, str | None]:
        """Return the visible text (lines trimmed, at most one blank line in a row) and the title."""
        lines = [line.strip(" \t") for line in "".join(self.parts).split("\n")]
        kept: list[str] = []
        for line in lines:
            if line or (kept and kept[-1]):
                kept.append(line)
        title = self._SPACES.sub(" ", "".join(self.title_parts)).strip() or None
        return "\n".join(kept).strip("\n"), title


def _html_to_text(markup: str, path: str) -> tuple[str, str | None, str | None]:
    parser = _HTMLText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception as exc:  # html.parser is lenient, but has raised on odd markup in some versions
        raise _undecodable_error(path, exc, "is HTML that could not be parsed",
                                 "save the article text as a .txt file") from exc
    return (*parser.result(), parser.published)


def _json_article(raw: str, path: str) -> tuple[str, str | None, str | None]:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise _undecodable_error(path, exc, f"is not valid JSON ({exc})", _JSON_ADVICE) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
        raise _undecodable_error(path, detail='is JSON without a string "text" field', advice=_JSON_ADVICE)
    title = doc.get("title") if isinstance(doc.get("title"), str) else None
    published = doc.get("published") if isinstance(doc.get("published"), str) else None
    return doc["text"], title, published


def _sha256(text: str, path: str) -> str:
    try:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    except UnicodeEncodeError as exc:  # lone surrogates, e.g. from a JSON "\ud800" escape
        raise _undecodable_error(path, exc, "contains invalid Unicode (unpaired surrogates)",
                                 "remove or replace those characters") from exc


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = len(_CONTROL_CHARS.findall(text))
    return controls > _MAX_CONTROL_SHARE * len(text)


def read_article(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> ArticleSource:
    r"""Read an article file and return its text, decoding and cleaning it.

    Plain text is decoded (see the module docstring); ``.html``/``.htm`` files yield their visible text
    (scripts and styles dropped, block elements on separate lines, entities unescaped) and ``<title>``;
    ``.json`` files must hold an object with a string "text" field (optional "title", "published"). Line
    endings become ``\n``: offsets refer to the returned ``text``, not to the file's bytes.

    Raises:
        InputFileError: with ``reason`` "missing", "directory", "not_regular" (a FIFO, device or socket),
            "unreadable", "too_large" (checked before reading), "empty", "binary" or "undecodable".
    """
    p = os.fspath(path)
    with open_regular(p, max_bytes=max_bytes, what="Article", advice="split it or raise max_bytes") as fh:
        try:
            # One byte over the limit tells a file that grew since the check apart from one at the limit.
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise _error(p, "unreadable", f"cannot be read ({exc.strerror or exc})",
                         "check its permissions", exc) from exc
    if len(data) > max_bytes:
        raise _error(p, "too_large", f"is over the {max_bytes:,}-byte limit", "split it or raise max_bytes")
    if not data:
        raise _error(p, "empty", "is empty", "give a file with article text")

    raw, encoding = _decode(data, p)
    warnings: tuple[str, ...] = ()
    if encoding == "utf-8-replaced":
        encoding = "utf-8"
        bad = raw.count("\ufffd") - data.count("\ufffd".encode())
        warnings = (f"Article {_shown(p)} is not valid UTF-8: {bad} invalid byte sequence(s) replaced by "
                    "U+FFFD; re-save it as UTF-8",)
        _log.warning("%s", warnings[0])
    if _looks_binary(raw):
        raise _binary_error(p)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")

    title: str | None = None
    published: str | None = None
    suffix = os.path.splitext(p)[1].lower()
    if suffix in _HTML_SUFFIXES:
        text, title, published = _html_to_text(raw, p)
    elif suffix in _JSON_SUFFIXES:
        text, title, published = _json_article(raw, p)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if _looks_binary(text):
            raise _binary_error(p)
    else:
        text = raw
    if not text.strip():
        raise _error(p, "empty", "has no text (only whitespace or markup)", "give a file with article text")
    return ArticleSource(text=text, path=p, encoding=encoding, sha256=_sha256(text, p), title=title,
                         published=published, warnings=warnings)


def article_from_text(text: str, *, path: str | None = None, max_chars: int = DEFAULT_MAX_BYTES
                      ) -> ArticleSource:
    """Wrap article text given directly (not read from a file) as an :class:`ArticleSource`.

    The text is kept exactly as given (no newline conversion), so offsets refer to the caller's string.
    ``path`` is only a label carried into the record.

    Raises:
        InputTooLargeError: the text is longer than ``max_chars`` characters.
        EmptyInputError: the text is empty or only whitespace.
        InputFileError: ``reason="binary"`` when the text contains NUL characters, ``reason="undecodable"``
            when it holds unpaired surrogates (it could not be sent to a model or hashed).
    """
    label = path or "<text>"
    if len(text) > max_chars:
        raise InputTooLargeError(
            f"Article text {_shown(label)} has {len(text):,} characters, over the {max_chars:,}-character "
            "limit; split it or raise max_chars."
        )
    if not text.strip():
        raise EmptyInputError(
            f"Article text {_shown(label)} is empty or only whitespace; nothing to extract."
        )
    if "\x00" in text:
        raise InputFileError(
            f"Article text {_shown(label)} contains NUL characters, so it is probably binary data; "
            "pass the decoded article text.",
            path=label, reason="binary",
        )
    return ArticleSource(text=text, path=path, encoding="utf-8", sha256=_sha256(text, label))
