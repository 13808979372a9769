-- The users of the local user store (no password hashes), by name.
select name, role, units, locked_until, created_at
from users
order by name
