from __future__ import annotations

import random
import time
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from diplo_extract.core.schema import MatchMethod, Span
from diplo_extract.text.grounding import fold, locate, locate_all

VI = "Bộ trưởng Bộ Công an Lương Tam Quang tiếp Chủ tịch Cơ quan Chống tham nhũng Kazakhstan"
RU = ("Министр внутренних дел России Владимир Колокольцев провёл переговоры с министром внутренних дел "
      "Казахстана. Стороны обсудили борьбу с незаконным оборотом наркотиков.")
KK = ("Қазақстан Республикасының Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігінің төрағасы Асхат Жұмағали "
      "Ханойда болды. Тараптар өзара ынтымақтастықты нығайту, әсіресе ұйымдасқан қылмысқа қарсы күрес және "
      "құқық қорғау органдарының үйлесімділігі мәселелерін талқылады (Шаһар).")
ZH = "国务委员、公安部部长赵克志在北京会见哈萨克斯坦反腐败署署长。双方同意加强执法安全合作。"


def located(span: Span, text: str) -> str:
    assert span.grounded, span
    assert span.start is not None and span.end is not None
    return text[span.start:span.end]


# --- the four stages ---------------------------------------------------------------------------------------


def test_exact() -> None:
    span = locate("Lương Tam Quang", VI)
    assert span.match is MatchMethod.EXACT and span.score == 100.0
    assert located(span, VI) == "Lương Tam Quang"
    assert span.quote == "Lương Tam Quang"


def test_exact_strips_quote_whitespace_but_keeps_the_quote() -> None:
    span = locate("  Lương Tam Quang\n", VI)
    assert span.match is MatchMethod.EXACT
    assert located(span, VI) == "Lương Tam Quang"
    assert span.quote == "  Lương Tam Quang\n"


def test_normalized_case_and_whitespace() -> None:
    text = "The Minister of\n  Public Security met   the delegation."
    span = locate("minister of public security MET the", text)
    assert span.match is MatchMethod.NORMALIZED and span.score == 100.0
    assert located(span, text) == "Minister of\n  Public Security met   the"


def test_normalized_typographic_quotes_in_text() -> None:
    text = "He said: “We won’t tolerate terrorism — ever.” Then he left."
    span = locate("\"We won't tolerate terrorism - ever.\"", text)
    assert span.match is MatchMethod.NORMALIZED
    assert located(span, text) == "“We won’t tolerate terrorism — ever.”"


def test_normalized_typographic_quotes_in_quote() -> None:
    text = "He said: \"We won't tolerate terrorism - ever.\" Then he left."
    span = locate("“We won’t tolerate terrorism – ever.”", text)
    assert span.match is MatchMethod.NORMALIZED
    assert located(span, text) == "\"We won't tolerate terrorism - ever.\""


def test_normalized_ignores_soft_hyphens_and_zero_width_spaces() -> None:
    text = "co\u00adoperation against cyber\u200bcrime"
    span = locate("cooperation against cybercrime", text)
    assert span.match is MatchMethod.NORMALIZED
    assert located(span, text) == text


def test_fuzzy_typo_and_snapping_to_words() -> None:
    text = "Yesterday the Minister of Public Security received the ambassador of Kazakhstan in Hanoi."
    span = locate("inister of Public Securty received", text)
    assert span.match is MatchMethod.FUZZY
    assert 85.0 <= span.score < 100.0
    assert located(span, text) == "Minister of Public Security received"


def test_fuzzy_with_inserted_and_dropped_words() -> None:
    text = ("The two sides agreed to strengthen cooperation in combating transnational crime, terrorism and "
            "drug trafficking, and to exchange information regularly.")
    quote = "the sides agreed to strengthen their cooperation in combating transnational crime, terrorism"
    span = locate(quote, text)
    assert span.match is MatchMethod.FUZZY
    expected = "The two sides agreed to strengthen cooperation in combating transnational crime, terrorism"
    assert located(span, text) == expected


def test_none_carries_best_score() -> None:
    span = locate("a completely unrelated sentence about football", VI)
    assert not span.grounded
    assert span.match is MatchMethod.NONE
    assert span.start is None and span.end is None
    assert 0.0 < span.score < 85.0


def test_threshold_is_respected() -> None:
    text = "The Minister of Public Security received the ambassador."
    quote = "Minster of Publc Securty recieved"
    loose = locate(quote, text, fuzzy_threshold=60.0)
    strict = locate(quote, text, fuzzy_threshold=99.0)
    assert loose.match is MatchMethod.FUZZY
    assert not strict.grounded and strict.score == loose.score


