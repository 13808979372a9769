"""Turnover: both definitions, the 12-month rolling trend, by unit and profession, leavers by reason."""

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
    points = data.derived(turnover.trend_chart_frame, trend)
    render.chart(turnover.trend_figure, points, key="turnover_trend")
    charts.alternative(data.derived(chart_text.turnover_trend, points), data.derived(chart_text.trend_table, points, k))
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
        bars = data.derived(turnover.group_chart_frame, groups, group)
        if bars.empty:
            render.empty()
            continue
        render.chart(turnover.group_figure, bars, group, key=f"turnover_by_{by}")
        charts.alternative(data.derived(chart_text.turnover_groups, bars, group))  # the table below has the numbers
        st.dataframe(
            render.styled(groups, turnover.GROUP_FORMATS), hide_index=True, width="stretch",
            column_config={label: st.column_config.Column(help=text) for label, text in turnover.TABLE_HELP.items()},
        )
        render.hidden_note(groups)

st.subheader("Sluttårsaker siste 12 måneder")
reasons = turnover.leavers_by_reason(db, chosen.scope, k)
chart_frame = data.derived(turnover.reason_chart_frame, reasons)
left, right = st.columns([2, 1])
with left:
    render.chart(turnover.reasons_figure, chart_frame, key="turnover_reasons")
    charts.alternative(data.derived(chart_text.leaving_reasons, chart_frame))  # the table beside has the numbers
with right:
    table = data.derived(turnover.reason_table, reasons)
    st.dataframe(render.styled(table, {turnover.REASON_COLUMN: turnover.NUMBER}), hide_index=True, width="stretch")
render.hidden_note(reasons)
st.caption(turnover.MOVE_TEXT)
