-- Profession groups in the active personnel data (the filter's choices), with how many employments each has.
select profession_group as profession, count(*) as employments
from v_employments
group by profession_group
order by lower(profession_group), profession_group
