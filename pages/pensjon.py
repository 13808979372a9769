"""Pensjon og rekruttering: retirements per year, the share retiring within 5 years, the replacement need."""

import streamlit as st

from kompetanse.access import audit
from kompetanse.figures import backtest, professions, projection, retirement
from kompetanse.figures.suppression import explain, hidden_label
from kompetanse.presentation import chart_text, formatting
from kompetanse.storage import settings, store
from ui import auth, charts, data, filters, render

chosen = filters.current()
db = data.runner()
k = settings.min_group_size(data.connection())

st.title("Pensjon og rekruttering")
st.caption(chosen.description)

if message := st.session_state.pop("p_flash", None):
    st.success(message)

upper_age = retirement.highest_upper_age(retirement.upper_age_limits(db), chosen.scope.as_of)
choice_column, age_column = st.columns([3, 1])
choice = choice_column.radio(
    "Pensjonsalder", list(retirement.CHOICE_LABELS), format_func=retirement.CHOICE_LABELS.get, horizontal=True,
    key="p_choice",
    help="Forventet og tidligste alder per yrkesgruppe står i regeltabellen under «Regler og utgangsrater».",
)
fixed_age = age_column.number_input(
    "Alder for alle", min_value=retirement.LOWEST_AGE, max_value=upper_age, value=min(67, upper_age), step=1,
    key="p_age", disabled=choice != "fixed",
    help=f"Høyst den øvre aldersgrensen ({upper_age} år): ingen kan stå lenger enn den.",
)
if choice == "fixed" and (age_problem := retirement.fixed_age_error(int(fixed_age), upper_age)):
    st.error(age_problem)
    st.stop()
scope = retirement.with_choice(chosen.scope, choice, int(fixed_age))


def years_tab() -> None:
    """Retirements per year for the next 10 years, and who is past the upper age limit."""
    table = retirement.year_table(db, scope, k)
    if table.headcount == 0:
        render.empty()
    else:
        st.subheader("Når pensjonsalder de neste 10 årene")
        measure = st.radio(
            "Vis", ["persons", "fte"], format_func={"persons": "Personer", "fte": "Årsverk"}.get,
            horizontal=True, key="p_measure",
        )
        shown = table.of(measure)
        rows = data.derived(retirement.chart_rows, shown)
        decimals = 0 if measure == "persons" else 1
        totals = data.derived(retirement.total_labels, shown, retirement.YEAR_COLUMNS, decimals)
        if rows.empty:
            st.info("Ingen i utvalget når pensjonsalderen de neste 10 årene (eller gruppene er for små til å vises).")
        else:
            render.chart(retirement.stacked_years_figure, rows, totals,
                         "Personer" if measure == "persons" else "Årsverk", key="p_years_chart")
            # the table below has the numbers
            charts.alternative(data.derived(chart_text.retirement_years, rows, totals, measure))
        if retirement.has_hidden_in_chart(shown):
            st.caption(f"Yrkesgrupper med færre enn {k} i et år er utelatt fra søylen det året; se tabellen.")
        render.table(shown, retirement.formats(measure), key="p_years_table")
        render.hidden_note(shown)
        st.caption(
            f"År 1 er {retirement.year_span(scope.as_of, 1)}, år 10 er {retirement.year_span(scope.as_of, 10)}. "
            "«Allerede over pensjonsalder» er aktive som har nådd alderen på referansedatoen. "
            "Disse og år 1–5 er til sammen de som når pensjonsalder innen 5 år (som på Oversikt). "
            "Ingen regnes lenger enn den øvre aldersgrensen (den som gjelder den dagen de når den). "
            "Årsverk summerer stillingsprosent / 100."
        )
        past_limit = retirement.past_limit_by_unit(db, scope, k, chosen.unit_names)
        if past_limit.values.loc[retirement.TOTAL, retirement.PAST_LIMIT_COLUMN] != 0:
            st.markdown("**Aktive over den øvre aldersgrensen**")
            st.caption("De er med i tallene over (allerede over pensjonsalder), men skulle etter regelen ha "
                       "fratrådt. HR bør følge dem opp.")
            st.dataframe(render.styled(past_limit, {c: formatting.number for c in past_limit.values.columns}),
                         width="stretch")
            render.hidden_note(past_limit)
            if chosen.access.may("settings"):
                st.dataframe(retirement.past_upper_age_limit(db, scope), hide_index=True, key="p_past_limit_list",
                             column_config={"employee_id": "Ansattnr", "unit_code": "Enhet", "profession": "Tittel",
                                            "profession_group": "Yrkesgruppe", "age": "Alder",
                                            "upper_age": "Aldersgrense"})


