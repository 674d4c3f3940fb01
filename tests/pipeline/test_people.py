from __future__ import annotations

import pytest

from diplo_extract.core.llm_schema import LLMParticipant
from diplo_extract.pipeline.people import (
    clean_participant,
    participant_country,
    reads_as_name,
    serves_intergovernmental_body,
    split_title_from_name,
)


@pytest.mark.parametrize(("raw", "title", "name"), [
    ("Kazakh Deputy Prime Minister and Foreign Minister Mukhtar Tileuberdi",
     "Kazakh Deputy Prime Minister and Foreign Minister", "Mukhtar Tileuberdi"),
    ("Chinese State Councilor Zhao Kezhi", "Chinese State Councilor", "Zhao Kezhi"),
    ("Zhao Kezhi", "", "Zhao Kezhi"),
    ("Mrs. Bayarsaikhan Solongoo", "", "Mrs. Bayarsaikhan Solongoo"),
    ("Jordan Henderson", "", "Jordan Henderson"),
    # The place a title's preposition governs is the title's.
    ("Vice Mayor of Shenzhen Wang Lixin", "Vice Mayor of Shenzhen", "Wang Lixin"),
    ("Governor of Almaty Region Serik Ali", "Governor of Almaty", "Region Serik Ali"),  # one word moves at most
    ("Minister of Justice Ana Silva", "Minister of Justice", "Ana Silva"),
])
def test_titles_are_split_off_names(raw: str, title: str, name: str) -> None:
    assert split_title_from_name(raw) == (title, name)


@pytest.mark.parametrize(("raw", "organization"), [
    ("Kyrgyzstan", "Kyrgyzstan"), ("UNRCCA", "UNRCCA"), ("United Arab Emirates", "United Arab Emirates"),
    ("New Zealand", "New Zealand"), ("Hàn Quốc", "Hàn Quốc"), ("Новая Зеландия", "Новая Зеландия"),
])
def test_countries_and_organisations_listed_as_people_become_delegations(raw: str, organization: str) -> None:
    person = clean_participant(LLMParticipant(name=raw, title="", organization="", country=""))
    assert person.name == ""
    assert person.organization == organization


def test_a_person_named_like_a_country_stays_a_person() -> None:
    person = clean_participant(LLMParticipant(name="Jordan Henderson", title="", organization="", country=""))
    assert person.name == "Jordan Henderson"


@pytest.mark.parametrize("body", ["Department of the Treasury", "FBI", "Министерство внутренних дел", "公安部",
                                  "Bộ Công an", "the Kazakh delegation", "Federal Bureau of Investigation",
                                  "Commission I", "Committee 2", "People’s Consultative Assembly",
                                  "Regional Anti-Terrorist Structure", "Parliament of Georgia"])
def test_offices_and_ministries_listed_as_people_become_delegations(body: str) -> None:
    cleaned = clean_participant(LLMParticipant(name=body, title="", organization="", country=""))
    assert cleaned.name == "" and cleaned.organization == body


@pytest.mark.parametrize("person", ["Police Major General Somchai Rungsawang", "Ali Yerlikaya", "王小洪",
                                   "Tô Lâm", "Colin Powell", "Tokayev"])
def test_people_whose_titles_or_names_hold_body_words_stay_people(person: str) -> None:
    assert clean_participant(LLMParticipant(name=person, title="", organization="", country="")).name != ""


def test_a_role_without_a_name_is_no_participant() -> None:
    cleaned = clean_participant(LLMParticipant(name="Minister for Home Affairs", title="", organization="",
                                               country="Singapore"))
    assert cleaned.name == "" and cleaned.organization == ""


@pytest.mark.parametrize(("raw", "title", "name"), [
    ("Đại tướng Lê Hồng Anh", "Đại tướng", "Lê Hồng Anh"),
    ("Бас прокурор Берік Асылов", "Бас прокурор", "Берік Асылов"),
    ("Министр иностранных дел Сергей Лавров", "Министр иностранных дел", "Сергей Лавров"),
    ("Lào Thongban Seng Aphon", "Lào", "Thongban Seng Aphon"),  # a country alone before a two-word name
    ("Kassym-Jomart Tokayev, President of Kazakhstan", "President of Kazakhstan", "Kassym-Jomart Tokayev"),
])
def test_titles_in_every_source_language_come_out_of_names(raw: str, title: str, name: str) -> None:
    cleaned = clean_participant(LLMParticipant(name=raw, title="", organization="", country=""))
    assert (cleaned.title, cleaned.name) == (title, name)


@pytest.mark.parametrize(("raw", "organization"), [
    ("Tổng Cục cảnh sát", "Tổng Cục cảnh sát"),  # lower-case words: a body's name, not a person's
    ("Đồn Biên phòng Cửa khẩu Quốc tế Móng Cái", "Đồn Biên phòng Cửa khẩu Quốc tế Móng Cái"),
    ("Ішкі істер министрлігінің", "Ішкі істер министрлігінің"),  # Kazakh puts the body noun last
    ("Бас прокуратура", "Бас прокуратура"),
    ("МВД", "МВД"), ("ШЫҰ", "ШЫҰ"),  # acronyms in any script
    ("near-border departments of the two countries", ""),  # a description: no participant at all
    ("Министр внутренних дел Таджикистана", ""),  # a role without a name
])
def test_bodies_and_roles_in_every_source_language_are_no_people(raw: str, organization: str) -> None:
    cleaned = clean_participant(LLMParticipant(name=raw, title="", organization="", country=""))
    assert cleaned.name == "" and cleaned.organization == organization


