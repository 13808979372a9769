-- Leavers in the 12 months to $as_of by the end reason of their last ending employment in the
-- scope. The leaver rule is metrics.sql's (person level): an employment in the scope ended in
-- [d - 1 year, d) and the person is not active in the scope on d, so a move between two units
-- inside the scope is no leaver. A missing reason comes back as null.
with params as (
    select $as_of::date as d, ($as_of::date - interval 1 year)::date as d0
),
emp as (
    select
        e.employee_id,
        e.end_date,
        e.end_reason,
        is_active(e.start_date, e.end_date, p.d) as active_d,
        e.end_date >= p.d0 and e.end_date < p.d as ended_in_window
    from v_employments e
    cross join params p
    where in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
        $professions::varchar[], $employment_types::varchar[])
),
person_scope as (
    select
        employee_id,
        bool_or(active_d) as active_d,
        bool_or(ended_in_window) as ended_in_window,
        arg_max(end_reason, end_date) filter (where ended_in_window) as last_end_reason
    from emp
    group by employee_id
)
select last_end_reason as end_reason, count(*) as leavers
from person_scope
where ended_in_window and not active_d
group by last_end_reason
order by last_end_reason
