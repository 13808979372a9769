-- Employment types in the active personnel data.
select distinct employment_type
from v_employments
where employment_type is not null
order by employment_type