@pytest.mark.parametrize("quote", ["", "   ", "\n\t"])
def test_empty_quote_is_ungrounded(quote: str) -> None:
    span = locate(quote, VI)
    assert not span.grounded and span.score == 0.0


def test_empty_text() -> None:
    assert not locate("anything", "").grounded


def test_short_quotes_only_match_whole_words() -> None:
    text = "Kazakhstan and Vietnam"
    assert not locate("an", text).grounded  # only inside "Kazakhstan"
    assert not locate("Kz", text).grounded  # no fuzzy matching for short quotes
    text2 = "Bộ Công an Việt Nam"
    assert located(locate("an", text2), text2) == "an"
    span = locate("an", text2)
    assert span.start == text2.index(" an ") + 1


def test_short_cjk_quote_matches_single_characters() -> None:
    span = locate("王毅", "外交部长王毅表示")
    assert located(span, "外交部长王毅表示") == "王毅"
    assert span.match is MatchMethod.EXACT


def test_quote_longer_than_text_is_not_grounded_by_containment() -> None:
    # partial_ratio would say the text is "inside" the quote; that proves nothing about the quote.
    span = locate("Lương Tam Quang met the Kazakh delegation and signed three agreements", "Lương Tam Quang")
    assert not span.grounded


# --- occurrence choice -------------------------------------------------------------------------------------


def test_search_from_prefers_later_occurrence() -> None:
    text = "Lavrov met Wang Yi. Later, Lavrov met Tokayev."
    first = locate("Lavrov met", text)
    second = locate("Lavrov met", text, search_from=5)
    assert first.start == 0
    assert second.start == text.index("Lavrov met", 5)
    # Past the last occurrence: falls back to the first one anywhere.
    assert locate("Lavrov met", text, search_from=40).start == 0


def test_search_from_applies_to_normalized_and_fuzzy() -> None:
    text = "The Minister of Public Security spoke. Then the Minister of Public Security left."
    later = text.index("Then")
    normalized = locate("MINISTER OF PUBLIC SECURITY", text, search_from=later)
    assert normalized.match is MatchMethod.NORMALIZED and normalized.start is not None
    assert normalized.start > later
    fuzzy = locate("Minister of Publc Security", text, search_from=later)
    assert fuzzy.match is MatchMethod.FUZZY and fuzzy.start is not None
    assert fuzzy.start > later


def test_locate_all_follows_reading_order() -> None:
    text = "Wang Yi met Lavrov. Wang Yi then met Tokayev."
    spans = locate_all(["Lavrov", "Wang Yi", "Tokayev"], text)
    assert [located(s, text) for s in spans] == ["Lavrov", "Wang Yi", "Tokayev"]
    assert spans[1].start == text.index("Wang Yi", 5)


def test_locate_all_passes_options() -> None:
    spans = locate_all(["Minster of Publc Securty"], "The Minister of Public Security", fuzzy_threshold=99.0)
    assert not spans[0].grounded


# --- non-ASCII scripts -------------------------------------------------------------------------------------


def test_vietnamese_precomposed() -> None:
    span = locate("Chủ tịch Cơ quan Chống tham nhũng Kazakhstan", VI)
    assert span.match is MatchMethod.EXACT
    assert located(span, VI) == "Chủ tịch Cơ quan Chống tham nhũng Kazakhstan"


def test_vietnamese_decomposed_text_with_precomposed_quote() -> None:
    text = unicodedata.normalize("NFD", VI)
    assert len(text) > len(VI)
    span = locate("Lương Tam Quang", text)
    assert span.match is MatchMethod.NORMALIZED
    assert located(span, text) == unicodedata.normalize("NFD", "Lương Tam Quang")
    assert span.start == text.index(unicodedata.normalize("NFD", "Lương"))


def test_vietnamese_precomposed_text_with_decomposed_quote() -> None:
    span = locate(unicodedata.normalize("NFD", "Bộ trưởng Bộ Công an"), VI)
    assert span.match is MatchMethod.NORMALIZED
    assert located(span, VI) == "Bộ trưởng Bộ Công an"


