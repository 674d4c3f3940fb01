"""The keyword threat lexicon and the cleaning of the people a small model lists."""

from __future__ import annotations

import pytest

from diplo_extract.text.lexicon import find_cooperation_areas, find_threats, reports_interaction


@pytest.mark.parametrize(("text", "expected"), [
    ("deepen practical cooperation in fighting terrorism and extremism", {"terrorism", "extremism"}),
    ("combating such crimes as cross-border gambling and telecom fraud", {"gambling", "telecom_fraud"}),
    ("tracking down corrupt officials who flee overseas", {"corruption"}),
    ("the three evil forces of terrorism, separatism and extremism", {"terrorism", "separatism", "extremism"}),
    ("transnational organized crimes, including illegal arms and drug trafficking",
     {"transnational_crime", "organized_crime", "arms_trafficking", "drug_trafficking"}),
    ("trafficking of arms and drugs, using terror proxies", {"arms_trafficking", "drug_trafficking"}),
    ("all manifestations of organized crime", {"organized_crime"}),
    ("interference in the internal affairs of Kazakhstan", {"external_interference"}),
    ("attempts to stage a colour revolution", {"color_revolution"}),
    ("illegal migration and human trafficking", {"illegal_migration", "human_trafficking"}),
    # Smuggling migrants is the illegal migration's trade, trafficking in persons another crime.
    ("organised people smuggling and trafficking in persons", {"illegal_migration", "human_trafficking"}),
    ("the people smugglers' chain", {"illegal_migration"}),
    ("money laundering and the financing of terrorism", {"money_laundering", "terrorism"}),
    ("crimes in cyberspace and cyber-attacks", {"cybercrime"}),
    ("the two ministers discussed bilateral trade and culture", set()),
    ("the counter-terrorism centre", set()),  # an institution's name, not a threat discussed
])
def test_lexicon_finds_the_categories_named(text: str, expected: set[str]) -> None:
    assert {hit.category.value for hit in find_threats(text)} == expected


def test_lexicon_hits_are_exact_offsets() -> None:
    text = "They agreed to fight telecom fraud."
    (hit,) = find_threats(text)
    assert text[hit.start:hit.end] == "telecom fraud"


@pytest.mark.parametrize(("text", "language", "expected"), [
    # Chinese: no spaces, so terms are found inside runs; 三股势力 names three threats.
    ("共同坚决打击“三股势力”，深化网络安全和禁毒合作", "zh",
     {"terrorism", "separatism", "extremism", "drug_trafficking"}),
    ("有力打击电信网络诈骗、跨境赌博和毒品制贩等跨国犯罪", "zh",
     {"telecom_fraud", "gambling", "drug_trafficking", "transnational_crime"}),
    ("在追逃追赃、打击洗钱和非法移民方面加强合作", "zh", {"money_laundering", "illegal_migration"}),
    ("防範化解外部干涉風險", "zh", {"external_interference"}),
    ("上合组织地区反恐怖机构理事会", "zh", set()),
    # Russian: stems with case endings.
    ("борьба с терроризмом, экстремизмом и сепаратизмом", "ru", {"terrorism", "extremism", "separatism"}),
    ("незаконной миграцией и наркотрафиком", "ru", {"illegal_migration", "drug_trafficking"}),
    ("незаконным оборотом наркотиков, коррупцией и киберпреступностью", "ru",
     {"drug_trafficking", "corruption", "cybercrime"}),
    ("коррупция, торговля людьми и преступления против собственности", "ru",
     {"corruption", "human_trafficking", "property_crime"}),
    ("Региональной антитеррористической структуры ШОС", "ru", set()),
    # Kazakh: suffixes on stems.
    ("терроризмге, экстремизмге және есірткі бизнесіне қарсы күрес", "kk",
     {"terrorism", "extremism", "drug_trafficking"}),
    ("заңсыз көші-қонға және сыбайлас жемқорлыққа қарсы", "kk", {"illegal_migration", "corruption"}),
    ("ШЫҰ Терроризмге қарсы аймақтық құрылымының директоры", "kk", set()),
    # Vietnamese
    ("phòng, chống khủng bố, tội phạm ma túy, tội phạm xuyên quốc gia", "vi",
     {"terrorism", "drug_trafficking", "transnational_crime"}),
    ("tội phạm mua bán người, rửa tiền, tội phạm mạng", "vi", {"human_trafficking", "money_laundering", "cybercrime"}),
    # English text with any language: the English table as before.
    ("cross-border gambling and telecom fraud", "ru", {"gambling", "telecom_fraud"}),
])
def test_lexicon_in_the_sources_languages(text: str, language: str, expected: set[str]) -> None:
    assert {hit.category.value for hit in find_threats(text, language)} == expected
    # With no language every table runs; each language's words are its own.
    assert {hit.category.value for hit in find_threats(text)} == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("深化禁毒、反恐、边境管理和重大项目安全保卫等方面的务实合作", "zh",
     {"drug_control", "counter_terrorism", "border_security", "project_security"}),
    ("в сфере борьбы с преступностью, обмен информацией", "ru", {"law_enforcement", "information_sharing"}),
    ("қылмыскерлерді экстрадициялау, қылмыстық істер бойынша құқықтық көмек", "kk", {"extradition", "legal_framework"}),
    ("trao đổi thông tin, đào tạo cán bộ", "vi", {"information_sharing", "training_exchange"}),
])
def test_cooperation_areas_in_the_sources_languages(text: str, language: str, expected: set[str]) -> None:
    assert {hit.category.value for hit in find_cooperation_areas(text, language)} == expected


@pytest.mark.parametrize(("text", "language"), [
    ("国务委员、公安部部长郭声琨表示，要深化禁毒、反恐合作", "zh"),
    ("Стороны обсудили борьбу с терроризмом и наркотрафиком.", "ru"),
    ("Терроризмге қарсы күрес барынша табанды түрде жалғасатын болады", "kk"),
    ("phòng chống tội phạm ma túy, rửa tiền", "vi"),
])
def test_multilingual_hits_are_exact_offsets(text: str, language: str) -> None:
    hits = find_threats(text, language) + find_cooperation_areas(text, language)
    assert hits
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start:hit.end].strip() == text[hit.start:hit.end]


@pytest.mark.parametrize(("sentence", "reports"), [
    ("The Interpol deputy chief also called on the minister in Delhi.", True),
    ("The ambassador paid a courtesy call on the governor.", True),
    ("She called on member states to step up the fight against drug trafficking.", False),
    ("He called on the ministries and agencies of both countries to sign an agreement.", False),
])
def test_calling_on_someone_is_a_visit_unless_they_are_called_on_to_act(sentence: str, reports: bool) -> None:
    assert reports_interaction(sentence) is reports
