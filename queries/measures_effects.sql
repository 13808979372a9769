-- The measures (active import) that state an effect, for the chosen units: what each produces, in which
-- unit (the measure's own where none is given), from when, and its planned cost over its horizon
-- (the planned_cost macro: the one-year cost, or the five-year horizon's yearly cost with growth).
with lines as (
    select
        m.measure_id,
        m.unit_code,
        m.horizon,
        coalesce(nullif(m.measure, ''), m.need) as measure,
        m.effect_kind,
        m.effect_target,
        coalesce(m.effect_count, 0) as effect_count,
        coalesce(nullif(m.effect_unit, ''), m.unit_code) as effect_unit,
        m.effect_from,
        training_cost(m.hourly_rate, m.participants, m.hours, m.sessions, m.day_rate, m.days,
                      m.course_fee, m.travel, m.other_cost) as cost
    from v_measures m
    where m.effect_kind is not null
)
select
    measure_id, unit_code, measure, effect_kind, effect_target, effect_count, effect_unit, effect_from,
    planned_cost(cost, horizon, $growth::double) as planned_cost
from lines
where ($units::varchar[] is null or list_contains($units::varchar[], effect_unit))
order by effect_unit, effect_kind, effect_target, measure_id