def test_vietnamese_mark_order_does_not_matter() -> None:
    # "ộ" typed as o + circumflex + dot below (non-canonical order) still equals the precomposed letter.
    text = "Bo\u0302\u0323 Công an"
    span = locate("Bộ Công an", text)
    assert span.match is MatchMethod.NORMALIZED
    assert located(span, text) == text


def test_vietnamese_without_diacritics_is_fuzzy() -> None:
    span = locate("Luong Tam Quang tiep Chu tich Co quan Chong tham nhung", VI)
    assert span.match is MatchMethod.FUZZY
    assert located(span, VI) == "Lương Tam Quang tiếp Chủ tịch Cơ quan Chống tham nhũng"
    dd = "Thượng tướng Đỗ Văn Đàm"
    assert located(locate("Do Van Dam", dd), dd) == "Đỗ Văn Đàm"


def test_normalized_does_not_drop_diacritics() -> None:
    # "Bo" must not NORMALIZED-match the first letters of "Bộ" (a base letter split from its marks).
    span = locate("Bo truong", VI)
    assert span.match is not MatchMethod.NORMALIZED


def test_russian() -> None:
    span = locate("Владимир Колокольцев", RU)
    assert span.match is MatchMethod.EXACT
    assert located(span, RU) == "Владимир Колокольцев"
    span = locate("министр внутренних  ДЕЛ россии", RU)
    assert span.match is MatchMethod.NORMALIZED
    assert located(span, RU) == "Министр внутренних дел России"
    span = locate("Колокольцев провел переговоры", RU)  # е for ё, as often typed
    assert span.match is MatchMethod.FUZZY
    assert located(span, RU) == "Колокольцев провёл переговоры"


def test_kazakh() -> None:
    span = locate("Асхат Жұмағали", KK)
    assert span.match is MatchMethod.EXACT
    assert located(span, KK) == "Асхат Жұмағали"
    span = locate("ҚҰҚЫҚ ҚОРҒАУ органдарының", KK)
    assert span.match is MatchMethod.NORMALIZED
    assert located(span, KK) == "құқық қорғау органдарының"
    span = locate("Сыбайлас жемқорлыққа қарсы іс қимыл агенттігі", KK)
    assert span.match is MatchMethod.FUZZY
    assert located(span, KK) == "Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігінің"
    span = locate("үйлесімділігі мәселелерін талқылады (Шаһар)", KK)
    assert located(span, KK) == "үйлесімділігі мәселелерін талқылады (Шаһар)"
    assert span.start == KK.index("үйлесімділігі")


def test_chinese() -> None:
    span = locate("国务委员、公安部部长赵克志", ZH)
    assert span.match is MatchMethod.EXACT
    assert span.start == 0
    assert located(span, ZH) == "国务委员、公安部部长赵克志"
    span = locate("公安部长赵克志", ZH)  # one character dropped
    assert span.match is MatchMethod.FUZZY
    # No word snapping in CJK: the span stays on the passage instead of growing to the whole sentence.
    assert located(span, ZH) == "公安部部长赵克志"
    span = locate("双方同意加强执法安全合作", ZH)
    assert located(span, ZH) == "双方同意加强执法安全合作"


# --- long articles -----------------------------------------------------------------------------------------


