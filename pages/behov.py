"""Behov og dekning: does the plan close the gap? Competence and staffing year by year, without and with the plan."""

import plotly.graph_objects as go
import streamlit as st

from kompetanse.figures import gap, projection
from kompetanse.presentation import formatting
from kompetanse.storage import settings
from ui import charts, data, filters, render

chosen = filters.current()
db = data.runner()
k = settings.min_group_size(data.connection())

st.title("Behov og dekning")
st.caption(chosen.description)
st.markdown(
    "Dekker planen behovet? Her står dagens kompetanse og bemanning framskrevet år for år: uten nye tiltak "
    "(pensjonering, annen turnover og sertifiseringer som utløper) og med effekten tiltakene i planen oppgir "
    "(kolonnene «Effekt» under Tiltak og kostnader)."
)

with st.expander("Forutsetninger"):
    c1, c2, c3 = st.columns(3)
    method = c1.radio("Metode for avganger", list(projection.METHOD_LABELS), format_func=projection.METHOD_LABELS.get,
                      key="b_method")
    shift = c2.slider("Endring i pensjonsalder (år)", -3, 3, 0, key="b_shift")
    growth = c3.slider("Vekst i bemanningen (% per år)", 0, 10, 0, key="b_growth", format="%d %%")
    st.caption("Som på siden Pensjon og rekruttering. Turnover utenom pensjon er hver yrkesgruppes målte turnover "
               "siste 12 måneder. De som rekrutteres eller kvalifiseres av et tiltak, regnes med ut perioden.")

report = gap.compute(db, chosen.scope, projection.scenario(method, shift, None, growth))
if report.empty:
    render.empty("Ingen ansatte eller kompetansekrav i utvalget. Velg en annen enhet eller dato.")
    st.stop()

totals = data.derived(gap.yearly_totals, report, k)
labels = [gap.year_label(report, year) for year in totals["year"]]


def _gap_chart(years: list, without: list, with_plan: list, title: str, key: str) -> None:  # type: ignore[type-arg]
    """Grouped bars per year: the gap without and with the plan (a hidden total: no bar)."""
    fig = go.Figure()
    fig.add_bar(x=years, y=without, name="Uten tiltak", hovertemplate="%{x}: %{y}<extra>Uten tiltak</extra>")
    fig.add_bar(x=years, y=with_plan, name="Med planens tiltak",
                hovertemplate="%{x}: %{y}<extra>Med planens tiltak</extra>")
    fig.update_layout(barmode="group", yaxis_title="Personer", title=title, legend_title_text="")
    render.chart(fig, key=key)


st.subheader("Kompetanse mot krav")
if report.competence.empty:
    st.info("Ingen kompetansekrav for enhetene i utvalget. Krav importeres på Import-siden.")
else:
    _gap_chart(labels, list(totals["competence_gap_without"]), list(totals["competence_gap_with"]),
               "Manglende innehavere av påkrevd kompetanse", "b_competence_chart")
    charts.alternative(gap.finding(totals, report.years), data.derived(gap.totals_table, report, totals))

st.subheader("Bemanning per yrkesgruppe")
if report.staffing.empty:
    st.info("Ingen ansatte i utvalget.")
else:
    _gap_chart(labels[1:], list(totals["staffing_gap_without"].iloc[1:]), list(totals["staffing_gap_with"].iloc[1:]),
               "Personer som mangler mot dagens bemanning" + (f" med {growth} % vekst" if growth else ""),
               "b_staffing_chart")
    # the numbers of both charts stand under the first; without it, under this one
    charts.alternative(gap.staffing_finding(totals, report.years),
                       data.derived(gap.totals_table, report, totals) if report.competence.empty else None)
    st.caption("Gapet er hvor mange som mangler mot målet hvis ingen rekrutteres utenom planens tiltak. "
               "En søyle mangler der summen er skjult for å verne små grupper.")

year = st.select_slider("År for tabellene", options=list(range(1, report.years + 1)), value=report.years,
                        format_func=lambda y: gap.year_label(report, y), key="b_year")

if not report.competence.empty:
    st.markdown(f"**Kompetansekrav {gap.year_label(report, year).lower()}**")
    remaining = st.toggle("Bare krav som ikke er dekket med tiltakene", key="b_remaining")
    table = data.derived(gap.competence_table, report, year, chosen.unit_names, remaining)
    st.dataframe(render.formatted(table, gap.COMPETENCE_FORMATS), hide_index=True, width="stretch")
    st.caption("«Har nå»: gyldige innehavere på referansedatoen. «Tiltak gir»: personer tiltakene kvalifiserer i "
               "enheten innen året. Kostnad per lukket gap = planlagt kostnad for tiltakene / hvor mye av gapet "
               "de lukker. Dekningstallene er arbeidslister for lederen og vises uten skjuling av små tall.")

if not report.staffing.empty:
    st.markdown(f"**Bemanning {gap.year_label(report, year).lower()}**")
    staffing = data.derived(gap.staffing_table, report, year, k)
    st.dataframe(render.styled(staffing, gap.STAFFING_FORMATS), width="stretch")
    st.caption("Tiltakene som rekrutterer, står i listen «Tiltak med effekt» nedenfor.")
    render.hidden_note(staffing)

st.subheader("Tiltak med effekt")
if report.measures.empty:
    st.info("Ingen tiltak i utvalget oppgir effekt ennå. Fyll inn «Effekt», «Effekt gjelder», «Antall personer» "
            "og «Effekt fra» under Tiltak og kostnader.")
else:
    shown_measures = data.derived(gap.measures_table, report, chosen.unit_names)
    st.dataframe(render.formatted(shown_measures, gap.MEASURE_FORMATS), hide_index=True, width="stretch")
    st.caption("Planlagt kostnad er tiltakets kostnad over horisonten (femårige tiltak med pris- og lønnsvekst).")

follow_up = gap.follow_up(db, chosen.scope, k, chosen.unit_names)
if follow_up is not None:
    st.subheader(f"Lovet i planen for {follow_up.plan_year}, og hva som skjedde")
    st.caption(f"Effektene planen som ble lukket {formatting.day(follow_up.since)} lovet innen referansedatoen, ved "
               "siden av gyldige innehavere da og nå, og hvor mange som har begynt i yrkesgruppen siden.")
    if follow_up.competence.empty and follow_up.recruitment.values.empty:
        st.info("Planen lovet ingen effekter innen referansedatoen.")
    if not follow_up.competence.empty:
        st.dataframe(render.formatted(follow_up.competence, {gap.PROMISED: formatting.number}),
                     hide_index=True, width="stretch")
    if not follow_up.recruitment.values.empty:
        st.dataframe(render.styled(follow_up.recruitment, {gap.PROMISED: formatting.number,
                                                           gap.STARTED: formatting.number}), width="stretch")
        render.hidden_note(follow_up.recruitment)
