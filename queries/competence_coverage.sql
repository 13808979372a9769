-- Requirement coverage as of $as_of: per unit and required competence, the persons active in the
-- unit (within the scope's filters) who hold the competence valid that day, against min_holders.
-- gap = max(0, min_holders - holders). Competence names match case- and space-insensitively.
with staff as (
    select distinct e.unit_code, e.employee_id
    from v_employments e
    where is_active(e.start_date, e.end_date, $as_of::date)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
),
holders as (
    select s.unit_code, lower(trim(c.competence)) as competence_key, count(distinct s.employee_id) as holders
    from staff s
    join v_competences c on c.employee_id = s.employee_id
    where is_valid_at(c.acquired_date, c.expires_date, $as_of::date)
    group by s.unit_code, lower(trim(c.competence))
)
select
    r.unit_code,
    r.competence,
    r.min_holders,
    coalesce(h.holders, 0) as holders,
    greatest(r.min_holders - coalesce(h.holders, 0), 0) as gap
from v_requirements r
left join holders h on h.unit_code = r.unit_code and h.competence_key = lower(trim(r.competence))
where ($units::varchar[] is null or list_contains($units::varchar[], r.unit_code))
order by r.unit_code, r.competence
