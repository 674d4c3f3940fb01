from __future__ import annotations

from diplo_extract.text.sentences import in_headline, sentence_around, split_sentences

ZH = "国务委员、公安部部长赵克志在北京会见哈萨克斯坦反腐败署署长。双方同意加强执法安全合作。"


# --- sentence_around ---------------------------------------------------------------------------------------


def test_sentence_around() -> None:
    text = "First sentence here. The minister met Lavrov! Was it useful? Yes.\nNew line without stop"
    start = text.index("Lavrov")
    s, e = sentence_around(text, start, start + len("Lavrov"))
    assert text[s:e] == "The minister met Lavrov!"
    start = text.index("useful")
    assert text[slice(*sentence_around(text, start, start + 6))] == "Was it useful?"
    start = text.index("without")
    assert text[slice(*sentence_around(text, start, start + 7))] == "New line without stop"
    # A span crossing a sentence end gets both sentences.
    start = text.index("here")
    end = text.index("met") + 3
    assert text[slice(*sentence_around(text, start, end))] == "First sentence here. The minister met Lavrov!"


def test_sentence_around_ignores_decimal_points_and_handles_cjk_and_quotes() -> None:
    text = "Trade grew 3.5 percent this year. Next."
    start = text.index("percent")
    assert text[slice(*sentence_around(text, start, start + 7))] == "Trade grew 3.5 percent this year."
    start = ZH.index("双方")
    assert ZH[slice(*sentence_around(ZH, start, start + 2))] == "双方同意加强执法安全合作。"
    text = "He said: “We agree.” Then he left."
    assert text[slice(*sentence_around(text, 10, 12))] == "He said: “We agree.”"


def test_sentence_around_clamps_offsets() -> None:
    text = "One. Two."
    assert sentence_around(text, -5, 100) == (0, len(text))
    assert sentence_around("", 0, 0) == (0, 0)


def test_an_article_splits_into_numbered_sentences_that_keep_titles_with_names() -> None:
    text = ("ASTANA, May 3. Lt. Gen. A. B. Smith met Mr. Ivanov in the U.S. embassy on Monday.\n\n"
            "They agreed to cooperate. Was it useful? Yes.")
    sentences = split_sentences(text)
    assert [text[s.start:s.end] for s in sentences] == [
        "ASTANA, May 3.", "Lt. Gen. A. B. Smith met Mr. Ivanov in the U.S. embassy on Monday.",
        "They agreed to cooperate.", "Was it useful?", "Yes."]
    assert [s.number for s in sentences] == [1, 2, 3, 4, 5]


def test_longer_title_abbreviations_stay_with_the_name() -> None:
    text = ("The minister called on H.E. Prof. Amien Rais and Capt. Lee Jones. Supt. Tan Wei spoke. "
            "He thanked Prof. Dr Boediono.")
    assert [text[s.start:s.end] for s in split_sentences(text)] == [
        "The minister called on H.E. Prof. Amien Rais and Capt. Lee Jones.", "Supt. Tan Wei spoke.",
        "He thanked Prof. Dr Boediono."]


def test_a_short_name_or_word_ends_a_sentence_where_an_abbreviation_would_not() -> None:
    text = ("Howard met the Vice President, H.E. Dr Hamzah Haz. He then met Lee. Gillard hosted the Rugby World Cup. "
            "Philippine National Security Adviser Sec. Hermogenes Esperon attended on 3 Aug. 2017 as well.")
    assert [text[s.start:s.end] for s in split_sentences(text)] == [
        "Howard met the Vice President, H.E. Dr Hamzah Haz.", "He then met Lee.", "Gillard hosted the Rugby World Cup.",
        "Philippine National Security Adviser Sec. Hermogenes Esperon attended on 3 Aug. 2017 as well."]


def test_chinese_sentences_end_at_full_width_marks() -> None:
    assert [ZH[s.start:s.end] for s in split_sentences(ZH)] == [
        "国务委员、公安部部长赵克志在北京会见哈萨克斯坦反腐败署署长。", "双方同意加强执法安全合作。"]


def test_cyrillic_initials_do_not_end_a_sentence() -> None:
    text = "Кеңеске министрі А. Мусинов, Д.Ф. Мезенцев қатысты. Встреча прошла в 2014 г. Министр уехал."
    assert [text[s.start:s.end] for s in split_sentences(text)] == [
        "Кеңеске министрі А. Мусинов, Д.Ф. Мезенцев қатысты.", "Встреча прошла в 2014 г.", "Министр уехал."]


def test_the_headline_is_a_short_first_line_without_a_full_stop() -> None:
    story = "Minister met the Head of the EU Delegation, Ambassadors of Armenia and Iran\n\nThe Minister met them."
    assert in_headline(story, 0) and not in_headline(story, story.index("The Minister"))
    lead_paragraph = "11月14日,应美国执法部门请求,中国警方将1名美籍逃犯遣返美国。上海警方现场见证了遣返过程。\n\n据悉。"
    assert not in_headline(lead_paragraph, 0)
