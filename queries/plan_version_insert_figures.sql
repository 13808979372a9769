-- Close a year: the key figures of the version (two lists of the same length: names and values).
insert into plan_version_figures
select $version_id, unnest($f_figure), unnest($f_value)
