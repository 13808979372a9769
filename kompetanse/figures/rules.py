"""The definitions of DESIGN.md, each in one place.

Rules that figures are computed with live here as DuckDB macros (the SQL in queries/
calls them, so the database does the work over whole tables); the defaults of the
editable rule tables live here too. Tests check each rule against hand-computed cases.
"""

from __future__ import annotations

from datetime import date

# Age bands of the plans in seeds/: (label, lowest age, highest age inclusive).
AGE_BANDS: list[tuple[str, int, int]] = [
    ("<20", 0, 19),
    ("20-29", 20, 29),
    ("30-39", 30, 39),
    ("40-49", 40, 49),
    ("50-59", 50, 59),
    ("60-69", 60, 69),
    ("70+", 70, 200),
]
AGE_BAND_LABELS: list[str] = [label for label, _, _ in AGE_BANDS]

END_REASONS = ("pensjon", "egen_oppsigelse", "intern_overgang", "annet")
# Employment forms as health services use them (a-meldingen has only fast/midlertidig; the HR systems
# say which kind of temporary): the code, and its Norwegian label.
EMPLOYMENT_TYPE_LABELS: dict[str, str] = {
    "fast": "Fast",
    "midlertidig": "Midlertidig",
    "vikar": "Vikar",
    "tilkallingsvikar": "Tilkallingsvikar/ekstrahjelp",
    "engasjement": "Engasjement",
    "laerling": "Lærling",
}
EMPLOYMENT_TYPES = tuple(EMPLOYMENT_TYPE_LABELS)
COMPETENCE_KINDS = ("utdanning", "videreutdanning", "sertifisering", "kurs")
MAIN_TASKS = ("pasientbehandling", "forskning", "utdanning_helsepersonell", "opplaering_pasienter_parorende")
CATEGORIES = ("rekruttering", "utvikling")
HORIZONS = (1, 5)

# Retirement (public sector): AFP from 62; ordinary age 67; særaldersgrense 65 for these
# professions (a right, not a duty, since 2021). "*" is the default for every other profession.
DEFAULT_EARLIEST_AGE = 62
DEFAULT_EXPECTED_AGE = 67
SPECIAL_AGE_LIMIT = 65
SPECIAL_AGE_LIMIT_PROFESSIONS = (
    "sykepleier",
    "spesialsykepleier",
    "jordmor",
    "hjelpepleier",
    "helsefagarbeider",
    "barnepleier",
    "renholder",
    # Not in DESIGN.md's list, but covered by the same rules (KS/KLP's 65-year posts: pleie og omsorg;
    # sykepleierpensjonsloven covers every subordinate nurse, the health nurse too).
    "omsorgsarbeider",
    "helsesykepleier",
)
# The 85-rule lets særaldersgrense staff go up to 3 years before the limit: 62 as well.
DEFAULT_RETIREMENT_RULES: list[tuple[str, int, int]] = [("*", DEFAULT_EARLIEST_AGE, DEFAULT_EXPECTED_AGE)] + [
    (p, SPECIAL_AGE_LIMIT - 3, SPECIAL_AGE_LIMIT) for p in SPECIAL_AGE_LIMIT_PROFESSIONS
]
# Upper age limit in the public sector, dated: 70 before 2026-01-01, 72 from then.
DEFAULT_UPPER_AGE_LIMITS: list[tuple[date, int]] = [(date(1900, 1, 1), 70), (date(2026, 1, 1), 72)]

# Yearly exit rates by age, every leaver counted (retirements and the rest); an editable table whose
# rows say where the figure comes from: KS publishes about 5 % at 55-60 and about 41 % at 65-67; the
# other rows are assumptions the user should replace with their own figures.
EXIT_RATE_SOURCE_KS = "KS"
EXIT_RATE_SOURCE_ASSUMPTION = "antakelse"
DEFAULT_EXIT_RATES: list[tuple[int, int, float, str]] = [
    (0, 54, 0.03, EXIT_RATE_SOURCE_ASSUMPTION),
    (55, 60, 0.05, EXIT_RATE_SOURCE_KS),
    (61, 64, 0.15, EXIT_RATE_SOURCE_ASSUMPTION),
    (65, 67, 0.41, EXIT_RATE_SOURCE_KS),
    (68, 200, 0.60, EXIT_RATE_SOURCE_ASSUMPTION),
]
# Exits from this age on count as pension-age exits ("62 år og eldre": AFP from 62) in the projection.
PENSION_AGE = 62

