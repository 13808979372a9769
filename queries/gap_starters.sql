-- Persons who started in the chosen units between $since (exclusive) and $as_of (inclusive), per profession group:
-- what a recruitment measure promised, beside what happened (kompetanse/figures/gap.py). A person counts once per
-- profession, however many employments began.
select e.profession_group as profession, count(distinct e.employee_id) as starters
from v_employments e
where e.start_date > $since::date
  and e.start_date <= $as_of::date
  and ($units::varchar[] is null or list_contains($units::varchar[], e.unit_code))
group by e.profession_group
order by e.profession_group
