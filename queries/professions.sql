-- Professions in the active personnel data, with how many employments each has.
select profession, count(*) as employments
from v_employments
group by profession
order by lower(profession), profession
