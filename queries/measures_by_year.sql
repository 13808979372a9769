-- Planned cost per plan year and category for the chosen units. Year 0 is the one-year plan
-- (horizon 1, at the budget's prices); year k = 1..5 is year k of the five-year horizon: the
-- horizon-5 lines' yearly cost x (1 + $growth)^k (DESIGN.md "Training cost of a measure").
with lines as (
    select
        m.category,
        m.horizon,
        training_cost(m.hourly_rate, m.participants, m.hours, m.sessions, m.day_rate, m.days,
                      m.course_fee, m.travel, m.other_cost) as cost
    from v_measures m
    where ($units::varchar[] is null or list_contains($units::varchar[], m.unit_code))
),
years as (
    select unnest(range(0, 6)) as plan_year
),
categories as (
    select unnest(['rekruttering', 'utvikling']) as category
)
select
    y.plan_year,
    c.category,
    coalesce(sum(
        case when y.plan_year = 0 and l.horizon = 1 then l.cost
             when y.plan_year > 0 and l.horizon = 5 then l.cost * power(1 + $growth::double, y.plan_year)
             else 0 end
    ), 0) as cost
from years y
cross join categories c
left join lines l on l.category = c.category
group by y.plan_year, c.category
order by y.plan_year, c.category
