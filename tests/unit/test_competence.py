"""Coverage, single-person dependency, retirement and expiry rules, with reference-date edge cases."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from kompetanse.figures import competence
from kompetanse.figures.metrics import Scope
from kompetanse.storage import history, store

D = date(2023, 12, 1)
CERT = "Blodbank sertifisering"
IMMUNO = "Videreutdanning immunhematologi"


def _person(employee_id: str, unit: str, birth: date, level: str = "Bachelor", end: date | None = None):
    return {
        "employee_id": employee_id, "unit_code": unit, "profession": "bioingeniør", "birth_date": birth,
        "gender": "K", "position_pct": 100.0, "employment_type": "fast", "start_date": date(2010, 1, 1),
        "end_date": end, "end_reason": "annet" if end else None, "education_level": level,
    }


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = store.connect(tmp_path_factory.mktemp("c") / "t.duckdb")
    people = pd.DataFrame([
        _person("p1", "U", date(1990, 5, 1)),
        _person("p2", "U", date(1985, 5, 1)),
        _person("p3", "U", date(1980, 5, 1)),
        _person("p4", "U", date(1960, 6, 1)),  # 63 on D: reaches 67 within 5 years
        _person("p5", "U", date(1992, 5, 1), level="Fagbrev"),
        _person("p6", "U", date(1970, 5, 1), level="Master", end=D - timedelta(days=1)),  # left the day before
        _person("q1", "V", date(1975, 5, 1)),
    ])
    competences = pd.DataFrame(
        [
            ("p1", CERT, "sertifisering", date(2021, 12, 1), D),  # expires on D: valid that day
            ("p2", CERT, "sertifisering", date(2021, 11, 30), D - timedelta(days=1)),  # expired the day before
            ("p3", CERT, "sertifisering", D + timedelta(days=1), date(2025, 12, 1)),  # acquired after D
            ("p4", CERT, "sertifisering", None, None),  # undated: valid
            ("p5", CERT, "sertifisering", date(2022, 2, 1), D + timedelta(days=90)),  # expires in 90 days
            ("p6", CERT, "sertifisering", date(2022, 2, 1), date(2030, 1, 1)),  # not active on D
            ("p4", IMMUNO, "videreutdanning", date(2001, 6, 1), None),  # the only holder
            ("q1", CERT, "sertifisering", date(2022, 1, 1), D + timedelta(days=91)),  # outside 90 days
            ("p1", "Videreutdanning molekylærbiologi", "videreutdanning", date(2020, 1, 1), None),
        ],
        columns=["employee_id", "competence", "kind", "acquired_date", "expires_date"],
    )
    requirements = pd.DataFrame(
        [("U", CERT, 4), ("U", IMMUNO, 1), ("V", CERT, 1), ("V", "ISO 15189 internrevisor", 2)],
        columns=["unit_code", "competence", "min_holders"],
    )
    for kind, frame in (("personnel", people), ("competences", competences), ("requirements", requirements)):
        history.record_import(con, kind, frame, file_name=kind, sha256=kind, snapshot_date=D)
    yield con
    con.close()


def _coverage(con, day: date) -> pd.DataFrame:
    return competence.coverage(con, Scope(as_of=day)).set_index(["unit_code", "competence"])


def test_coverage_counts_valid_holders_on_the_date(con):
    cov = _coverage(con, D)
    # p1 (expires on D), p4 (undated), p5: 3 holders; p2 expired D-1, p3 acquired D+1, p6 left: not.
    assert cov.loc[("U", CERT), "holders"] == 3
    assert cov.loc[("U", CERT), "gap"] == 1
    assert cov.loc[("V", CERT), "holders"] == 1
    assert cov.loc[("V", CERT), "gap"] == 0
    assert cov.loc[("V", "ISO 15189 internrevisor"), "holders"] == 0
    assert cov.loc[("V", "ISO 15189 internrevisor"), "gap"] == 2


def test_coverage_edges_of_the_reference_date(con):
    day_after = _coverage(con, D + timedelta(days=1))
    # p1's certificate expired on D; p3's was acquired D+1 and now counts.
    assert day_after.loc[("U", CERT), "holders"] == 3
    day_before = _coverage(con, D - timedelta(days=1))
    # p2 still valid on D-1, p6 still employed; p3 not acquired yet.
    assert day_before.loc[("U", CERT), "holders"] == 5


def test_gaps_by_unit(con):
    gaps = competence.gaps_by_unit(con, Scope(as_of=D)).set_index("unit_code")["gaps"]
    assert gaps.to_dict() == {"U": 1, "V": 2}
    only_v = competence.gaps_by_unit(con, Scope(as_of=D, units=("V",)))
    assert list(only_v["unit_code"]) == ["V"]


def test_single_person_dependencies(con):
    deps = competence.single_person_dependencies(con, Scope(as_of=D))
    found = set(zip(deps["unit_code"], deps["competence"], deps["employee_id"], strict=True))
    assert found == {("U", IMMUNO, "p4"), ("V", CERT, "q1")}
    assert bool(deps.set_index("employee_id").loc["p4", "retiring_5y"]) is True


def test_holders_retiring_within_five_years(con):
    risk = competence.retiring_summary(con, Scope(as_of=D)).set_index(["unit_code", "competence"])
    assert risk.loc[("U", IMMUNO), "holders_after"] == 0
    assert risk.loc[("U", IMMUNO), "gap_after"] == 1
    assert risk.loc[("U", CERT), "retiring"] == 1
    assert risk.loc[("U", CERT), "holders_after"] == 2
    assert risk.loc[("U", CERT), "gap_after"] == 2
    # With one retirement age of 70 for everyone, p4 (63) is not at 70 within 5 years.
    none = competence.retiring_summary(con, Scope(as_of=D, retirement_age=70))
    assert none.empty


def test_expiring_within_90_days(con):
    exp = competence.expiring(con, Scope(as_of=D)).set_index("employee_id")
    assert set(exp.index) == {"p1", "p2", "p5"}  # q1 expires in 91 days; p6 has left
    assert exp.loc["p1", "days_left"] == 0 and bool(exp.loc["p1", "still_valid"])
    assert exp.loc["p2", "days_left"] == -1 and not bool(exp.loc["p2", "still_valid"])
    assert exp.loc["p5", "expires_date"] == D + timedelta(days=90)
    shown = competence.display_expiring(exp.reset_index(), {"U": "Enheten"})
    assert list(shown["Utløper"]) == ["30.11.2023", "01.12.2023", "29.02.2024"]


def test_education_levels_are_suppressed(con):
    table = competence.education_levels(con, Scope(as_of=D), k=5)
    values = table.values
    # U on D: p1..p4 Bachelor, p5 Fagbrev (5 persons); V: q1 only (a small group, hidden).
    assert values.loc["V", "headcount"] is None
    assert values.loc["U", "Fagbrev"] is None  # 1 person
    assert values.loc["U", "Bachelor"] is None  # else 5 - 4 would give the hidden Fagbrev
    # U's 5 could be worked out as the total 6 minus V's hidden 1: hidden as well.
    assert values.loc["U", "headcount"] is None
    assert values.loc["total", "headcount"] == 6
    raw = competence.education_levels(con, Scope(as_of=D), k=1).values
    assert raw.loc["U", "Bachelor"] == 4 and raw.loc["U", "Fagbrev"] == 1


def test_further_education_per_unit(con):
    table = competence.further_education(con, Scope(as_of=D), k=1).values
    assert table.loc["U", IMMUNO] == 1
    assert table.loc["U", "headcount"] == 5
    hidden = competence.further_education(con, Scope(as_of=D), k=5)
    assert hidden.values.loc["U", IMMUNO] is None
