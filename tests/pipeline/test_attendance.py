"""Attendance sentences: the people a list names join the meeting it belongs to."""

from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMMeeting, LLMParticipant
from diplo_extract.pipeline.attendance import (
    attendance_lists,
    listed_people,
    lists_companions,
    with_attendees,
    with_list_countries,
    with_other_end,
)
from diplo_extract.text.sentences import split_sentences


def _listed(text: str) -> list[tuple[str, str]]:
    found = attendance_lists(text, split_sentences(text))
    return [(p.name, p.country) for a in found for p in a.people]


@pytest.mark.parametrize(("text", "expected"), [
    ("The talks were attended by Kyrgyz Interior Minister Ulan Niyazbekov, Jane Doe from the Ministry of Justice "
     "of Mongolia and the Opening Ceremony guests.",
     [("Ulan Niyazbekov", "KG"), ("Jane Doe", "MN")]),
    ("Also present were Deputy Minister John Smith and New Zealand Foreign Minister.", [("John Smith", "")]),
    ("В заседании приняли участие министр внутренних дел Казахстана Ерлан Тургумбаев и посол России Алексей "
     "Бородавкин.", [("Ерлан Тургумбаев", "KZ"), ("Алексей Бородавкин", "RU")]),
    ("Жиынға Қырғыз Республикасының Ішкі істер министрі Қ. Сейітов, Ресей Федерациясының Бас прокуроры "
     "И. Краснов қатысты.", [("Қ. Сейітов", "KG"), ("И. Краснов", "RU")]),
    ("公安部副部长王一、外交部部长助理李二、新疆维吾尔自治区副主席、公安厅厅长张三参加会谈。",
     [("王一", ""), ("李二", ""), ("张三", "")]),
    ("The seminar was attended by the Vice Mayor of Shenzhen Wang Lixin and the Governor of Almaty Serik Ali.",
     [("Wang Lixin", ""), ("Serik Ali", "KZ")]),
])
def test_attendees_are_read_from_the_list_with_their_countries(text: str, expected: list[tuple[str, str]]) -> None:
    assert _listed(text) == expected


@pytest.mark.parametrize("text", [
    "The minister met Interior Minister Ulan Niyazbekov in Bishkek.",  # a report, not a list of attendees
    "The ceremony was attended by officials and students.",  # nobody named
])
def test_sentences_that_list_no_named_attendee_add_nobody(text: str) -> None:
    assert _listed(text) == []


def test_attendees_join_the_meeting_reported_before_them_on_the_host_side_in_chinese_lists() -> None:
    text = ("郭某在北京会见了美国国土安全部长约翰。郭某在北京会见了土耳其警察总监穆罕默德。"
            "公安部副部长王一、外交部部长助理李二参加会见。")
    first = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="郭某", country="中国"), LLMParticipant(name="约翰", country="美国")])
    second = first.model_copy(update={"sentence": 2, "participants": [
        LLMParticipant(name="郭某", country="中国"), LLMParticipant(name="穆罕默德", country="土耳其")]})
    sentences = split_sentences(text)
    kept, joined = with_attendees([first, second], attendance_lists(text, sentences), sentences)
    assert kept == first
    assert [(p.name, p.country) for p in joined.participants[2:]] == [("王一", "CN"), ("李二", "CN")]


def test_a_person_already_in_the_meeting_is_not_added_twice() -> None:
    text = "Minister Kim met Minister Lee. The meeting was attended by Deputy Minister Park Sung and Minister Lee Jun."
    meeting = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="Kim Min"), LLMParticipant(name="Lee Jun")])
    sentences = split_sentences(text)
    (joined,) = with_attendees([meeting], attendance_lists(text, sentences), sentences)
    assert [p.name for p in joined.participants] == ["Kim Min", "Lee Jun", "Park Sung"]


def test_a_listed_title_naming_a_country_replaces_a_title_the_model_copied_from_another_delegate() -> None:
    text = ("The SCO secretaries met in Tashkent. The following officials took part: SCO Secretary-General Zhang "
            "Ming; Secretary of the National Security Council under the President of Uzbekistan Viktor Makhmudov.")
    meeting = LLMMeeting(quote="", kind="conference", status="held", sentence=1, participants=[
        LLMParticipant(name="Zhang Ming", title="SCO Secretary-General", organization="SCO"),
        LLMParticipant(name="Viktor Makhmudov", title="SCO Secretary-General", organization="SCO")])
    sentences = split_sentences(text)
    (joined,) = with_attendees([meeting], attendance_lists(text, sentences), sentences)
    makhmudov = joined.participants[1]
    assert (makhmudov.country, makhmudov.organization) == ("UZ", "")
    assert makhmudov.title.startswith("Secretary of the National Security Council")
    assert joined.participants[0].title == "SCO Secretary-General"  # the list names no country for him


