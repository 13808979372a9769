-- The editable profession-group table: titles first, then STYRK-08 codes, each sorted.
select match_kind, match_value, profession_group
from profession_groups
order by match_kind <> 'tittel', lower(profession_group), lower(match_value)