# Profession groups (DESIGN.md "Profession groups"): the rules apply to groups, not to the literal title.
# (match kind, value, group): a title (compared case-, space- and accent-insensitively) or a STYRK-08
# unit group (the first four digits of a-meldingen's yrkeskode). A title in the table decides before
# the code (it is the more deliberate choice); a title that matches nothing is its own group.
MATCH_TITLE = "tittel"
MATCH_STYRK = "styrk"
PROFESSION_GROUP_TITLES: dict[str, tuple[str, ...]] = {
    "lege": ("lege", "overlege", "assistentlege", "lege i spesialisering", "lis", "lis-lege", "fastlege",
             "sykehjemslege", "turnuslege", "legespesialist"),
    "sykepleier": ("sykepleier", "offentlig godkjent sykepleier", "autorisert sykepleier"),
    "spesialsykepleier": ("spesialsykepleier", "intensivsykepleier", "anestesisykepleier", "operasjonssykepleier",
                          "barnesykepleier", "kreftsykepleier"),
    "jordmor": ("jordmor", "jordmødre", "jordmorspesialist"),
    "helsesykepleier": ("helsesykepleier", "helsesøster"),
    "vernepleier": ("vernepleier",),
    "bioingeniør": ("bioingeniør", "bioingenior"),
    "fysioterapeut": ("fysioterapeut",),
    "ergoterapeut": ("ergoterapeut",),
    "helsefagarbeider": ("helsefagarbeider", "fagarbeider helse"),
    "hjelpepleier": ("hjelpepleier",),
    "omsorgsarbeider": ("omsorgsarbeider",),
    "barnepleier": ("barnepleier",),
    "assistent": ("assistent", "pleieassistent", "omsorgsassistent", "helsearbeider", "ufaglært", "miljøarbeider"),
    "renholder": ("renholder", "renholdsoperatør", "renholdsarbeider"),
    "merkantil": ("merkantil", "helsesekretær", "sekretær", "kontormedarbeider", "konsulent", "førstekonsulent",
                  "legesekretær"),
    "leder": ("leder", "avdelingsleder", "seksjonsleder", "enhetsleder", "avdelingssjef", "klinikksjef",
              "klinikkleder", "kommunalsjef", "virksomhetsleder", "avdelingssykepleier", "fagleder"),
}
PROFESSION_GROUP_CODES: dict[str, str] = {
    "2211": "lege", "2212": "lege",
    "2221": "spesialsykepleier", "2222": "jordmor", "2223": "sykepleier", "2224": "vernepleier",
    "2264": "fysioterapeut", "2267": "ergoterapeut", "3212": "bioingeniør",
    "5321": "helsefagarbeider", "5329": "assistent",
    "9111": "renholder", "9112": "renholder",
    "4110": "merkantil", "3341": "merkantil", "3343": "merkantil",
    "1342": "leder", "1343": "leder",
}
DEFAULT_PROFESSION_GROUPS: list[tuple[str, str, str]] = [
    (MATCH_TITLE, title, group) for group, titles in PROFESSION_GROUP_TITLES.items() for title in titles
] + [(MATCH_STYRK, code, group) for code, group in PROFESSION_GROUP_CODES.items()]

DEFAULT_SETTINGS: dict[str, str] = {
    "min_group_size": "5",  # small-group suppression threshold k
    "cost_growth": "0.035",  # yearly price and wage growth for 5-year costs
    "organisation_name": "Kompetanse",
    "session_timeout_minutes": "30",  # a signed-in session ends after this long without interaction
    "open_access": "nei",  # "ja": everyone sees everything without signing in (the demo); never a fallback
    "oidc_identity_claim": "email",  # the OpenID Connect claim that must match a user's name
}

# The profession group of an employment (DESIGN.md "Profession groups"); the table is profession_groups.
# Also created by the migration that adds the table (v_employments uses it, and a macro is bound when made).
PROFESSION_GROUP_MACROS: list[str] = [
    "create or replace macro profession_key(title) as strip_accents(lower(trim(title)))",
    """create or replace macro profession_group(title, code) as coalesce(
        (select min(g.profession_group) from profession_groups g
         where g.match_kind = 'tittel' and profession_key(g.match_value) = profession_key(title)),
        (select min(g.profession_group) from profession_groups g
         where g.match_kind = 'styrk' and g.match_value = left(trim(code), 4)),
        title)""",
]
# The upper age limit (dated): for each birth date in the data, the first day on or after d on which
# the person has reached the limit in force that day (d itself when already past it). Periods run from
# each row's valid_from to the next row's.
UPPER_AGE_LIMIT_MACROS: list[str] = [
    """create or replace macro upper_age_limit_dates(d) as table
        with periods as (
            select valid_from, upper_age,
                coalesce(lead(valid_from) over (order by valid_from), date '9999-12-31') as valid_to
            from upper_age_limits
        ),
        births as (select distinct birth_date from v_employments),  -- the active data only, not every import kept
        reached as (
            select b.birth_date, p.valid_to,
                greatest(date_reaching_age(b.birth_date, p.upper_age), p.valid_from, d::date) as reached_on
            from births b cross join periods p
        )
        select birth_date, min(reached_on) as limit_date
        from reached where reached_on < valid_to
        group by birth_date""",
]

