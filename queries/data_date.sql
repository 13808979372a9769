-- The snapshot date of the active personnel import (the default reference date).
select snapshot_date from imports where kind = 'personnel' and active
