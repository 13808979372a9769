-- The plan's goals (active import): strategy goals and the result goals under them.
select g.goal_id, g.parent_id, g.level, g.title, g.period_from, g.period_to, g.status, g.evaluation,
       g.responsible, g.comment
from v_goals g
order by g.goal_id
