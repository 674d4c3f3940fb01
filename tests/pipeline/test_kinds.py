from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMMeeting, LLMMeetingStatus, LLMParticipant
from diplo_extract.pipeline.kinds import (
    anchored_to_report,
    host_of_separate_meetings,
    introduced,
    kind_from_report,
    split_bilateral_calls,
    status_from_report,
    titled_subject,
    unasked_separate_meetings,
    with_cochaired_sessions,
)
from diplo_extract.text.sentences import split_sentences


def _reported(sentence: str, status: str) -> LLMMeeting:
    return LLMMeeting(quote=sentence, kind="phone_call", status=status)


@pytest.mark.parametrize(("sentence", "status", "expected"), [
    ("Earlier, Prince Abdulaziz held separate telephone talks with his Qatari counterpart.", "planned", "held"),
    ("The minister met his Kazakh counterpart in Astana.", "proposed", "held"),
    ("The minister will visit Beijing next week, where he met officials last year.", "planned", "planned"),
    ("The two sides plan to hold talks in Tashkent.", "planned", "planned"),
    ("The minister met his counterpart.", "background", "background"),
    # A visit under way is taking place.
    ("President Tokayev is now in Ankara for a state visit after attending a summit in Baku.", "planned", "held"),
    ("The prime minister is on an official visit to Hanoi.", "planned", "held"),
    ("Министр находится в Минске с рабочим визитом.", "planned", "held"),
    ("Thủ tướng đang thăm chính thức Lào.", "planned", "held"),
    ("国务委员正在对越南进行正式访问。", "planned", "held"),
    ("The minister is in Tashkent on a visit and will meet the president on Friday.", "planned", "planned"),
])
def test_a_past_tense_report_without_future_words_is_held(sentence: str, status: str, expected: str) -> None:
    assert status_from_report(_reported(sentence, status)).status is LLMMeetingStatus(expected)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The 13th meeting of SCO Security Council Secretaries will be held in Beijing on May 21-22, the "
     "spokesperson announced Wednesday.", "planned"),
    ("Заседание Совета министров внутренних дел СНГ состоится в Душанбе в мае.", "planned"),
    ("Hội nghị sẽ diễn ra tại Hà Nội vào tháng tới.", "planned"),
    ("上合组织安全会议秘书会议将于5月21日至22日在北京举行。", "planned"),
    ("Кездесу келесі айда Астанада өтеді.", "planned"),
    # Reported as held: a past-tense word wins over words about the future.
    ("The ministers met in Astana and said the next round will be held in Tashkent.", "held"),
    ("Министры провели встречу, следующая состоится в Минске.", "held"),
    ("Hai bên đã hội đàm và nhất trí sẽ tổ chức cuộc gặp tiếp theo.", "held"),
])
def test_a_held_report_that_only_announces_is_planned(sentence: str, expected: str) -> None:
    assert status_from_report(_reported(sentence, "held")).status is LLMMeetingStatus(expected)


@pytest.mark.parametrize(("sentence", "kind"), [
    ("Николай Патрушев провел телефонный разговор с Али Шамхани.", "phone_call"),
    ("王小洪与阿联酋副总理通电话。", "phone_call"),
    ("Bộ trưởng Tô Lâm điện đàm với Bộ trưởng Nội vụ Lào.", "phone_call"),
    ("Министры провели встречу в режиме видеосвязи.", "video_call"),
    ("Thứ trưởng Lê Quý Vương tiếp ông Matthew King.", "reception"),
    ("Эмомали Рахмон принял участников совещания.", "reception"),
    ("郭声琨在内比都会见缅甸内政部部长觉瑞。", "meeting"),
    ("Hai bộ trưởng hội đàm và thống nhất tiếp tục hợp tác.", "meeting"),  # tiếp tục: "continue"
])
def test_reporting_words_of_every_source_language_settle_the_kind(sentence: str, kind: str) -> None:
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held")
    assert kind_from_report(meeting).kind.value == kind


def _person(name: str, country: str) -> dict[str, str]:
    return {"name": name, "country": country}


