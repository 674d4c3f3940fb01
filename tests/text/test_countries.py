"""Tests for diplo_extract.text.countries: country codes, organisations and free-text country lists."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from importlib import resources

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diplo_extract.text.countries import (
    canonical_organization,
    countries_in,
    country_named_exactly,
    is_intergovernmental,
    to_country_code,
)

# Phrasing as it appears in ministry press releases and wire copy.
COUNTRY_CASES: list[tuple[str | None, str | None]] = [
    # United Arab Emirates
    ("deputy prime minister and minister of interior of the United Arab Emirates (UAE)", "AE"),
    ("UAE", "AE"),
    ("U.A.E.", "AE"),
    ("uae", "AE"),
    ("the Emirates", "AE"),
    ("Emirati Interior Minister Lt. Gen. Sheikh Saif bin Zayed Al Nahyan", "AE"),
    # Kazakhstan
    ("Kazakh minister of internal affairs", "KZ"),
    ("Kazakhstani", "KZ"),
    ("Qazaqstan", "KZ"),
    ("Kazakhstan's Anti-Corruption Agency", "KZ"),
    ("Kazakhstan’s Ministry of Foreign Affairs", "KZ"),
    ("Minister of Internal Affairs of the Republic of Kazakhstan", "KZ"),
    ("Astana", "KZ"),
    ("Nur-Sultan", "KZ"),
    ("  KAZAKHSTAN.  ", "KZ"),
    ("KZ", "KZ"),
    ("KAZ", "KZ"),
    ("Permanent Representative of Kazakhstan to the UN", "KZ"),
    # Viet Nam, in composed and decomposed Unicode
    ("Việt Nam", "VN"),
    (unicodedata.normalize("NFD", "Việt Nam"), "VN"),
    ("Vietnam", "VN"),
    ("Vietnamese Ministry of Public Security", "VN"),
    # China
    ("Beijing", "CN"),
    ("PRC", "CN"),
    ("Chinese State Councilor and Minister of Public Security", "CN"),
    ("Ministry of Public Security of China", "CN"),
    ("Ministry of Public Security of the People's Republic of China", "CN"),
    # Russia
    ("Moscow", "RU"),
    ("Russian Federation", "RU"),
    ("Secretary of the Security Council of the Russian Federation", "RU"),
    ("the Russian Federation's Ministry of Internal Affairs", "RU"),
    ("Russian Deputy Foreign Minister", "RU"),
    ("the Kremlin", "RU"),
    # Türkiye
    ("Türkiye", "TR"),
    ("Republic of Türkiye", "TR"),
    ("Turkey", "TR"),
    ("Turkish Interior Minister", "TR"),
    # Central Asia, Caucasus and neighbours
    ("Azerbaijani", "AZ"),
    ("Iranian", "IR"),
    ("Islamic Republic of Iran", "IR"),
    ("Tajik", "TJ"),
    ("Minister of Internal Affairs of Tajikistan", "TJ"),
    ("Uzbek", "UZ"),
    ("Kyrgyz", "KG"),
    ("Secretary of the Security Council of the Kyrgyz Republic", "KG"),
    ("Turkmen", "TM"),
    ("Ashgabat", "TM"),
    ("Afghan", "AF"),
    ("Islamic Republic of Afghanistan", "AF"),
    ("Pakistani", "PK"),
    ("Islamabad", "PK"),
    ("Indian", "IN"),
    ("New Delhi", "IN"),
    ("Mongolian", "MN"),
    ("Armenian", "AM"),
    ("Yerevan", "AM"),
    ("Belarusian", "BY"),
    ("Georgian Interior Minister", "GE"),
    # Gulf and Middle East
    ("Saudi", "SA"),
    ("Saudi Arabia", "SA"),
    ("Riyadh", "SA"),
    ("Kingdom of Saudi Arabia", "SA"),
    ("Omani", "OM"),
    ("Qatari", "QA"),
    ("Iraqi", "IQ"),
    # Europe and the Americas
    ("Ukrainian", "UA"),
    ("Kyiv", "UA"),
    ("US", "US"),
    ("U.S.", "US"),
    ("U.S. Secretary of State", "US"),
    ("United States", "US"),
    ("American", "US"),
    ("Washington", "US"),
    ("UK", "GB"),
    ("British", "GB"),
    ("Britain", "GB"),
    # East and South-East Asia
    ("South Korea", "KR"),
    ("Republic of Korea", "KR"),
    ("North Korea", "KP"),
    ("DPRK", "KP"),
    ("Democratic People's Republic of Korea", "KP"),
    ("Laos", "LA"),
    ("Lao", "LA"),
    ("Lao People's Democratic Republic", "LA"),
    # Word boundaries and longest match
    ("Indiana", None),
    ("Nigerian", "NG"),
    ("Niger", "NE"),
    ("Guinea-Bissau", "GW"),
    ("Guinea", "GN"),
    ("Papua New Guinea", "PG"),
    ("South Sudan", "SS"),
    ("Sudan", "SD"),
    ("Dominican Republic", "DO"),
    ("Dominica", "DM"),
    ("Democratic Republic of the Congo", "CD"),
    ("Republic of the Congo", "CG"),
    # Partial names reached through the guarded fuzzy fallback
    ("Bosnia", "BA"),
    ("Trinidad", "TT"),
    # European Union bodies
    ("Europol", "EU"),
    ("EU", "EU"),
    ("European Union", "EU"),
    ("European Commission", "EU"),
    ("Delegation of the European Union to Kazakhstan", "EU"),
    ("Head of the EU Delegation to Uzbekistan", "EU"),
    # Intergovernmental organisations have no country
    ("SCO", None),
    ("Shanghai Cooperation Organisation", None),
    ("Secretary-General of the SCO", None),
    ("CSTO", None),
    ("CICA", None),
    ("UN", None),
    ("United Nations", None),
    ("UNODC", None),
    ("UNODC Programme Office in Kazakhstan", None),
    ("CIS", None),
    ("Interpol", None),
    ("ASEAN", None),
    ("UNRCCA", None),
    ("OSCE", None),
    # No country at all
    ("Kingdom", None),
    ("Minister", None),
    ("Interior", None),
    ("Ministry of Internal Affairs", None),
    ("Federation", None),
    ("Martin", None),
    ("told us about the plan", None),
    ("Latin America", None),
    ("Indian Ocean", None),
    ("", None),
    ("   ", None),
    ("...", None),
    (None, None),
]

ORGANIZATION_CASES: list[tuple[str | None, str | None]] = [
    ("Shanghai Cooperation Organisation", "SCO"),
    ("Shanghai Cooperation Organization", "SCO"),
    ("SCO Regional Anti-Terrorist Structure", "SCO"),
    ("Executive Committee of the Regional Anti-Terrorist Structure", "SCO"),
    ("Collective Security Treaty Organization", "CSTO"),
    ("CSTO Secretary General", "CSTO"),
    ("Conference on Interaction and Confidence-Building Measures in Asia", "CICA"),
    ("United Nations", "UN"),
    ("U.N. Security Council", "UN"),
    ("United Nations Office on Drugs and Crime", "UNODC"),
    ("UNODC Regional Office for Central Asia", "UNODC"),
    ("Commonwealth of Independent States", "CIS"),
    ("CIS Anti-Terrorism Center", "CIS"),
    ("INTERPOL", "Interpol"),
    ("International Criminal Police Organization", "Interpol"),
    ("Association of Southeast Asian Nations", "ASEAN"),
    ("United Nations Regional Centre for Preventive Diplomacy for Central Asia", "UNRCCA"),
    ("Organization for Security and Co-operation in Europe", "OSCE"),
    ("NATO", "NATO"),
    ("European Union", "EU"),
    ("Delegation of the European Union", "EU"),
    ("Europol", "Europol"),
    ("EU Border Management Programme in Central Asia (BOMCA)", "BOMCA"),
    ("BOMCA", "BOMCA"),
    ("Council of Europe", "Council of Europe"),
    ("sco", "SCO"),
    ("Permanent Representative of Kazakhstan to the UN", "UN"),
    ("Kazakhstan's Anti-Corruption Agency", None),
    ("Ministry of Public Security of China", None),
    ("the Kremlin", None),
    ("they told the un", None),
    ("", None),
    (None, None),
]

INTERGOVERNMENTAL_CASES: list[tuple[str | None, bool]] = [
    ("SCO", True),
    ("Secretary-General of the CSTO", True),
    ("UNODC Regional Office for Central Asia", True),
    ("Europol", True),
    ("European Commission", True),
    ("Interpol", True),
    ("Kazakhstan's Anti-Corruption Agency", False),
    ("Ministry of Public Security of China", False),
    ("Permanent Representative of Kazakhstan to the UN", False),
    ("Minister", False),
    ("", False),
    (None, False),
]

COUNTRIES_IN_CASES: list[tuple[str, list[str]]] = [
    ("China-Kazakhstan partnership", ["CN", "KZ"]),
    ("Sino-Kazakh talks", ["CN", "KZ"]),
    ("US-China talks", ["US", "CN"]),
    ("Russia, China and again Russia", ["RU", "CN"]),
    ("the SCO summit in Astana", ["KZ"]),
    ("EU-Central Asia ministerial with Kazakhstan and Uzbekistan", ["EU", "KZ", "UZ"]),
    ("Indiana and Nigerian officials", ["NG"]),
    ("Guinea-Bissau and Guinea", ["GW", "GN"]),
    ("South Sudan and Sudan", ["SS", "SD"]),
    ("they told us about Latin America", []),
    ("uae", ["AE"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), COUNTRY_CASES)
def test_to_country_code(text: str | None, expected: str | None) -> None:
    assert to_country_code(text) == expected


@pytest.mark.parametrize(("text", "expected"), ORGANIZATION_CASES)
def test_canonical_organization(text: str | None, expected: str | None) -> None:
    assert canonical_organization(text) == expected


@pytest.mark.parametrize(("text", "expected"), INTERGOVERNMENTAL_CASES)
def test_is_intergovernmental(text: str | None, expected: bool) -> None:
    assert is_intergovernmental(text) is expected


@pytest.mark.parametrize(("text", "expected"), COUNTRIES_IN_CASES)
def test_countries_in(text: str, expected: list[str]) -> None:
    assert countries_in(text) == expected


def _alias_table() -> dict[str, object]:
    raw = json.loads((resources.files("diplo_extract.text") / "country_aliases.json").read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


def _table_country_aliases() -> list[tuple[str, str]]:
    countries = _alias_table()["countries"]
    assert isinstance(countries, dict)
    return [(alias, code) for code, aliases in countries.items() for alias in aliases]


@pytest.mark.parametrize(("alias", "code"), _table_country_aliases())
def test_every_table_alias_resolves_to_its_country(alias: str, code: str) -> None:
    assert pycountry.countries.get(alpha_2=code) is not None
    assert to_country_code(alias) == code
    assert to_country_code(f"Minister of Foreign Affairs ({alias})") == code


def test_every_table_organization_resolves_to_itself() -> None:
    orgs = _alias_table()["organizations"]
    assert isinstance(orgs, dict)
    for name, spec in orgs.items():
        for alias in [name, *spec["aliases"]]:
            assert canonical_organization(alias) == name, alias
            assert to_country_code(alias) == spec["country"], alias
            assert is_intergovernmental(alias), alias


def test_lookups_are_fast() -> None:
    # Tables are built at import; a call on a press-release phrase must stay in the microseconds range.
    phrase = "deputy prime minister and minister of interior of the United Arab Emirates (UAE)"
    start = time.perf_counter()
    for _ in range(2000):
        to_country_code(phrase)
        countries_in(phrase)
    assert (time.perf_counter() - start) / 2000 < 0.001


_CODE = re.compile(r"^[A-Z]{2}$")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=st.characters(codec="utf-8"), max_size=2000)))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    code = to_country_code(text)
    assert code is None or _CODE.match(code)
    found = countries_in(text)
    assert len(found) == len(set(found))
    assert all(_CODE.match(item) for item in found)
    org = canonical_organization(text)
    assert org is None or isinstance(org, str)
    assert isinstance(is_intergovernmental(text), bool)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Kazakh", "the", "US", "us", "Guinea", "-", "Bissau", "’s", "UN", "Việt"])))
def test_never_raises_on_near_miss_phrases(words: list[str]) -> None:
    text = " ".join(words)
    code = to_country_code(text)
    assert code is None or _CODE.match(code)
    assert all(_CODE.match(item) for item in countries_in(text))


# Country names as the Chinese, Russian, Vietnamese and Kazakh editions of the same publishers write them.
MULTILINGUAL_CASES: list[tuple[str, str | None]] = [
    # Chinese: full and short names, "X方" for a side, capitals, traditional script, names inside runs.
    ("中国", "CN"), ("中华人民共和国", "CN"), ("中方", "CN"), ("中華人民共和國", "CN"),
    ("国务委员、中国公安部部长", "CN"), ("吉尔吉斯斯坦", "KG"), ("哈萨克斯坦总统", "KZ"), ("哈方", "KZ"),
    ("缅甸内政部", "MM"), ("内比都", "MM"), ("阿斯塔纳", "KZ"), ("新德里", "IN"), ("美国驻沪总领馆", "US"),
    ("俄罗斯联邦", "RU"), ("越南公安部", "VN"), ("北京", "CN"), ("印度洋", None), ("中美洲", None),
    ("其中方法", None), ("公安部", None),
    # Russian: names in every case, adjectives, compounds, acronyms, capitals.
    ("Китай", "CN"), ("КНР", "CN"), ("китайской стороной", "CN"), ("Китайской Народной Республики", "CN"),
    ("России", "RU"), ("Россией", "RU"), ("Российской Федерации", "RU"), ("российских министров", "RU"),
    ("МИД России", "RU"), ("Кыргызстан", "KG"), ("Киргизии", "KG"), ("Республики Казахстан", "KZ"),
    ("Казахстане", "KZ"), ("Соединенных Штатов Америки", "US"), ("США", "US"), ("Ирана", "IR"),
    ("МВД Зимбабве", "ZW"), ("Хараре", "ZW"), ("Душанбе", "TJ"), ("Пекин", "CN"), ("Грузии", "GE"),
    ("груз", None), ("кроме того", None),
    # Kazakh: case suffixes on the last word, demonyms in -лық/-лік, acronyms.
    ("Қытай", "CN"), ("ҚХР", "CN"), ("Қытай Халық Республикасының", "CN"), ("Ресей", "RU"), ("Ресейдің", "RU"),
    ("ресейлік әріптесі", "RU"), ("Қазақстан Республикасы", "KZ"), ("Қазақстанның", "KZ"),
    ("Қырғызстан Республикасының", "KG"), ("Тәжікстан", "TJ"), ("Өзбекстан Республикасының", "UZ"),
    ("Марокко Корольдігіне", "MA"), ("Мароккоға", "MA"), ("АҚШ", "US"), ("Астана", "KZ"),
    # Vietnamese: only with diacritics, and inside a phrase only capitalised.
    ("Trung Quốc", "CN"), ("Bộ Công an Trung Quốc", "CN"), ("Hoa Kỳ", "US"), ("Mỹ", "US"), ("Nga", "RU"),
    ("Bộ An ninh Lào", "LA"), ("Bắc Kinh", "CN"), ("Hà Nội", "VN"), ("Việt Nam", "VN"), ("Campuchia", "KH"),
    ("thẩm mỹ", None), ("my", None),
    # Latin transliterations of Kazakh and Russian names in English text.
    ("Qazaqstan Respublikasy", "KZ"), ("Akorda", "KZ"), ("Almaty", "KZ"), ("Qyrgyzstan", "KG"), ("Moskva", "RU"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), MULTILINGUAL_CASES)
def test_country_names_in_zh_ru_kk_vi(text: str, expected: str | None) -> None:
    assert to_country_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中缅第五次执法安全合作会议", ["CN", "MM"]),
        ("中哈两国元首", ["CN", "KZ"]),
        ("会谈中美方表示", ["US"]),
        ("российско-иранское взаимодействие", ["RU", "IR"]),
        ("Қырғызстан мен Қазақстанның арнайы қызметі", ["KG", "KZ"]),
        ("hợp tác giữa Việt Nam và Hoa Kỳ", ["VN", "US"]),
        ("Nguyen Thi Nga, my colleague", []),
    ],
)
def test_countries_in_multilingual_phrases(text: str, expected: list[str]) -> None:
    assert countries_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("上海合作组织", "SCO"), ("上合組織", "SCO"), ("ОДКБ", "CSTO"), ("ШОС", "SCO"), ("ШЫҰ", "SCO"),
     ("ҰҚШҰ-ның саммиті", "CSTO"), ("СНГ", "CIS"), ("Liên hợp quốc", "UN"), ("联合国", "UN")],
)
def test_organisations_in_zh_ru_kk_vi(text: str, expected: str) -> None:
    assert canonical_organization(text) == expected
    assert to_country_code(text) is None


@pytest.mark.parametrize("syllable", ["Hồng", "Việt", "Hong", "Viet"])
def test_syllables_of_vietnamese_names_are_no_countries(syllable: str) -> None:
    # "Mạnh Hồng Vỹ", "Nguyễn Việt Thắng": alone, these begin "Hong Kong" and "Viet Nam" but name no country.
    assert to_country_code(syllable) is None


@pytest.mark.parametrize(("name", "code"), [("Viet Nam", "VN"), ("Việt Nam", "VN"), ("Hong Kong", "HK"),
                                            ("Hồng Kông", "HK")])
def test_the_whole_names_still_are(name: str, code: str) -> None:
    assert to_country_code(name) == code


@pytest.mark.parametrize(("text", "code"), [("Trung Quốc", "CN"), ("Kazakhstan", "KZ"), ("the United States", "US"),
                                            ("Kazakhstan Nurlan", None), ("Ministry of Justice", None)])
def test_a_country_named_word_for_word(text: str, code: str | None) -> None:
    assert country_named_exactly(text) == code


@pytest.mark.parametrize(("code", "expected"), [("AO", "AO"), ("IS", "IS"), ("KAZ", "KZ"), ("EU", "EU")])
def test_a_code_in_capitals_is_its_country_before_any_alias_it_folds_to(code: str, expected: str) -> None:
    # "AO" folds to "ao", the Vietnamese name of Austria ("Áo").
    assert to_country_code(code) == expected
