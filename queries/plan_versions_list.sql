-- The closed yearly versions of the plan, oldest first, with how many goals and measures each holds.
select
    v.version_id, v.plan_year, v.as_of, v.closed_at, v.closed_by,
    (select count(*) from plan_version_goals g where g.version_id = v.version_id) as goals,
    (select count(*) from plan_version_measures m where m.version_id = v.version_id) as measures
from plan_versions v
order by v.plan_year