def map_tab() -> None:
    """The share retiring within 5 years per unit and profession group, and the way to the measures."""
    st.subheader("Andel som når pensjonsalder innen 5 år")
    matrix = retirement.share_matrix(db, scope, k, chosen.unit_names)
    if matrix.empty:
        render.empty()
    else:
        render.chart(retirement.heatmap_figure, matrix, k, key="p_heatmap")
        charts.alternative(data.derived(chart_text.share_heatmap, matrix.shares, matrix.text),
                           data.derived(chart_text.heatmap_table, matrix.text))
        if matrix.note:
            st.caption(matrix.note)
        st.markdown("**Fra risiko til tiltak**")
        unit_column, profession_column, go_column = st.columns([2, 2, 1])
        unit_label = unit_column.selectbox("Enhet", list(matrix.shares.index), key="p_to_unit")
        profession = profession_column.selectbox("Yrkesgruppe", list(matrix.shares.columns), key="p_to_profession")
        if go_column.button("Vis tiltak", key="p_to_measures", help="Tiltakene som er planlagt for enheten."):
            filters.go_to("pages/tiltak.py", unit=chosen.unit_code(unit_label), profession=profession)
        if matrix.any_hidden:
            st.caption(
                f"Andeler vises bare for grupper med minst {k} personer; mindre grupper står som «{hidden_label(k)}». "
                + explain(k)
            )
        st.caption("Tomme ruter: ingen ansatte i yrkesgruppen i enheten.")


def need_tab() -> None:
    """The replacement need per year as a scenario, and last year's forecast against what happened."""
    st.subheader("Rekrutteringsbehov per år (scenario)")
    measured = projection.overall_turnover(db, scope)
    c1, c2, c3, c4 = st.columns(4)
    method = c1.radio("Metode for pensjonering", list(projection.METHOD_LABELS),
                      format_func=projection.METHOD_LABELS.get, key="p_method",
                      help="Pensjonsalder: de som når pensjonsalderen det året. Utgangsrater: andelen som slutter "
                           "hvert år etter alder (tabellen under «Regler og utgangsrater»).")
    shift = c2.slider("Endring i pensjonsalder (år)", -3, 3, 0, key="p_shift",
                      help="Legges til alle aldre i regeltabellen (og forskyver utgangsratene).")
    same_turnover = c3.toggle("Samme turnover for alle", key="p_same_turnover",
                              help="Av: hver yrkesgruppes målte turnover utenom pensjon siste 12 måneder.")
    # Shown only when it applies: a disabled slider's label is too faint to read (WCAG 1.4.3).
    turnover = c3.slider("Turnover utenom pensjon (% per år)", 0, 30, projection.percent_points(measured),
                         key="p_turnover", format="%d %%") if same_turnover else None
    growth = c4.slider("Vekst i bemanningen (% per år)", 0, 10, 0, key="p_growth", format="%d %%")
    st.caption(f"Målt turnover utenom pensjon i utvalget: {formatting.percent(measured)}.")

    scenario = projection.scenario(method, shift, turnover, growth)
    projected = projection.need(db, scope, scenario, k)
    if projected.empty:
        render.empty()
    else:
        need, need_rows = projected.need, projected.chart_rows
        need_totals = data.derived(retirement.total_labels, need, projection.YEAR_COLUMNS)
        if need_rows.empty:
            st.info("Ingen yrkesgrupper er store nok til å vises i diagrammet.")
        else:
            render.chart(retirement.stacked_years_figure, need_rows, need_totals, "Personer", key="p_need_chart")
            # the table below has the numbers
            charts.alternative(data.derived(chart_text.need_years, need_rows, need_totals))
        st.markdown("**Behov per yrkesgruppe**")
        st.dataframe(
            render.styled(need, {c: formatting.number for c in need.values.columns}), width="stretch",
        )
        st.markdown("**Behovet fordelt på årsak (hele utvalget)**")
        parts = projected.components
        st.dataframe(
            render.styled(parts, {c: formatting.number for c in parts.values.columns}), width="stretch",
        )
        render.hidden_note(need)
        st.caption(
            ("Behov = forventet pensjonering + annen turnover × bemanning + vekst × bemanning. "
             if method == "age" else
             "Behov = avganger etter alder (utgangsratene teller alle som slutter, også pensjonering, så det "
             "legges ingen turnover til) + vekst × bemanning. ")
            + "Tallene er forventede verdier avrundet til hele personer, så summene kan avvike litt. "
            "Alle som slutter antas erstattet; avganger regnes for dagens ansatte, de som alt har passert "
            "pensjonsalderen, regnes med i år 1, og alle går senest ved den øvre aldersgrensen."
        )
        st.subheader("Fjorårets prognose mot det som skjedde")
        check = backtest.compute(db, scope, scenario, k)
        if check.empty:
            render.empty("Ingen ansatte i utvalget for ett år siden eller nå.")
        else:
            st.dataframe(render.styled(check.table, backtest.formats()), width="stretch", key="p_backtest")
            render.hidden_note(check.table)
            st.caption(check.caption)


