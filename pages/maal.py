"""Mål og strategi: strategy goals and result goals with their status (goals x status, as the status note
draws it), the measures linked to them, editing with undo, and the plan's closed yearly versions compared."""

import plotly.graph_objects as go
import streamlit as st

from kompetanse.access import audit
from kompetanse.plan import costs, goals, plan_versions, table_edit
from kompetanse.presentation import chart_text, formatting
from kompetanse.storage import settings, store
from ui import auth, charts, data, filters, render

chosen = filters.current()
db = data.runner()
con = data.connection()
scope = chosen.scope
k = settings.min_group_size(con)
viewer = chosen.access
signed_in = viewer.user  # None: nobody signed in ("ukjent")
may_edit = viewer.may("settings")  # the organisation's goals and closing the plan: HR and administrators
sees_everything = viewer.allowed_units is None

st.title("Mål og strategi")
st.caption(
    "Strategimål gjelder fire år og resultatmål to år. Hvert mål har en status for hvor langt det er realisert, "
    "hvilket nivå tiltakene evalueres på (reaksjon, læring, anvendelse, nytte) og hvem som er ansvarlig."
)
message = st.session_state.pop("maal_message", None)
if message:
    st.success(message)

goal_lines = goals.lines(db)
measure_lines = costs.lines(db, scope.units)

st.subheader("Status for målene")
if goal_lines.empty:
    render.empty("Planen har ingen mål ennå. Legg dem inn under «Rediger mål» eller importer dem.")
else:
    counts = goals.status_counts(goal_lines)
    columns = st.columns(len(goals.STATUSES) + 1)
    for column, status in zip(columns, [*goals.STATUSES.values(), goals.NOT_ASSESSED], strict=True):
        column.metric(status, formatting.number(int(counts.loc[counts["status"] == status, "goals"].sum())),
                      help="Antall mål (strategimål og resultatmål) med denne statusen.")
    st.dataframe(goals.status_matrix(goal_lines), hide_index=True, width="stretch")
    fig = go.Figure()
    for level in goals.LEVELS.values():
        part = counts[counts["level"] == level]
        fig.add_bar(x=part["status"].astype(str), y=part["goals"], name=level,
                    hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>")
    fig.update_layout(barmode="stack", yaxis_title="Antall mål", legend_title_text="")
    render.chart(fig, key="maal_status")
    charts.alternative(chart_text.goal_status(counts), chart_text.goal_status_table(counts))

    st.subheader("Mål og tiltak")
    st.caption("Tiltakene for enhetene i utvalget som er knyttet til målet eller et av resultatmålene under det.")
    for row in goal_lines[goal_lines["level"] == goals.STRATEGY].itertuples():
        linked = goals.measures_of(goal_lines, measure_lines, row.goal_id)
        period = goals.period_label(row.period_from, row.period_to)
        with st.expander(f"Strategimål {row.goal_id}: {row.title} ({period})"):
            children = goal_lines[goal_lines["parent_id"] == row.goal_id]
            st.dataframe(goals.status_matrix(children), hide_index=True, width="stretch")
            if linked.empty:
                st.caption("Ingen tiltak i utvalget er knyttet til dette målet.")
            else:
                st.dataframe(goals.measures_table(linked, chosen.unit_names), hide_index=True, width="stretch")
    loose = goals.unlinked_measures(goal_lines, measure_lines)
    if not loose.empty:
        st.caption(f"{formatting.number(len(loose))} tiltak i utvalget er ikke knyttet til et mål "
                   "(velg mål i kolonnen «Mål» på siden Tiltak og kostnader).")

if may_edit:
    st.subheader("Rediger mål")
    st.caption(
        "Legg til, endre eller slett mål og trykk «Lagre mål». Et resultatmål må ha et strategimål som overordnet mål. "
        "Tomt nummer gir neste ledige. Alt lagres samlet, eller ingenting hvis noe er ugyldig."
    )
    editor_key = f"maal_editor_{goals.active_import_id(con)}"
    edited = st.data_editor(
        goals.editor_frame(goal_lines),
        key=editor_key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "goal_id": st.column_config.TextColumn("Nr.", help="Tomt: neste ledige nummer."),
            "parent_id": st.column_config.TextColumn("Overordnet mål", help="Nr. på strategimålet (for resultatmål)."),
            "level": st.column_config.SelectboxColumn(
                "Nivå", options=list(goals.LEVELS), default=goals.RESULT, format_func=goals.LEVELS.get,
            ),
            "title": st.column_config.TextColumn("Mål", width="large"),
            "period_from": st.column_config.NumberColumn("Fra år", format="%d", step=1),
            "period_to": st.column_config.NumberColumn("Til år", format="%d", step=1),
            "status": st.column_config.SelectboxColumn(
                "Status", options=list(goals.STATUSES), format_func=goals.STATUSES.get,
            ),
            "evaluation": st.column_config.SelectboxColumn(
                "Evaluering", options=list(goals.EVALUATION_LEVELS), format_func=goals.EVALUATION_LEVELS.get,
            ),
            "responsible": st.column_config.TextColumn("Ansvarlig"),
            "comment": st.column_config.TextColumn("Kommentar", width="medium"),
        },
    )
    save_column, undo_column = st.columns(2)
    if save_column.button("Lagre mål", type="primary"):
        if not table_edit.has_changes(st.session_state.get(editor_key)):
            st.info("Ingen endringer å lagre.")
        else:
            try:
                result = goals.save(con, edited, chosen.data_date or scope.as_of)
            except table_edit.TableEditError as exc:
                st.error("Målene ble ikke lagret. Rett opp dette og prøv igjen:\n\n"
                         + "\n".join(f"- {problem}" for problem in exc.problems))
            except (store.StoreError, store.DatabaseError) as exc:
                st.error(f"Målene ble ikke lagret: {str(exc).splitlines()[0]}")
            else:
                data.data_changed()
                auth.log(viewer, audit.SETTINGS, None, f"mål lagret ({result.rows} mål)")
                st.session_state["maal_undo"] = result.previous_import_id
                st.session_state["maal_message"] = f"Lagret: {formatting.number(result.rows)} mål i planen."
                st.rerun()
    undo_to = st.session_state.get("maal_undo")
    if undo_to is not None and undo_column.button("Angre siste lagring", key="maal_undo_button"):
        try:
            goals.undo(con, undo_to)
        except (LookupError, store.StoreError, store.DatabaseError) as exc:
            st.error(f"Kunne ikke angre: {str(exc).splitlines()[0]}")
        else:
            data.data_changed()
            auth.log(viewer, audit.SETTINGS, None, "siste lagring av mål angret")
            st.session_state["maal_undo"] = None
            st.session_state["maal_message"] = "Siste lagring er angret; forrige versjon av målene er tilbake."
            st.rerun()

