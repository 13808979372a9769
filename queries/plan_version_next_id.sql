-- The next version id, and whether the year is closed already (its version id, or null).
select
    coalesce((select max(version_id) from plan_versions), 0) + 1 as next_id,
    (select version_id from plan_versions where plan_year = $plan_year) as existing
