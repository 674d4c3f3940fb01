"""Scoring and the evaluation runner, on hand-made pairs and on the dev set with fake extractors."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from diplo_extract.core.schema import (
    Agreement,
    AgreementStatus,
    ArticleExtraction,
    ArticleMeta,
    Location,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Provenance,
    Threat,
    ThreatCategory,
    TokenUsage,
)
from diplo_extract.errors import InputFileError, ModelOutputError
from diplo_extract.eval.evaluate import find_pairs, render_report, run_eval, write_report_json
from diplo_extract.eval.scoring import (
    FieldScore,
    GoldArticle,
    aggregate,
    load_gold,
    score_article,
)

DEV = Path(__file__).resolve().parents[2] / "eval" / "dev"


# --- builders --------------------------------------------------------------------------------------------


def record(*meetings: Meeting) -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleMeta(content_sha256="ab" * 32, char_count=100),
        meetings=list(meetings),
        provenance=Provenance(
            backend="fake", model="fake-model", prompt_version="test", library_version="0.0.0",
            extracted_at=dt.datetime(2024, 1, 1, 12, 0), seconds_total=1.5, seconds_model=1.0,
            usage=TokenUsage(prompt_tokens=100, completion_tokens=20)),
    )


def meeting(*people: tuple[str | None, str | None], kind: str = "meeting", date: str | None = None,
            country: str | None = None, threats: tuple[str, ...] = (), areas: tuple[str, ...] = (),
            agreements: tuple[str, ...] = (), status: str = "held") -> Meeting:
    """people are (name, country); a name "org:X" is an unnamed delegation of organization X."""
    participants = [
        Participant(organization=name[4:], country=c) if name and name.startswith("org:")
        else Participant(name=name, country=c)
        for name, c in people
    ]
    return Meeting(kind=MeetingKind(kind), status=MeetingStatus(status),
                   date=dt.date.fromisoformat(date) if date else None, location=Location(country=country),
                   participants=participants, threats=[Threat(category=ThreatCategory(t)) for t in threats],
                   cooperation_areas=list(areas),
                   agreements=[Agreement(summary="s", status=AgreementStatus(s)) for s in agreements])


def gmeeting(*people: tuple[str | None, str | None], kind: str = "meeting", date: str | None = None,
             country: str | None = None, threats: tuple[str, ...] = (), areas: tuple[str, ...] = (),
             agreements: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "kind": kind, "date": date, "location": {"city": None, "country": country},
        "participants": [
            {"name": None, "organization": n[4:], "country": c} if n and n.startswith("org:")
            else {"name": n, "title": None, "organization": None, "country": c}
            for n, c in people
        ],
        "agreements": [{"summary": "s", "status": s, "parties": []} for s in agreements],
        "threats": list(threats), "cooperation_areas": list(areas),
    }


def gold(*meetings: dict[str, Any], article_id: str = "a1") -> GoldArticle:
    return GoldArticle.model_validate({"article_id": article_id, "source": {"publisher": "P"},
                                       "meetings": list(meetings), "note": "extra keys are ignored"})


def record_from_gold(g: GoldArticle) -> ArticleExtraction:
    return record(*[
        Meeting(kind=MeetingKind(m.kind), date=m.date, location=Location(city=m.location.city,
                                                                          country=m.location.country),
                participants=[Participant(name=p.name, title=p.title, organization=p.organization,
                                          country=p.country) for p in m.participants],
                agreements=[Agreement(summary=a.summary or "s", status=AgreementStatus(a.status),
                                      parties=a.parties) for a in m.agreements],
                threats=[Threat(category=ThreatCategory(t)) for t in m.threats],
                cooperation_areas=list(m.cooperation_areas))
        for m in g.meetings
    ])


ZHAO, SAIF, YERLAN = ("Zhao Kezhi", "CN"), ("Saif bin Zayed Al Nahyan", "AE"), ("Yerlan Turgumbayev", "KZ")


def assert_score(f: FieldScore, tp: int, fp: int, fn: int) -> None:
    assert (f.tp, f.fp, f.fn) == (tp, fp, fn)


# --- scoring ---------------------------------------------------------------------------------------------


def test_perfect_match_scores_one_everywhere() -> None:
    g = gold(gmeeting(ZHAO, SAIF, kind="phone_call", date="2021-06-07", threats=("terrorism", "gambling"),
                      areas=("law_enforcement",), agreements=("proposed", "agreed")),
             gmeeting(ZHAO, YERLAN, ("org:Embassy of China", "CN"), kind="visit", date="2021-06-08",
                      country="KZ", threats=("extremism",)))
    s = score_article(record_from_gold(g), g)
    for name, f in s.fields:
        assert f.f1 == 1.0, name
    assert_score(s.fields.participants, 4, 0, 0)
    assert_score(s.fields.delegations, 1, 0, 0)
    assert_score(s.fields.meetings, 2, 0, 0)
    assert s.alignment == [(0, 0), (1, 1)]
    assert s.overall.f1 == 1.0 and s.overall.tp == 2 + 4 + 3 + 1 + 2 + 2 + 2  # meetings..agreements


def test_missing_meeting_is_a_false_negative_with_its_items() -> None:
    g = gold(gmeeting(ZHAO, SAIF, threats=("terrorism",)), gmeeting(ZHAO, YERLAN, threats=("extremism",)))
    s = score_article(record(meeting(ZHAO, SAIF, threats=("terrorism",))), g)
    assert_score(s.fields.meetings, 1, 0, 1)
    assert (s.fields.meetings.precision, s.fields.meetings.recall) == (1.0, 0.5)
    assert_score(s.fields.participants, 2, 0, 2)
    assert_score(s.fields.threats, 1, 0, 1)
    assert_score(s.fields.kind, 1, 0, 0)  # kind is judged on aligned pairs only


def test_extra_meeting_is_a_false_positive() -> None:
    g = gold(gmeeting(ZHAO, SAIF))
    extra = meeting(("Vladimir Kolokoltsev", "RU"), ("Someone Else", "RU"), threats=("cybercrime",))
    s = score_article(record(meeting(ZHAO, SAIF), extra), g)
    assert_score(s.fields.meetings, 1, 1, 0)
    assert s.fields.meetings.precision == 0.5
    assert_score(s.fields.participants, 2, 2, 0)
    assert_score(s.fields.threats, 0, 1, 0)
    assert s.fields.threats.precision == 0.0 and s.fields.threats.recall == 1.0


def test_extra_participant() -> None:
    s = score_article(record(meeting(ZHAO, SAIF, ("Xi Jinping", "CN"))), gold(gmeeting(ZHAO, SAIF)))
    assert_score(s.fields.participants, 2, 1, 0)
    assert s.fields.participants.precision == pytest.approx(2 / 3)
    assert s.fields.participants.f1 == pytest.approx(0.8)


def test_wrong_country_counts_only_in_participants_country() -> None:
    s = score_article(record(meeting(ZHAO, ("Saif bin Zayed Al Nahyan", "SA"))), gold(gmeeting(ZHAO, SAIF)))
    assert s.fields.participants.f1 == 1.0
    assert_score(s.fields.participants_country, 1, 1, 1)
    assert s.fields.participants_country.f1 == 0.5


def test_wrong_date() -> None:
    g = gold(gmeeting(ZHAO, SAIF, date="2021-06-07"))
    s = score_article(record(meeting(ZHAO, SAIF, date="2021-06-08")), g)
    assert_score(s.fields.date, 0, 1, 1)
    assert s.fields.date.f1 == 0.0
    assert_score(s.fields.meetings, 1, 0, 0)  # still aligned by participants


def test_date_against_null() -> None:
    s = score_article(record(meeting(ZHAO, SAIF, date="2021-06-08")), gold(gmeeting(ZHAO, SAIF)))
    assert_score(s.fields.date, 0, 1, 0)
    assert (s.fields.date.precision, s.fields.date.recall) == (0.0, 1.0)
    s = score_article(record(meeting(ZHAO, SAIF)), gold(gmeeting(ZHAO, SAIF, date="2021-06-07")))
    assert_score(s.fields.date, 0, 0, 1)
    assert (s.fields.date.precision, s.fields.date.recall) == (0.0, 0.0)
    s = score_article(record(meeting(ZHAO, SAIF)), gold(gmeeting(ZHAO, SAIF)))
    assert_score(s.fields.date, 0, 0, 0)
    assert s.fields.date.f1 == 1.0


def test_honorific_and_diacritics_still_match() -> None:
    g = gold(gmeeting(("Luong Tam Quang", "VN"), ("To Lam", "VN")))
    s = score_article(record(meeting(("General Lương Tam Quang", "VN"), ("Tô Lâm", "VN"))), g)
    assert_score(s.fields.participants_country, 2, 0, 0)
    s = score_article(record(meeting(("Lương Cường", "VN"), ("Tô Lâm", "VN"))), g)
    assert_score(s.fields.participants, 1, 1, 1)  # a different person does not match


def test_phone_calls_align_to_the_right_gold_meeting_in_reverse_order() -> None:
    g = gold(gmeeting(ZHAO, SAIF, kind="phone_call", threats=("gambling",)),
             gmeeting(ZHAO, YERLAN, kind="phone_call", threats=("extremism",)))
    pred = record(meeting(ZHAO, YERLAN, kind="phone_call", threats=("extremism",)),
                  meeting(SAIF, ZHAO, kind="phone_call", threats=("gambling",)))
    s = score_article(pred, g)
    assert s.alignment == [(0, 1), (1, 0)]
    assert_score(s.fields.participants, 4, 0, 0)
    assert_score(s.fields.threats, 2, 0, 0)


def test_date_then_kind_break_ties_between_meetings_with_the_same_people() -> None:
    g = gold(gmeeting(ZHAO, SAIF, kind="meeting", date="2021-06-07"),
             gmeeting(ZHAO, SAIF, kind="signing", date="2021-06-08"))
    s = score_article(record(meeting(ZHAO, SAIF, kind="signing", date="2021-06-08"),
                             meeting(ZHAO, SAIF, kind="meeting", date="2021-06-07")), g)
    assert s.alignment == [(0, 1), (1, 0)]
    g = gold(gmeeting(ZHAO, SAIF, kind="meeting"), gmeeting(ZHAO, SAIF, kind="signing"))
    s = score_article(record(meeting(ZHAO, SAIF, kind="signing"), meeting(ZHAO, SAIF, kind="meeting")), g)
    assert s.alignment == [(0, 1), (1, 0)]
    assert_score(s.fields.kind, 2, 0, 0)


def test_no_common_people_aligns_only_on_same_date_and_kind() -> None:
    g = gold(gmeeting(("org:BOMCA", None), kind="conference", date="2025-02-20"))
    s = score_article(record(meeting(("org:European Union", "EU"), kind="conference", date="2025-02-20")), g)
    assert_score(s.fields.meetings, 1, 0, 0)
    assert_score(s.fields.delegations, 0, 1, 1)
    s = score_article(record(meeting(("org:European Union", "EU"), kind="meeting", date="2025-02-20")), g)
    assert_score(s.fields.meetings, 0, 1, 1)


def test_delegations_match_by_organization_and_stay_out_of_participants() -> None:
    g = gold(gmeeting(ZHAO, ("org:Security Council", "KG"), ("org:Embassy of Turkmenistan", "TM")))
    s = score_article(record(meeting(ZHAO, ("org:Embassy of Turkmenistan", "TM"))), g)
    assert_score(s.fields.participants, 1, 0, 0)
    assert_score(s.fields.delegations, 1, 0, 1)


def test_a_delegation_matches_by_its_state_or_by_a_body_named_inside_the_other() -> None:
    g = gold(gmeeting(ZHAO, ("org:government agencies of Kyrgyzstan", "KG"), ("org:Security Council", "UZ"),
                      ("org:UN Resident Coordinators", None)))
    # The same state's delegation, however gold words it; one body's name inside the other's.
    s = score_article(record(meeting(ZHAO, ("org:Kyrgyzstan", "KG"), ("org:UN Resident Coordinators' Office", None))),
                      g)
    assert_score(s.fields.delegations, 2, 0, 1)
    # Another state, or the same words for another state's body, are no match.
    s = score_article(record(meeting(ZHAO, ("org:Kazakhstan", "KZ"), ("org:Security Council", "TJ"))), g)
    assert_score(s.fields.delegations, 0, 2, 3)


def test_planned_meeting_is_ignored() -> None:
    g = gold(gmeeting(ZHAO, SAIF))
    s = score_article(record(meeting(ZHAO, SAIF), meeting(ZHAO, YERLAN, status="planned")), g)
    assert s.predicted_meetings == 1
    assert_score(s.fields.meetings, 1, 0, 0)
    assert_score(s.fields.participants, 2, 0, 0)


def test_planned_meeting_does_not_stand_in_for_a_held_one() -> None:
    s = score_article(record(meeting(ZHAO, SAIF, status="planned")), gold(gmeeting(ZHAO, SAIF)))
    assert_score(s.fields.meetings, 0, 0, 1)
    assert s.overall.recall == 0.0


def test_empty_gold_and_empty_prediction_is_perfect() -> None:
    s = score_article(record(), gold())
    assert s.overall.f1 == 1.0 and (s.overall.tp, s.overall.fp, s.overall.fn) == (0, 0, 0)
    assert all(f.precision == f.recall == f.f1 == 1.0 for _, f in s.fields)


def test_prediction_on_article_without_meetings() -> None:
    s = score_article(record(meeting(ZHAO, SAIF, threats=("terrorism",))), gold())
    assert_score(s.fields.meetings, 0, 1, 0)
    assert s.overall.precision == 0.0 and s.overall.recall == 1.0 and s.overall.f1 == 0.0


def test_threats_partial_overlap() -> None:
    g = gold(gmeeting(ZHAO, SAIF, threats=("terrorism", "extremism", "drug_trafficking", "separatism")))
    s = score_article(record(meeting(ZHAO, SAIF, threats=("terrorism", "extremism", "cybercrime"))), g)
    assert_score(s.fields.threats, 2, 1, 2)
    assert s.fields.threats.precision == pytest.approx(2 / 3)
    assert s.fields.threats.recall == pytest.approx(0.5)
    assert s.fields.threats.f1 == pytest.approx(4 / 7)


def test_cooperation_areas_are_normalised_and_agreements_counted() -> None:
    g = gold(gmeeting(ZHAO, SAIF, areas=("border_security", "law_enforcement"),
                      agreements=("signed", "agreed", "agreed")))
    s = score_article(record(meeting(ZHAO, SAIF, areas=("Border security", "migration"),
                                     agreements=("agreed", "proposed"))), g)
    assert_score(s.fields.cooperation_areas, 1, 1, 1)
    assert_score(s.fields.agreements, 2, 0, 1)
    assert_score(s.fields.agreement_status, 1, 1, 2)


def test_aggregate_is_a_micro_average_and_dumps_rates() -> None:
    a = score_article(record(meeting(ZHAO, SAIF)), gold(gmeeting(ZHAO, SAIF)))
    b = score_article(record(), gold(gmeeting(ZHAO, YERLAN), gmeeting(SAIF, YERLAN), article_id="b"))
    total = aggregate([a, b])
    assert total.articles == 2 and (total.predicted_meetings, total.gold_meetings) == (1, 3)
    assert_score(total.fields.meetings, 1, 0, 2)
    assert_score(total.fields.participants_country, 2, 0, 4)
    assert total.overall.recall == pytest.approx(total.overall.tp / (total.overall.tp + total.overall.fn))
    dumped = total.model_dump()
    assert dumped["fields"]["meetings"]["recall"] == pytest.approx(1 / 3)
    assert dumped["overall"]["f1"] == pytest.approx(total.overall.f1)


def test_load_gold_reads_the_dev_set_and_rejects_bad_files(tmp_path: Path) -> None:
    g = load_gold(DEV / "000_e11c53e7fe71c602.gold.json")
    assert g.article_id == "000_e11c53e7fe71c602" and len(g.meetings) == 2
    bad = tmp_path / "x.gold.json"
    bad.write_text('{"meetings": []}', encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_gold(bad)
    assert err.value.reason == "unreadable"
    with pytest.raises(InputFileError) as err:
        load_gold(tmp_path / "absent.gold.json")
    assert err.value.reason == "missing"


# --- evaluation runner -----------------------------------------------------------------------------------


def from_gold_file(text: str, article_id: str) -> ArticleExtraction:
    assert text.strip()
    return record_from_gold(load_gold(DEV / f"{article_id}.gold.json"))


def test_find_pairs(tmp_path: Path) -> None:
    pairs = find_pairs(DEV)
    assert len(pairs) == len(list(DEV.glob("*.gold.json"))) >= 30
    assert [t.name[:-4] for t, _ in pairs] == sorted(g.name[:-10] for _, g in pairs)
    with pytest.raises(InputFileError) as err:
        find_pairs(tmp_path)
    assert err.value.reason == "missing"
    (tmp_path / "x.gold.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"x\.txt"):
        find_pairs(tmp_path)


def test_run_eval_with_gold_as_prediction_is_perfect(tmp_path: Path) -> None:
    seen: list[str] = []
    report = run_eval(DEV, from_gold_file, on_article=lambda aid, s, e: seen.append(aid))
    assert report.score.overall.f1 == 1.0
    assert all(report.score.fields.get(n).f1 == 1.0 for n in type(report.score.fields).model_fields)
    golds = [load_gold(g) for g in sorted(DEV.glob("*.gold.json"))]
    assert report.score.gold_meetings == sum(len(g.meetings) for g in golds)
    assert report.score.articles == len(golds) == len(seen)
    totals = report.totals
    assert (totals.failed, totals.mean_seconds, totals.mean_prompt_tokens) == (0, 1.5, 100)
    assert (report.backend, report.model) == ("fake", "fake-model")
    out = tmp_path / "r" / "report.json"
    write_report_json(report, out)
    assert json.loads(out.read_text(encoding="utf-8"))["score"]["overall"]["f1"] == 1.0
    console = Console(file=io.StringIO(), width=200)
    render_report(report, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "overall" in text and "participants_country" in text and "aawsat" in text


def test_run_eval_records_failures_and_goes_on() -> None:
    failing = "aawsat-saudi-interior-minister-gulf-iraq-calls"
    calls: list[tuple[str, bool, bool]] = []

    def extract(text: str, article_id: str) -> ArticleExtraction:
        if article_id == failing:
            raise ModelOutputError("never validated", attempts=3, last_output="{", prompt_tokens=500)
        return from_gold_file(text, article_id)

    report = run_eval(DEV, extract, on_article=lambda aid, s, e: calls.append((aid, s is None, e is None)))
    articles = len(list(DEV.glob("*.gold.json")))
    assert report.totals.failed == 1 and report.totals.articles == articles
    row = next(r for r in report.rows if r.article_id == failing)
    assert row.failed and "never validated" in (row.error or "") and row.prompt_tokens == 500
    gold_meetings = sum(len(load_gold(g).meetings) for g in DEV.glob("*.gold.json"))
    assert_score(report.score.fields.meetings, gold_meetings - 4, 0, 4)  # the failed article's four calls
    assert report.score.fields.threats.f1 == 1.0  # that article has no threats
    assert report.totals.mean_seconds == 1.5  # failed rows have no provenance
    assert (failing, True, False) in calls and len(calls) == articles
    console = Console(file=io.StringIO(), width=200)
    render_report(report, console)
    assert "failed" in console.file.getvalue()  # type: ignore[attr-defined]


def test_many_meetings_use_the_greedy_fallback_and_still_align() -> None:
    names = ["Vilayat Eyvazov", "Ali Yerlikaya", "Mohsin Naqvi", "Nikolai Patrushev", "Shavkat Mirziyoyev",
             "Ajit Doval", "Armen Grigoryan", "Yerlan Turgumbayev", "Vladimir Kolokoltsev", "To Lam",
             "Hamoud Al Busaidi", "Abdul Amir Al-Shammari"]
    people = [(n, "XX") for n in names]
    g = gold(*[gmeeting(ZHAO, p, kind="phone_call") for p in people])
    s = score_article(record(*[meeting(p, ZHAO, kind="phone_call") for p in reversed(people)]), g)
    assert s.alignment == [(i, 11 - i) for i in range(12)]
    assert_score(s.fields.participants, 24, 0, 0)


def test_run_eval_with_several_articles_at_once_keeps_the_folder_order_and_the_scores() -> None:
    running: list[int] = []
    most = 0
    lock = threading.Lock()

    def extract(text: str, article_id: str) -> ArticleExtraction:
        nonlocal most
        with lock:
            running.append(1)
            most = max(most, len(running))
        time.sleep(0.05)  # long enough for the other threads to start theirs
        with lock:
            running.pop()
        return from_gold_file(text, article_id)

    one = run_eval(DEV, from_gold_file)
    several = run_eval(DEV, extract, concurrency=3)
    assert most == 3
    assert [r.article_id for r in several.rows] == [r.article_id for r in one.rows]
    assert several.score == one.score
