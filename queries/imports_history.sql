-- The import history, newest first.
select import_id, kind, file_name, sha256, rows, imported_at, snapshot_date, active
from imports
order by import_id desc