def _save(saver, frame, version_key: str, done: str, what: str) -> None:  # type: ignore[no-untyped-def]
    """Store an edited table; on success clear cached figures and start the editor afresh."""
    try:
        with data.busy() as con:
            errors = saver(con, frame)
    except (store.DatabaseError, store.StoreError) as exc:
        errors = [f"Kunne ikke lagre: {str(exc).splitlines()[0]}"]
    if errors:
        st.error("Endringene er ikke lagret:\n\n" + "\n".join(f"- {e}" for e in errors))
        return
    data.data_changed()
    auth.log(chosen.access, audit.SETTINGS, None, f"{what} lagret")
    st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
    st.session_state["p_flash"] = done
    st.rerun()


def _reset(resetter, version_key: str, done: str, what: str) -> None:  # type: ignore[no-untyped-def]
    try:
        with data.busy() as con:
            resetter(con)
    except (store.DatabaseError, store.StoreError) as exc:
        st.error(f"Kunne ikke tilbakestille: {str(exc).splitlines()[0]}")
        return
    data.data_changed()
    auth.log(chosen.access, audit.SETTINGS, None, f"{what} tilbakestilt til standard")
    st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
    st.session_state["p_flash"] = done
    st.rerun()


AGE_COLUMN = {"min_value": retirement.LOWEST_AGE, "max_value": retirement.HIGHEST_AGE, "step": 1, "format": "%d"}
GROUP_COLUMNS = {
    "match_kind": st.column_config.SelectboxColumn("Type", options=professions.KIND_CHOICES, required=True),
    "match_value": st.column_config.TextColumn("Tittel eller kode", required=True),
    "profession_group": st.column_config.TextColumn("Yrkesgruppe", required=True),
}


