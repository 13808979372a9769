-- The goals of one closed version of the plan.
select goal_id, parent_id, level, title, period_from, period_to, status, evaluation, responsible, comment
from plan_version_goals
where version_id = $version_id
order by goal_id
