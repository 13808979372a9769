-- Yearly exit rates by age band (the editable table the projection's exit-rate method applies), with
-- each row's source (KS, or an assumption).
select age_from, age_to, yearly_rate, source
from exit_rates
order by age_from