st.subheader("Årlige versjoner av planen")
st.caption(
    "Å lukke planen for et år tar vare på målene, tiltakene med kostnader og nøkkeltallene slik de er nå, med dato "
    "og hvem som lukket den. En lukket versjon endres aldri; senere endringer gjelder neste års plan."
)
closed = plan_versions.versions(db)
if closed:
    st.dataframe(plan_versions.versions_table(closed), hide_index=True, width="stretch")
else:
    st.info("Ingen år er lukket ennå.")
if may_edit:
    year_column, button_column = st.columns([1, 2])
    year = year_column.number_input("Planår", min_value=1900, max_value=2100, value=scope.as_of.year, step=1,
                                    key="maal_close_year")
    if button_column.button(f"Lukk planen for {int(year)}", key="maal_close"):
        try:
            version = plan_versions.close(con, int(year), as_of=chosen.data_date or scope.as_of, closed_by=signed_in)
        except plan_versions.PlanVersionError as exc:
            st.error(str(exc))
        except (store.StoreError, store.DatabaseError) as exc:
            st.error(f"Planen ble ikke lukket: {str(exc).splitlines()[0]}")
        else:
            data.data_changed()
            auth.log(viewer, audit.SETTINGS, None, f"planen for {version.plan_year} lukket")
            st.session_state["maal_message"] = (
                f"Planen for {version.plan_year} er lukket {formatting.day(version.closed_at.date())} av "
                f"{version.closed_by}: {version.goals} mål og {version.measures} tiltak."
            )
            st.rerun()

if closed:
    st.markdown("**Sammenlign planene**")
    options = plan_versions.version_options(closed)
    older_default, newer_default = plan_versions.default_pair(closed, scope.as_of.year)
    keys = list(options)
    left, right = st.columns(2)
    older_id = left.selectbox("Fra", keys, index=keys.index(older_default), format_func=options.get,
                              key="maal_compare_from")
    newer_id = right.selectbox("Til", keys, index=keys.index(newer_default), format_func=options.get,
                               key="maal_compare_to")
    if older_id == newer_id:
        st.info("Velg to forskjellige planer for å sammenligne.")
    else:
        def measures_of(version: int | str):
            if version == plan_versions.CURRENT:
                return measure_lines
            return plan_versions.version_measures(db, int(version), scope.units)

        def goals_of(version: int | str):
            return goal_lines if version == plan_versions.CURRENT else plan_versions.version_goals(db, int(version))

        def figures_of(version: int | str):
            if version == plan_versions.CURRENT:
                return plan_versions.key_figures_now(db, scope.as_of)
            return plan_versions.version_figures(db, int(version))

        comparison = plan_versions.compare(measures_of(older_id), measures_of(newer_id))
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Nye tiltak", formatting.number(len(comparison.new)))
        c2.metric("Fjernede tiltak", formatting.number(len(comparison.removed)))
        c3.metric("Endrede tiltak", formatting.number(len(comparison.changed)))
        c4.metric("Uendrede tiltak", formatting.number(comparison.unchanged))
        if not comparison.any:
            st.info("Tiltakene for enhetene i utvalget er like i de to planene.")
        for title, frame, table in (
            ("Nye tiltak", comparison.new, plan_versions.measures_list),
            ("Fjernede tiltak", comparison.removed, plan_versions.measures_list),
            ("Endrede tiltak", comparison.changed, plan_versions.changes_list),
        ):
            if not frame.empty:
                st.markdown(f"**{title}**")
                st.dataframe(table(frame, chosen.unit_names), hide_index=True, width="stretch")
        status_changes = plan_versions.goal_changes(goals_of(older_id), goals_of(newer_id))
        if not status_changes.empty:
            st.markdown("**Mål med endret status**")
            st.dataframe(status_changes, hide_index=True, width="stretch")
        if not sees_everything:
            st.caption("Nøkkeltall da og nå gjelder hele organisasjonen og vises bare for brukere med tilgang til "
                       "alle enheter.")
        else:
            st.markdown("**Nøkkeltall da og nå (hele organisasjonen)**")
            st.dataframe(
                plan_versions.figures_then_now(figures_of(older_id), figures_of(newer_id), k)
                .rename(columns={"Da": options[older_id], "Nå": options[newer_id]}),
                hide_index=True, width="stretch",
            )
            st.caption(f"Gjeldende plan: nøkkeltall per {formatting.day(scope.as_of)}. Kostnadene er planens sum "
                       "for hele organisasjonen.")
