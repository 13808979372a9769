-- Further education (videreutdanning) per unit as of $as_of: persons active in the unit holding
-- each further education (acquired on or before $as_of), and the unit's headcount.
with staff as (
    select distinct e.unit_code, e.employee_id
    from v_employments e
    where is_active(e.start_date, e.end_date, $as_of::date)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
),
headcount as (
    select unit_code, count(*) as headcount from staff group by unit_code
)
select s.unit_code, h.headcount, c.competence, count(distinct s.employee_id) as persons
from staff s
join headcount h on h.unit_code = s.unit_code
join v_competences c on c.employee_id = s.employee_id
where c.kind = 'videreutdanning'
  and is_valid_at(c.acquired_date, c.expires_date, $as_of::date)
group by s.unit_code, h.headcount, c.competence
order by s.unit_code, c.competence
