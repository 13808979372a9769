-- Close a year: the version's own row (written once; versions are never updated).
insert into plan_versions (version_id, plan_year, as_of, closed_at, closed_by)
values ($version_id, $plan_year, $as_of, $closed_at, $closed_by)
