from __future__ import annotations

import datetime as dt

import pytest

from diplo_extract.core.llm_schema import LLMMeeting, LLMMeetingStatus, LLMParticipant, LLMThreat
from diplo_extract.pipeline.assemble import Assembler, portfolio_stripped
from diplo_extract.pipeline.attribution import MeetingLocator
from diplo_extract.text.dates import find_article_dates

TEXT = ("ASTANA, May 3 -- Kazakh Interior Minister Yerlan Turgumbayev on Monday met Uzbek Interior Minister "
        "Pulat Bobojonov in Astana. The sides discussed drug trafficking and agreed to exchange information.")


def _person(name: str, country: str = "", organization: str = "") -> LLMParticipant:
    return LLMParticipant(name=name, title="", organization=organization, country=country)


def _meeting(*people: LLMParticipant, date_text: str = "on Monday") -> LLMMeeting:
    return LLMMeeting(quote="met Uzbek Interior Minister", kind="meeting", status=LLMMeetingStatus.HELD,
                      date_text=date_text, city="Astana", participants=list(people))


def test_invented_people_are_dropped_with_a_warning() -> None:
    assembler = Assembler(text=TEXT, anchor=dt.date(2021, 5, 3))
    kept = assembler.without_invented_people(
        _meeting(_person("Yerlan Turgumbayev"), _person("Abdulla Aripov")), "meetings[0]")
    assert [p.name for p in kept.participants] == ["Yerlan Turgumbayev"]
    assert [w.code for w in assembler.warnings] == ["participant_not_in_text"]


def test_a_meeting_gets_iso_countries_a_resolved_date_and_exact_evidence() -> None:
    assembler = Assembler(text=TEXT, anchor=dt.date(2021, 5, 3))
    raw = _meeting(_person("Yerlan Turgumbayev", "Kazakhstan"), _person("Pulat Bobojonov", "Uzbekistan"),
                   _person("Pulat Bobojonov", "Uzbekistan"))
    meeting = assembler.meeting(raw, "meetings[0]", None, threats=[], areas=[], agreements=[])
    assert meeting is not None
    assert [(p.name, p.country) for p in meeting.participants] == [("Yerlan Turgumbayev", "KZ"),
                                                                   ("Pulat Bobojonov", "UZ")]
    assert meeting.date == dt.date(2021, 5, 3) and meeting.location.country == "KZ"
    person = meeting.participants[1]
    assert person.evidence is not None and TEXT[person.evidence.start:person.evidence.end] == "Pulat Bobojonov"


def test_a_date_phrase_not_in_the_article_is_ignored() -> None:
    assembler = Assembler(text=TEXT, anchor=dt.date(2021, 5, 3))
    raw = _meeting(_person("Yerlan Turgumbayev", "Kazakhstan"), date_text="on 12 June 2020")
    meeting = assembler.meeting(raw, "meetings[0]", None, threats=[], areas=[], agreements=[])
    # The invented phrase is dropped; the dateline before the quote, in the lead paragraph, dates the meeting.
    assert meeting is not None and meeting.date_text == "May 3" and meeting.date == dt.date(2021, 5, 3)
    assert "date_not_in_text" in [w.code for w in assembler.warnings]


def test_lexicon_threats_carry_exact_offsets_and_the_meetings_they_concern() -> None:
    assembler = Assembler(text=TEXT, anchor=None)
    meeting = _meeting(_person("Yerlan Turgumbayev"), _person("Pulat Bobojonov"))
    (threat, owners), = assembler.threats([], MeetingLocator(TEXT, [meeting]))
    assert threat.category.value == "drug_trafficking" and threat.detected_by == "lexicon"
    assert threat.evidence is not None and TEXT[threat.evidence.start:threat.evidence.end] == "drug trafficking"
    assert owners == {0}


