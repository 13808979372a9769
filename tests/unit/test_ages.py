"""kompetanse.figures.ages on a tiny fixture whose figures are worked out by hand below."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kompetanse.figures import ages, metrics
from kompetanse.figures.metrics import Scope
from kompetanse.figures.rules import AGE_BAND_LABELS
from kompetanse.figures.suppression import suppress
from kompetanse.storage import history, store

D = date(2023, 12, 1)
COLUMNS = history.KIND_TABLES["personnel"][1]


def _row(employee_id: str, unit: str, birth: date, gender: str | None, *, start: date = date(2015, 1, 1),
         end: date | None = None, profession: str = "sykepleier") -> dict[str, object]:
    return {
        "employee_id": employee_id, "unit_code": unit, "profession": profession, "birth_date": birth,
        "gender": gender, "position_pct": 100.0, "employment_type": "fast", "start_date": start,
        "end_date": end, "end_reason": "annet" if end else None, "education_level": None,
    }


ROWS = [
    _row("a", "U1", date(1993, 12, 1), "K"),  # 30 today: the birthday on d counts -> 30-39
    _row("b", "U1", date(1994, 12, 2), "M"),  # 28 (birthday tomorrow) -> 20-29
    _row("c", "U1", date(1960, 6, 15), "K", end=D),  # last working day is d: active, 63 -> 60-69
    _row("d", "U1", date(1980, 1, 1), "K", end=date(2023, 11, 30)),  # left the day before: not counted
    _row("e", "U1", date(1978, 3, 3), "K"),  # 45, two positions: counted once in the total
    _row("e", "U2", date(1978, 3, 3), "K"),
    _row("f", "U2", date(1973, 7, 7), None),  # 50, gender unknown: left out of the pyramid
    _row("g", "U2", date(1990, 1, 1), "M", start=date(2023, 12, 2)),  # starts tomorrow: not counted
    _row("h", "U2", date(1985, 5, 5), "M", profession="lege"),  # 38 -> 30-39
    _row("i", "U2", date(2005, 1, 1), "K"),  # 18 -> <20
]


@pytest.fixture()
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = store.connect(tmp_path / "t.duckdb")
    frame = pd.DataFrame(ROWS).reindex(columns=COLUMNS)
    history.record_import(connection, "personnel", frame, file_name="t.csv", sha256="t", snapshot_date=D)
    return connection


def test_pyramid_counts_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    shown = ages.pyramid(con, Scope(as_of=D), k=0).values
    women = dict.fromkeys(AGE_BAND_LABELS, 0) | {"<20": 1, "30-39": 1, "40-49": 1, "60-69": 1}
    men = dict.fromkeys(AGE_BAND_LABELS, 0) | {"20-29": 1, "30-39": 1}
    assert {b: shown.at[b, ages.WOMEN] for b in AGE_BAND_LABELS} == women
    assert {b: shown.at[b, ages.MEN] for b in AGE_BAND_LABELS} == men
    assert shown.at["50-59", ages.UNKNOWN] == 1
    assert shown.at[ages.TOTAL, ages.PERSONS] == 7  # a, b, c, e (once), f, h, i
    pyramid = ages.pyramid(con, Scope(as_of=D), k=0)
    assert ages.unknown_gender_note(pyramid) == "1 person med ukjent kjønn er ikke med i pyramiden."


def test_pyramid_follows_the_unit_filter(con: duckdb.DuckDBPyConnection) -> None:
    shown = ages.pyramid(con, Scope(as_of=D, units=("U1",)), k=0).values
    assert shown.at[ages.TOTAL, ages.WOMEN] == 3  # a, c, e
    assert shown.at[ages.TOTAL, ages.MEN] == 1
    assert shown.at[ages.TOTAL, ages.UNKNOWN] == 0


def test_small_scope_hides_the_pyramid_and_its_chart(con: duckdb.DuckDBPyConnection) -> None:
    pyramid = ages.pyramid(con, Scope(as_of=D), k=5)
    assert ages.is_small(pyramid) is False  # 7 persons
    assert pyramid.hidden.at["30-39", ages.WOMEN]  # 1 woman
    assert ages.unknown_gender_note(pyramid) == "<5 personer med ukjent kjønn er ikke med i pyramiden."
    fig = ages.pyramid_figure(pyramid)
    bars = [t for t in fig.data if t.type == "bar"]
    drawn = {abs(x) for t in bars for x in t.x}
    assert not drawn & {1, 2, 3, 4}  # no bar length reveals a hidden count
    labels = [text for t in fig.data if t.type == "scatter" for text in t.text]
    assert labels and all(text.strip() == "<5" for text in labels)
    assert ages.is_small(ages.pyramid(con, Scope(as_of=D, units=("U1",)), k=5))  # 4 persons
    assert ages.is_empty(ages.pyramid(con, Scope(as_of=date(2010, 1, 1)), k=5))


def test_bands_table_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    bands = ages.bands_table(con, Scope(as_of=D), k=0)
    shown = bands.table.values
    assert list(shown.loc["U1", AGE_BAND_LABELS]) == [0, 1, 1, 1, 0, 1, 0]
    assert list(shown.loc["U2", AGE_BAND_LABELS]) == [1, 0, 1, 1, 1, 0, 0]
    assert shown.at["U1", ages.TOTAL_LABEL] == 4 and shown.at["U2", ages.TOTAL_LABEL] == 4
    assert list(shown.loc[ages.TOTAL, AGE_BAND_LABELS]) == [1, 1, 2, 1, 1, 1, 0]
    assert shown.at[ages.TOTAL, ages.TOTAL_LABEL] == 7  # e counted once: not 4 + 4
    assert bands.shared_persons


def test_bands_table_hides_what_metrics_hides(con: duckdb.DuckDBPyConnection) -> None:
    bands = ages.bands_table(con, Scope(as_of=D), k=5)
    assert bands.table.hidden.loc["U1", [*AGE_BAND_LABELS, ages.TOTAL_LABEL]].all()  # 4 persons: small
    same = suppress(metrics.compute(con, Scope(as_of=D), "unit"), metrics.METRICS_SPEC, 5).hidden
    mine = bands.table.hidden.rename(columns={v: k for k, v in metrics.BAND_COLUMN_LABELS.items()})
    for column in metrics.BAND_COLUMNS:
        assert list(mine[column]) == list(same.loc[mine.index, column])
    fig = ages.bands_figure(bands)
    assert [a.text for a in fig.layout.annotations][:2] == ["U1 (<5)", "U2 (<5)"]
    assert all(len(t.x) == 0 for t in fig.data if t.type == "bar")  # both units small: no bars


def test_profession_table(con: duckdb.DuckDBPyConnection) -> None:
    table = ages.profession_table(con, Scope(as_of=D), k=0).values.set_index(ages.PROFESSION)
    assert table.at["lege", "Ansatte"] == 1
    assert table.at["lege", ages.MEAN_AGE] == 38
    # sykepleier: a 30, b 28, c 63, e 45, f 50, i 18 -> mean 39, one of six 60+.
    assert table.at["sykepleier", ages.MEAN_AGE] == pytest.approx(234 / 6)
    assert table.at["sykepleier", ages.SHARE_60] == pytest.approx(1 / 6)
    hidden = ages.profession_table(con, Scope(as_of=D), k=5).values.set_index(ages.PROFESSION)
    assert hidden.at["lege", ages.MEAN_AGE] is None
    # one of six 60+: the share would give the hidden 1 back (1/6 x 6), so it is hidden with it
    assert hidden.at["sykepleier", ages.SHARE_60] is None
