from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from diplo_extract.text.names import HONORIFICS, kazakh_nominative, name_key, named_in, same_person


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Sheikh Saif bin Zayed Al Nahyan", "saif bin zayed al nahyan"),
        ("Dato Seri Dr. Ahmad Zahid Bin Hamidi", "ahmad zahid bin hamidi"),
        ("General Lương Tam Quang", "luong tam quang"),
        ("Colonel-General Vilayat Eyvazov", "vilayat eyvazov"),
        ("H.E. Sheikh Abdullah bin Zayed Al Nahyan", "abdullah bin zayed al nahyan"),
        ("Lt.Gen. Đỗ Văn Đàm", "do van dam"),
        ("Lt. Gen. Đỗ Văn Đàm", "do van dam"),
        ("Police Major General Nguyễn Văn Long", "nguyen van long"),
        ("Thượng tướng Lương Tam Quang", "luong tam quang"),
        ("Major General Tran Quoc To", "tran quoc to"),
        ("Mr. Sergey   Lavrov", "sergey lavrov"),
        ("Dr Mahathir Mohamad", "mahathir mohamad"),
        ("Sayyid Badr bin Hamad Al Busaidi", "badr bin hamad al busaidi"),
        ("Prince Faisal bin Farhan Al Saud", "faisal bin farhan al saud"),
        ("Senator Marco Rubio", "marco rubio"),
        ("Ambassador Nguyen Phuong Nga", "nguyen phuong nga"),
        ("Dato' Sri Anwar Ibrahim", "anwar ibrahim"),
        ("Kassym-Jomart Tokayev (President)", "kassym jomart tokayev"),
        ("Генерал-полковник Вилаят Эйвазов", "vilayat eyvazov"),
        ("Асхат Жұмағали", "askhat zhumagali"),
        ("赵克志", "赵克志"),
        ("O'Brien", "obrien"),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_name_key_keeps_a_lone_honorific_and_handles_empty() -> None:
    assert name_key("General") == "general"
    assert name_key("") == ""
    assert name_key(" .,- ") == ""


def test_name_key_only_strips_leading_titles() -> None:
    # Sultan, Amir and Pak begin real names and are not honorifics here; a title word later in a name stays.
    assert name_key("Sultan Ahmed Al Jaber") == "sultan ahmed al jaber"
    assert name_key("Amir Hatami") == "amir hatami"
    assert name_key("Pak Pong Ju") == "pak pong ju"
    assert name_key("Mark General") == "mark general"


def test_honorifics_include_the_documented_ones() -> None:
    documented = ("Mr", "Mrs", "Ms", "Dr", "H.E.", "Sheikh", "Prince", "Sayyid", "General", "Colonel-General",
                  "Lt. Gen.", "Major General", "Police General", "Senator", "Ambassador")
    for honorific in documented:
        assert honorific in HONORIFICS


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zhao", "Zhao Kezhi"),
        ("Lavrov", "Sergey Lavrov"),
        ("Saif bin Zayed", "Sheikh Saif bin Zayed Al Nahyan"),
        ("Vilayat Eyvazov", "Colonel-General Vilayat Eivazov"),
        ("Kassym-Jomart Tokayev", "Kassym Zhomart Tokaev"),
        ("Tokayev Kassym-Jomart", "Kassym-Jomart Tokayev"),
        ("Sergei Lavrov", "Sergey Viktorovich Lavrov"),
        ("Sergey Lavrov", "Sergei Lavrov"),
        ("To Lam", "Tô Lâm"),
        ("General Lương Tam Quang", "Luong Tam Quang"),
        ("Abdulla Aripov", "Abdullah Aripov"),
        ("Mohammed bin Salman", "Muhammad bin Salman"),
        ("Al-Nahyan", "Al Nahyan"),
    ],
)
def test_same_person(a: str, b: str) -> None:
    assert same_person(a, b)
    assert same_person(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zhao", "Wang Yi"),
        ("Wang Yi", "Wang Yu"),
        ("Li Qiang", "Li Keqiang"),
        ("Zhao Leji", "Zhao Kezhi"),
        ("Nguyen Van A", "Nguyen Van B"),
        ("Tran Van Son", "Tran Van Nam"),
        ("Abdullah bin Zayed", "Saif bin Zayed"),
        ("Kezhi", "Zhao Kezhi Ming"),  # one token, but neither first nor last
        ("", ""),
        ("", "Wang Yi"),
        ("Mr.", "Wang Yi"),
    ],
)
def test_different_people(a: str, b: str) -> None:
    assert not same_person(a, b)
    assert not same_person(b, a)


