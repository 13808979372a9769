-- Key figures per scope as of $as_of: headcount, FTE, ages, retirement, turnover.
-- Scopes: unit and/or profession (switched by $by_unit / $by_profession) plus the total (is_total).
-- Persons are counted once per scope; FTE sums employments (DESIGN.md "Definitions"). Professions are
-- profession groups (v_employments.profession_group); retirement is capped by the upper age limit.
-- Written for 1 000 000 employments (README "Performance"): $as_of is used directly (not through a
-- one-row CTE) so the date filter reaches the table scan; ages and the upper age limit are worked out once
-- per birth date, not per employment; persons with one employment need no grouping by person, the others
-- are grouped once per scope and once in the total; one aggregate counts every part, and the scopes and
-- the total are sums of those parts (FTE included: it sums employments, with no person dedup).
with default_rule as (
    select earliest_age, expected_age from retirement_rules where profession = '*'
),
-- The retirement age of each profession group in the data (its rule row matched without regard to case,
-- else the default row), worked out once per group rather than once per employment.
group_ages as (
    select
        g.profession_group,
        chosen_retirement_age($retirement_age::integer, $retirement_mode, r.earliest_age, r.expected_age,
            dr.earliest_age, dr.expected_age) as retirement_age
    from (select distinct profession_group from v_employments) g
    cross join default_rule dr
    left join retirement_rules r on lower(r.profession) = lower(g.profession_group)
),
-- Per birth date in the data and retirement age in use (some 20 000 dates and a few ages, against a million
-- employments): the age on d, and the facts that follow from the birth date alone, as the bits of `facts`
-- below: 4/8/16 retired within 1/5/10 years, 64 past the upper age limit on d.
birth_facts as (
    select
        b.birth_date,
        a.retirement_age,
        age_at(b.birth_date, $as_of::date) as age,
        (4 * coalesce(retired_by(b.birth_date, a.retirement_age, l.limit_date,
                                 ($as_of::date + interval 1 year)::date), false)::integer
            + 8 * coalesce(retired_by(b.birth_date, a.retirement_age, l.limit_date,
                                      ($as_of::date + interval 5 year)::date), false)::integer
            + 16 * coalesce(retired_by(b.birth_date, a.retirement_age, l.limit_date,
                                       ($as_of::date + interval 10 year)::date), false)::integer
            + 64 * coalesce(l.limit_date <= $as_of::date, false)::integer)::utinyint as facts
    from (select distinct birth_date from v_employments) b
    cross join (select distinct retirement_age from group_ages) a
    left join upper_age_limit_dates($as_of::date) l on l.birth_date = b.birth_date
),
staff as (
    select
        e.employee_id, e.only_employment, e.unit_code, e.profession_group, e.start_date, e.end_date,
        e.end_reason, e.position_pct, e.leave_pct, e.leave_start, e.leave_end,
        b.age, b.facts as birth_facts
    from v_employments e
    left join group_ages g on g.profession_group is not distinct from e.profession_group
    join birth_facts b on b.birth_date = e.birth_date and b.retirement_age is not distinct from g.retirement_age
    -- Only employments that can count: begun by d and not ended before d - 1 year (the rest are
    -- neither active at d or a year before nor ended inside the window).
    where e.start_date <= $as_of::date and (e.end_date is null or e.end_date >= ($as_of::date - interval 1 year)::date)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
),
-- Kept (materialized): two steps read it, and keeping these few columns costs less than keeping staff's.
emp as materialized (
    select
        e.employee_id,
        coalesce(e.only_employment, false) as only_employment,
        case when $by_unit then e.unit_code end as g_unit,
        case when $by_profession then e.profession_group end as g_profession,
        -- A person's age is that of the earliest birth date given (the highest age): age falls as the date rises.
        e.age,
        is_active(e.start_date, e.end_date, $as_of::date) as active_d,
        -- The leaver window is [d - 1 year, d): a last working day on d is still active on d.
        coalesce(e.end_date >= ($as_of::date - interval 1 year)::date and e.end_date < $as_of::date, false)
            as ended_in_window,
        -- One bit per yes/no fact (birth_facts' and these): a person's facts are or-ed in one small aggregate.
        (active_d::integer
            + 2 * is_active(e.start_date, e.end_date, ($as_of::date - interval 1 year)::date)::integer
            + 32 * ended_in_window::integer
            + case when active_d then e.birth_facts else 0 end)::utinyint as facts,
        case when active_d then e.position_pct end as pct_d,
        -- DESIGN.md "FTE": avtalte årsverk ekskl. permisjon subtract the leave in force on d (a share of the position).
        -- Kept as an exact decimal (per cent x per cent) and divided once per scope, so sums never depend on order.
        case when active_d then e.position_pct * (100 - coalesce(case when e.leave_pct is not null
            and (e.leave_start is null or e.leave_start <= $as_of::date)
            and (e.leave_end is null or e.leave_end >= $as_of::date) then e.leave_pct end, 0)) end as pct_at_work_d,
        -- The last employment ended in the window (its end day), and whether it was retirement (the low bit).
        case when ended_in_window
            then 2 * (e.end_date - date '1900-01-01') + coalesce(e.end_reason = 'pensjon', false)::integer
        end as last_end
    from staff e
),
-- Persons with more than one employment: their facts in each scope (FTE summed over their employments there).
unit_person as (
    select g_unit, g_profession, employee_id, max(age) as age, bit_or(facts) as facts, max(last_end) as last_end,
        sum(pct_d) as pct_d, sum(pct_at_work_d) as pct_at_work_d,
        sum(case when facts & 8 > 0 then pct_d end) as pct_retiring_5y
    from emp
    where not only_employment
    group by g_unit, g_profession, employee_id
),
-- One row per person and part: 'single' (the only employment: its row is the person's row in its scope and in
-- the total), 'multi' (per scope) and 'multi_total' (once per person, for the total).
person_rows as (
    select 'single' as part, g_unit, g_profession, age, facts, last_end, pct_d, pct_at_work_d,
        case when facts & 8 > 0 then pct_d end as pct_retiring_5y
    from emp
    where only_employment
    union all
    select 'multi', g_unit, g_profession, age, facts, last_end, pct_d, pct_at_work_d, pct_retiring_5y
    from unit_person
    union all
    select 'multi_total', null, null, max(age), bit_or(facts), max(last_end), sum(pct_d), sum(pct_at_work_d),
        sum(pct_retiring_5y)
    from unit_person
    group by employee_id
),
parts as (
    -- facts: 1 active on d, 2 active a year before, 4/8/16 retiring within 1/5/10 years, 32 ended in the
    -- window, 64 past the upper age limit. count_if is cheaper than a filter clause per aggregate.
    select
        part, g_unit, g_profession,
        count_if(facts & 1 > 0) as headcount,
        sum(case when facts & 1 > 0 then age end) as age_sum,
        count_if(facts & 1 > 0 and age < 20) as band_lt20,
        count_if(facts & 1 > 0 and age between 20 and 29) as band_20_29,
        count_if(facts & 1 > 0 and age between 30 and 39) as band_30_39,
        count_if(facts & 1 > 0 and age between 40 and 49) as band_40_49,
        count_if(facts & 1 > 0 and age between 50 and 59) as band_50_59,
        count_if(facts & 1 > 0 and age between 60 and 69) as band_60_69,
        count_if(facts & 1 > 0 and age >= 70) as band_70_plus,
        count_if(facts & 1 > 0 and age >= 60) as count_60_plus,
        count_if(facts & 4 > 0) as retiring_within_1y,
        count_if(facts & 8 > 0) as retiring_within_5y,
        count_if(facts & 16 > 0) as retiring_within_10y,
        count_if(facts & 64 > 0) as past_upper_age_limit,
        -- A leaver: ended in the window and not active on d.
        count_if(facts & 33 = 32) as leavers_12m,
        -- ... whose last employment ended in the window was ended by retirement.
        count_if(facts & 33 = 32 and last_end % 2 = 1) as leavers_12m_retirement,
        count_if(facts & 2 > 0) as headcount_year_before,
        count_if(facts & 3 = 2) as cohort_left,
        sum(pct_d) as pct_d, sum(pct_at_work_d) as pct_at_work_d, sum(pct_retiring_5y) as pct_retiring_5y
    from person_rows
    group by part, g_unit, g_profession
),
-- A scope is its single and multi parts; the total is every single part and the multi total.
summed as (
    select false as is_total, g_unit, g_profession, sum(columns(* exclude (part, g_unit, g_profession)))
    from parts
    where part <> 'multi_total'
    group by g_unit, g_profession
    union all
    select true, null, null, sum(columns(* exclude (part, g_unit, g_profession)))
    from parts
    where part <> 'multi'
    having count(*) > 0  -- an empty scope has no total row here (the caller adds zeros)
),
scope as (
    select
        is_total, g_unit, g_profession, headcount::bigint as headcount,
        coalesce(pct_d, 0) / 100 as fte, coalesce(pct_at_work_d, 0) / 10000 as fte_excluding_leave,
        age_sum / nullif(headcount, 0) as mean_age,
        band_lt20::bigint as band_lt20, band_20_29::bigint as band_20_29, band_30_39::bigint as band_30_39,
        band_40_49::bigint as band_40_49, band_50_59::bigint as band_50_59, band_60_69::bigint as band_60_69,
        band_70_plus::bigint as band_70_plus, count_60_plus::bigint as count_60_plus,
        retiring_within_1y::bigint as retiring_within_1y, retiring_within_5y::bigint as retiring_within_5y,
        retiring_within_10y::bigint as retiring_within_10y,
        coalesce(pct_retiring_5y, 0) / 100 as retiring_within_5y_fte,
        past_upper_age_limit::bigint as past_upper_age_limit, leavers_12m::bigint as leavers_12m,
        leavers_12m_retirement::bigint as leavers_12m_retirement,
        headcount_year_before::bigint as headcount_year_before, cohort_left::bigint as cohort_left
    from summed
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
