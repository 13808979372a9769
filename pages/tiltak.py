"""Tiltak og kostnader: the plan's tables by main task, category and horizon, editable in place,
with the cost model's figures: cost per line, per year over the five-year horizon, totals and cost per FTE."""

import plotly.graph_objects as go
import streamlit as st

from kompetanse.access import audit
from kompetanse.figures.rules import CATEGORIES, HORIZONS, MAIN_TASKS
from kompetanse.plan import costs, funding, goals, plan_edit
from kompetanse.presentation import chart_text, formatting
from kompetanse.storage import settings, store
from ui import auth, charts, data, filters, render

chosen = filters.current()
db = data.runner()
con = data.connection()
k = settings.min_group_size(con)
scope = chosen.scope
base_year = scope.as_of.year

st.title("Tiltak og kostnader")
st.caption(chosen.description)
if scope.professions:
    st.caption("Tiltakene er planlagt per enhet, ikke per yrkesgruppe: yrkesgruppevalget gjelder bare årsverkene "
               "i kostnad per årsverk. Se i kolonnene Behov og Tiltak hva som gjelder yrkesgruppen.")

message = st.session_state.pop("tiltak_message", None)
if message:
    st.success(message)

lines = costs.lines(db, scope.units)
totals = costs.totals(db, scope.units)
overall = costs.totals_for(totals, "total").iloc[0]

c1, c2, c3 = st.columns(3)
c1.metric("Ettårsplan", formatting.kroner(overall["cost_1y"]), help="Sum av kostnadene i ettårsplanen.")
c2.metric("Femårsplan, 5 år", formatting.kroner(overall["cost_5y"]),
          help="Sum over de fem årene; år k koster årskostnaden × (1 + vekst)^k.")
c3.metric("Pris- og lønnsvekst per år", formatting.percent(costs.growth(db)),
          help="Innstillingen for pris- og lønnsvekst som femårskostnadene regnes opp med.")
st.caption(
    "Kostnad per tiltak = timesats × deltakere × timer × ganger + dagsats × dager + kursavgift + reise "
    "+ andre kostnader. Kostnader er ikke personopplysninger og vises uten skjuling."
)

st.subheader("Planen")
if lines.empty:
    render.empty("Ingen tiltak for enhetene i utvalget. Legg til tiltak i tabellen under «Rediger tiltak».")
else:
    tables = costs.plan_tables(db, scope.units, chosen.unit_names)
    tabs = st.tabs([costs.MAIN_TASK_LABELS[task] for task in MAIN_TASKS])
    for tab, task in zip(tabs, MAIN_TASKS, strict=True):
        with tab:
            for horizon in HORIZONS:
                for category in CATEGORIES:
                    st.markdown(f"**{costs.HORIZON_LABELS[horizon]} – {costs.CATEGORY_LABELS[category]}**")
                    table = tables.get((task, horizon, category))
                    if table is None or table.empty:
                        st.caption("Ingen tiltak.")
                    else:
                        st.dataframe(table, hide_index=True, width="stretch")

st.subheader("Rediger tiltak")
st.caption(
    "Legg til, endre eller slett rader og trykk «Lagre endringer». Alt lagres samlet, eller ingenting "
    "hvis noe er ugyldig. Kostnaden regnes ut når endringene er lagret."
)
known_units = list(chosen.unit_choices)  # only the units this user may see can get measures
editor_key = f"tiltak_editor_{plan_edit.active_import_id(con)}"
goal_choices = goals.goal_options(goals.lines(db))
money = {"min_value": 0.0, "step": 1.0, "default": 0.0}
edited = st.data_editor(
    plan_edit.editor_table(db, scope.units),
    key=editor_key,
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_config={
        "measure_id": None,
        "unit_code": st.column_config.SelectboxColumn(
            "Enhet", options=known_units, required=True,
            default=chosen.chosen_units[0] if chosen.chosen_units else None,
        ),
        "main_task": st.column_config.SelectboxColumn(
            "Hovedoppgave", options=list(MAIN_TASKS), required=True, format_func=costs.MAIN_TASK_LABELS.get,
        ),
        "category": st.column_config.SelectboxColumn(
            "Kategori", options=list(CATEGORIES), required=True, default="utvikling",
            format_func=plan_edit.CATEGORY_LABELS.get,
        ),
        "horizon": st.column_config.SelectboxColumn(
            "Horisont", options=list(HORIZONS), required=True, default=1, format_func=plan_edit.HORIZON_LABELS.get,
        ),
        "need": st.column_config.TextColumn("Behov for kompetanse", width="medium"),
        "measure": st.column_config.TextColumn("Tiltak", width="medium"),
        "schedule": st.column_config.TextColumn("Framdriftsplan"),
        "cost": st.column_config.TextColumn("Kostnad", disabled=True, help="Regnes ut ved lagring."),
        **{
            column: st.column_config.NumberColumn(plan_edit.COLUMN_LABELS[column], **money)
            for column in costs.COST_INPUTS
        },
        "status": st.column_config.TextColumn("Status"),
        "responsible": st.column_config.TextColumn("Ansvarlig"),
        "comment": st.column_config.TextColumn("Kommentar", width="medium"),
        "funding_source": st.column_config.SelectboxColumn(
            "Finansiering", options=list(funding.SOURCES), format_func=funding.SOURCES.get,
        ),
        "funding_applied": st.column_config.NumberColumn("Søkt (kr)", min_value=0.0, step=1.0),
        "funding_granted": st.column_config.NumberColumn("Innvilget (kr)", min_value=0.0, step=1.0),
        "goal_id": st.column_config.SelectboxColumn(
            "Mål", options=list(goal_choices), format_func=lambda g: goal_choices.get(g, g),
            help="Målet tiltaket hører til (siden Mål og strategi).",
        ),
        "effect_kind": st.column_config.SelectboxColumn(
            "Effekt", options=list(plan_edit.EFFECT_KIND_LABELS), format_func=plan_edit.EFFECT_KIND_LABELS.get,
            help="Hva tiltaket gir: personer rekruttert i en yrkesgruppe, eller personer som får en kompetanse "
                 "(siden Behov og dekning).",
        ),
        "effect_target": st.column_config.TextColumn(
            "Effekt gjelder", help="Yrkesgruppen (rekruttering) eller kompetansen, skrevet som i kravene."
        ),
        "effect_count": st.column_config.NumberColumn("Antall personer", min_value=0.0, step=1.0),
        "effect_unit": st.column_config.SelectboxColumn(
            "Effekt i enhet", options=known_units, help="Tomt: tiltakets egen enhet."
        ),
        "effect_from": st.column_config.DateColumn("Effekt fra", format="DD.MM.YYYY"),
    },
)