def test_the_words_of_a_threat_settle_the_category_the_model_gave_it() -> None:
    text = ("Minister Morrison met Minister Zahid in Kuala Lumpur. They discussed people smuggling and terrorism "
            "financing.")
    assembler = Assembler(text=text, anchor=None)
    meeting = _meeting(_person("Morrison"), _person("Zahid"))
    model = [LLMThreat(category="human_trafficking", quote="people smuggling"),
             LLMThreat(category="terrorism", quote="people smuggling and terrorism")]
    categories = {threat.category.value for threat, _ in assembler.threats(model, MeetingLocator(text, [meeting]))}
    assert categories == {"illegal_migration", "terrorism"}


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("Law", "Minister for Law Mr K Shanmugam met the Attorney-General.", ""),
    ("Emergency Management", "He met the Minister of Emergency Management Huang Ming.", ""),
    ("Law Edwin Tong", "Senior Minister of State for Law Edwin Tong also met him.", "Edwin Tong"),
    ("Edwin Tong", "Senior Minister of State for Law Edwin Tong also met him.", "Edwin Tong"),
    ("Lawrence Wong", "Minister for Finance Lawrence Wong met Lawrence Wong's guests.", "Lawrence Wong"),
])
def test_a_portfolio_copied_from_a_title_is_no_name(name: str, text: str, expected: str) -> None:
    assert portfolio_stripped(name, text) == expected


def test_past_the_lead_a_date_outside_the_meetings_sentence_is_not_its_date() -> None:
    assembler = Assembler(text=TEXT, anchor=dt.date(2021, 5, 3))
    raw = _meeting(_person("Yerlan Turgumbayev", "Kazakhstan"), _person("Pulat Bobojonov", "Uzbekistan"))
    later = assembler.meeting(raw, "meetings[1]", None, threats=[], areas=[], agreements=[], lead=False)
    first = assembler.meeting(raw, "meetings[0]", None, threats=[], areas=[], agreements=[], lead=True)
    assert later is not None and later.date is None
    assert first is not None and first.date == dt.date(2021, 5, 3)
    assert "date_not_in_sentence" in {w.code for w in assembler.warnings}


def test_a_meeting_on_the_sidelines_of_the_gathering_before_it_takes_its_date() -> None:
    assembler = Assembler(text=TEXT, anchor=dt.date(2021, 5, 3))
    raw = _meeting(_person("Yerlan Turgumbayev", "Kazakhstan"), _person("Pulat Bobojonov", "Uzbekistan"),
                   date_text="")
    sideline = raw.model_copy(update={"quote": "On the sidelines of the session, the ministers met."})
    dated = assembler.meeting(sideline, "meetings[1]", dt.date(2021, 4, 30), threats=[], areas=[], agreements=[],
                              lead=False)
    undated = assembler.meeting(raw, "meetings[1]", dt.date(2021, 4, 30), threats=[], areas=[], agreements=[],
                                lead=False)
    assert dated is not None and dated.date == dt.date(2021, 4, 30)
    assert undated is not None and undated.date is None


def test_a_meeting_over_several_days_has_no_single_date() -> None:
    text = "date 2018-05-22\n\nThe meeting of SCO security council secretaries was held in Beijing on 21-22 May 2018."
    assembler = Assembler(text=text, anchor=dt.date(2018, 5, 22))
    raw = LLMMeeting(quote=text.split("\n")[-1], kind="conference", status=LLMMeetingStatus.HELD,
                     date_text="on 21-22 May 2018", participants=[_person("Zhao Kezhi"), _person("Rashid Alimov")])
    meeting = assembler.meeting(raw, "meetings[0]", None, threats=[], areas=[], agreements=[])
    assert meeting is not None and meeting.date is None and meeting.date_text == "on 21-22 May 2018"
    assert "date_is_a_span" in {w.code for w in assembler.warnings}