@pytest.mark.parametrize("name", ["Saif bin Zayed al Nahyan", "Ильхам Гейдар оглы Алиев", "王小洪", "Tô Lâm",
                                  "Ursula von der Leyen", "Abdullah bin Zayed Al-Nahyan", "Trần Đại Quang"])
def test_names_with_particles_and_names_without_case_read_as_names(name: str) -> None:
    assert reads_as_name(name)
    assert clean_participant(LLMParticipant(name=name, title="", organization="", country="")).name == name


@pytest.mark.parametrize(("raw", "title", "name"), [
    ("Attorney General Merrick Garland", "Attorney General", "Merrick Garland"),
    ("Secretary of the Security Council of Kazakhstan Nurlan Yermekbayev",
     "Secretary of the Security Council of Kazakhstan", "Nurlan Yermekbayev"),  # a body inside a title
    ("Thứ trưởng Bộ Công an Mạnh Hồng Vỹ", "Thứ trưởng Bộ Công an", "Mạnh Hồng Vỹ"),
    ("Заместитель министра внутренних дел России Игорь Зубов", "Заместитель министра внутренних дел России",
     "Игорь Зубов"),
])
def test_a_title_with_its_office_before_a_name_comes_out(raw: str, title: str, name: str) -> None:
    cleaned = clean_participant(LLMParticipant(name=raw, title="", organization="", country=""))
    assert (cleaned.title, cleaned.name) == (title, name)


@pytest.mark.parametrize("body", ["International Criminal Police Organization (ICPO)", "India Embassy in Tashkent",
                                  "Bộ Công an Việt Nam", "Drug Enforcement Administration"])
def test_bodies_ending_in_capitalised_words_stay_bodies(body: str) -> None:
    cleaned = clean_participant(LLMParticipant(name=body, title="", organization="", country=""))
    assert cleaned.name == "" and cleaned.organization == body


@pytest.mark.parametrize(("name", "organization", "expected_name", "expected_title"), [
    ("国务委员、公安部长郭声琨", "", "郭声琨", "国务委员、公安部长"),
    ("", "哈萨克斯坦总统纳扎尔巴耶夫", "纳扎尔巴耶夫", "哈萨克斯坦总统"),
    ("", "国家禁毒委员会办公室", "", ""),  # an office: its last character is a body's
    ("王小洪", "", "王小洪", ""),
])
def test_chinese_titles_glued_to_a_name_are_split_off(name: str, organization: str, expected_name: str,
                                                      expected_title: str) -> None:
    person = clean_participant(LLMParticipant(name=name, organization=organization))
    assert (person.name, person.title) == (expected_name, expected_title)


@pytest.mark.parametrize("raw", ["Theo TTXVN", "According to TASS", "Марокко Корольдігі", "Королевство Испания",
                                 "Vương quốc Campuchia"])
def test_news_agencies_and_states_named_with_their_form_are_no_people(raw: str) -> None:
    assert clean_participant(LLMParticipant(name=raw)).name == ""


@pytest.mark.parametrize(("country", "title", "expected"), [
    ("Georgia", "Ambassador of Iran to Georgia", "IR"),
    ("Georgia", "Head of the EU Delegation to Georgia", "EU"),
    ("Казахстан", "посол России в Казахстане", "RU"),
    ("Việt Nam", "Đại sứ Trung Quốc tại Việt Nam", "CN"),
    ("缅甸", "中国驻缅甸大使", "CN"),
    ("", "Ambassador of Iran to Georgia", "IR"),
    ("Pakistan", "Chinese Ambassador to Pakistan", "CN"),
    ("China", "Chinese Ambassador to Pakistan", "CN"),
    # Not an envoy: the country the model gives stands.
    ("Georgia", "Minister of Internal Affairs of Georgia", "GE"),
])
def test_an_envoy_represents_the_state_that_sends_them(country: str, title: str, expected: str) -> None:
    assert participant_country(country, title, "") == expected


@pytest.mark.parametrize(("raw", "title", "name"), [
    ("Minister for Home Affairs and Minister for Law Mr K Shanmugam, SC",
     "Minister for Home Affairs and Minister for Law", "K Shanmugam"),
    ("The Hon Alexander Downer MP", "", "The Hon Alexander Downer"),
    ("Chief Justice Mrs Sundaresh Menon", "Chief Justice", "Sundaresh Menon"),
    ("Mr K Shanmugam", "", "Mr K Shanmugam"),  # an opening courtesy title is the name's (name_key drops it)
])
def test_a_courtesy_title_inside_a_name_ends_the_title_and_post_nominals_go(raw: str, title: str, name: str) -> None:
    person = clean_participant(LLMParticipant(name=raw))
    assert (person.title, person.name) == (title, name)


@pytest.mark.parametrize(("title", "organization", "serves"), [
    ("First Deputy Minister of Foreign Affairs of the Republic of Kazakhstan", "UNODC ROCA", False),
    ("Regional Representative", "UNODC ROCA", True),
    ("SCO Secretary-General", "SCO", True),
])
def test_a_countrys_office_outweighs_an_intergovernmental_organisation(title: str, organization: str,
                                                                      serves: bool) -> None:
    assert serves_intergovernmental_body(title, organization) is serves
