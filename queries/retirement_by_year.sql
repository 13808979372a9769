-- Persons and FTE reaching the retirement age in each of the next 10 years, per profession and in total.
-- Year n (1..10) = the 12 months (d + (n-1) years, d + n years]: active at d, age at d + n years >= the
-- chosen age and age at d + (n-1) years below it. Year 0 = already at or past the age at d.
-- The retirement age, its cap by the upper age limit and the scope filter are those of metrics.sql
-- (DESIGN.md "Retirement"): nobody is placed past the limit. Professions are profession groups.
with params as (
    select $as_of::date as d
),
default_rule as (
    select earliest_age, expected_age from retirement_rules where profession = '*'
),
emp as (
    select
        e.employee_id,
        e.profession_group as profession,
        e.position_pct,
        list_min([
            n for n in range(0, 11)
            if retired_by(e.birth_date, chosen_retirement_age(
                $retirement_age::integer, $retirement_mode, r.earliest_age, r.expected_age,
                dr.earliest_age, dr.expected_age), l.limit_date, (p.d + to_years(n::integer))::date)
        ]) as first_year
    from v_employments e
    cross join params p
    cross join default_rule dr
    left join retirement_rules r on lower(r.profession) = lower(e.profession_group)
    left join upper_age_limit_dates($as_of::date) l on l.birth_date = e.birth_date
    where is_active(e.start_date, e.end_date, p.d)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
),
-- A person counts once per group, in the first year any of their employments reaches the age.
persons as (
    select is_total, profession, year, count(*) as persons
    from (
        select
            grouping(profession) > 0 as is_total,
            profession,
            employee_id,
            min(first_year) as year
        from emp
        where first_year is not null
        group by grouping sets ((profession, employee_id), (employee_id))
    )
    group by is_total, profession, year
),
-- FTE sums employments, each in the year it reaches the age.
fte as (
    select
        grouping(profession) > 0 as is_total,
        profession,
        first_year as year,
        sum(position_pct) / 100 as fte
    from emp
    where first_year is not null
    group by grouping sets ((profession, first_year), (first_year))
)
select
    coalesce(p.is_total, f.is_total) as is_total,
    coalesce(p.profession, f.profession) as profession,
    coalesce(p.year, f.year) as year,
    coalesce(p.persons, 0) as persons,
    coalesce(f.fte, 0) as fte
from persons p
full outer join fte f
    on p.is_total = f.is_total and p.profession is not distinct from f.profession and p.year = f.year
order by is_total, lower(coalesce(p.profession, f.profession)), profession, year
