-- The measures of one closed version of the plan, with the cost as it was computed when the year was closed,
-- for the chosen units.
select
    measure_id, unit_code, main_task, category, horizon, need, measure, schedule, hours, participants,
    sessions, hourly_rate, days, day_rate, course_fee, travel, other_cost, status, responsible, comment,
    funding_source, funding_applied, funding_granted, goal_id, cost,
    effect_kind, effect_target, effect_count, effect_unit, effect_from
from plan_version_measures
where version_id = $version_id
  and ($units::varchar[] is null or list_contains($units::varchar[], unit_code))
order by unit_code, main_task, category, horizon, measure_id
