"""Praksisplasser: places for pupils, apprentices and students per semester, unit and school type; asked for,
offered and used, the gap, the trend over semesters, and editing with undo."""

import plotly.graph_objects as go
import streamlit as st

from kompetanse.plan import placements, table_edit
from kompetanse.presentation import chart_text, formatting
from kompetanse.storage import store
from ui import charts, data, filters, render

chosen = filters.current()
db = data.runner()
con = data.connection()
scope = chosen.scope
known_units = list(chosen.unit_choices) if hasattr(chosen, "unit_choices") else list(chosen.unit_names)

st.title("Praksisplasser")
st.caption(
    "Praksisplasser for studenter (høgskole/universitet), elever (videregående skole) og lærlinger, per semester: "
    "hvor mange plasser som er etterspurt, tilbudt og brukt, og gapet mellom etterspurt og tilbudt. "
    "Plasser er ikke personopplysninger og vises uten skjuling. Tomt felt betyr ikke kjent ennå."
)
message = st.session_state.pop("praksis_message", None)
if message:
    st.success(message)

rows = placements.lines(db, scope.units)
summary = placements.by_semester(db, scope.units)
newest = placements.latest(summary)

if newest is None:
    render.empty("Ingen praksisplasser for enhetene i utvalget. Legg dem inn under «Rediger praksisplasser» "
                 "eller importer dem (Import: Praksisplasser).")
else:
    st.subheader(f"Siste gjennomførte semester: {newest['Semester']}")
    columns = st.columns(4)
    for column, label in zip(columns, [*placements.FIGURES.values(), placements.GAP_LABEL], strict=True):
        column.metric(label, newest[label])
    for line in placements.upcoming(summary):
        st.info(f"Etterspørsel fremover – {line}.")

    st.subheader("Utvikling per semester")
    trend = placements.chart_frame(summary)
    fig = go.Figure()
    for figure in placements.FIGURES.values():
        part = trend[trend["figure"] == figure]
        fig.add_bar(x=part["semester"], y=part["places"], name=figure, customdata=part["text"],
                    hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>")
    fig.update_layout(barmode="group", yaxis_title="Plasser", legend_title_text="",
                      xaxis={"type": "category"})
    render.chart(fig, key="praksis_trend")
    charts.alternative(chart_text.placements(trend))  # the table below has the numbers
    st.dataframe(placements.semester_table(summary), hide_index=True, width="stretch")
    st.markdown("**Per skoletype**")
    st.dataframe(placements.school_type_table(summary), hide_index=True, width="stretch")
    st.caption("Gap = etterspurt − tilbudt, summert over radene der begge er kjent.")

st.subheader("Rediger praksisplasser")
st.caption(
    "Én rad per semester, enhet og skoletype. Skriv semester som «Vår 2024» eller «Høst 2024». "
    "Alt lagres samlet, eller ingenting hvis noe er ugyldig (for eksempel et tall under null)."
)
editor_key = f"praksis_editor_{placements.active_import_id(con)}"
places = {"min_value": 0, "step": 1, "format": "%d"}
edited = st.data_editor(
    placements.editor_frame(rows),
    key=editor_key,
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_config={
        "semester": st.column_config.TextColumn("Semester", required=True),
        "unit_code": st.column_config.SelectboxColumn(
            "Enhet", options=known_units, required=True,
            default=chosen.chosen_units[0] if chosen.chosen_units else None,
            format_func=lambda code: chosen.unit_names.get(code, code),
        ),
        "school_type": st.column_config.SelectboxColumn(
            "Skoletype", options=list(placements.SCHOOL_TYPES), required=True,
            format_func=placements.SCHOOL_TYPES.get,
        ),
        **{column: st.column_config.NumberColumn(label, **places) for column, label in placements.FIGURES.items()},
    },
)
save_column, undo_column = st.columns(2)
if save_column.button("Lagre praksisplasser", type="primary"):
    if not table_edit.has_changes(st.session_state.get(editor_key)):
        st.info("Ingen endringer å lagre.")
    else:
        try:
            result = placements.save(con, edited, known_units, chosen.data_date or scope.as_of, scope.units)
        except table_edit.TableEditError as exc:
            st.error("Praksisplassene ble ikke lagret. Rett opp dette og prøv igjen:\n\n"
                     + "\n".join(f"- {problem}" for problem in exc.problems))
        except (store.StoreError, store.DatabaseError) as exc:
            st.error(f"Praksisplassene ble ikke lagret: {str(exc).splitlines()[0]}")
        else:
            data.data_changed()
            st.session_state["praksis_undo"] = result.previous_import_id
            st.session_state["praksis_message"] = f"Lagret: {formatting.number(result.rows)} rader."
            st.rerun()
undo_to = st.session_state.get("praksis_undo")
if undo_to is not None and undo_column.button("Angre siste lagring", key="praksis_undo_button"):
    try:
        placements.undo(con, undo_to)
    except (LookupError, store.StoreError, store.DatabaseError) as exc:
        st.error(f"Kunne ikke angre: {str(exc).splitlines()[0]}")
    else:
        data.data_changed()
        st.session_state["praksis_undo"] = None
        st.session_state["praksis_message"] = "Siste lagring er angret; forrige versjon er tilbake."
        st.rerun()
