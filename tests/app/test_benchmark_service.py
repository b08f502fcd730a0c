"""The benchmark service computes in SQL what scoring.benchmark defines (run on SQLite and,
with DIGICHECK_TEST_DATABASE_URL, on PostgreSQL)."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import text

from digicheck.benchmark import queries as benchmark_sql
from digicheck.benchmark.services import build_report, participants
from digicheck.extensions import db
from digicheck.models import AssessmentStatus
from scoring.benchmark import Dimension, level_distribution, percentile_rank, quartiles, size_class
from tests.app.benchmark_helpers import AREAS, kreis_world, level_of, municipality, submit


def test_sql_size_classes_match_the_domain_at_every_boundary(app):
    populations = [0, 1, 4999, 5000, 9999, 10000, 19999, 20000, 49999, 50000, 99999, 100000, 3_700_000]
    case = benchmark_sql.size_case("p")
    union = " UNION ALL ".join(f"SELECT {p} AS p" for p in populations)
    rows = db.session.execute(text(f"SELECT p, {case} FROM ({union}) t ORDER BY p")).all()
    assert [r[1] for r in rows] == [size_class(p).id for p in populations]


def test_sql_quartiles_equal_the_reference_definition(app):
    rng = np.random.default_rng(7)
    values = {area: [] for area in (*AREAS, "overall")}
    for i in range(37):
        m = municipality(f"06411{i:03d}", kreis_ags="06411", kreis="Darmstadt", rb="Darmstadt", population=2000 + 500 * i)
        scores = [float(v) for v in np.round(rng.uniform(0, 100, len(AREAS)), 2)]
        if i % 9 == 0:
            scores[2] = None  # not assessable: left out, like NaN in the reference
        submit(m, 2026, scores)
        for area, score in zip(AREAS, scores, strict=True):
            if score is not None:
                values[area].append(score)
        present = [s for s in scores if s is not None]
        values["overall"].append(sum(present) / len(present))
    db.session.commit()
    report = build_report(2026, "land", k=5, include_demo=False)
    for area, vals in values.items():
        got, want = report.land.areas[area], quartiles(vals)
        assert got.n == want.n
        assert (got.q1, got.median, got.q3) == pytest.approx((want.q1, want.median, want.q3), rel=1e-12, abs=1e-9)


def test_trend_kreise_and_the_land_of_an_older_round_equal_the_reference(app):
    """The Land of the round is read from the trend's year (levels counted for that year only) and
    SQLite reduces the other years to the rows at the quartile positions: every figure still
    equals the reference, for the round chosen and for the years around it."""
    rng = np.random.default_rng(11)
    values: dict[tuple[str, int], list[float]] = {}
    for i in range(23):
        kreis = f"064{11 + i % 2}"
        m = municipality(f"{kreis}{i:03d}", kreis_ags=kreis, kreis=f"Kreis {kreis}", rb="Darmstadt", population=3000 + 700 * i)
        for year in (2024, 2025, 2026)[i % 2 :]:
            scores = [float(v) for v in np.round(rng.uniform(0, 100, len(AREAS)), 2)]
            submit(m, year, scores)
            for key in (("land", year), (m.kreis_ags, year)):
                values.setdefault(key, []).append(scores[0])
    db.session.commit()
    report = build_report(2025, "kreis", k=5, include_demo=False)
    assert report.round == 2025 and report.land.size == 23

    def same(got, values):
        want = quartiles(values)
        assert got.n == want.n
        assert (got.q1, got.median, got.q3) == pytest.approx((want.q1, want.median, want.q3), rel=1e-12, abs=1e-9)

    same(report.land.areas["strategie"], values[("land", 2025)])
    assert report.land.areas["strategie"].levels == level_distribution([level_of(v) for v in values[("land", 2025)]])
    for group in report.groups:
        same(group.areas["strategie"], values[(group.group.key, 2025)])
        assert group.areas["strategie"].levels == level_distribution([level_of(v) for v in values[(group.group.key, 2025)]])
    assert [t.group.key for t in report.trend] == ["2024", "2025", "2026"]
    for point in report.trend:
        same(point.areas["strategie"], values[("land", int(point.group.key))])
    fallback = build_report(1999, "land", k=5, include_demo=False)  # no submissions that year: the newest round
    assert fallback.round == 2026
    assert fallback.land.areas["strategie"].levels == level_distribution([level_of(v) for v in values[("land", 2026)]])


def test_percentile_ranks_on_a_hand_computed_example(app):
    """Values 10, 20, 20, 30, 40: the rank of 30 is (3 + 0.5) / 5 = 70 % (docs/benchmark.md)."""
    made = [municipality(f"06437{i:03d}", kreis_ags="06437", kreis="Odenwaldkreis", rb="Darmstadt", population=8000) for i in range(5)]
    strategie = [10.0, 20.0, 20.0, 30.0, 40.0]
    for m, value in zip(made, strategie, strict=True):
        submit(m, 2026, [value, 50.0, 50.0 + value, 60.0, 70.0])
    db.session.commit()
    report = build_report(2026, "kreis", k=5, include_demo=False, municipality=made[3])
    assert {r.group.dimension for r in report.ranks} == {
        Dimension.LAND,
        Dimension.REGIERUNGSBEZIRK,
        Dimension.KREIS,
        Dimension.SIZE,
        Dimension.KIND,
    }
    for row in report.ranks:
        assert row.decision.published
        assert row.ranks["strategie"] == pytest.approx(70.0)
        assert row.ranks["organisation"] == pytest.approx(50.0)  # all equal
        assert row.ranks["kooperation"] == pytest.approx(percentile_rank(80.0, [60, 70, 70, 80, 90]))
    assert report.ranks[0].ranks["strategie"] == percentile_rank(30.0, strategie)


def test_round_is_the_year_and_the_latest_submission_of_a_year_counts(app):
    made = kreis_world({"06431": 5})
    first = made["06431"][0]
    submit(first, 2026, [99.0] * 5, month=11)  # a second submission in 2026 replaces the first
    submit(made["06431"][1], 2025, [10.0] * 5)
    db.session.commit()
    report = build_report(None, "land", k=5, include_demo=False)
    assert report.round == 2026 and report.rounds == (2026, 2025)
    assert report.land.size == 5
    assert report.land.areas["strategie"].levels[4] == 1  # the 99 counts, the replaced score does not


def test_demo_and_unsubmitted_assessments_are_left_out_unless_demo_mode(app):
    made = kreis_world({"06431": 5})
    extra = municipality("06431900", kreis_ags="06431", kreis="Kreis 06431", rb="Darmstadt", population=3000)
    submit(extra, 2026, [50.0] * 5, is_demo=True)
    open_one = municipality("06431901", kreis_ags="06431", kreis="Kreis 06431", rb="Darmstadt", population=3000)
    submit(open_one, 2026, [50.0] * 5, status=AssessmentStatus.IN_PROGRESS)
    db.session.commit()
    assert build_report(None, "land", k=5, include_demo=False).land.size == len(made["06431"])
    demo = build_report(None, "land", k=5, include_demo=True)
    assert demo.land.size == 6 and demo.demo


def test_a_provisional_profile_leaves_the_aggregates_unchanged(app):
    kreis_world({"06431": 5, "06432": 5})
    before = build_report(2026, "kreis", k=5, include_demo=False)
    listed = participants(2026, include_demo=False)
    newcomer = municipality("06431900", kreis_ags="06431", kreis="Kreis 06431", rb="Darmstadt", population=3000)
    submit(newcomer, 2026, [95.0] * 5, provisional=["technik", "overall"])  # the overall range spans more than one level
    db.session.commit()
    after = build_report(2026, "kreis", k=5, include_demo=False)
    assert after.land.size == before.land.size == 10
    assert after.land.areas == before.land.areas
    assert [(g.group, g.size, g.areas) for g in after.groups] == [(g.group, g.size, g.areas) for g in before.groups]
    assert participants(2026, include_demo=False) == listed  # nor the consultants' list of participants
    firm = municipality("06431901", kreis_ags="06431", kreis="Kreis 06431", rb="Darmstadt", population=3000)
    submit(firm, 2026, [95.0] * 5)
    db.session.commit()
    assert build_report(2026, "kreis", k=5, include_demo=False).land.size == 11  # a firm profile counts
    one_area_open = municipality("06431902", kreis_ags="06431", kreis="Kreis 06431", rb="Darmstadt", population=3000)
    submit(one_area_open, 2026, [95.0] * 5, provisional=["technik"])
    db.session.commit()
    assert build_report(2026, "kreis", k=5, include_demo=False).land.size == 12  # one provisional area: the profile still counts


def test_a_provisional_newer_submission_leaves_the_municipality_out_of_that_year(app):
    made = kreis_world({"06431": 6})
    submit(made["06431"][0], 2026, [5.0] * 5, month=11, provisional=["overall"])
    db.session.commit()
    report = build_report(2026, "land", k=5, include_demo=False)
    assert report.land.size == 5  # neither the provisional newer one nor the replaced older one counts


def test_differencing_guard_regierungsbezirk_of_six_with_kreis_of_five(app):
    kreis_world({"06631": 5}, rb="Kassel")
    lone = municipality("06632001", kreis_ags="06632", kreis="Kreis 06632", rb="Kassel", population=3000)
    submit(lone, 2026, [40.0] * 5)
    kreis_world({"06411": 10}, rb="Darmstadt")
    report = build_report(2026, "kreis", k=5, include_demo=False)
    by_key = {g.group.key: g for g in report.groups}
    assert not by_key["06631"].published and by_key["06631"].areas == {}
    assert by_key["06631"].decision.conflicts_with.label == "Regierungsbezirk: Kassel"
    assert not by_key["06632"].published and "Weniger als 5" in by_key["06632"].decision.reason
    assert by_key["06411"].published
    rb = {g.group.key: g for g in build_report(2026, "regierungsbezirk", k=5, include_demo=False).groups}
    assert rb["Kassel"].published and rb["Kassel"].areas["overall"].n == 6


def test_kreise_sharing_a_name_are_told_apart_by_their_kind(app):
    """A kreisfreie Stadt and the Landkreis around it share a short name in the register (Kassel,
    München, …): the report names each with its kind, in every round; other Kreise keep their name."""
    kreis_world({"06431": 5})
    city = municipality("06611000", kreis_ags="06611", kreis="Kassel", rb="Kassel", population=200_000, kind="kreisfreie Stadt")
    submit(city, 2026, [50.0] * 5)
    municipality("06633000", kreis_ags="06633", kreis="Kassel", rb="Kassel", population=240_000, kind="Landkreis", name="Kassel")
    for i in range(6):
        member = municipality(f"06633{i + 1:03d}", kreis_ags="06633", kreis="Kassel", rb="Kassel", population=5000)
        submit(member, 2026, [40.0 + i] * 5)
        submit(member, 2025, [30.0 + i] * 5)
    db.session.commit()
    labels = {g.group.key: g.group.label for g in build_report(2026, "kreis", k=5, include_demo=False).groups}
    assert labels == {
        "06431": "Landkreis / kreisfreie Stadt: Kreis 06431",
        "06611": "Landkreis / kreisfreie Stadt: Kassel (kreisfreie Stadt)",
        "06633": "Landkreis / kreisfreie Stadt: Kassel (Landkreis)",
    }
    # 2025 has the Landkreis alone: its name is the same as in 2026
    older = {g.group.key: g.group.label for g in build_report(2025, "kreis", k=5, include_demo=False).groups}
    assert older == {"06633": "Landkreis / kreisfreie Stadt: Kassel (Landkreis)"}


def test_k_is_configurable(app):
    kreis_world({"06431": 4})
    assert build_report(None, "land", k=5, include_demo=False).land.published is False
    assert build_report(None, "land", k=3, include_demo=False).land.published is True


def test_archetypes_and_similar_municipalities(app):
    made = kreis_world({"06411": 30}, rb="Darmstadt")
    report = build_report(2026, "land", k=5, include_demo=False, municipality=made["06411"][0], with_similar=True)
    assert report.archetypes and sum(r.archetype.size for r in report.archetypes) == 30
    assert [r.archetype.name for r in report.archetypes] == [
        r.archetype.name for r in build_report(2026, "land", k=5, include_demo=False).archetypes
    ]  # deterministic
    assert [n.ags for n in report.similar][:1] == [made["06411"][1].ags]
    assert made["06411"][0].ags not in {n.ags for n in report.similar}
