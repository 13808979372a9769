-- Persons active on $as_of per age band and gender, within the scope's filters (the same
-- filter clauses as metrics.sql). A person with several employments in scope counts once;
-- gender is 'K', 'M' or null (unknown, or the employments disagree).
with person as (
    select
        e.employee_id,
        age_at(min(e.birth_date), $as_of::date) as age,
        case when count(distinct e.gender) = 1 and min(upper(trim(e.gender))) in ('K', 'M')
            then min(upper(trim(e.gender))) end as gender
    from v_employments e
    where is_active(e.start_date, e.end_date, $as_of::date)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
    group by e.employee_id
)
select age_band(age) as band, gender, count(*) as persons
from person
group by all
order by band, gender
