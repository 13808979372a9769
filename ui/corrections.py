"""The Import page's «Legg til rettede rader»: a corrected rejected-rows file goes back into its import."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from kompetanse import importer
from kompetanse.access import access, audit
from kompetanse.presentation import formatting
from kompetanse.storage import history
from ui import auth, data


def add_corrections(viewer: access.Access, kind: str, kind_label: str) -> None:
    """Upload the corrected file of rejected rows and add it to the import it came from (`import --add-to`)."""
    st.subheader("Legg til rettede rader")
    st.write(
        "Ga en import avviste rader? Rett dem i filen med avviste rader og last den opp her: radene legges til "
        "radene importen allerede har. Resultatet blir en ny import med alle radene, og den forrige blir "
        "liggende uendret i historikken. Kolonnene Rad og Feil i filen blir ikke lest."
    )
    imports = history.list_imports(data.connection())
    imports = imports[imports["kind"] == kind]
    if imports.empty:
        st.info(f"Ingen importer av typen «{kind_label}» ennå.")
        return
    ids = imports["import_id"].tolist()
    active = imports.loc[imports["active"], "import_id"].tolist()
    described = {
        row.import_id: f"{row.import_id} · {row.file_name} · {formatting.number(row.rows)} rader"
        + (" · aktiv" if row.active else "")
        for row in imports.itertuples()
    }
    chosen = st.selectbox("Legg til i import", ids, index=ids.index(active[0]) if active else 0,
                          format_func=described.get, key="corrections_import")
    upload = st.file_uploader("Rettet fil med avviste rader", type=["csv", "xlsx", "xls", "ods"],
                              key="corrections_upload")
    if upload is None or not st.button("Legg til rettede rader", key="corrections_add"):
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            with data.busy() as con:
                outcome = importer.import_files(con, [path], kind, add_to=int(chosen), display_names=[upload.name])
        except importer.ImportFailed as failure:
            auth.log(viewer, audit.IMPORT, None, f"{kind}: rettede rader avbrutt, {len(failure.errors)} feil")
            st.error(f"Radene ble ikke lagt til: {len(failure.errors)} feil. Ingenting er endret.")
            st.dataframe([{"Fil": e.file, "Rad": e.row, "Kolonne": e.column, "Feil": e.message}
                          for e in failure.errors], hide_index=True, width="stretch")
            return
    data.data_changed()
    auth.log(viewer, audit.IMPORT, None,
             f"{kind}: import {outcome.record.import_id}, {outcome.rows} rader, lagt til import {chosen}")
    st.success(f"Import {outcome.record.import_id} har nå {formatting.number(outcome.rows)} rader.")
    for line in outcome.summary():
        st.info(line)