save_column, undo_column = st.columns(2)
if save_column.button("Lagre endringer", type="primary"):
    if not plan_edit.has_changes(st.session_state.get(editor_key)):
        st.info("Ingen endringer å lagre.")
    else:
        try:
            result = plan_edit.save(con, edited, known_units, chosen.data_date or scope.as_of, scope.units,
                                    known_goals=list(goal_choices))
        except plan_edit.PlanEditError as exc:
            st.error("Endringene ble ikke lagret. Rett opp dette og prøv igjen:\n\n"
                     + "\n".join(f"- {problem}" for problem in exc.problems))
        except (store.StoreError, store.DatabaseError) as exc:
            st.error(f"Endringene ble ikke lagret: {str(exc).splitlines()[0]}")
        else:
            data.data_changed()
            auth.log(chosen.access, audit.PLAN_SAVE, scope.units, f"{result.rows} tiltak, import {result.import_id}")
            st.session_state["tiltak_undo"] = result.previous_import_id
            st.session_state["tiltak_message"] = f"Lagret: {formatting.number(result.rows)} tiltak i planen."
            st.rerun()

undo_to = st.session_state.get("tiltak_undo")
if undo_to is not None and undo_column.button("Angre siste lagring"):
    try:
        plan_edit.undo(con, undo_to)
    except (LookupError, store.StoreError, store.DatabaseError) as exc:
        st.error(f"Kunne ikke angre: {str(exc).splitlines()[0]}")
    else:
        data.data_changed()
        auth.log(chosen.access, audit.PLAN_UNDO, scope.units, f"import {undo_to} er aktiv igjen")
        st.session_state["tiltak_undo"] = None
        st.session_state["tiltak_message"] = "Siste lagring er angret; forrige versjon av planen er tilbake."
        st.rerun()

if lines.empty:
    st.stop()

st.subheader("Kostnad per år")
yearly = costs.chart_frame(db, scope.units, base_year)
fig = go.Figure()
for category in yearly["category"].unique():
    part = yearly[yearly["category"] == category]
    fig.add_bar(x=part["label"], y=part["cost"], name=category, customdata=part["text"],
                hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>")
fig.update_layout(barmode="stack", yaxis_title="kr", yaxis_tickformat=",.0f", legend_title_text="")
render.chart(fig, key="tiltak_cost_per_year")
charts.alternative(chart_text.costs_per_year(yearly), chart_text.costs_table(yearly))
st.caption(f"{base_year}: ettårsplanen. År 1–5: femårsplanens årlige kostnad × (1 + vekst)^år.")

st.subheader("Sum per enhet, hovedoppgave og kategori")
for grouped_by in ("unit", "main_task", "category"):
    st.dataframe(data.derived(costs.display_totals, totals, grouped_by, chosen.unit_names), hide_index=True,
                 width="stretch")

st.subheader("Kostnad per årsverk")
per_fte = data.derived(costs.by_unit_name, costs.cost_per_fte_table(db, scope, k), chosen.unit_names)
st.dataframe(render.styled(per_fte, costs.PER_FTE_FORMATS, costs.PER_FTE_LABELS), width="stretch")
st.caption("Ettårsplanens kostnad for enheten delt på årsverkene i enheten og enhetene under den. "
           "For enheter med færre enn " + f"{k} ansatte vises ikke kostnad per årsverk.")
render.hidden_note(per_fte)

st.subheader("Kostnad og finansiering")
funded = funding.by_source(db, scope.units)
st.metric("Ufinansiert per år", formatting.kroner(funding.unfunded_total(funded)),
          help="Summen over tiltakene av kostnad minus innvilget beløp (minst 0).")
st.dataframe(funding.display_table(funded), hide_index=True, width="stretch")
st.caption("Kostnad per år: ettårsplanens kostnad og femårsplanens årlige kostnad. Ufinansiert = kostnad − innvilget "
           "per tiltak (minst 0); et tiltak uten innvilget beløp er ufinansiert.")