def test_a_list_far_from_the_meeting_belongs_to_something_else() -> None:
    text = ("Minister Kim met Minister Lee. " + "The ministry published its annual report on crime. " * 40
            + "The ceremony was attended by Deputy Minister Park Sung.")
    meeting = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="Kim Min"), LLMParticipant(name="Lee Jun")])
    sentences = split_sentences(text)
    assert with_attendees([meeting], attendance_lists(text, sentences), sentences) == [meeting]


def test_a_listed_person_already_in_the_meeting_gets_the_country_of_the_list_item() -> None:
    text = "Minister Kim met Minister Lee. The meeting was attended by Mongolian Justice Minister Bat Erdene."
    meeting = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="Kim Min", country="Korea"), LLMParticipant(name="Bat Erdene")])
    sentences = split_sentences(text)
    (joined,) = with_attendees([meeting], attendance_lists(text, sentences), sentences)
    assert [(p.name, p.country) for p in joined.participants] == [("Kim Min", "Korea"), ("Bat Erdene", "MN")]


def test_the_title_of_the_list_item_outweighs_the_country_the_model_copied_to_the_next_person() -> None:
    text = ("Minister Kim met Minister Lee. The meeting was attended by Kazakh Interior Minister Yerlan Sadykov, "
            "Mongolian Justice Minister Bat Erdene and Chinese Ambassador to Mongolia Wang Wu.")
    meeting = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="Yerlan Sadykov", country="Kazakhstan"), LLMParticipant(name="Bat Erdene",
                                                                                  country="Kazakhstan"),
        LLMParticipant(name="Wang Wu", country="China")])
    sentences = split_sentences(text)
    (joined,) = with_attendees([meeting], attendance_lists(text, sentences), sentences)
    # The ambassador's item names two countries: it does not overrule the model.
    assert [(p.name, p.country) for p in joined.participants] == [
        ("Yerlan Sadykov", "KZ"), ("Bat Erdene", "MN"), ("Wang Wu", "China")]


@pytest.mark.parametrize("text", [
    "Ван И и С. Лавров встретились в Пекине.",
    # Not at the end of a sentence, where "И." reads as an initial.
    "В работе совещания приняли участие Ван И и С. Лавров.",
])
def test_a_name_may_end_in_a_one_letter_syllable(text: str) -> None:
    assert "Ван И" in [p.name for p in listed_people(text)[0]]


def _countries(quote: str, people: list[tuple[str, str]], language: str | None = None,
               kind: str = "meeting") -> list[tuple[str, str]]:
    meeting = LLMMeeting(quote=quote, kind=kind, status="held", sentence=1,
                         participants=[LLMParticipant(name=n, country=c) for n, c in people])
    return [(p.name, p.country) for p in with_list_countries(meeting, language=language).participants]


def test_people_listed_after_a_foreign_counterpart_are_of_the_counterparts_country() -> None:
    quote = ("Ngày 5.3, tại Hà Nội, Thượng tướng Nguyễn Văn An đã hội đàm với Bộ trưởng Bộ Nội vụ Lào Vông Xay; "
             "Thứ trưởng Bộ Nội vụ Khăm Phon và Cục trưởng Xổm Phết.")
    people = [("Nguyễn Văn An", "Việt Nam"), ("Vông Xay", "Việt Nam"), ("Khăm Phon", "Việt Nam"),
              ("Xổm Phết", "")]
    assert _countries(quote, people, "vi") == [("Nguyễn Văn An", "Việt Nam"), ("Vông Xay", "LA"),
                                               ("Khăm Phon", "LA"), ("Xổm Phết", "LA")]


@pytest.mark.parametrize(("quote", "people", "expected"), [
    # The guest of a host whose title names a country: nothing between them names the guest's.
    ("Chủ tịch Lào Bun Nhăng tiếp Thượng tướng Nguyễn Văn An tại Viêng Chăn.",
     [("Bun Nhăng", ""), ("Nguyễn Văn An", "Việt Nam")], [("Bun Nhăng", "LA"), ("Nguyễn Văn An", "Việt Nam")]),
    # A clause, not a title, after the separator: "at the invitation of X, the delegation led by Y".
    ("Nhận lời mời của Bộ trưởng Bộ Nội vụ Lào Vông Xay, đoàn đại biểu cấp cao Bộ Công an do Đại tướng Trần Đại "
     "dẫn đầu đã thăm Lào.", [("Trần Đại", "Việt Nam")], [("Trần Đại", "Việt Nam")]),
])
def test_a_person_takes_no_country_across_a_verb_or_a_clause(quote: str, people: list[tuple[str, str]],
                                                            expected: list[tuple[str, str]]) -> None:
    assert _countries(quote, people, "vi") == expected


