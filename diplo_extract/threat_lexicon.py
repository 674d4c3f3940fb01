"""Threat categories found by a keyword lexicon, alongside the model's own threat pass.

Naming a threat is a lexical act in these articles ("telecom fraud", "drug trafficking", "extremism"), and
a dictionary finds those words more reliably than a 1.5B model asked to list them, which often answers an
empty list. Dictionary coding is also how CAMEO and PLOVER coders work. Each hit is exact evidence (the
matched words and their offsets); a threat found this way is marked ``detected_by="lexicon"`` in the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diplo_extract.schema import ThreatCategory

_PATTERNS: dict[ThreatCategory, str] = {
    ThreatCategory.TERRORISM: r"terroris[mt]s?|terror financing|financing of terror\w*|terrorist organi[sz]ations?",
    ThreatCategory.EXTREMISM: r"extremis[mt]s?|radicali[sz]ation",
    ThreatCategory.SEPARATISM: r"separatis[mt]s?",
    ThreatCategory.DRUG_TRAFFICKING: (r"drug[- ]trafficking|trafficking (?:of|in) (?:illicit )?(?:drugs|narcotics)"
                                      r"|narcotics?(?: trafficking| smuggling| trade)?|drug smuggling|illicit drugs"
                                      r"|drug traffick\w+|drug trade|drug-related crimes?"),
    ThreatCategory.ARMS_TRAFFICKING: (r"arms trafficking|arms smuggling|weapons smuggling|smuggling of (?:arms|weapons)"
                                      r"|illegal (?:arms|weapons)(?: trade| trafficking)?|illicit (?:arms|weapons)"),
    ThreatCategory.HUMAN_TRAFFICKING: (r"human trafficking|trafficking in (?:persons|human beings|people)"
                                       r"|people smuggling|migrant smuggling"),
    ThreatCategory.TRANSNATIONAL_CRIME: r"transnational (?:organi[sz]ed )?crimes?|cross-border crimes?",
    ThreatCategory.ORGANIZED_CRIME: r"organi[sz]ed crimes?|criminal groups?|criminal organi[sz]ations?",
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

_COMPILED = {category: re.compile(rf"(?<![\w-])(?:{pattern})(?!\w)", re.IGNORECASE)
             for category, pattern in _PATTERNS.items()}


@dataclass(frozen=True)
class ThreatHit:
    """One lexicon match: the category and where its words stand in the text."""

    category: ThreatCategory
    start: int
    end: int


def find_threats(text: str) -> list[ThreatHit]:
    """Every lexicon match in ``text``, in order of position."""
    hits = [ThreatHit(category, match.start(), match.end())
            for category, pattern in _COMPILED.items() for match in pattern.finditer(text)]
    return sorted(hits, key=lambda hit: (hit.start, hit.category.value))