def _long_article(target: str) -> str:
    rng = random.Random(0)
    words = [
        "the", "minister", "of", "public", "security", "met", "his", "counterpart", "from", "kazakhstan",
        "to", "discuss", "cooperation", "in", "combating", "transnational", "crime", "drug", "trafficking",
        "and", "terrorism", "on", "tuesday", "hanoi", "both", "sides", "agreed",
    ]
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < 50_000:
        sentences.append(" ".join(rng.choice(words) for _ in range(rng.randint(8, 25))).capitalize() + ".")
    sentences.insert(len(sentences) * 2 // 3, target)
    return " ".join(sentences)


def test_fuzzy_in_50k_article_is_found_fast() -> None:
    target = ("Colonel-General Vilayat Eyvazov, Azerbaijan's Minister of Internal Affairs, signed a "
              "memorandum on information exchange.")
    text = _long_article(target)
    assert len(text) >= 50_000
    quote = ("Colonel General Vilayat Eivazov, Azerbaijani Minister of Internal Affairs, signed the "
             "memorandum on information exchange")
    started = time.perf_counter()
    span = locate(quote, text)
    elapsed = time.perf_counter() - started
    assert span.match is MatchMethod.FUZZY
    assert located(span, text) == target.rstrip(".")
    assert elapsed < 2.0
    # A quote that is nowhere must also come back quickly, ungrounded.
    started = time.perf_counter()
    missing = locate("The football match in Paris was postponed because of heavy rain and wind", text)
    assert not missing.grounded
    assert time.perf_counter() - started < 2.0


# --- fold --------------------------------------------------------------------------------------------------


def test_fold() -> None:
    assert fold("  We  will “cooperate” —\u00ad now ") == 'we will "cooperate" - now'
    assert fold(unicodedata.normalize("NFD", "Lương")) == fold("Lương")
    assert fold("Thượng tướng Đỗ Văn Đàm", keep_diacritics=False) == "thuong tuong do van dam"


# --- properties --------------------------------------------------------------------------------------------

# Letters from the scripts the library meets, plus spacing and punctuation, so slices cross word and
# sentence boundaries and repeat often.
_ALPHABET = st.sampled_from(
    list("abcAB ..,\n\t-") + list("ươộĐđ") + list("дЖй") + list("әғқңөұүһі") + list("赵克志、。")
    + ["\u2019", "\u201c", "\u2014", "\u0301", "\u0323", "\u00a0"]
)


@settings(max_examples=300, deadline=None)
@given(text=st.text(_ALPHABET, min_size=1, max_size=200), data=st.data())
def test_any_slice_is_found_exactly(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    quote = text[i:j]
    stripped = quote.strip()
    span = locate(quote, text)
    if len(stripped) < 3:
        # Short quotes ground only as whole words; when they do, the offsets are still exact.
        if span.grounded:
            assert located(span, text) == stripped
        return
    assert span.match is MatchMethod.EXACT
    assert located(span, text) == stripped
    assert span.start is not None
    assert span.start <= i + (len(quote) - len(quote.lstrip()))


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.characters(), min_size=3, max_size=80), data=st.data())
def test_any_unicode_slice_is_found_exactly(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text) - 3))
    j = data.draw(st.integers(i + 3, len(text)))
    quote = text[i:j]
    assume(len(quote.strip()) >= 3)
    span = locate(quote, text)
    assert located(span, text) == quote.strip()
    assert span.start is not None and span.start <= text.index(quote.strip())


_NO_MARKS = st.sampled_from(list("abcXY 1.,-'") + list("ươĐдЖқү赵") + ["\u2019", "\u201d"])


@settings(max_examples=300, deadline=None)
@given(text=st.text(_NO_MARKS, min_size=3, max_size=150), data=st.data(),
       gap=st.sampled_from([" ", "  ", "\n", " \t "]))
def test_reflowed_and_recased_slice_is_found_normalized(text: str, data: st.DataObject, gap: str) -> None:
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    quote = " ".join(text[i:j].split())
    assume(len(quote) >= 3)
    quote = gap.join(quote.split(" ")).swapcase()
    span = locate(quote, text)
    assert span.match in (MatchMethod.EXACT, MatchMethod.NORMALIZED)
    assert fold(located(span, text)) == fold(quote)


@settings(max_examples=300, deadline=None)
@given(quote=st.text(max_size=40), text=st.text(max_size=300), search_from=st.integers(-5, 400),
       threshold=st.floats(0, 100))
def test_locate_never_fails_and_offsets_are_sane(quote: str, text: str, search_from: int,
                                                 threshold: float) -> None:
    span = locate(quote, text, search_from=search_from, fuzzy_threshold=threshold)
    assert span.quote == quote
    assert 0.0 <= span.score <= 100.0
    if span.grounded:
        assert span.start is not None and span.end is not None
        assert 0 <= span.start < span.end <= len(text)
        passage = text[span.start:span.end]
        assert passage == passage.strip()
    else:
        assert span.start is None and span.end is None


_WORDY = st.sampled_from(list("abcdefgh  ,."))


@settings(max_examples=300, deadline=None)
@given(text=st.text(_WORDY, min_size=10, max_size=200), quote=st.text(_WORDY, min_size=3, max_size=30))
def test_fuzzy_spans_never_cut_words(text: str, quote: str) -> None:
    span = locate(quote, text, fuzzy_threshold=50.0)
    if span.match is MatchMethod.FUZZY:
        assert span.start is not None and span.end is not None
        assert span.start == 0 or not (text[span.start - 1].isalnum() and text[span.start].isalnum())
        assert span.end == len(text) or not (text[span.end - 1].isalnum() and text[span.end].isalnum())
