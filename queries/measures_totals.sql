-- Planned cost totals per unit, per main task, per category and over all chosen units:
-- cost_1y = the one-year plan (horizon 1); cost_5y = the five-year horizon summed over its years,
-- year k costing the yearly cost x (1 + $growth)^k; lines = number of measures.
with lines as (
    select
        m.unit_code,
        m.main_task,
        m.category,
        m.horizon,
        training_cost(m.hourly_rate, m.participants, m.hours, m.sessions, m.day_rate, m.days,
                      m.course_fee, m.travel, m.other_cost) as cost
    from v_measures m
    where ($units::varchar[] is null or list_contains($units::varchar[], m.unit_code))
),
five_years as (
    select sum(power(1 + $growth::double, k)) as factor from range(1, 6) t(k)
)
select
    case when grouping(unit_code) = 0 then 'unit'
         when grouping(main_task) = 0 then 'main_task'
         when grouping(category) = 0 then 'category'
         else 'total' end as grouped_by,
    coalesce(unit_code, main_task, category) as group_value,
    count(*) as lines,
    coalesce(sum(cost) filter (where horizon = 1), 0) as cost_1y,
    coalesce(sum(cost) filter (where horizon = 5), 0) * any_value(f.factor) as cost_5y
from lines
cross join five_years f
group by grouping sets ((unit_code), (main_task), (category), ())
order by grouped_by, group_value
