-- The profession group of one title and (optional) STYRK code: the macro every query uses.
select profession_group($title::varchar, $code::varchar) as profession_group