# Each macro is one rule of DESIGN.md's "Definitions".
SQL_MACROS: list[str] = [
    # Active at d: start <= d and (no end or end >= d); the last working day counts.
    "create or replace macro is_active(start_d, end_d, d) as start_d <= d and (end_d is null or end_d >= d)",
    # Age at d in completed years; a birthday on d counts (a 29 February birthday comes on 1 March).
    """create or replace macro age_at(birth, d) as
        year(d) - year(birth) - case when month(d) < month(birth)
            or (month(d) = month(birth) and day(d) < day(birth)) then 1 else 0 end""",
    """create or replace macro age_band(age) as case
        when age < 20 then '<20' when age < 30 then '20-29' when age < 40 then '30-39'
        when age < 50 then '40-49' when age < 60 then '50-59' when age < 70 then '60-69'
        else '70+' end""",
    # The chosen scope: a null list means "all"; an empty list means "none".
    """create or replace macro in_scope(unit_code, profession, employment_type, units, professions,
            employment_types) as
        (units is null or list_contains(units, unit_code))
        and (professions is null or list_contains(professions, profession))
        and (employment_types is null or list_contains(employment_types, employment_type))""",
    # The retirement age: one age for everyone when set, else the profession's earliest or expected
    # age, else the default row "*" (DESIGN.md "Retirement").
    """create or replace macro chosen_retirement_age(fixed_age, mode, earliest, expected, default_earliest,
            default_expected) as
        coalesce(fixed_age, case when mode = 'earliest' then coalesce(earliest, default_earliest)
                                 else coalesce(expected, default_expected) end)""",
    # The day a person first has `a` completed years (age_at's rule: a 29 February birthday comes on 1 March).
    """create or replace macro date_reaching_age(birth, a) as
        case when month(birth) = 2 and day(birth) = 29 and day((birth + to_years(a::integer))::date) <> 29
             then (birth + to_years(a::integer))::date + 1 else (birth + to_years(a::integer))::date end""",
    # Whether a person has reached retirement by day t: the chosen age, or the upper age limit
    # (limit_date from upper_age_limit_dates) if that comes first (DESIGN.md "upper age limit").
    """create or replace macro retired_by(birth, chosen_age, limit_date, t) as
        age_at(birth, t) >= chosen_age or coalesce(limit_date <= t, false)""",
    *PROFESSION_GROUP_MACROS,
    *UPPER_AGE_LIMIT_MACROS,
    # Training cost of a measure (the ALM plan's lines: 450 x 15 x 1 x 40 = 270 000).
    """create or replace macro training_cost(hourly_rate, participants, hours, sessions, day_rate, days,
            course_fee, travel, other_cost) as
        coalesce(hourly_rate, 0) * coalesce(participants, 0) * coalesce(hours, 0) * coalesce(sessions, 0)
        + coalesce(day_rate, 0) * coalesce(days, 0) + coalesce(course_fee, 0) + coalesce(travel, 0)
        + coalesce(other_cost, 0)""",
    # A measure's planned cost over its horizon: the one-year plan's cost, or the five-year horizon's yearly
    # cost x (1 + growth)^k summed over k = 1..5 (DESIGN.md "Training cost of a measure").
    """create or replace macro planned_cost(cost, horizon, growth) as
        case when horizon = 5 then cost * list_sum(list_transform(range(1, 6), lambda k: power(1 + growth, k)))
             else cost end""",
    # A competence is valid at d when acquired on or before d (or undated) and not expired:
    # a certificate that expires on d is still valid that day.
    """create or replace macro is_valid_at(acquired_d, expires_d, d) as
        (acquired_d is null or acquired_d <= d) and (expires_d is null or expires_d >= d)""",
]


def age_at(birth: date, on: date) -> int:
    """Completed years at `on` (the Python twin of the age_at macro, for the importer's checks)."""
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - (1 if before_birthday else 0)


def age_band(age: int) -> str:
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return AGE_BAND_LABELS[-1]