def rules_tab() -> None:
    """The rules behind the figures: leaders see them, HR and admin change them."""
    if not chosen.access.may("settings"):  # leaders see the rules; HR and admin change them
        st.info("Reglene vises her; bare HR og administrator kan endre dem.")
        st.subheader("Pensjonsalder per yrkesgruppe")
        st.dataframe(retirement.rule_table(db), hide_index=True, key="p_rules_view", column_config={
            "profession": "Yrkesgruppe", "earliest_age": "Tidligste alder", "expected_age": "Forventet alder"})
        st.subheader("Øvre aldersgrense")
        st.dataframe(retirement.upper_age_limits(db), hide_index=True, key="p_limits_view", column_config={
            "valid_from": st.column_config.DateColumn("Gjelder fra", format="DD.MM.YYYY"),
            "upper_age": "Aldersgrense"})
        st.subheader("Utgangsrater etter alder")
        st.dataframe(projection.rates_for_editing(projection.exit_rates(db)), hide_index=True, key="p_rates_view",
                     column_config={"age_from": "Alder fra", "age_to": "Alder til", "percent": "Utgang per år (%)",
                                    "source": "Kilde"})
        st.subheader("Yrkesgrupper: titler og koder")
        st.dataframe(professions.for_editing(professions.group_table(db)), hide_index=True, key="p_groups_view",
                     column_config={"match_kind": "Type", "match_value": "Tittel eller kode",
                                    "profession_group": "Yrkesgruppe"})
    else:
        # a tab is drawn only while open: an editor's unsaved changes go with it
        st.info("Lagre endringene i en tabell før du bytter fane: det som ikke er lagret, blir ikke tatt vare på.")
        rule_age_column = {**AGE_COLUMN, "max_value": retirement.highest_upper_age(retirement.upper_age_limits(db))}
        st.subheader("Pensjonsalder per yrkesgruppe")
        st.caption(
            "Raden «*» gjelder alle yrkesgrupper som ikke står i tabellen og kan ikke fjernes. "
            f"Alder er hele år fra {retirement.LOWEST_AGE} til den øvre aldersgrensen "
            f"({rule_age_column['max_value']}); tidligste alder kan ikke være "
            "høyere enn forventet alder. Særaldersgrense (65) gjelder blant annet sykepleier, jordmor og "
            "helsefagarbeider; alle kan gå av fra 62 med AFP."
        )
        rules_version = st.session_state.get("p_rules_version", 0)
        edited_rules = st.data_editor(
            retirement.rule_table(db), key=f"p_rules_editor_{rules_version}", num_rows="dynamic", hide_index=True,
            column_config={
                "profession": st.column_config.TextColumn("Yrkesgruppe", required=True),
                "earliest_age": st.column_config.NumberColumn("Tidligste alder", required=True, **rule_age_column),
                "expected_age": st.column_config.NumberColumn("Forventet alder", required=True, **rule_age_column),
            },
        )
        save_col, reset_col = st.columns(2)
        if save_col.button("Lagre pensjonsalder", key="p_rules_save", type="primary"):
            _save(retirement.save_rules, edited_rules, "p_rules_version", "Pensjonsalderen er lagret.", "pensjonsalder")
        if reset_col.button("Tilbakestill til standard", key="p_rules_reset"):
            _reset(retirement.reset_rules, "p_rules_version", "Pensjonsalderen er tilbakestilt til standard.",
                   "pensjonsalder")

        st.subheader("Øvre aldersgrense")
        st.caption("Aldersgrensen i offentlig sektor gjelder fra datoen: 70 år, 72 år fra 01.01.2026.")
        limits_version = st.session_state.get("p_limits_version", 0)
        edited_limits = st.data_editor(
            retirement.upper_age_limits(db), key=f"p_limits_editor_{limits_version}", num_rows="dynamic",
            hide_index=True,
            column_config={
                "valid_from": st.column_config.DateColumn("Gjelder fra", format="DD.MM.YYYY", required=True),
                "upper_age": st.column_config.NumberColumn("Aldersgrense", required=True, **AGE_COLUMN),
            },
        )
        if st.button("Lagre aldersgrense", key="p_limits_save"):
            _save(retirement.save_upper_age_limits, edited_limits, "p_limits_version", "Aldersgrensen er lagret.",
                  "øvre aldersgrense")

        st.subheader("Utgangsrater etter alder")
        st.caption(
            "Andelen i hver aldersgruppe som slutter i løpet av et år, av alle grunner (KS: om lag 5 % ved 55–60 år "
            "og 41 % ved 65–67 år; de andre radene er antakelser: bytt dem ut med egne tall og skriv kilden). "
            "Brukes av metoden «Utgangsrater etter alder» i rekrutteringsbehovet, i stedet for både pensjonsalder "
            "og turnover."
        )
        rates_version = st.session_state.get("p_rates_version", 0)
        edited_rates = st.data_editor(
            projection.rates_for_editing(projection.exit_rates(db)), key=f"p_rates_editor_{rates_version}",
            num_rows="dynamic", hide_index=True,
            column_config={
                "age_from": st.column_config.NumberColumn("Alder fra", min_value=0, max_value=projection.MAX_AGE,
                                                          step=1, format="%d", required=True),
                "age_to": st.column_config.NumberColumn("Alder til", min_value=0, max_value=projection.MAX_AGE,
                                                        step=1, format="%d", required=True),
                "percent": st.column_config.NumberColumn("Utgang per år (%)", min_value=0.0, max_value=100.0,
                                                         required=True),
                "source": st.column_config.TextColumn("Kilde", help="KS, antakelse eller egen kilde."),
            },
        )
        rates_save, rates_reset = st.columns(2)
        if rates_save.button("Lagre utgangsrater", key="p_rates_save"):
            _save(projection.save_rates, edited_rates, "p_rates_version", "Utgangsratene er lagret.", "utgangsrater")
        if rates_reset.button("Tilbakestill utgangsrater", key="p_rates_reset"):
            _reset(projection.reset_rates, "p_rates_version", "Utgangsratene er tilbakestilt til standard.",
                   "utgangsrater")

        st.subheader("Yrkesgrupper: titler og koder")
        st.caption(
            "Reglene gjelder yrkesgrupper, ikke titlene i eksporten: en tittel (store og små bokstaver, mellomrom "
            "og aksenter spiller ingen rolle) eller en STYRK-08-kode (de fire første sifrene i a-meldingens "
            "yrkeskode) gir gruppen. Tittelen avgjør før koden. En tittel som ikke står her, er sin egen gruppe."
        )
        groups_version = st.session_state.get("p_groups_version", 0)
        edited_groups = st.data_editor(
            professions.for_editing(professions.group_table(db)), key=f"p_groups_editor_{groups_version}",
            num_rows="dynamic", hide_index=True, column_config=GROUP_COLUMNS,
        )
        groups_save, groups_reset = st.columns(2)
        if groups_save.button("Lagre yrkesgrupper", key="p_groups_save"):
            _save(professions.save_groups, edited_groups, "p_groups_version", "Yrkesgruppene er lagret.",
                  "yrkesgrupper")
        if groups_reset.button("Tilbakestill yrkesgrupper", key="p_groups_reset"):
            _reset(professions.reset_groups, "p_groups_version", "Yrkesgruppene er tilbakestilt til standard.",
                   "yrkesgrupper")


render.tabs({"Pensjonering per år": years_tab, "Andel per enhet": map_tab, "Rekrutteringsbehov": need_tab,
             "Regler og utgangsrater": rules_tab}, key="p_tab")
