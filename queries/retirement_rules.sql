-- The editable retirement rule table; the default row "*" first.
select profession, earliest_age, expected_age
from retirement_rules
order by profession <> '*', lower(profession)