@pytest.mark.parametrize("sentence", [
    "Minister Host Person, with Aide Person, held separate bilateral meetings with First Guest and Second Guest.",
    "Host Person 在北京分别会见了 First Guest 和 Second Guest。",
    "Bộ trưởng Host Person đã có các cuộc hội đàm với First Guest và Second Guest.",
    "Министр Host Person провел отдельные встречи с коллегами из Таджикистана и Узбекистана.",
])
def test_a_report_of_separate_interactions_is_one_per_counterpart(sentence: str) -> None:
    # Three countries made kind_from_report call the whole a conference; each part is a meeting.
    meeting = LLMMeeting(quote=sentence, kind="conference", status="held", participants=[
        _person("Host Person", "Singapore"), _person("Aide Person", "Singapore"),
        _person("First Guest", "Indonesia"), _person("Second Guest", "Vietnam")])
    parts = split_bilateral_calls(meeting)
    assert [[p.name for p in part.participants] for part in parts] == [
        ["Host Person", "Aide Person", "First Guest"], ["Host Person", "Aide Person", "Second Guest"]]
    assert {part.kind.value for part in parts} == {"meeting"}


def test_separate_meetings_held_with_a_list_pair_nobody_with_the_first_guest() -> None:
    sentence = ("Bilateral meetings were also held with Angola's Minister of Justice Ana Silva, Jamaica Minister of "
                "Justice Delroy Brown and Samoa Minister of Justice Faaolesa Tui.")
    # The model listed two of the three; code reads the third from the list.
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held",
                         participants=[_person("Ana Silva", "Angola"), _person("Delroy Brown", "Jamaica")])
    parts = split_bilateral_calls(meeting)
    assert [[p.name for p in part.participants] for part in parts] == [["Ana Silva"], ["Delroy Brown"],
                                                                       ["Faaolesa Tui"]]


def test_separate_interactions_with_one_country_are_one_per_counterpart() -> None:
    meeting = LLMMeeting(quote="Bộ trưởng Tô Lâm đã có các cuộc hội đàm với Mạnh Kiến Trụ; Quách Thanh Côn.",
                         kind="meeting", status="held",
                         participants=[_person("Tô Lâm", "Việt Nam"), _person("Mạnh Kiến Trụ", "Trung Quốc"),
                                       _person("Quách Thanh Côn", "Trung Quốc")])
    assert len(split_bilateral_calls(meeting)) == 2


@pytest.mark.parametrize("sentence", [
    "The minister met the ministers of Indonesia and Vietnam.",  # one meeting of three, as far as it says
    "The Council of Ministers met in Tashkent.",
])
def test_a_meeting_of_three_without_words_for_separate_ones_stays_one(sentence: str) -> None:
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held", participants=[
        _person("Host Person", "Singapore"), _person("First Guest", "Indonesia"), _person("Second Guest", "Vietnam")])
    assert split_bilateral_calls(meeting) == [meeting]


def test_a_call_with_three_countries_is_split_without_words_for_it() -> None:
    meeting = LLMMeeting(quote="Zhao held phone talks with the UAE deputy PM and the Kazakh minister.",
                         kind="phone_call", status="held", participants=[
                             _person("Zhao Kezhi", "China"), _person("Saif", "UAE"),
                             _person("Turgumbayev", "Kazakhstan")])
    assert [[p.name for p in part.participants] for part in split_bilateral_calls(meeting)] == [
        ["Zhao Kezhi", "Saif"], ["Zhao Kezhi", "Turgumbayev"]]


@pytest.mark.parametrize(("sentence", "expected"), [
    # A recalled earlier report is background.
    ("Earlier, the agency reported that the two ministers met in Moscow.", "background"),
    ("Ранее агентство писало, что глава МВД обсудил с коллегой борьбу с терроризмом.", "background"),
    ("Напомним, министры встретились в Астане в мае.", "background"),
    ("据此前报道，两国部长在北京举行了会谈。", "background"),
    ("Như đã đưa tin, hai Bộ trưởng đã hội đàm tại Hà Nội.", "background"),
    ("Бұған дейін агенттік министрлер кездескенін хабарлаған.", "background"),
    # An earlier event of the same story is not.
    ("Earlier the same day, the minister met his Tajik counterpart.", "held"),
    ("Ранее в тот же день министр встретился с коллегой из Таджикистана.", "held"),
    # An agreement to meet is no meeting.
    ("Москва и Вашингтон договорились о проведении ежегодных встреч на высоком уровне.", "planned"),
    ("The two ministers agreed to hold annual consultations on counter-terrorism.", "planned"),
])
def test_the_sentence_settles_the_status_of_a_report_the_model_called_held(sentence: str, expected: str) -> None:
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held")
    assert status_from_report(meeting).status.value == expected


