"""Score extracted records against hand-made gold annotations (``eval/*/<id>.gold.json``).

Pure and deterministic: no I/O beyond :func:`load_gold`, no randomness, stable tie-breaking. The gold format
is described in ``GOLD_FORMAT.md``; the choices below are what a reader of the numbers needs to know.

- Only predicted meetings with status ``held`` are scored: gold never annotates planned or proposed meetings.
- People match when ``token_sort_ratio`` of their :func:`~diplo_extract.text.names.name_key` keys is >= 85
  (honorifics, diacritics and case ignored). Organization-only entries (name null, "delegations") are scored
  in ``delegations`` only, never in ``participants``; two match when they give the same country, or when one
  organisation's words hold the other's (``token_set_ratio`` >= 85: "Security Council" and "Security Council
  of Kyrgyzstan") and their countries do not differ. Gold words a delegation in its own way ("government
  agencies of Kyrgyzstan"); what the entry asserts is which state or body sent people. Within a meeting pair,
  people are paired one-to-one, best score first (same country breaks ties).
- Meetings are aligned one-to-one maximising, in order, the total participant overlap, the number of pairs
  with the same (stated) date, and the number with the same kind. The assignment is exact (a search over
  subsets of the smaller side, fine for the ~10 meetings an article has) and falls back to greedy-by-score
  above ``_EXACT_LIMIT`` meetings. A pair with no participant in common is only eligible when both date
  (stated) and kind agree, so meetings whose people were all missed can still be recognised.
- ``kind``, ``date`` and ``location_country`` are judged on aligned pairs only (missing meetings already count
  in ``meetings``); participants, delegations, threats, cooperation areas and agreements of unaligned
  meetings count as false positives / negatives.
- P = R = F1 = 1.0 when a field has nothing on either side; P = 0.0 when nothing was predicted but gold has
  items.
- ``overall`` is the micro-average (summed tp/fp/fn) over :data:`OVERALL_FIELDS`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field
from rapidfuzz import fuzz, utils

from diplo_extract.core.schema import ArticleExtraction, Meeting, MeetingStatus, Participant
from diplo_extract.errors import InputFileError
from diplo_extract.text.names import name_key

MATCH_THRESHOLD = 85.0
OVERALL_FIELDS = (
    "participants_country", "threats", "cooperation_areas", "meetings", "date", "kind", "agreements",
)
# 2**10 subsets times ~10 rows is instant; beyond that the exact search gets slow, and such articles are rare.
# The search recurses once per meeting of the larger side, hence the second limit.
_EXACT_LIMIT, _EXACT_DEPTH = 10, 200


# --- gold ------------------------------------------------------------------------------------------------


class _Gold(BaseModel):
    # Annotators may add notes or fields; scoring must not break on them.
    model_config = ConfigDict(extra="ignore")


class GoldSource(_Gold):
    """Where the article came from."""

    publisher: str | None = None
    url: str | None = None
    published: dt.date | None = None


class GoldLocation(_Gold):
    """Where a gold meeting took place."""

    city: str | None = None
    country: str | None = None


class GoldParticipant(_Gold):
    """A person, or an unnamed delegation (``name`` None), in a gold meeting."""

    name: str | None = None
    title: str | None = None
    organization: str | None = None
    country: str | None = None


class GoldAgreement(_Gold):
    """An agreement in a gold meeting."""

    summary: str = ""
    status: str
    parties: list[str] = Field(default_factory=list)


class GoldMeeting(_Gold):
    """One annotated meeting."""

    kind: str
    date: dt.date | None = None
    location: GoldLocation = Field(default_factory=GoldLocation)
    participants: list[GoldParticipant] = Field(default_factory=list)
    agreements: list[GoldAgreement] = Field(default_factory=list)
    threats: list[str] = Field(default_factory=list)
    cooperation_areas: list[str] = Field(default_factory=list)


class GoldArticle(_Gold):
    """The gold annotation of one article."""

    article_id: str
    source: GoldSource = Field(default_factory=GoldSource)
    meetings: list[GoldMeeting] = Field(default_factory=list)


def load_gold(path: Path) -> GoldArticle:
    """Read and validate one ``<id>.gold.json`` file; raises :class:`InputFileError` if it cannot."""
    try:
        return GoldArticle.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError) as exc:
        reason = ("missing" if isinstance(exc, FileNotFoundError)
                  else "undecodable" if isinstance(exc, UnicodeDecodeError) else "unreadable")
        raise InputFileError(f"cannot load gold file {path}: {exc}", path=str(path), reason=reason,
                             original=exc) from exc


# --- results ---------------------------------------------------------------------------------------------


class FieldScore(BaseModel):
    """True positives, false positives and false negatives of one field, with the derived rates."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        """Share of predictions that are right, tp / (tp + fp).

        1.0 when the field is empty on both sides, 0.0 when nothing was predicted but gold has items.
        """
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        """Share of gold items found, tp / (tp + fn); 1.0 when gold has no items."""
        return 1.0 if self.tp + self.fn == 0 else self.tp / (self.tp + self.fn)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0.0 when both are 0)."""
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def add(self, *, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        """Count more outcomes into this score."""
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def __add__(self, other: FieldScore) -> FieldScore:
        return FieldScore(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)


class FieldScores(BaseModel):
    """One :class:`FieldScore` per scored field."""

    meetings: FieldScore = Field(default_factory=FieldScore)
    participants: FieldScore = Field(default_factory=FieldScore)
    participants_country: FieldScore = Field(default_factory=FieldScore)
    delegations: FieldScore = Field(default_factory=FieldScore)
    kind: FieldScore = Field(default_factory=FieldScore)
    date: FieldScore = Field(default_factory=FieldScore)
    location_country: FieldScore = Field(default_factory=FieldScore)
    threats: FieldScore = Field(default_factory=FieldScore)
    cooperation_areas: FieldScore = Field(default_factory=FieldScore)
    agreements: FieldScore = Field(default_factory=FieldScore)
    agreement_status: FieldScore = Field(default_factory=FieldScore)

    def get(self, name: str) -> FieldScore:
        """Return the score of the field called ``name``."""
        score: FieldScore = getattr(self, name)
        return score

    def micro(self, names: Sequence[str] = OVERALL_FIELDS) -> FieldScore:
        """Sum tp/fp/fn over ``names`` (by default the headline :data:`OVERALL_FIELDS`)."""
        return sum((self.get(n) for n in names), FieldScore())

    def __add__(self, other: FieldScores) -> FieldScores:
        return FieldScores(**{n: self.get(n) + other.get(n) for n in type(self).model_fields})


class _Scored(BaseModel):
    fields: FieldScores = Field(default_factory=FieldScores)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def overall(self) -> FieldScore:
        """Micro-average over :data:`OVERALL_FIELDS`."""
        return self.fields.micro()


class ArticleScore(_Scored):
    """How one record compares with its gold annotation."""

    article_id: str
    predicted_meetings: int = Field(description="Held meetings in the prediction.")
    gold_meetings: int
    alignment: list[tuple[int, int]] = Field(
        default_factory=list,
        description="(index in record.meetings, index in gold.meetings) of aligned pairs.",
    )


class SetScore(_Scored):
    """Scores summed over a set of articles (micro-averaged)."""

    articles: int
    predicted_meetings: int
    gold_meetings: int


# --- matching --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PeopleMatch:
    named: list[tuple[int, int]]  # (pred participant index, gold participant index)
    unnamed: list[tuple[int, int]]
    named_same_country: int


_NO_MATCH = _PeopleMatch([], [], 0)


def _similar(a: str, b: str) -> float:
    # default_process also drops punctuation, so "Al-Shammari" and "Al Shammari" agree.
    return float(fuzz.token_sort_ratio(a, b, processor=utils.default_process))


def _same_delegation(pred: Participant, gold: GoldParticipant) -> float | None:
    """How alike two organisation-only entries are, or None when they are not the same delegation.

    Gold describes a delegation in its own words ("government agencies of Kyrgyzstan", "Security Council" with
    country KG) that no extractor reproduces verbatim; what a delegation entry asserts is which state or body
    sent people. So two entries are one delegation when both give the same country, or when one organisation's
    words hold the other's ("Security Council" and "Security Council of Kyrgyzstan") and their countries do
    not differ.
    """
    p_org, g_org = pred.organization or "", gold.organization or ""
    similarity = 0.0
    if p_org and g_org:
        similarity = float(fuzz.token_set_ratio(p_org, g_org, processor=utils.default_process))
    if pred.country and pred.country == gold.country:
        return similarity
    if similarity >= MATCH_THRESHOLD and not (pred.country and gold.country):
        return similarity
    return None


def _one_to_one(candidates: list[tuple[tuple[float, ...], int, int]]) -> list[tuple[int, int]]:
    """Greedy pairing, highest key first, lowest indices on ties; candidates are (key, i, j)."""
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in sorted(candidates, key=lambda c: (tuple(-k for k in c[0]), c[1], c[2])):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _match_people(pred: Meeting, gold: GoldMeeting) -> _PeopleMatch:
    named: list[tuple[tuple[float, ...], int, int]] = []
    unnamed: list[tuple[tuple[float, ...], int, int]] = []
    gold_keys = [name_key(g.name) if g.name else "" for g in gold.participants]
    for i, p in enumerate(pred.participants):
        p_key = name_key(p.name) if p.name else ""
        for j, g in enumerate(gold.participants):
            same_country = float(p.country == g.country)
            if p.name and g.name:
                if p_key and gold_keys[j] and (s := _similar(p_key, gold_keys[j])) >= MATCH_THRESHOLD:
                    named.append(((s, same_country), i, j))
            elif not p.name and not g.name and (alike := _same_delegation(p, g)) is not None:
                unnamed.append(((same_country, alike), i, j))
    named_pairs = _one_to_one(named)
    same = sum(1 for i, j in named_pairs if pred.participants[i].country == gold.participants[j].country)
    return _PeopleMatch(named_pairs, _one_to_one(unnamed), same)


_Value = tuple[int, int, int]  # (participant overlap, same stated date, same kind)


def _pair_value(match: _PeopleMatch, pred: Meeting, gold: GoldMeeting) -> _Value | None:
    overlap = len(match.named) + len(match.unnamed)
    same_date = int(pred.date is not None and pred.date == gold.date)
    same_kind = int(pred.kind.value == gold.kind)
    if overlap == 0 and not (same_date and same_kind):
        return None
    return (overlap, same_date, same_kind)


def _assign(values: list[list[_Value | None]]) -> list[tuple[int, int]]:
    """One-to-one alignment maximising the summed values (compared as tuples); None = not allowed."""
    if not values or not values[0]:
        return []
    flip = len(values[0]) > len(values)  # keep the subset mask over the smaller side
    grid = [list(col) for col in zip(*values, strict=True)] if flip else values
    n_rows, n_cols = len(grid), len(grid[0])
    if n_cols > _EXACT_LIMIT or n_rows > _EXACT_DEPTH:
        cells = [(v, r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if v is not None]
        chosen = _one_to_one(cells)
    else:
        @functools.cache
        def best(r: int, mask: int) -> tuple[_Value, tuple[tuple[int, int], ...]]:
            if r == n_rows:
                return (0, 0, 0), ()
            result = best(r + 1, mask)  # row r left unaligned
            for c in range(n_cols):
                v = grid[r][c]
                if v is None or mask & (1 << c):
                    continue
                sub, pairs = best(r + 1, mask | (1 << c))
                total = (v[0] + sub[0], v[1] + sub[1], v[2] + sub[2])
                if total > result[0]:  # strict: the first optimum found wins, so ties resolve stably
                    result = (total, ((r, c), *pairs))
            return result

        chosen = list(best(0, 0)[1])
    return sorted((c, r) if flip else (r, c) for r, c in chosen)


# --- scoring ---------------------------------------------------------------------------------------------


def _area(text: str) -> str:
    # The area vocabulary is open; "Border security" and "border_security" are the same area.
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def _compare(score: FieldScore, pred: object, gold: object) -> None:
    if pred is None and gold is None:
        return
    if pred == gold:
        score.add(tp=1)
        return
    score.add(fp=int(pred is not None), fn=int(gold is not None))


def _set_compare(score: FieldScore, pred: set[str], gold: set[str]) -> None:
    score.add(tp=len(pred & gold), fp=len(pred - gold), fn=len(gold - pred))


def _score_pair(f: FieldScores, pred: Meeting | None, gold: GoldMeeting | None, match: _PeopleMatch) -> None:
    """Count one aligned pair, or one unaligned meeting (the other side None)."""
    p_people = pred.participants if pred else []
    g_people = gold.participants if gold else []
    p_named, g_named = sum(1 for p in p_people if p.name), sum(1 for g in g_people if g.name)
    tp = len(match.named)
    f.participants.add(tp=tp, fp=p_named - tp, fn=g_named - tp)
    tp = match.named_same_country
    f.participants_country.add(tp=tp, fp=p_named - tp, fn=g_named - tp)
    tp = len(match.unnamed)
    f.delegations.add(tp=tp, fp=len(p_people) - p_named - tp, fn=len(g_people) - g_named - tp)

    _set_compare(f.threats, {t.category.value for t in pred.threats} if pred else set(),
                 {t.casefold() for t in gold.threats} if gold else set())
    _set_compare(f.cooperation_areas, {_area(a) for a in pred.cooperation_areas} if pred else set(),
                 {_area(a) for a in gold.cooperation_areas} if gold else set())

    p_status = Counter(a.status.value for a in pred.agreements) if pred else Counter[str]()
    g_status = Counter(a.status.casefold() for a in gold.agreements) if gold else Counter[str]()
    n_pred, n_gold = p_status.total(), g_status.total()
    f.agreements.add(tp=min(n_pred, n_gold), fp=max(0, n_pred - n_gold), fn=max(0, n_gold - n_pred))
    tp = (p_status & g_status).total()
    f.agreement_status.add(tp=tp, fp=n_pred - tp, fn=n_gold - tp)

    if pred is not None and gold is not None:
        _compare(f.kind, pred.kind.value, gold.kind)
        _compare(f.date, pred.date, gold.date)
        _compare(f.location_country, pred.location.country, gold.location.country)


def score_meetings(article_id: str, meetings: Sequence[Meeting], gold: GoldArticle) -> ArticleScore:
    """Score a list of predicted meetings against gold; :func:`score_article` for a whole record.

    Pass no meetings to score an article whose extraction failed: every gold item becomes a false negative.
    """
    held = [(i, m) for i, m in enumerate(meetings) if m.status is MeetingStatus.HELD]
    matches = [[_match_people(m, g) for g in gold.meetings] for _, m in held]
    values = [[_pair_value(matches[a][b], m, g) for b, g in enumerate(gold.meetings)]
              for a, (_, m) in enumerate(held)]
    pairs = _assign(values)
    f = FieldScores()
    f.meetings.add(tp=len(pairs), fp=len(held) - len(pairs), fn=len(gold.meetings) - len(pairs))
    for a, b in pairs:
        _score_pair(f, held[a][1], gold.meetings[b], matches[a][b])
    aligned_pred, aligned_gold = {a for a, _ in pairs}, {b for _, b in pairs}
    for a, (_, m) in enumerate(held):
        if a not in aligned_pred:
            _score_pair(f, m, None, _NO_MATCH)
    for b, g in enumerate(gold.meetings):
        if b not in aligned_gold:
            _score_pair(f, None, g, _NO_MATCH)
    return ArticleScore(article_id=article_id, predicted_meetings=len(held), gold_meetings=len(gold.meetings),
                        alignment=[(held[a][0], b) for a, b in pairs], fields=f)


def score_article(pred: ArticleExtraction, gold: GoldArticle) -> ArticleScore:
    """Score one extracted record against its gold annotation (see the module docstring for the rules)."""
    return score_meetings(gold.article_id, pred.meetings, gold)


def aggregate(scores: Sequence[ArticleScore]) -> SetScore:
    """Sum per-article scores into set totals; rates are micro-averages over all articles."""
    return SetScore(articles=len(scores), predicted_meetings=sum(s.predicted_meetings for s in scores),
                    gold_meetings=sum(s.gold_meetings for s in scores),
                    fields=sum((s.fields for s in scores), FieldScores()))


__all__ = [
    "MATCH_THRESHOLD", "OVERALL_FIELDS", "ArticleScore", "FieldScore", "FieldScores", "GoldAgreement",
    "GoldArticle", "GoldLocation", "GoldMeeting", "GoldParticipant", "GoldSource", "SetScore", "aggregate",
    "load_gold", "score_article", "score_meetings",
]
