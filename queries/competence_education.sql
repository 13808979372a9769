-- Persons per education level per unit as of $as_of (the Lørenskog plan's table), and the same over
-- the whole scope as the rows marked is_total (a person with two employments counts once in each
-- unit and once in the total). A person's level is the one on their latest active employment.
with emp as (
    select e.unit_code, e.employee_id, e.start_date, coalesce(e.education_level, 'Ukjent') as education_level
    from v_employments e
    where is_active(e.start_date, e.end_date, $as_of::date)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
),
staff as (
    select
        grouping(unit_code) > 0 as is_total,
        unit_code,
        employee_id,
        arg_max(education_level, start_date) as education_level
    from emp
    group by grouping sets ((unit_code, employee_id), (employee_id))
)
select is_total, unit_code, education_level, count(*) as persons
from staff
group by is_total, unit_code, education_level
order by is_total, unit_code, education_level
