-- Persons active at $as_of per profession group and age (completed years), with the group's retirement
-- age (the rule choice of metrics.sql) and the year in which the person reaches the upper age limit
-- (0: already at or past it on $as_of; null: not within 60 years): the starting population of the
-- replacement-need projection. A person counts once per profession group (DESIGN.md "Headcount").
with params as (
    select $as_of::date as d
),
default_rule as (
    select earliest_age, expected_age from retirement_rules where profession = '*'
),
persons as (
    select
        e.profession_group as profession,
        e.employee_id,
        age_at(min(e.birth_date), any_value(p.d)) as age,
        any_value(chosen_retirement_age($retirement_age::integer, $retirement_mode, r.earliest_age, r.expected_age,
            dr.earliest_age, dr.expected_age
        )) as retirement_age,
        min(l.limit_date) as limit_date,
        any_value(p.d) as d
    from v_employments e
    cross join params p
    cross join default_rule dr
    left join retirement_rules r on lower(r.profession) = lower(e.profession_group)
    left join upper_age_limit_dates($as_of::date) l on l.birth_date = e.birth_date
    where is_active(e.start_date, e.end_date, p.d)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
    group by e.profession_group, e.employee_id
)
select
    profession,
    age,
    retirement_age,
    list_min([n for n in range(0, 61) if limit_date <= (d + to_years(n::integer))::date]) as limit_year,
    count(*) as persons
from persons
group by all
order by profession, age, retirement_age, limit_year
