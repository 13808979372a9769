-- The upper age limit in the public sector, by the date it applies from.
select valid_from, upper_age
from upper_age_limits
order by valid_from
