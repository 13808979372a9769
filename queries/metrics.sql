-- Key figures per scope as of $as_of: headcount, FTE, ages, retirement, turnover.
-- Scopes: unit and/or profession (switched by $by_unit / $by_profession) plus the total (level 1).
-- Persons are counted once per scope; FTE sums employments (DESIGN.md "Definitions"). Professions are
-- profession groups (v_employments.profession_group); retirement is capped by the upper age limit.
with params as (
    select $as_of::date as d, ($as_of::date - interval 1 year)::date as d0
),
default_rule as (
    select earliest_age, expected_age from retirement_rules where profession = '*'
),
staff as (
    select
        e.*,
        chosen_retirement_age($retirement_age::integer, $retirement_mode, r.earliest_age, r.expected_age,
            dr.earliest_age, dr.expected_age
        ) as retirement_age,
        l.limit_date
    from v_employments e
    cross join params p
    cross join default_rule dr
    left join retirement_rules r on lower(r.profession) = lower(e.profession_group)
    left join upper_age_limit_dates($as_of::date) l on l.birth_date = e.birth_date
    -- Only employments that can count: begun by d and not ended before d - 1 year (the rest are
    -- neither active at d or a year before nor ended inside the window).
    where e.start_date <= p.d and (e.end_date is null or e.end_date >= p.d0)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
),
emp as (
    select
        e.employee_id,
        case when $by_unit then e.unit_code end as g_unit,
        case when $by_profession then e.profession_group end as g_profession,
        e.birth_date,
        is_active(e.start_date, e.end_date, p.d) as active_d,
        -- The leaver window is [d - 1 year, d): a last working day on d is still active on d.
        coalesce(e.end_date >= p.d0 and e.end_date < p.d, false) as ended_in_window,
        active_d and retired_by(e.birth_date, e.retirement_age, e.limit_date, (p.d + interval 5 year)::date)
            as retiring_5y,
        -- One bit per yes/no fact: a person's facts are or-ed in one small aggregate, not seven.
        active_d::integer
            + 2 * is_active(e.start_date, e.end_date, p.d0)::integer
            + 4 * coalesce(active_d and retired_by(e.birth_date, e.retirement_age, e.limit_date,
                                                   (p.d + interval 1 year)::date), false)::integer
            + 8 * coalesce(retiring_5y, false)::integer
            + 16 * coalesce(active_d and retired_by(e.birth_date, e.retirement_age, e.limit_date,
                                                    (p.d + interval 10 year)::date), false)::integer
            + 32 * ended_in_window::integer
            + 64 * coalesce(active_d and e.limit_date <= p.d, false)::integer as facts,
        case when active_d then e.position_pct end as pct_d,
        -- DESIGN.md "FTE": avtalte årsverk ekskl. permisjon subtract the leave in force on d (a share of the position).
        -- Kept as an exact decimal (per cent x per cent) and divided once per scope, so sums never depend on order.
        case when active_d then e.position_pct * (100 - coalesce(case when e.leave_pct is not null
            and (e.leave_start is null or e.leave_start <= p.d)
            and (e.leave_end is null or e.leave_end >= p.d) then e.leave_pct end, 0)) end as pct_at_work_d,
        case when retiring_5y then e.position_pct end as pct_retiring_5y,
        -- The last employment ended in the window (its end day), and whether it was retirement (the low bit).
        case when ended_in_window
            then 2 * (e.end_date - date '1900-01-01') + coalesce(e.end_reason = 'pensjon', false)::integer
        end as last_end
    from staff e
    cross join params p
),
person_facts as (
    select
        grouping(g_unit, g_profession) > 0 as is_total,
        g_unit,
        g_profession,
        min(birth_date) as birth_date,
        bit_or(facts) as facts,
        -- Percentages summed as decimals (exact, in any order); divided by 100 once, per scope.
        coalesce(sum(pct_d), 0) as position_sum,
        coalesce(sum(pct_at_work_d), 0) as position_at_work_sum,
        coalesce(sum(pct_retiring_5y), 0) as retiring_5y_position_sum,
        max(last_end) as last_end
    from emp
    group by grouping sets ((g_unit, g_profession, employee_id), (employee_id))
),
person_scope as (
    select
        is_total, g_unit, g_profession,
        age_at(birth_date, p.d) as age,
        facts & 1 > 0 as active_d,
        facts & 2 > 0 as active_d0,
        facts & 4 > 0 as retiring_1y,
        facts & 8 > 0 as retiring_5y,
        facts & 16 > 0 as retiring_10y,
        facts & 32 > 0 as ended_in_window,
        facts & 64 > 0 as past_limit,
        position_sum,
        position_at_work_sum,
        retiring_5y_position_sum,
        case when last_end % 2 = 1 then 'pensjon' end as last_end_reason
    from person_facts
    cross join params p
),
scope as (
    select
        is_total,
        g_unit,
        g_profession,
        count(*) filter (where active_d) as headcount,
        sum(position_sum) / 100 as fte,
        sum(position_at_work_sum) / 10000 as fte_excluding_leave,
        avg(age) filter (where active_d) as mean_age,
        count(*) filter (where active_d and age < 20) as band_lt20,
        count(*) filter (where active_d and age between 20 and 29) as band_20_29,
        count(*) filter (where active_d and age between 30 and 39) as band_30_39,
        count(*) filter (where active_d and age between 40 and 49) as band_40_49,
        count(*) filter (where active_d and age between 50 and 59) as band_50_59,
        count(*) filter (where active_d and age between 60 and 69) as band_60_69,
        count(*) filter (where active_d and age >= 70) as band_70_plus,
        count(*) filter (where active_d and age >= 60) as count_60_plus,
        count(*) filter (where retiring_1y) as retiring_within_1y,
        count(*) filter (where retiring_5y) as retiring_within_5y,
        count(*) filter (where retiring_10y) as retiring_within_10y,
        sum(retiring_5y_position_sum) / 100 as retiring_within_5y_fte,
        count(*) filter (where past_limit) as past_upper_age_limit,
        count(*) filter (where ended_in_window and not active_d) as leavers_12m,
        count(*) filter (where ended_in_window and not active_d and last_end_reason = 'pensjon')
            as leavers_12m_retirement,
        count(*) filter (where active_d0) as headcount_year_before,
        count(*) filter (where active_d0 and not active_d) as cohort_left
    from person_scope
    group by is_total, g_unit, g_profession
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
