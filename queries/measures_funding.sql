-- Cost against funding per funding source, for the chosen units' measures (active import):
-- cost = the line's training cost (the one-year plan's cost; a five-year line's cost per year),
-- applied and granted = the amounts applied for and granted (null where none is given),
-- unfunded = the sum over lines of max(0, cost - granted): what is left without funding.
-- source '' = no source given; is_total marks the row over all sources.
with lines as (
    select
        coalesce(m.funding_source, '') as source,
        training_cost(m.hourly_rate, m.participants, m.hours, m.sessions, m.day_rate, m.days,
                      m.course_fee, m.travel, m.other_cost) as cost,
        m.funding_applied,
        m.funding_granted
    from v_measures m
    where ($units::varchar[] is null or list_contains($units::varchar[], m.unit_code))
)
select
    grouping(source) = 1 as is_total,
    case when grouping(source) = 0 then source end as source,
    count(*) as lines,
    coalesce(sum(cost), 0) as cost,
    sum(funding_applied) as applied,
    sum(funding_granted) as granted,
    coalesce(sum(greatest(cost - coalesce(funding_granted, 0), 0)), 0) as unfunded
from lines
group by grouping sets ((source), ())
order by is_total, source
