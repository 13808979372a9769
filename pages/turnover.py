"""Turnover: both definitions, the 12-month rolling trend, by unit and profession, leavers by reason."""

import plotly.express as px
import streamlit as st

from kompetanse.figures import turnover
from kompetanse.figures.suppression import explain
from kompetanse.presentation import chart_text
from kompetanse.storage import settings
from ui import charts, data, filters, render

chosen = filters.current()
db = data.runner()
k = settings.min_group_size(data.connection())

st.title("Turnover")
st.caption(chosen.description)

figures = turnover.key_figures(db, chosen.scope, k)
if figures.empty:
    render.empty("Ingen ansatte i utvalget på datoen eller ett år tidligere. Velg en annen dato eller flere enheter.")
    st.stop()

left, right = st.columns(2)
with left:
    st.subheader(turnover.AVERAGE_LABEL)
    st.caption(turnover.AVERAGE_TEXT)
    for column, figure in zip(st.columns(len(figures.average)), figures.average, strict=True):
        column.metric(figure.label, figure.value, help=figure.help)
with right:
    st.subheader(turnover.KS_LABEL)
    st.caption(turnover.KS_TEXT)
    st.metric(figures.ks.label, figures.ks.value, help=figures.ks.help)

for column, figure in zip(st.columns(len(figures.counts)), figures.counts, strict=True):
    column.metric(figure.label, figure.value, help=figure.help)
if figures.any_hidden:
    st.caption(explain(k))

st.subheader("Utvikling, 12 måneder rullerende")
period = st.selectbox("Periode", list(turnover.TREND_PERIODS), key="turnover_period")
since = turnover.trend_start(chosen.scope.as_of, turnover.TREND_PERIODS[period])
trend = turnover.trend(db, chosen.scope, k, since)
if trend.values.empty:
    render.empty("Historikken er for kort til en 12-måneders utvikling (den trenger minst ett år med data).")
else:
    points = turnover.trend_chart_frame(trend)
    fig = px.line(
        points, x="Dato", y="Andel", color="Definisjon", custom_data=["Tekst"],
        labels={"Andel": "Turnover", "Dato": "12 måneder til og med"},
    )
    fig.update_traces(hovertemplate="%{customdata[0]}<extra>%{fullData.name}</extra>", connectgaps=False)
    fig.update_layout(yaxis_tickformat=".0%", legend_title_text="", hovermode="x unified")
    render.chart(fig, key="turnover_trend")
    charts.alternative(chart_text.turnover_trend(points), chart_text.trend_table(points, k))
    st.caption(
        "Hvert punkt gjelder de 12 månedene som slutter på datoen, én gang per måned tilbake i tid. "
        "Turnover = sluttede / gjennomsnittlig antall ansatte; KS-turnover = andel av dem som var ansatt "
        "ett år før, som ikke lenger er ansatt. " + turnover.trend_start_text(trend, since)
    )
    if turnover.trend_has_gaps(trend):
        st.caption(f"Punkter der utvalget hadde færre enn {k} ansatte, er utelatt (brudd i linjen) "
                   "for å verne enkeltpersoner.")

st.subheader("Per enhet og yrkesgruppe")
for tab, by in zip(st.tabs(["Per enhet", "Per yrkesgruppe"]), ("unit", "profession"), strict=True):
    with tab:
        groups = turnover.by_group(db, chosen.scope, by, k, chosen.unit_names)
        group = turnover.GROUP_LABELS[by]
        bars = turnover.group_chart_frame(groups, group)
        if bars.empty:
            render.empty()
            continue
        fig = px.bar(bars, x=group, y="Andel", color="Definisjon", barmode="group", text="Tekst",
                     custom_data=["Tekst"])
        fig.update_traces(
            textposition="outside", hovertemplate="%{x}: %{customdata[0]}<extra>%{fullData.name}</extra>"
        )
        fig.update_layout(yaxis_tickformat=".0%", yaxis_title="", xaxis_title="", legend_title_text="",
                          yaxis_rangemode="nonnegative")
        render.chart(fig, key=f"turnover_by_{by}")
        charts.alternative(chart_text.turnover_groups(bars, group))  # the table below has the numbers
        st.dataframe(
            render.styled(groups, turnover.GROUP_FORMATS), hide_index=True, width="stretch",
            column_config={label: st.column_config.Column(help=text) for label, text in turnover.TABLE_HELP.items()},
        )
        render.hidden_note(groups)

st.subheader("Sluttårsaker siste 12 måneder")
reasons = turnover.leavers_by_reason(db, chosen.scope, k)
chart_frame = turnover.reason_chart_frame(reasons)
fig = px.bar(chart_frame, x="Sluttårsak", y="Antall", text="Tekst", custom_data=["Tekst"])
fig.update_traces(textposition="outside", hovertemplate="%{x}: %{customdata[0]}<extra></extra>")
fig.update_layout(yaxis_title="Personer", xaxis_title="", yaxis_rangemode="nonnegative")
left, right = st.columns([2, 1])
with left:
    render.chart(fig, key="turnover_reasons")
    charts.alternative(chart_text.leaving_reasons(chart_frame))  # the table beside has the numbers
with right:
    table = turnover.reason_table(reasons)
    st.dataframe(render.styled(table, {turnover.REASON_COLUMN: turnover.NUMBER}), hide_index=True, width="stretch")
render.hidden_note(reasons)
st.caption(turnover.MOVE_TEXT)
