"""The keyword threat lexicon and the cleaning of the people a small model lists."""

from __future__ import annotations

import pytest

from diplo_extract.text.lexicon import find_threats


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
