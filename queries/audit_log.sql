-- The audit log, newest first, optionally only one action; at most $limit rows.
select "at", actor, action, scope, detail
from audit
where ($action::varchar is null or action = $action)
order by "at" desc
limit $limit