def test_threshold() -> None:
    assert same_person("Vilayat Eyvazov", "Vilayat Eivazov", threshold=85.0)
    assert not same_person("Vilayat Eyvazov", "Vilayat Eivazov", threshold=99.0)


_NAMES = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(name=_NAMES)
@example(name="Ӛ")  # folds to "ә", which the romanising table maps to "a"
def test_name_key_is_idempotent_and_normalised(name: str) -> None:
    key = name_key(name)
    assert name_key(key) == key
    assert key == key.strip()
    assert "  " not in key


@settings(max_examples=300, deadline=None)
@given(a=_NAMES, b=_NAMES)
def test_same_person_is_symmetric_and_reflexive(a: str, b: str) -> None:
    assert same_person(a, b) == same_person(b, a)
    assert same_person(a, a) == bool(name_key(a))


@pytest.mark.parametrize(("a", "b"), [
    ("Сергей Лавров", "Sergei Lavrov"),
    ("Николай Патрушев", "Nikolai Patrushev"),
    ("Қасым-Жомарт Тоқаев", "Kassym-Jomart Tokayev"),
    ("Эмомали Рахмон", "Emomali Rahmon"),
    ("Берік Асылов", "Berik Asylov"),
    ("王小洪", "部长王小洪"),
    ("郭声琨", "国务委员、公安部部长郭声琨"),
    ("纳扎尔巴耶夫", "努尔苏丹·纳扎尔巴耶夫"),
])
def test_same_person_across_scripts_and_glued_titles(a: str, b: str) -> None:
    assert same_person(a, b)


@pytest.mark.parametrize(("a", "b"), [("王小洪", "郭声琨"), ("Сергей Лавров", "Sergei Shoigu"), ("王毅", "王小洪")])
def test_different_people_stay_apart_in_any_script(a: str, b: str) -> None:
    assert not same_person(a, b)


def test_chinese_names_stay_whole() -> None:
    assert name_key("王小洪") == "王小洪"
    assert name_key("国务委员、公安部部长王小洪") == "王小洪"
    assert name_key("习近平主席") == "习近平"


@pytest.mark.parametrize(("written", "nominative"), [
    ("Абдель Латиф Уахбимен", "Абдель Латиф Уахби"),  # comitative: "met with Ouahbi"
    ("Владимир Путинмен", "Владимир Путин"),
    ("Тоқаевтың", "Тоқаев"),  # genitive
    ("Берік Асылов", "Берік Асылов"),  # nominative already
    ("Асылова", "Асылова"),  # the short endings that also end names are left alone
    ("Ван И", "Ван И"),
])
def test_kazakh_case_endings_come_off_the_last_name(written: str, nominative: str) -> None:
    assert kazakh_nominative(written) == nominative


@pytest.mark.parametrize(("name", "words", "expected"), [
    ("Ajit Doval", "NSA Doval chaired the meeting.", True),
    ("Борис Грызлов", "состоялся разговор министра Грызлова с директором ФБР", True),
    ("Nityanand Rai", "MoS Rai met the minister.", False),  # a three-letter surname alone is too common a word
    ("Ajit Doval", "The meeting was held in Mumbai.", False),
    ("", "Anything at all.", False),
])
def test_a_sentence_names_a_person_by_full_name_or_a_long_enough_surname(name: str, words: str,
                                                                        expected: bool) -> None:
    assert named_in(name, words) is expected
