-- Certificates of persons active in the scope as of $as_of that expire within $days days (on or
-- after $as_of: still valid) or expired within the last 365 days without a later valid renewal.
-- One row per unit, person and competence: the latest expiry date of that competence.
with staff as (
    select distinct e.unit_code, e.employee_id
    from v_employments e
    where is_active(e.start_date, e.end_date, $as_of::date)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
),
latest as (
    select
        c.employee_id,
        c.competence,
        any_value(c.kind) as kind,
        -- an undated expiry means the competence does not expire
        max(coalesce(c.expires_date, date '9999-12-31')) as expires_date
    from v_competences c
    where c.acquired_date is null or c.acquired_date <= $as_of::date
    group by c.employee_id, c.competence
)
select
    s.unit_code,
    s.employee_id,
    l.competence,
    l.kind,
    l.expires_date,
    l.expires_date >= $as_of::date as still_valid,
    datediff('day', $as_of::date, l.expires_date) as days_left
from latest l
join staff s on s.employee_id = l.employee_id
where l.expires_date <= ($as_of::date + to_days($days::integer))::date
  and l.expires_date > ($as_of::date - interval 365 day)::date
order by l.expires_date, s.unit_code, l.competence, s.employee_id
