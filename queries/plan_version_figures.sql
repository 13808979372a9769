-- The key figures stored with one closed version of the plan (the whole organisation, unrounded).
select figure, value
from plan_version_figures
where version_id = $version_id
order by figure
