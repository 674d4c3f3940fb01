"""Threat categories and cooperation areas found by keyword lexicons, alongside the model's passes.

Naming a threat or a field of cooperation is a lexical act in these articles ("telecom fraud", "drug
trafficking", "extradition"), and a dictionary finds those words more reliably than a 1.5B model asked to
list them, which often answers an empty list or copies the vocabulary. Dictionary coding is also how CAMEO
and PLOVER coders work. Each hit is exact evidence (the matched words and their offsets); a threat found this
way is marked ``detected_by="lexicon"`` in the record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from diplo_extract.core.schema import CooperationArea, ThreatCategory

E = TypeVar("E", bound=Enum)

_PATTERNS: dict[ThreatCategory, str] = {
    ThreatCategory.TERRORISM: r"terroris[mt]s?|terror financing|financing of terror\w*|terrorist organi[sz]ations?",
    ThreatCategory.EXTREMISM: r"extremis[mt]s?|radicali[sz]ation",
    ThreatCategory.SEPARATISM: r"separatis[mt]s?",
    ThreatCategory.DRUG_TRAFFICKING: (r"drug[- ]trafficking|drug traffick\w+|drug smuggling|drug trade|illicit drugs"
                                      r"|(?:trafficking|smuggling) (?:of|in) (?:\w+ and )?(?:illicit )?"
                                      r"(?:drugs|narcotics)"
                                      r"|narcotics?(?: trafficking| smuggling| trade)?|drug-related crimes?"),
    ThreatCategory.ARMS_TRAFFICKING: (r"arms (?:and \w+ )?(?:trafficking|smuggling)|weapons smuggling"
                                      r"|(?:trafficking|smuggling) (?:of|in) (?:arms|weapons)"
                                      r"|illegal (?:arms|weapons)(?: trade| trafficking)?|illicit (?:arms|weapons)"),
    ThreatCategory.HUMAN_TRAFFICKING: (r"human trafficking|trafficking in (?:persons|human beings|people)"
                                       r"|people smuggling|migrant smuggling"),
    ThreatCategory.TRANSNATIONAL_CRIME: r"transnational (?:organi[sz]ed )?crimes?|cross-border crimes?",
    ThreatCategory.ORGANIZED_CRIME: (r"organi[sz]ed crimes?|criminal groups?|criminal organi[sz]ations?"
                                     r"|organi[sz]ed (?:criminal )?groups?"),
    ThreatCategory.ECONOMIC_CRIME: r"economic crimes?|financial crimes?",
    ThreatCategory.CORRUPTION: r"corruption|corrupt officials|anti-corruption|bribery",
    ThreatCategory.MONEY_LAUNDERING: r"money[- ]laundering|laundering of (?:money|proceeds)",
    ThreatCategory.CYBERCRIME: r"cyber[- ]?crimes?|cyber[- ]?attacks?|crimes? in cyberspace|cyber[- ]?fraud",
    ThreatCategory.TELECOM_FRAUD: r"telecom(?:munications?)? fraud|telephone fraud|phone scams?",
    ThreatCategory.GAMBLING: r"(?:cross-border |online |illegal )?gambling",
    ThreatCategory.ILLEGAL_MIGRATION: r"illegal (?:migration|immigration)|irregular migration|illegal migrants?",
    ThreatCategory.PROPERTY_CRIME: r"property crimes?|theft|robber(?:y|ies)",
    ThreatCategory.EXTERNAL_INTERFERENCE: (r"interference in (?:the |their |its )?(?:internal|domestic) affairs"
                                           r"|external interference|foreign interference"),
    ThreatCategory.COLOR_REVOLUTION: r"colou?r revolutions?",
}

_AREA_PATTERNS: dict[CooperationArea, str] = {
    CooperationArea.LAW_ENFORCEMENT: r"law[- ]enforcement|police cooperation|policing",
    CooperationArea.COUNTER_TERRORISM: r"(?:counter|anti|fight\w*(?: against)?|combat\w*) ?-?terroris[mt]\w*",
    CooperationArea.INTELLIGENCE_SHARING: r"intelligence(?: sharing| exchange| cooperation)?",
    CooperationArea.ANTI_CORRUPTION: r"anti-corruption|(?:fight\w*|combat\w*) (?:against )?corruption",
    CooperationArea.EXTRADITION: r"extradit\w+|transfer of (?:sentenced|convicted) persons",
    CooperationArea.FUGITIVE_RECOVERY: r"fugitives?|wanted persons|flee\w* (?:overseas|abroad)|illicit gains",
    CooperationArea.BORDER_SECURITY: r"border (?:security|management|protection|control|areas|guards?|service)",
    CooperationArea.MIGRATION: r"migration",
    CooperationArea.EVENT_SECURITY: r"(?:security (?:for|of|at) )?major (?:international )?events",
    CooperationArea.PROJECT_SECURITY: r"belt and road|joint projects|security of (?:\w+ )?projects",
    CooperationArea.LEGAL_FRAMEWORK: r"legal (?:framework|basis)|treaty|memorandum of understanding",
    CooperationArea.TRAINING_EXCHANGE: r"training|exchange of experience|experience exchange|sharing experiences?",
    CooperationArea.INFORMATION_SHARING: r"information[- ]sharing|exchange of information|information exchange"
                                         r"|share information",
    CooperationArea.DRUG_CONTROL: r"drug control|counter-?narcotics|anti-drug",
    CooperationArea.CYBERSECURITY: r"cyber ?security|information security",
    CooperationArea.WATER_RESOURCES: r"water resources|transboundary water\w*",
    CooperationArea.CULTURE_EDUCATION: r"cultur(?:e|al) (?:and|&) education\w*|educational exchange",
}


def _compile(patterns: Mapping[E, str]) -> dict[E, re.Pattern[str]]:
    return {key: re.compile(rf"(?<![\w-])(?:{pattern})(?!\w)", re.IGNORECASE) for key, pattern in patterns.items()}


_THREATS = _compile(_PATTERNS)
_AREAS = _compile(_AREA_PATTERNS)


@dataclass(frozen=True)
class Hit(Generic[E]):
    """One lexicon match: the category and where its words stand in the text."""

    category: E
    start: int
    end: int


def _find(text: str, compiled: Mapping[E, re.Pattern[str]]) -> list[Hit[E]]:
    hits = [Hit(key, match.start(), match.end()) for key, pattern in compiled.items()
            for match in pattern.finditer(text)]
    return sorted(hits, key=lambda hit: (hit.start, str(hit.category.value)))


def find_threats(text: str) -> list[Hit[ThreatCategory]]:
    """Every threat-lexicon match in ``text``, in order of position."""
    return _find(text, _THREATS)


def find_cooperation_areas(text: str) -> list[Hit[CooperationArea]]:
    """Every cooperation-area lexicon match in ``text``, in order of position."""
    return _find(text, _AREAS)
