-- 12-month rolling turnover for one scope: one point per month going back from $as_of (the same
-- day of the month; DuckDB clamps 31 -> 28/29/30) to the first point whose whole 12-month window lies
-- inside the data, or to $since when that is later. The data begins on the first day of the month of the
-- first recorded end date in the scope (before it the data holds no leavers, so a window reaching back
-- there would be half empty; without any end date: the month of the earliest start). Each point p is evaluated exactly as metrics.sql's
-- total row with $as_of = p (person level; keep the two in step: tests compare the last point).
with emp as (
    select e.employee_id, e.start_date, e.end_date, e.end_reason
    from v_employments e
    where in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
        $professions::varchar[], $employment_types::varchar[])
),
bounds as (
    select
        $as_of::date as d,
        (date_trunc('month', coalesce(min(end_date), min(start_date))) + interval 12 month)::date as data_full_year,
        greatest(data_full_year, coalesce($since::date, date '0001-01-01')) as first_point
    from emp
),
offsets as (
    select d, first_point, data_full_year, unnest(range(0, datediff('month', first_point, d) + 1)) as i
    from bounds
    where first_point <= d
),
points as (
    select
        (d - to_months(i::integer))::date as p,
        ((d - to_months(i::integer))::date - interval 1 year)::date as p0
    from offsets
    where (d - to_months(i::integer))::date >= first_point
),
-- Only employments that can matter at p: active at p0 or p, or ended in [p0, p).
rows_at as (
    select
        pt.p,
        e.employee_id,
        e.end_date,
        e.end_reason,
        is_active(e.start_date, e.end_date, pt.p) as active_d,
        is_active(e.start_date, e.end_date, pt.p0) as active_d0,
        e.end_date >= pt.p0 and e.end_date < pt.p as ended_in_window
    from points pt
    join emp e on e.start_date <= pt.p and coalesce(e.end_date, date '9999-12-31') >= pt.p0
),
person_at as (
    select
        p,
        employee_id,
        bool_or(active_d) as active_d,
        bool_or(active_d0) as active_d0,
        bool_or(ended_in_window) as ended_in_window,
        arg_max(end_reason, end_date) filter (where ended_in_window) as last_end_reason
    from rows_at
    group by p, employee_id
),
per_point as (
    select
        p,
        count(*) filter (where active_d) as headcount,
        count(*) filter (where ended_in_window and not active_d) as leavers_12m,
        count(*) filter (where ended_in_window and not active_d and last_end_reason = 'pensjon')
            as leavers_12m_retirement,
        count(*) filter (where active_d0) as headcount_year_before,
        count(*) filter (where active_d0 and not active_d) as cohort_left
    from person_at
    group by p
),
counts as (
    select
        pt.p as point,
        coalesce(c.headcount, 0) as headcount,
        coalesce(c.leavers_12m, 0) as leavers_12m,
        coalesce(c.leavers_12m_retirement, 0) as leavers_12m_retirement,
        coalesce(c.headcount_year_before, 0) as headcount_year_before,
        coalesce(c.cohort_left, 0) as cohort_left
    from points pt
    left join per_point c on c.p = pt.p
)
select
    *,
    -- The rates exactly as metrics.sql writes them.
    leavers_12m / nullif((headcount_year_before + headcount) / 2, 0) as turnover_12m,
    (leavers_12m - leavers_12m_retirement) / nullif((headcount_year_before + headcount) / 2, 0)
        as turnover_12m_excl_retirement,
    cohort_left / nullif(headcount_year_before, 0) as turnover_ks
from counts
order by point
