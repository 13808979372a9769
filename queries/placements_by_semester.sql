-- Practice placements per semester and per semester and school type, for the chosen units:
-- places asked for, offered and used (sums of the known figures; null when none is known) and the gap,
-- the sum of asked - offered over the rows where both are known.
with rows as (
    select
        p.semester,
        cast(regexp_extract(p.semester, '([0-9]{4})', 1) as integer) * 2
            + case when p.semester like 'H%' then 1 else 0 end as semester_order,
        p.school_type, p.asked, p.offered, p.used, p.asked - p.offered as gap
    from v_placements p
    where ($units::varchar[] is null or list_contains($units::varchar[], p.unit_code))
)
select
    semester,
    any_value(semester_order) as semester_order,
    case when grouping(school_type) = 0 then school_type end as school_type,
    sum(asked) as asked,
    sum(offered) as offered,
    sum(used) as used,
    sum(gap) as gap
from rows
group by grouping sets ((semester), (semester, school_type))
order by semester_order, school_type nulls first
