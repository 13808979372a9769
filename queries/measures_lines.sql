-- The plan's measures (active import) for the chosen units, each line with its training cost
-- (the training_cost macro: DESIGN.md "Training cost of a measure").
select
    m.measure_id, m.unit_code, m.main_task, m.category, m.horizon, m.need, m.measure, m.schedule,
    m.hours, m.participants, m.sessions, m.hourly_rate, m.days, m.day_rate, m.course_fee, m.travel,
    m.other_cost, m.status, m.responsible, m.comment,
    m.funding_source, m.funding_applied, m.funding_granted, m.goal_id,
    m.effect_kind, m.effect_target, m.effect_count, m.effect_unit, m.effect_from,
    training_cost(m.hourly_rate, m.participants, m.hours, m.sessions, m.day_rate, m.days,
                  m.course_fee, m.travel, m.other_cost) as cost
from v_measures m
where ($units::varchar[] is null or list_contains($units::varchar[], m.unit_code))
order by m.unit_code, m.main_task, m.category, m.horizon, m.measure_id