def test_the_publication_line_does_not_date_a_meeting() -> None:
    text = "date 2002-10-26\n\nВ пятницу состоялся телефонный разговор министра Бориса Грызлова с Робертом Мюллером."
    assembler = Assembler(text=text, anchor=dt.date(2002, 10, 26), language="ru")
    raw = LLMMeeting(quote=text.split("\n")[-1], kind="phone_call", status=LLMMeetingStatus.HELD,
                     date_text="2002-10-26", participants=[_person("Бориса Грызлова"), _person("Робертом Мюллером")])
    meeting = assembler.meeting(raw, "meetings[0]", None, threats=[], areas=[], agreements=[])
    assert meeting is not None and meeting.date == dt.date(2002, 10, 25)  # "В пятницу", the Friday before
    assert "date_is_publication" in {w.code for w in assembler.warnings}


@pytest.mark.parametrize(("lead", "date"), [
    # The dateline says when the story was filed: a meeting it names no day for has no date.
    ("UZBEKISTAN, April 19 - Tashkent hosts a meeting of the heads of drug control agencies.", None),
    # A relative date of the story's own resolves against the dateline.
    ("UZBEKISTAN, April 19 - Tashkent hosted a meeting of the heads of drug control agencies on Monday.",
     dt.date(2022, 4, 18)),
])
def test_a_wire_datelines_date_does_not_date_the_meeting(lead: str, date: dt.date | None) -> None:
    text = f"date 2022-04-19\n\n{lead}"
    dates = find_article_dates(text)
    assembler = Assembler(text=text, anchor=dates.anchor, dateline_at=dates.dateline_at)
    raw = LLMMeeting(quote=lead, kind="conference", status=LLMMeetingStatus.HELD, date_text="April 19",
                     participants=[_person("Olim Narzullayev"), _person("Liang Yun")])
    meeting = assembler.meeting(raw, "meetings[0]", None, threats=[], areas=[], agreements=[])
    assert meeting is not None and meeting.date == date
    assert "date_is_dateline" in {w.code for w in assembler.warnings}


def test_the_lead_paragraph_dates_its_meeting_once() -> None:
    text = ("date 2021-09-15\n\nСегодня в Душанбе состоялось заседание. Президент Эмомали Рахмон принял "
            "министра Сергея Шойгу.")
    assembler = Assembler(text=text, anchor=dt.date(2021, 9, 15), language="ru")
    raw = LLMMeeting(quote="Президент Эмомали Рахмон принял министра Сергея Шойгу.", kind="reception",
                     status=LLMMeetingStatus.HELD, participants=[_person("Эмомали Рахмон"), _person("Сергея Шойгу")])
    lead = assembler.meeting(raw, "meetings[0]", None, threats=[], areas=[], agreements=[])
    later = assembler.meeting(raw, "meetings[1]", None, threats=[], areas=[], agreements=[], lead=False)
    assert lead is not None and lead.date == dt.date(2021, 9, 15)
    assert later is not None and later.date is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Ministers sign a police cooperation deal\n\ndate 2019-05-09\n\nThe interior ministry reported the news. "
     "The memorandum was signed on Tuesday, May 7, in Rabat.", dt.date(2019, 5, 7)),
    ("МВД подписало соглашение с Марокко\n\ndate 2019-05-09\n\nОб этом сообщает пресс-центр.\n\nДокумент был "
     "подписан 7 мая в Рабате.", dt.date(2019, 5, 7)),
])
def test_a_meeting_known_from_the_headline_is_dated_by_the_opening_paragraphs(text: str, expected: dt.date) -> None:
    assembler = Assembler(text=text, anchor=dt.date(2019, 5, 9))
    raw = LLMMeeting(quote=text.split("\n")[0], kind="signing", status=LLMMeetingStatus.HELD,
                     participants=[_person("", organization="interior ministry")])
    lead = assembler.meeting(raw, "meetings[0]", None, threats=[], areas=[], agreements=[])
    later = assembler.meeting(raw, "meetings[1]", None, threats=[], areas=[], agreements=[], lead=False)
    assert lead is not None and lead.date == expected
    assert later is not None and later.date is None  # only the story's own meeting


