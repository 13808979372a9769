-- Persons active at $as_of per profession and age (completed years), with the profession's retirement
-- age (the rule choice of metrics.sql): the starting population of the replacement-need projection.
-- A person counts once per profession (DESIGN.md "Headcount").
with params as (
    select $as_of::date as d
),
default_rule as (
    select earliest_age, expected_age from retirement_rules where profession = '*'
),
persons as (
    select
        e.profession,
        e.employee_id,
        age_at(min(e.birth_date), any_value(p.d)) as age,
        any_value(chosen_retirement_age($retirement_age::integer, $retirement_mode, r.earliest_age, r.expected_age,
            dr.earliest_age, dr.expected_age
        )) as retirement_age
    from v_employments e
    cross join params p
    cross join default_rule dr
    left join retirement_rules r on lower(r.profession) = lower(e.profession)
    where is_active(e.start_date, e.end_date, p.d)
      and in_scope(e.unit_code, e.profession, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
    group by e.profession, e.employee_id
)
select profession, age, retirement_age, count(*) as persons
from persons
group by profession, age, retirement_age
order by profession, age
