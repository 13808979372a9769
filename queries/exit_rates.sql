-- Yearly exit rates by age band (the editable table the projection's exit-rate method applies).
select age_from, age_to, yearly_rate
from exit_rates
order by age_from