def test_a_meeting_reported_in_the_body_is_not_dated_by_the_opening_paragraphs() -> None:
    text = "Ministers sign a deal\n\nThe ministers met in Rabat.\n\nA memorandum had been signed on May 7."
    assembler = Assembler(text=text, anchor=dt.date(2019, 5, 9))
    raw = LLMMeeting(quote="The ministers met in Rabat.", kind="meeting", status=LLMMeetingStatus.HELD,
                     participants=[_person("", organization="ministers")])
    meeting = assembler.meeting(raw, "meetings[0]", None, threats=[], areas=[], agreements=[])
    assert meeting is not None and meeting.date is None


def test_an_intergovernmental_official_gets_no_home_country() -> None:
    assembler = Assembler(text="ШЫҰ Бас хатшысы Д.Ф. Иванов кездесуге қатысты.", anchor=None, language="kk")
    raw = LLMMeeting(quote=assembler.text, kind="meeting", status=LLMMeetingStatus.HELD, participants=[
        LLMParticipant(name="Д.Ф. Иванов", title="ШЫҰ Бас хатшысы", country="Қазақстан"),
        LLMParticipant(name="", title="", organization="Ішкі істер министрлігі", country="")])
    assert [p.country for p in assembler.participants(raw, "meetings[0]")] == [None, "KZ"]


def test_a_kazakh_state_in_a_case_form_is_no_person() -> None:
    text = "Бас прокурор Испания Корольдігімен шарттарға қол қойғанын еске салды."
    assembler = Assembler(text=text, anchor=None, language="kk")
    raw = LLMMeeting(quote=text, kind="meeting", status=LLMMeetingStatus.HELD,
                     participants=[_person("Испания Корольдігімен")])
    (person,) = assembler.without_invented_people(raw, "reported[0]").participants
    assert person.name == "" and person.organization == "Испания Корольдігі"


@pytest.mark.parametrize("text", [
    "Minister Kim met Ambassador Lee, ministry spokesman Park Jun said. \"The talks were good,\" said Park Jun.",
    "Министр Ким встретился с послом Ли, сообщил официальный представитель МВД Иван Петров.",
])
def test_the_spokesperson_who_reports_a_meeting_is_not_its_participant(text: str) -> None:
    assembler = Assembler(text=text, anchor=None)
    spokesperson = "Park Jun" if "Park" in text else "Иван Петров"
    raw = LLMMeeting(quote=text, kind="meeting", status=LLMMeetingStatus.HELD,
                     participants=[_person(spokesperson)])
    assert assembler.without_invented_people(raw, "meetings[0]").participants == []
    assert [w.code for w in assembler.warnings] == ["participant_is_a_spokesperson"]


def test_a_spokesperson_the_article_also_reports_taking_part_stays() -> None:
    text = ("Ministry spokesman Park Jun said the talks were good. Park Jun also met the visiting press attaché.")
    assembler = Assembler(text=text, anchor=None)
    raw = LLMMeeting(quote=text, kind="meeting", status=LLMMeetingStatus.HELD, participants=[_person("Park Jun")])
    assert [p.name for p in assembler.without_invented_people(raw, "meetings[0]").participants] == ["Park Jun"]


def test_a_delegation_whose_body_holds_a_participants_name_is_that_participants_title() -> None:
    text = "Thứ trưởng Lê Văn Ba tiếp Phó Trợ lý Bộ trưởng Bộ An ninh Nội địa Hoa Kỳ John Smith."
    assembler = Assembler(text=text, anchor=None, language="vi")
    raw = LLMMeeting(quote=text, kind="reception", status=LLMMeetingStatus.HELD, participants=[
        _person("Lê Văn Ba", "Việt Nam"), _person("John Smith", "Hoa Kỳ"),
        _person("", "Hoa Kỳ", organization="Phó Trợ lý Bộ trưởng Bộ An ninh Nội địa Hoa Kỳ John Smith"),
        _person("", "Lào", organization="Bộ An ninh Lào")])
    assert [(p.name, p.organization) for p in assembler.participants(raw, "meetings[0]")] == [
        ("Lê Văn Ba", None), ("John Smith", None), (None, "Bộ An ninh Lào")]
