-- Key figures per scope as of $as_of: headcount, FTE, ages, retirement, turnover.
-- Scopes: unit and/or profession (switched by $by_unit / $by_profession) plus the total (is_total).
-- Persons are counted once per scope; FTE sums employments (DESIGN.md "Definitions"). Professions are
-- profession groups (v_employments.profession_group); retirement is capped by the upper age limit.
-- Written for 1 000 000 employments (README "Performance"): $as_of is used directly (not through a
-- one-row CTE) so the date filter reaches the table scan; FTE is summed straight from the employments
-- (it needs no person dedup); persons with one employment need no grouping at all, the others are grouped
-- once per scope with three small aggregates and their total from those rows (grouping sets cost twice as much).
with default_rule as (
    select earliest_age, expected_age from retirement_rules where profession = '*'
),
-- The rule row of each profession group in the data, matched without regard to case once per group rather
-- than once per employment.
group_rules as (
    select g.profession_group, r.earliest_age, r.expected_age
    from (select distinct profession_group from v_employments) g
    join retirement_rules r on lower(r.profession) = lower(g.profession_group)
),
staff as (
    select
        e.*,
        chosen_retirement_age($retirement_age::integer, $retirement_mode, r.earliest_age, r.expected_age,
            dr.earliest_age, dr.expected_age
        ) as retirement_age,
        l.limit_date
    from v_employments e
    cross join default_rule dr
    left join group_rules r on r.profession_group = e.profession_group
    left join upper_age_limit_dates($as_of::date) l on l.birth_date = e.birth_date
    -- Only employments that can count: begun by d and not ended before d - 1 year (the rest are
    -- neither active at d or a year before nor ended inside the window).
    where e.start_date <= $as_of::date and (e.end_date is null or e.end_date >= ($as_of::date - interval 1 year)::date)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
),
-- Kept (materialized): three steps read it, and keeping these few columns costs less than keeping staff's.
emp as materialized (
    select
        e.employee_id,
        coalesce(e.only_employment, false) as only_employment,
        case when $by_unit then e.unit_code end as g_unit,
        case when $by_profession then e.profession_group end as g_profession,
        -- A person's age is that of the earliest birth date given (the highest age): age falls as the date rises.
        age_at(e.birth_date, $as_of::date) as age,
        is_active(e.start_date, e.end_date, $as_of::date) as active_d,
        -- The leaver window is [d - 1 year, d): a last working day on d is still active on d.
        coalesce(e.end_date >= ($as_of::date - interval 1 year)::date and e.end_date < $as_of::date, false)
            as ended_in_window,
        active_d and retired_by(e.birth_date, e.retirement_age, e.limit_date, ($as_of::date + interval 5 year)::date)
            as retiring_5y,
        -- One bit per yes/no fact: a person's facts are or-ed in one small aggregate, not seven.
        (active_d::integer
            + 2 * is_active(e.start_date, e.end_date, ($as_of::date - interval 1 year)::date)::integer
            + 4 * coalesce(active_d and retired_by(e.birth_date, e.retirement_age, e.limit_date,
                                                   ($as_of::date + interval 1 year)::date), false)::integer
            + 8 * coalesce(retiring_5y, false)::integer
            + 16 * coalesce(active_d and retired_by(e.birth_date, e.retirement_age, e.limit_date,
                                                    ($as_of::date + interval 10 year)::date), false)::integer
            + 32 * ended_in_window::integer
            + 64 * coalesce(active_d and e.limit_date <= $as_of::date, false)::integer)::utinyint as facts,
        case when active_d then e.position_pct end as pct_d,
        -- DESIGN.md "FTE": avtalte årsverk ekskl. permisjon subtract the leave in force on d (a share of the position).
        -- Kept as an exact decimal (per cent x per cent) and divided once per scope, so sums never depend on order.
        case when active_d then e.position_pct * (100 - coalesce(case when e.leave_pct is not null
            and (e.leave_start is null or e.leave_start <= $as_of::date)
            and (e.leave_end is null or e.leave_end >= $as_of::date) then e.leave_pct end, 0)) end as pct_at_work_d,
        case when retiring_5y then e.position_pct end as pct_retiring_5y,
        -- The last employment ended in the window (its end day), and whether it was retirement (the low bit).
        case when ended_in_window
            then 2 * (e.end_date - date '1900-01-01') + coalesce(e.end_reason = 'pensjon', false)::integer
        end as last_end
    from staff e
),
-- FTE per scope: a sum over employments (exact decimals, in any order), divided by 100 once.
fte as (
    select
        grouping(g_unit, g_profession) > 0 as is_total,
        g_unit,
        g_profession,
        coalesce(sum(pct_d), 0) / 100 as fte,
        coalesce(sum(pct_at_work_d), 0) / 10000 as fte_excluding_leave,
        coalesce(sum(pct_retiring_5y), 0) / 100 as retiring_within_5y_fte
    from emp
    group by grouping sets ((g_unit, g_profession), ())
),
-- A person's facts in each scope and in the total. Most persons have one employment in the import
-- (only_employment): that row is their row in its scope and in the total, with no grouping. The others are
-- grouped per scope, and their total from those rows.
unit_person as (
    select g_unit, g_profession, employee_id, max(age) as age, bit_or(facts) as facts, max(last_end) as last_end
    from emp
    where not only_employment
    group by g_unit, g_profession, employee_id
),
person_facts as (
    select false as is_total, g_unit, g_profession, age, facts, last_end from unit_person
    union all
    select true, null, null, max(age), bit_or(facts), max(last_end) from unit_person group by employee_id
    union all
    select k.is_total, case when not k.is_total then g_unit end, case when not k.is_total then g_profession end,
        age, facts, last_end
    from emp
    cross join (values (false), (true)) k(is_total)
    where only_employment
),
person_scope as (
    select
        is_total, g_unit, g_profession, age,
        facts & 1 > 0 as active_d,
        facts & 2 > 0 as active_d0,
        facts & 4 > 0 as retiring_1y,
        facts & 8 > 0 as retiring_5y,
        facts & 16 > 0 as retiring_10y,
        facts & 32 > 0 as ended_in_window,
        facts & 64 > 0 as past_limit,
        -- The last employment ended in the window was ended by retirement (never null: count_if needs a yes or no).
        coalesce(last_end % 2 = 1, false) as last_ended_by_retirement
    from person_facts
),
counts as (
    -- count_if: cheaper than a filter clause per aggregate (it counts in 128 bits: cast back to a count).
    select
        is_total,
        g_unit,
        g_profession,
        count_if(active_d)::bigint as headcount,
        avg(case when active_d then age end) as mean_age,
        count_if(active_d and age < 20)::bigint as band_lt20,
        count_if(active_d and age between 20 and 29)::bigint as band_20_29,
        count_if(active_d and age between 30 and 39)::bigint as band_30_39,
        count_if(active_d and age between 40 and 49)::bigint as band_40_49,
        count_if(active_d and age between 50 and 59)::bigint as band_50_59,
        count_if(active_d and age between 60 and 69)::bigint as band_60_69,
        count_if(active_d and age >= 70)::bigint as band_70_plus,
        count_if(active_d and age >= 60)::bigint as count_60_plus,
        count_if(retiring_1y)::bigint as retiring_within_1y,
        count_if(retiring_5y)::bigint as retiring_within_5y,
        count_if(retiring_10y)::bigint as retiring_within_10y,
        count_if(past_limit)::bigint as past_upper_age_limit,
        count_if(ended_in_window and not active_d)::bigint as leavers_12m,
        count_if(ended_in_window and not active_d and last_ended_by_retirement)::bigint as leavers_12m_retirement,
        count_if(active_d0)::bigint as headcount_year_before,
        count_if(active_d0 and not active_d)::bigint as cohort_left
    from person_scope
    group by is_total, g_unit, g_profession
),
scope as (
    select
        c.is_total, c.g_unit, c.g_profession, c.headcount, f.fte, f.fte_excluding_leave, c.mean_age,
        c.band_lt20, c.band_20_29, c.band_30_39, c.band_40_49, c.band_50_59, c.band_60_69, c.band_70_plus,
        c.count_60_plus, c.retiring_within_1y, c.retiring_within_5y, c.retiring_within_10y, f.retiring_within_5y_fte,
        c.past_upper_age_limit, c.leavers_12m, c.leavers_12m_retirement, c.headcount_year_before, c.cohort_left
    from counts c
    join fte f on f.is_total = c.is_total and f.g_unit is not distinct from c.g_unit
        and f.g_profession is not distinct from c.g_profession
)
select
    *,
    count_60_plus / nullif(headcount, 0) as share_60_plus,
    -- Turnover: leavers / mean(headcount a year before, headcount now).
    leavers_12m / nullif((headcount_year_before + headcount) / 2, 0) as turnover_12m,
    (leavers_12m - leavers_12m_retirement) / nullif((headcount_year_before + headcount) / 2, 0)
        as turnover_12m_excl_retirement,
    -- KS cohort turnover: of those active a year before, the share not active now.
    cohort_left / nullif(headcount_year_before, 0) as turnover_ks
from scope
where is_total or headcount > 0 or headcount_year_before > 0 or leavers_12m > 0
order by is_total, lower(g_unit), g_unit, lower(g_profession), g_profession