@pytest.mark.parametrize("sentence", [
    "The minister met his Myanmar counterpart in Naypyidaw and co-chaired the fifth law enforcement meeting.",
    "部长在内比都会见缅甸内政部部长,并共同主持中缅第五次执法安全合作会议。",
    "Bộ trưởng đã hội đàm với Bộ trưởng Lào và đồng chủ trì phiên họp lần thứ 5.",
])
def test_a_meeting_and_the_session_its_people_co_chaired_are_two(sentence: str) -> None:
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held",
                         participants=[_person("A Person", "China"), _person("B Person", "Myanmar")])
    meetings = with_cochaired_sessions([meeting])
    assert [m.kind.value for m in meetings] == ["meeting", "conference"]
    assert meetings[1].participants == meeting.participants


def test_co_chairing_alone_is_one_session() -> None:
    meeting = LLMMeeting(quote="The two ministers co-chaired the fifth meeting of the joint working group.",
                         kind="meeting", status="held")
    assert with_cochaired_sessions([meeting]) == [meeting]


@pytest.mark.parametrize(("sentence", "kind"), [
    ("The 12th meeting of SCO Security Council Secretaries was held in Astana; the minister led the delegation.",
     "conference"),
    ("上海合作组织成员国安全会议秘书第十二次会议在阿斯塔纳举行,公安部长率中国代表团出席。", "conference"),
    ("On the sidelines of the SCO meeting, the minister met officials.", "meeting"),
    # A body's session, numbered or not.
    ("Today the Foreign Ministers Council session of the CIS took place in Minsk, chaired by the minister.",
     "conference"),
    ("The plenary of the Council of Heads of Government of the SCO opened in Bishkek.", "conference"),
    ("In the framework of the CSTO Committee session, the minister met the Russian secretary.", "meeting"),
])
def test_a_session_of_an_organisation_reported_by_one_side_is_a_conference(sentence: str, kind: str) -> None:
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held", participants=[_person("A Person", "China")])
    assert kind_from_report(meeting).kind.value == kind


def test_meetings_held_by_a_host_named_before_are_one_per_counterpart() -> None:
    sentence = ("During the visit, the head of the delegation held meetings with Interior Minister Eskandar Momeni "
                "and the Deputy Interior Minister of Türkiye Münir Karaloğlu.")
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held", participants=[
        _person("Muhammet Hydyrov", "Turkmenistan"), _person("Eskandar Momeni", "Iran")])
    parts = split_bilateral_calls(meeting)
    assert [[p.name for p in part.participants] for part in parts] == [
        ["Muhammet Hydyrov", "Eskandar Momeni"], ["Muhammet Hydyrov", "Münir Karaloğlu"]]


def test_people_named_among_those_met_are_counterparts_whatever_country_the_model_gave() -> None:
    sentence = ("Bộ trưởng Tô Lâm đã có các cuộc hội đàm với Bí thư Mạnh Kiến Trụ; Bộ trưởng Quách Thanh Côn và "
                "Thứ trưởng Mạnh Hồng Vỹ.")
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held", participants=[
        _person("Tô Lâm", "Việt Nam"), _person("Quách Thanh Côn", "Việt Nam"), _person("Mạnh Hồng Vỹ", "Việt Nam")])
    parts = split_bilateral_calls(meeting)
    assert [[p.name for p in part.participants] for part in parts] == [
        ["Tô Lâm", "Mạnh Kiến Trụ"], ["Tô Lâm", "Quách Thanh Côn"], ["Tô Lâm", "Mạnh Hồng Vỹ"]]


def test_co_hosting_a_meeting_is_not_receiving_a_guest() -> None:
    meeting = LLMMeeting(quote="The meeting was co-hosted by Minister Wiranto and Attorney-General Brandis.",
                         kind="meeting", status="held")
    assert kind_from_report(meeting).kind.value == "meeting"
    hosted = meeting.model_copy(update={"quote": "Minister Wiranto hosted Attorney-General Brandis in Jakarta."})
    assert kind_from_report(hosted).kind.value == "reception"


def test_a_meeting_given_a_headline_moves_to_the_sentence_that_reports_it() -> None:
    text = ("МВД и ФБР договорились о взаимодействии. В пятницу состоялся телефонный разговор министра Бориса "
            "Грызлова с директором ФБР Робертом Мюллером.")
    sentences = split_sentences(text)
    meeting = LLMMeeting(quote=text[sentences[0].start:sentences[0].end], kind="meeting", status="held",
                         sentence=1, participants=[_person("Бориса Грызлова", "Россия"),
                                                   _person("Робертом Мюллером", "США")])
    moved = anchored_to_report(meeting, text, sentences)
    assert moved.sentence == 2 and "телефонный разговор" in moved.quote
    assert kind_from_report(moved).kind.value == "phone_call"


