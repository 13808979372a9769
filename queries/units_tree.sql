-- The unit tree: imported units, plus any unit code the personnel data uses that the tree lacks.
select unit_code, unit_name, parent_code, level
from v_units
union all
select distinct e.unit_code, e.unit_code, null, 'enhet'
from v_employments e
where e.unit_code not in (select unit_code from v_units)
order by unit_code
