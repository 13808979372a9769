-- The saved column mappings of the Import page, newest first.
select name, kind, header_key, headers, columns, saved_at
from column_mappings
order by saved_at desc, name