def test_a_meeting_whose_sentence_reports_it_stays() -> None:
    text = "The ministers met in Astana. Later the ministers Ali Khan and Bo Li spoke by phone."
    sentences = split_sentences(text)
    meeting = LLMMeeting(quote="The ministers met in Astana.", kind="meeting", status="held", sentence=1,
                         participants=[_person("Ali Khan", "Pakistan"), _person("Bo Li", "China")])
    assert anchored_to_report(meeting, text, sentences) == meeting


def test_counterparts_the_model_gave_the_hosts_country_are_met_one_by_one() -> None:
    sentence = "Bộ trưởng Tô Lâm đã có các cuộc hội đàm với Mạnh Kiến Trụ; Quách Thanh Côn và Mạnh Hồng Vỹ."
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held", participants=[
        _person("Tô Lâm", "Việt Nam"), _person("Mạnh Kiến Trụ", "Trung Quốc"), _person("Quách Thanh Côn", "Việt Nam"),
        _person("Mạnh Hồng Vỹ", "Việt Nam")])
    assert len(split_bilateral_calls(meeting)) == 3


def test_a_sentence_listing_separate_meetings_the_model_was_not_asked_about_gives_them() -> None:
    text = ("The forum opened in Geneva. Bilateral meetings were also held with Chile's Minister of Justice Ana "
            "Rojas, Peru Minister of the Interior Luis Vega and Fiji Attorney-General Sam Kolo. The minister will "
            "hold separate talks with Minister Tom Lee and Minister Ann Ray next week.")
    sentences = split_sentences(text)
    found = unasked_separate_meetings(text, sentences, answered=set())
    assert [m.sentence for m in found] == [2]  # the third only announces
    parts = [part for meeting in found for part in split_bilateral_calls(meeting)]
    assert [[(p.name, p.country) for p in part.participants] for part in parts] == [
        [("Ana Rojas", "CL")], [("Luis Vega", "PE")], [("Sam Kolo", "FJ")]]
    assert unasked_separate_meetings(text, sentences, answered={2}) == []  # the model answered it


@pytest.mark.parametrize("sentence", [
    "The Prime Minister called on H.E. Prof. Lina Dewi, the Chairman of the Assembly and H.E. Budi Santoso, the "
    "Speaker of the House.",
    "During his stay the Prime Minister paid courtesy calls on Speaker Lina Dewi and Chief Justice Budi Santoso.",
])
def test_courtesy_calls_on_several_office_holders_are_one_call_each_hosted_by_the_titled_visitor(
        sentence: str) -> None:
    text = f"Prime Minister John Reed of Australia visited Jakarta on 12 August. {sentence}"
    sentences = split_sentences(text)
    known = [LLMParticipant(name="John Reed", title="Prime Minister of Australia", country="Australia")]
    found = unasked_separate_meetings(text, sentences, answered={1})
    parts = [part for meeting in found for part in split_bilateral_calls(meeting, known=known)]
    assert [[p.name for p in part.participants] for part in parts] == [
        ["John Reed", "Lina Dewi"], ["John Reed", "Budi Santoso"]]


@pytest.mark.parametrize(("sentence", "countries"), [
    # No counterpart's country is known: the one country the sentence names besides the host's is theirs.
    ("The Prime Minister called on Lina Dewi, the Chairman of the Assembly and Budi Santoso, the Speaker of the "
     "House of the Republic of Indonesia.", ["ID", "ID"]),
    # Two of three are Indonesian: so is the third, whose title stands after the name.
    ("In addition, the Prime Minister met Indonesian Foreign Minister Lina Dewi, Indonesian Trade Minister Budi "
     "Santoso and Retno Marsudi, Minister for Finance.", ["ID", "ID", "ID"]),
    # Two countries named: nobody's is guessed.
    ("The Prime Minister called on H.E. Lina Dewi and H.E. Budi Santoso, after visits to Malaysia and Indonesia.",
     ["", ""]),
])
def test_people_of_a_list_of_calls_take_the_country_the_list_shares(sentence: str, countries: list[str]) -> None:
    known = [LLMParticipant(name="John Reed", title="Prime Minister of Australia", country="Australia")]
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held", sentence=2)
    parts = split_bilateral_calls(meeting, known=known)
    assert [part.participants[-1].country for part in parts] == countries


def test_a_place_in_capitals_is_no_second_person_called_on() -> None:
    sentence = ("LAHORE: Interior Minister Mohsin Naqvi called on Prime Minister Shahbaz Sharif, here at his Model "
                "Town residence on Sunday.")
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held", participants=[
        _person("Mohsin Naqvi", "Pakistan"), _person("Shahbaz Sharif", "Pakistan")])
    assert split_bilateral_calls(meeting) == [meeting]
    assert unasked_separate_meetings(sentence, split_sentences(sentence), answered=set()) == []


