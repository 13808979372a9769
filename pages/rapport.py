"""Rapport: the management-review pack (Excel workbook and PowerPoint deck) for a unit or for all."""

import tempfile
from pathlib import Path

import streamlit as st

from kompetanse import export
from kompetanse.access import access, audit
from kompetanse.figures.suppression import explain
from kompetanse.presentation import formatting
from kompetanse.storage import settings, units
from ui import auth, data, filters

ALL = ""  # the select box's whole organisation
CHOICES = {"xlsx": ("xlsx",), "pptx": ("pptx",), "begge": ("xlsx", "pptx")}
CHOICE_LABELS = {"xlsx": "Excel (arbeidsbok)", "pptx": "PowerPoint (presentasjon)", "begge": "Begge"}

chosen = filters.current()
db = data.runner()
tree = units.tree(db)
labels = units.labels(tree)
k = settings.min_group_size(data.connection())

st.title("Rapport")
st.caption(
    "Grunnlaget for ledelsens gjennomgang: en Excel-arbeidsbok og en PowerPoint-presentasjon med nøkkeltall, "
    "aldersfordeling, pensjon, turnover, kompetanse og tiltak, med diagrammer som kan redigeres."
)

viewer = chosen.access
options = [ALL, *chosen.unit_choices]  # only the units this user may see
default_unit = chosen.chosen_units[0] if len(chosen.chosen_units) == 1 else ALL
unit = st.selectbox(
    "Enhet", options, index=options.index(default_unit), key="rapport_enhet",
    format_func=lambda code: (export.ALL_UNITS_LABEL if viewer.allowed_units is None else export.ALLOWED_UNITS_LABEL)
    if code == ALL else labels.get(code, code),
    help="Rapporten tar med enheten og alle enheter under den.",
)
as_of = st.date_input(
    "Referansedato", value=chosen.scope.as_of, format="DD.MM.YYYY", key=f"rapport_dato_{chosen.scope.as_of}",
    min_value=filters.EARLIEST_DATE, max_value=filters.LATEST_DATE,
    help=f"Tallene gjelder denne dagen. Dataene er fra {formatting.day(chosen.data_date)}.",
)
choice = st.radio("Format", list(CHOICES), format_func=CHOICE_LABELS.get, horizontal=True, key="rapport_format")
st.caption(f"Små grupper: {explain(k)}")

wanted = (unit, as_of, choice)
if st.button("Lag rapport", type="primary", key="rapport_lag"):
    bar = st.progress(0.0, text="Starter …")
    try:
        with tempfile.TemporaryDirectory() as folder, data.busy() as con:
            paths = export.build_files(
                con, CHOICES[choice], Path(folder), unit=unit or None, as_of=as_of,
                progress=lambda fraction, text: bar.progress(fraction, text=text), allowed=viewer.allowed_units,
            )
            st.session_state["rapport_filer"] = (wanted, [(p.name, p.suffix[1:], p.read_bytes()) for p in paths])
        bar.progress(1.0, text="Ferdig")
        auth.log(viewer, audit.EXPORT, access.scope_units(tree, [unit] if unit else [], viewer),
                 f"{'+'.join(CHOICES[choice])}, enhet {unit or 'alle'}, per {as_of.isoformat()}")
    except export.ExportError as exc:
        bar.empty()
        st.error(str(exc))

built = st.session_state.get("rapport_filer")
if built and built[0] == wanted:
    st.success("Rapporten er klar.")
    for name, fmt, content in built[1]:
        st.download_button(
            f"Last ned {name}", data=content, file_name=name, mime=export.MIME_TYPES[fmt],
            key=f"rapport_last_ned_{fmt}", icon="📥",
        )
elif built:
    st.info("Valgene er endret: trykk «Lag rapport» for å lage rapporten på nytt.")
