-- Employments of persons active on $as_of who have reached the upper age limit in force that day
-- (the rule of metrics.sql: upper_age_limit_dates gives $as_of itself for them), within the scope.
-- For HR to follow up: the HR system's employee number, unit, title and group, age, the limit.
with params as (
    select $as_of::date as d
),
limit_on_d as (
    select upper_age from upper_age_limits
    where valid_from <= $as_of::date
    order by valid_from desc
    limit 1
)
select
    e.employee_id,
    e.unit_code,
    e.profession,
    e.profession_group,
    age_at(e.birth_date, p.d) as age,
    (select upper_age from limit_on_d) as upper_age
from v_employments e
cross join params p
join upper_age_limit_dates($as_of::date) l on l.birth_date = e.birth_date
where is_active(e.start_date, e.end_date, p.d)
  and l.limit_date <= p.d
  and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
      $professions::varchar[], $employment_types::varchar[])
order by e.unit_code, e.employee_id
