-- The holders of each unit's required competences as of $as_of, one row per unit, competence and
-- person (active in the unit, within the scope's filters, holding it valid that day), with the
-- number of holders in the unit and whether the person retires within 5 years. Retirement: the chosen
-- age or the upper age limit reached by $as_of + 5 years (queries/metrics.sql's rule: retirement_rules
-- joined on lower(profession group), '*' the default; $retirement_mode expected|earliest;
-- $retirement_age overrides).
-- Each holder also carries age, retirement age, the day the upper age limit is reached and the day the
-- holding lapses (null: never), for the supply projection of kompetanse/figures/gap.py.
with default_rule as (
    select earliest_age, expected_age from retirement_rules where profession = '*'
),
staff as (
    select
        e.unit_code,
        e.employee_id,
        bool_or(
            retired_by(e.birth_date, chosen_retirement_age($retirement_age::integer, $retirement_mode,
                r.earliest_age, r.expected_age, dr.earliest_age, dr.expected_age
            ), l.limit_date, ($as_of::date + interval 5 year)::date)
        ) as retiring_5y,
        age_at(min(e.birth_date), $as_of::date) as age,
        min(chosen_retirement_age($retirement_age::integer, $retirement_mode, r.earliest_age, r.expected_age,
            dr.earliest_age, dr.expected_age)) as retirement_age,
        min(l.limit_date) as limit_date
    from v_employments e
    cross join default_rule dr
    left join retirement_rules r on lower(r.profession) = lower(e.profession_group)
    left join upper_age_limit_dates($as_of::date) l on l.birth_date = e.birth_date
    where is_active(e.start_date, e.end_date, $as_of::date)
      and in_scope(e.unit_code, e.profession_group, e.employment_type, $units::varchar[],
          $professions::varchar[], $employment_types::varchar[])
    group by e.unit_code, e.employee_id
),
held as (
    select r.unit_code, r.competence, r.min_holders, s.employee_id, s.retiring_5y, s.age, s.retirement_age,
        s.limit_date,
        -- the day the holding lapses: the latest expiry of the valid holdings; null while one never expires
        case when bool_or(c.expires_date is null) then null else max(c.expires_date) end as expires_date
    from v_requirements r
    join staff s on s.unit_code = r.unit_code
    join v_competences c on c.employee_id = s.employee_id and lower(trim(c.competence)) = lower(trim(r.competence))
    where is_valid_at(c.acquired_date, c.expires_date, $as_of::date)
    group by all
)
select
    unit_code,
    competence,
    min_holders,
    employee_id,
    retiring_5y,
    age,
    retirement_age,
    limit_date,
    expires_date,
    count(*) over (partition by unit_code, competence) as holders,
    count(*) filter (where retiring_5y) over (partition by unit_code, competence) as holders_retiring_5y
from held
order by unit_code, competence, employee_id