@pytest.mark.parametrize("sentence", [
    "The minister called on the member states to step up the fight against drug trafficking.",
    "The Prime Minister met Speaker Lina Dewi and Chief Justice Budi Santoso.",  # met, as far as it says, together
])
def test_urging_or_meeting_several_people_is_no_courtesy_call_each(sentence: str) -> None:
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held", participants=[
        _person("John Reed", "Australia"), _person("Lina Dewi", "Indonesia"), _person("Budi Santoso", "Indonesia")])
    assert split_bilateral_calls(meeting) == [meeting]


@pytest.mark.parametrize(("words", "expected"), [
    ("In addition, the Prime Minister ", "John Reed"),
    ("Minister Ana Silva ", "Ana Silva"),
    ("The Minister ", None),  # two known ministers: which one is not said
    ("The delegation ", None),
    ("During the visit, the head of the Turkmen delegation held ", "Ana Silva"),
    ("The Australian delegation ", None),  # two Australians
])
def test_the_subject_of_a_report_is_the_one_known_person_it_names_or_titles(words: str, expected: str | None) -> None:
    known = [LLMParticipant(name="John Reed", title="Prime Minister of Australia"),
             LLMParticipant(name="Ana Silva", title="Minister of Justice", country="Turkmenistan"),
             LLMParticipant(name="Tom Lee", title="Minister of Trade", country="Australia")]
    found = titled_subject(words, known)
    assert (found.name if found else None) == expected


def test_a_meeting_given_another_interactions_sentence_moves_to_the_sentence_that_names_its_people() -> None:
    text = ("The CIS council session took place in Minsk. Delegations and Executive Secretary Sergei Lebedev "
            "participated in the session. On its sidelines a meeting between Minister Ivan Kubrakov and Minister "
            "Vladimir Kolokoltsev took place.")
    sentences = split_sentences(text)
    wrong = text[sentences[1].start:sentences[1].end]
    meeting = LLMMeeting(quote=wrong, kind="meeting", status="held", sentence=2,
                         participants=[_person("Ivan Kubrakov", "Belarus"), _person("Vladimir Kolokoltsev", "Russia")])
    moved = anchored_to_report(meeting, text, sentences)
    assert moved.sentence == 3
    # A sentence that names nobody (a headline, "the two leaders met") may be theirs: it stays.
    headline = meeting.model_copy(update={"quote": "Joint statement of the two ministers on their meeting",
                                          "sentence": 1})
    assert anchored_to_report(headline, text, sentences) == headline


def test_a_meeting_followed_by_the_meetings_plural_is_one_per_counterpart_with_its_host() -> None:
    sentence = ("Earlier in Hanoi, Minister Shanmugam met with Minister of Public Security To Lam and Deputy "
                "Minister Luong Tam Quang.")
    meeting = LLMMeeting(quote=sentence, kind="meeting", status="held", participants=[
        _person("To Lam", "Vietnam"), _person("Luong Tam Quang", "Vietnam")])
    known = [LLMParticipant(name="K Shanmugam", country="Singapore")]
    hosted = host_of_separate_meetings(meeting, "During the meetings, both parties reaffirmed their ties.", known)
    assert hosted is not None
    parts = split_bilateral_calls(hosted, separate=True)
    assert [[p.name for p in part.participants] for part in parts] == [
        ["K Shanmugam", "To Lam"], ["K Shanmugam", "Luong Tam Quang"]]
    # "During the meeting", singular, or "the talks": one meeting.
    assert host_of_separate_meetings(meeting, "During the meeting, both parties reaffirmed ties.", known) is None
    assert host_of_separate_meetings(meeting, "During the talks, both parties reaffirmed ties.", known) is None


@pytest.mark.parametrize(("words", "name", "expected"), [
    ("and Vanuatu Minister of Justice and Community Services Don Ken Stephen.", "Don Ken Stephen", True),
    ("called on H.E. Prof. Amien Rais and others", "Amien Rais", True),
    ("met Lina Dewi, the Chairman of the Assembly", "Lina Dewi", True),
    ("called on Prime Minister Shahbaz Sharif, here at his Model Town residence", "Model Town", False),
])
def test_a_list_read_by_code_takes_only_people_introduced_by_a_title_or_honorific(words: str, name: str,
                                                                                   expected: bool) -> None:
    assert introduced(LLMParticipant(name=name), words) is expected
