-- Close a year: copy the goals into the version (one list parameter per column, g_<column>, all of the same
-- length).
insert into plan_version_goals
select $version_id,
       unnest($g_goal_id),
       unnest($g_parent_id),
       unnest($g_level),
       unnest($g_title),
       unnest($g_period_from),
       unnest($g_period_to),
       unnest($g_status),
       unnest($g_evaluation),
       unnest($g_responsible),
       unnest($g_comment)
