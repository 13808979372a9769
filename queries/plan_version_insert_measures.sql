-- Close a year: copy the measures into the version (one list parameter per column, m_<column>, all of the same
-- length), each with its training cost as computed now (the training_cost macro), so later rule changes do not
-- alter it. The effect columns follow the cost (they were added later).
insert into plan_version_measures
with lines as (
    select unnest($m_measure_id) as measure_id,
           unnest($m_unit_code) as unit_code,
           unnest($m_main_task) as main_task,
           unnest($m_category) as category,
           unnest($m_horizon) as horizon,
           unnest($m_need) as need,
           unnest($m_measure) as measure,
           unnest($m_schedule) as schedule,
           unnest($m_hours) as hours,
           unnest($m_participants) as participants,
           unnest($m_sessions) as sessions,
           unnest($m_hourly_rate) as hourly_rate,
           unnest($m_days) as days,
           unnest($m_day_rate) as day_rate,
           unnest($m_course_fee) as course_fee,
           unnest($m_travel) as travel,
           unnest($m_other_cost) as other_cost,
           unnest($m_status) as status,
           unnest($m_responsible) as responsible,
           unnest($m_comment) as comment,
           unnest($m_funding_source) as funding_source,
           unnest($m_funding_applied) as funding_applied,
           unnest($m_funding_granted) as funding_granted,
           unnest($m_goal_id) as goal_id,
           unnest($m_effect_kind) as effect_kind,
           unnest($m_effect_target) as effect_target,
           unnest($m_effect_count) as effect_count,
           unnest($m_effect_unit) as effect_unit,
           unnest($m_effect_from) as effect_from
)
select $version_id, measure_id, unit_code, main_task, category, horizon, need, measure, schedule, hours, participants, sessions, hourly_rate, days, day_rate, course_fee, travel, other_cost, status, responsible, comment, funding_source, funding_applied, funding_granted, goal_id,
       training_cost(hourly_rate, participants, hours, sessions, day_rate, days, course_fee, travel, other_cost),
       effect_kind, effect_target, effect_count, effect_unit, effect_from::date
from lines
