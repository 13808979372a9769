"""Does the plan close the gap (kompetanse/figures/gap.py): hand-computed supply and gaps, year by year."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kompetanse.figures import gap

D = date(2023, 12, 1)
EFFECT_COLUMNS = ["measure_id", "effect_kind", "effect_target", "effect_count", "effect_unit", "effect_from",
                  "planned_cost", "measure", "effect_year"]


def effects(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(i + 1, *row) for i, row in enumerate(rows)],
        columns=["measure_id", "effect_kind", "effect_target", "effect_count", "effect_unit", "effect_from",
                 "planned_cost", "measure"],
    )
    frame["effect_year"] = [gap.effect_year(e, D) for e in frame["effect_from"]]
    return frame


def holder(employee_id: str, age: int, retirement_age: int = 67, expires: date | None = None,
           unit: str = "A", competence: str = "Intensivsykepleie") -> dict[str, object]:
    return {"unit_code": unit, "competence": competence, "employee_id": employee_id, "age": age,
            "retirement_age": retirement_age, "expires_date": expires}


def coverage(min_holders: int, holders: int, unit: str = "A", competence: str = "Intensivsykepleie") -> pd.DataFrame:
    return pd.DataFrame([{"unit_code": unit, "competence": competence, "min_holders": min_holders,
                          "holders": holders}])


def by_year(frame: pd.DataFrame, column: str) -> list[float]:
    return [float(v) for v in frame.sort_values("year")[column]]


# --- dates ---------------------------------------------------------------------------------------


def test_an_effect_on_the_reference_date_or_before_counts_from_year_1():
    assert gap.effect_year(D, D) == 1
    assert gap.effect_year(date(2020, 1, 1), D) == 1
    assert gap.effect_year(None, D) == 1


def test_an_effect_on_the_last_day_of_year_1_counts_in_year_1_and_the_day_after_in_year_2():
    assert gap.effect_year(date(2024, 12, 1), D) == 1
    assert gap.effect_year(date(2024, 12, 2), D) == 2


def test_an_effect_after_the_horizon_counts_in_no_year_shown():
    assert gap.effect_year(date(2030, 1, 1), D, years=5) == 6


def test_a_certificate_valid_on_the_last_day_of_a_year_still_counts_that_year():
    assert gap.lapse_year(date(2024, 12, 1), D) == 2  # valid on 01.12.2024, the end of year 1
    assert gap.lapse_year(date(2024, 11, 30), D) == 1
    assert gap.lapse_year(None, D) == 6


def test_a_29_february_reference_date_moves_to_28_february():
    assert gap.years_after(date(2024, 2, 29), 1) == date(2025, 2, 28)


# --- competence ----------------------------------------------------------------------------------


def test_a_unit_needing_3_with_2_today_one_retiring_in_year_2_and_2_qualified_in_year_1():
    holders = pd.DataFrame([holder("a", age=40), holder("b", age=65)])  # b reaches 67 in year 2
    plan = effects(("kompetanse", "Intensivsykepleie", 2, "A", date(2024, 6, 1), 80_000.0, "Videreutdanning"))
    supply = gap.competence_supply(coverage(3, 2), holders, plan, D)
    assert by_year(supply, "holders_without") == [2, 2, 1, 1, 1, 1]
    assert by_year(supply, "gap_without") == [1, 1, 2, 2, 2, 2]
    assert by_year(supply, "gap_with") == [1, 0, 0, 0, 0, 0]


def test_an_expiring_certificate_renewed_by_a_measure_leaves_no_gap():
    holders = pd.DataFrame([
        holder("a", age=40, competence="HLR"), holder("b", age=45, competence="HLR", expires=date(2025, 1, 15)),
    ])
    renewal = effects(("kompetanse", "hlr ", 1, "A", date(2024, 12, 20), 5_000.0, "HLR-kurs"))
    supply = gap.competence_supply(coverage(2, 2, competence="HLR"), holders, renewal, D)
    assert by_year(supply, "gap_without") == [0, 0, 1, 1, 1, 1]  # lapses in year 2
    assert by_year(supply, "gap_with") == [0, 0, 0, 0, 0, 0]


def test_a_measure_in_another_unit_closes_nothing_here():
    holders = pd.DataFrame([holder("a", age=40)])
    elsewhere = effects(("kompetanse", "Intensivsykepleie", 5, "B", None, 0.0, "Annen enhet"))
    supply = gap.competence_supply(coverage(2, 1), holders, elsewhere, D)
    assert by_year(supply, "gap_with") == by_year(supply, "gap_without") == [1, 1, 1, 1, 1, 1]


def test_the_upper_age_limit_ends_a_holding_whatever_the_chosen_age():
    holders = pd.DataFrame([{**holder("a", age=70, retirement_age=75), "limit_date": date(2025, 5, 1)}])
    supply = gap.competence_supply(coverage(1, 1), holders, effects(), D)
    assert by_year(supply, "gap_without") == [0, 0, 1, 1, 1, 1]  # 72 on 01.05.2025: gone in year 2


def test_the_retirement_age_shift_of_the_scenario_moves_a_holders_last_year():
    holders = pd.DataFrame([holder("a", age=64)])
    later = gap.competence_supply(coverage(1, 1), holders, effects(), D, shift=2)
    assert by_year(later, "gap_without") == [0, 0, 0, 0, 0, 1]  # 67 + 2 = 69: reached in year 5


def test_cost_per_closed_gap_is_the_planned_cost_over_what_it_closes():
    holders = pd.DataFrame([holder("a", age=40)])
    plan = effects(("kompetanse", "Intensivsykepleie", 2, "A", None, 40_000.0, "Videreutdanning"))
    report = gap.GapReport(D, 5, 0.0, gap.competence_supply(coverage(3, 1), holders, plan, D),
                           pd.DataFrame(columns=["profession", "year"]), plan)
    row = gap.competence_table(report, 1).iloc[0]
    assert (row[gap.GAP_WITHOUT], row[gap.GAP_WITH]) == (2, 0)
    assert row[gap.PLANNED_COST] == 40_000
    assert row[gap.COST_PER_CLOSED] == 20_000
    assert row[gap.MEASURES] == "Videreutdanning"


# --- staffing ------------------------------------------------------------------------------------


def exits(headcount: float, per_year: float, profession: str = "sykepleier", years: int = 5) -> pd.DataFrame:
    return pd.DataFrame([
        {"profession": profession, "year": k, "headcount_start": headcount, "retirements": per_year / 2,
         "other_leavers": per_year / 2}
        for k in range(1, years + 1)
    ])


def test_a_recruitment_measure_against_the_projected_exits_of_a_profession():
    plan = effects(("rekruttering", "Sykepleier", 2, "A", date(2025, 3, 1), 50_000.0, "Sommerjobb"))
    supply = gap.staffing_supply(exits(10, 1), 0.0, plan, D, {"A"})
    assert by_year(supply, "gap_without") == [1, 2, 3, 4, 5]
    assert by_year(supply, "recruited") == [0, 2, 2, 2, 2]
    assert by_year(supply, "gap_with") == [1, 0, 1, 2, 3]


def test_growth_raises_the_target_and_so_the_gap():
    supply = gap.staffing_supply(exits(100, 0), 0.10, effects(), D, None)
    assert by_year(supply, "target") == [110, 121, 133, 146, 161]
    assert by_year(supply, "gap_without") == [10, 21, 33, 46, 61]


def test_recruits_outside_the_scope_do_not_count():
    plan = effects(("rekruttering", "sykepleier", 2, "B", None, 0.0, "Annen enhet"))
    supply = gap.staffing_supply(exits(10, 1), 0.0, plan, D, {"A"})
    assert by_year(supply, "recruited") == [0, 0, 0, 0, 0]


def report_with_staffing(supply: pd.DataFrame, plan: pd.DataFrame) -> gap.GapReport:
    empty = pd.DataFrame(columns=["unit_code", "competence", "year", "gap_without", "gap_with"])
    return gap.GapReport(D, 5, 0.0, empty, supply, plan)


def test_a_small_profession_shows_no_gap_with_or_without_the_plan():
    plan = effects(("rekruttering", "jordmor", 1, "A", None, 0.0, "Utlysning"))
    projected = pd.concat([exits(3, 1, "jordmor"), exits(40, 4), exits(30, 3, "lege")])
    supply = gap.staffing_supply(projected, 0.0, plan, D, None)
    table = gap.staffing_table(report_with_staffing(supply, plan), 2, k=5)
    assert table.hidden.loc["jordmor", gap.GAP_WITHOUT] and table.hidden.loc["jordmor", gap.GAP_WITH]
    assert table.values.loc["jordmor", gap.RECRUITED] == 1  # the plan's own figure
    # a hidden profession has recruits: the total with the plan would tell its hidden gap
    assert table.hidden.loc[gap.TOTAL, gap.GAP_WITH]
    assert table.values.loc["sykepleier", gap.GAP_WITHOUT] == 8


def test_no_total_gives_back_a_hidden_gap():
    plan = effects()
    projected = pd.concat([exits(40, 2), exits(30, 3, "lege"), exits(20, 10, "jordmor")])
    supply = gap.staffing_supply(projected, 0.0, plan, D, None)
    table = gap.staffing_table(report_with_staffing(supply, plan), 1, k=5)
    hidden_members = [p for p in table.hidden.index if p != gap.TOTAL and table.hidden.loc[p, gap.GAP_WITHOUT]]
    assert len(hidden_members) != 1 or table.hidden.loc[gap.TOTAL, gap.GAP_WITHOUT]