def test_the_second_side_of_a_kazakh_sentence_gets_the_country_of_its_title() -> None:
    quote = ("Кеше Қазақстан президенті Асан Үсенов Ресейдің мемлекет басшысы Иван Петровпен телефон арқылы "
             "сөйлесті.")
    assert _countries(quote, [("Иван Петров", "Қазақстан")], "kk") == [("Иван Петров", "RU")]


def test_an_intergovernmental_official_keeps_no_country() -> None:
    quote = "Жиынға ШЫҰ Бас хатшысы Д.Ф. Иванов қатысты."
    meeting = LLMMeeting(quote=quote, kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="Д.Ф. Иванов", title="ШЫҰ Бас хатшысы", country="")])
    assert with_list_countries(meeting, language="kk").participants[0].country == ""


def test_a_phone_call_with_one_named_person_gets_the_other_end_from_its_sentence() -> None:
    quote = ("Кеше Қазақстан президенті Асан Үсенов Ресейдің мемлекет басшысы Иван Петровпен телефон арқылы "
             "сөйлесті.")
    call = LLMMeeting(quote=quote, kind="phone_call", status="held", sentence=1,
                      participants=[LLMParticipant(name="Иван Петров", country="Ресей")])
    people = with_other_end(call, language="kk").participants
    assert [(p.name, p.title, p.country) for p in people] == [
        ("Иван Петров", "", "Ресей"), ("Асан Үсенов", "Қазақстан президенті", "KZ")]
    meeting = call.model_copy(update={"kind": "meeting"})
    assert with_other_end(meeting, language="kk") == meeting  # a meeting may have one named side


def test_a_title_with_and_in_it_keeps_the_country_named_before_it() -> None:
    text = ("The talks were attended by Fiji Minister of Justice and Constitutional Affairs Mrs Ana Rojas, and Jane "
            "Doe from the Ministry of Justice of Mongolia.")
    assert _listed(text) == [("Ana Rojas", "FJ"), ("Jane Doe", "MN")]


def test_a_name_after_a_bodys_words_is_read_and_the_courtesy_title_left_out_of_the_office() -> None:
    text = ("Bilateral meetings were also held with Tonga Minister of Justice and Prisons Administration Sione T. "
            "Vaipulu, Fiji Minister of Justice Dr Ana Rojas and Palau Minister of Justice and Community Services "
            "Ken Tulop Remengesau.")
    people = listed_people(text)[0]
    assert [(p.name, p.country) for p in people] == [
        ("Sione T. Vaipulu", "TO"), ("Ana Rojas", "FJ"), ("Ken Tulop Remengesau", "PW")]
    assert people[1].title == "Fiji Minister of Justice"


@pytest.mark.parametrize(("words", "expected"), [
    # "and" inside the title cuts the item; what the sentence goes on to say after the name is not the person's.
    ("The minister held separate calls with Kuwait's Minister Ali Saad and the United Arab Emirates's Deputy Prime "
     "Minister and Minister of Interior Saif Zayed to discuss the Iranian attack.", [("Ali Saad", "KW"),
                                                                                     ("Saif Zayed", "AE")]),
    # What follows the name and describes the person still counts.
    ("Delegates included Liang Yun from the Ministry of Public Security of China.", [("Liang Yun", "CN")]),
])
def test_a_listed_persons_country_is_what_their_item_says_of_them(words: str,
                                                                   expected: list[tuple[str, str]]) -> None:
    assert [(p.name, p.country) for p in listed_people(words)[0]] == expected


def test_people_who_came_with_someone_are_of_that_persons_side() -> None:
    text = ("Coordinator Jan Berg paid a courtesy call on State Minister Ali Hassan on Tuesday. State Minister "
            "Hassan was accompanied by Foreign Secretary Omar Latheef and Desk Officer Mariyam Shaheen. Ambassador "
            "Anna Kovacs and Head of Division Peter Holm accompanied Berg during the meeting.")
    meeting = LLMMeeting(quote="", kind="meeting", status="held", sentence=1, participants=[
        LLMParticipant(name="Jan Berg", country="EU"), LLMParticipant(name="Ali Hassan", country="Maldives")])
    sentences = split_sentences(text)
    (joined,) = with_attendees([meeting], attendance_lists(text, sentences), sentences)
    assert [(p.name, p.country) for p in joined.participants[2:]] == [
        ("Omar Latheef", "MV"), ("Mariyam Shaheen", "MV"), ("Anna Kovacs", "EU"), ("Peter Holm", "EU")]
    assert lists_companions(text[sentences[2].start:sentences[2].end])
    assert not lists_companions(text[sentences[0].start:sentences[0].end])
