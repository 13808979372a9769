-- Practice placements (active import) for the chosen units, oldest semester first; gap = asked - offered
-- (null where either is unknown). semester_order: year x 2, +1 for autumn (Høst).
select
    p.semester,
    cast(regexp_extract(p.semester, '([0-9]{4})', 1) as integer) * 2
        + case when p.semester like 'H%' then 1 else 0 end as semester_order,
    p.unit_code, p.school_type, p.asked, p.offered, p.used,
    p.asked - p.offered as gap
from v_placements p
where ($units::varchar[] is null or list_contains($units::varchar[], p.unit_code))
order by semester_order, p.unit_code, p.school_type
