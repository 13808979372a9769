-- Whether the active personnel import gives leave (permisjon) at all: FTE is then shown with and without it.
select exists (select 1 from v_employments where leave_pct is not null) as leave_given
