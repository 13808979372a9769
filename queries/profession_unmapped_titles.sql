-- Titles in the active personnel data that no row of profession_groups maps, by title or by STYRK code
-- (profession_group then returns the title itself), with how many employments use each.
select e.profession, count(*) as employments
from v_employments e
where not exists (
        select 1 from profession_groups g
        where g.match_kind = 'tittel' and profession_key(g.match_value) = profession_key(e.profession))
  and not exists (
        select 1 from profession_groups g
        where g.match_kind = 'styrk' and g.match_value = left(trim(e.profession_code), 4))
group by e.profession
order by count(*) desc, lower(e.profession)
