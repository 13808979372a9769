"""Import: upload HR exports, preview the recognised columns, see every bad row, manage the history."""

import tempfile
from pathlib import Path

import streamlit as st

from kompetanse import importer
from kompetanse.access import audit
from kompetanse.figures import professions
from kompetanse.presentation import formatting
from kompetanse.storage import history
from ui import auth, corrections, data, filters, import_columns

viewer = filters.current().access  # the shared shell (sidebar, data snapshot) is in place
KIND_LABELS = {
    "personnel": "Personell (ansatte og arbeidsforhold)",
    "units": "Enheter (organisasjonstre)",
    "competences": "Kompetanse per ansatt",
    "requirements": "Kompetansekrav per enhet",
    "measures": "Tiltak (kompetanseplanens tabeller)",
    "placements": "Praksisplasser (per semester, enhet og skoletype)",
    "goals": "Mål (strategimål og resultatmål med status)",
}

st.title("Import")
if not viewer.may("import"):  # the navigation lists this page for hr and admin only; a stray link stops here
    st.warning("Import er bare for HR og administrator.")
    st.stop()
st.write(
    "Last opp eksport fra HR-systemet (.xlsx, .xls, .ods eller .csv). Flere filer på én gang blir én import. "
    "Fødselsnummer brukes bare til å finne fødselsdato og kjønn, og lagres aldri."
)

kind = st.selectbox("Hva vil du importere?", list(KIND_LABELS), format_func=KIND_LABELS.get)
st.download_button("Last ned mal (.xlsx)", importer.template(kind), file_name=importer.template_file_name(kind),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="import_template",
                   help="Et tomt regneark med kolonnene importen kjenner igjen, og en forklaring.")
uploads = st.file_uploader(
    "Filer", type=["xlsx", "xls", "ods", "csv"], accept_multiple_files=True, key="uploads"
)
snapshot = st.date_input("Datoen dataene gjelder", format="DD.MM.YYYY", help="Standard referansedato for tallene.")
skip_invalid = st.checkbox(
    "Importer gyldige rader og legg avviste rader i egen fil",
    help="Uten dette avbrytes hele importen hvis én rad er ugyldig, og ingenting endres.",
)


def _save(folder: Path) -> tuple[list[Path], list[str]]:
    paths = []
    for upload in uploads:
        path = folder / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        paths.append(path)
    return paths, [u.name for u in uploads]


if uploads:
    with tempfile.TemporaryDirectory() as folder:
        paths, names = _save(Path(folder))
        st.subheader("Forhåndsvisning")
        st.caption("Hver kolonne i filen står under med det den leses som. Endre «Brukes som» der det er feil, "
                   "eller velg «ignorer». Oppsettet kan lagres og brukes automatisk neste gang.")
        chosen: dict[str, str | None] = {}  # the user's changes (and a saved mapping), over all files
        sheets: dict[str, str] = {}  # file -> the sheet the user chose, where several hold the columns
        first: importer.Preview | None = None
        for path, name in zip(paths, names, strict=True):
            shown, given, sheet = import_columns.review(path, name, kind)
            chosen.update(given)
            if sheet is not None:
                sheets[name] = sheet
            first = first or shown
        if first is not None:
            import_columns.save_form(first, kind, key=f"save_mapping_{kind}", viewer=viewer)

        if st.button("Importer", type="primary"):
            bar = st.progress(0.0, text="Starter import …")
            try:
                with data.busy() as con:
                    outcome = importer.import_files(
                        con, paths, kind, skip_invalid=skip_invalid, snapshot_date=snapshot,
                        progress=lambda share, text: bar.progress(min(max(share, 0.0), 1.0), text=text),
                        display_names=names, sheets=sheets, mapping=chosen or None,
                    )
            except importer.ImportFailed as failure:
                auth.log(viewer, audit.IMPORT, None, f"{kind}: avbrutt, {len(failure.errors)} feil")
                bar.empty()
                st.error(f"Importen ble avbrutt: {len(failure.errors)} feil. Ingenting er endret.")
                st.dataframe(
                    [
                        {"Fil": e.file, "Rad": e.row, "Kolonne": e.column, "Feil": e.message}
                        for e in failure.errors
                    ],
                    hide_index=True, width="stretch",
                )
            else:
                bar.progress(1.0, text="Ferdig")
                data.data_changed()
                auth.log(viewer, audit.IMPORT, None,
                         f"{kind}: import {outcome.record.import_id}, {outcome.rows} rader"
                         + (", uendret" if outcome.unchanged else "")
                         + (f", {outcome.rejected} avvist" if outcome.rejected_file is not None else ""))
                if outcome.unchanged:
                    st.info("Samme innhold er allerede importert. Ingenting er endret.")
                else:
                    read_from = "".join(f" {f} ble lest fra arket «{s}»." for f, s in outcome.sheets.items())
                    st.success(f"Importert {formatting.number(outcome.rows)} rader.{read_from}")
                for line in outcome.summary():
                    st.info(line)
                for summary in outcome.files:
                    if summary.profile:
                        st.caption(f"{summary.file}: gjenkjent som {summary.profile}.")
                    if summary.notices:
                        st.warning(f"{summary.file}, ikke brukt:\n"
                                   + "\n".join(f"- {n[0].upper()}{n[1:]}" for n in summary.notices))
                if outcome.rejected_file is not None:
                    st.warning(f"{outcome.rejected} rader ble avvist. Rett dem og importer filen på nytt.")
                    st.download_button(
                        "Last ned avviste rader", outcome.rejected_file.read_bytes(),
                        file_name=f"avviste-rader-{names[0]}.csv", mime="text/csv",
                    )

corrections.add_corrections(viewer, kind, KIND_LABELS[kind])

st.subheader("Importhistorikk")
imports = history.list_imports(data.connection())
if imports.empty:
    st.info("Ingen importer ennå.")
else:
    for row in imports.itertuples():
        left, right = st.columns([5, 1])
        status = "aktiv" if row.active else "tidligere"
        left.write(
            f"**{row.import_id}** · {KIND_LABELS.get(row.kind, row.kind)} · {row.file_name} · "
            f"{formatting.number(row.rows)} rader · data per {formatting.day(row.snapshot_date)} · {status}"
        )
        if not row.active and right.button("Gjør aktiv", key=f"activate_{row.import_id}"):
            record = history.activate(data.connection(), row.import_id)
            data.data_changed()
            auth.log(viewer, audit.ACTIVATE, None, f"{record.kind}: import {record.import_id}")
            st.rerun()

st.subheader("Titler uten yrkesgruppe")
unmapped = professions.unmapped_titles(data.runner())
if unmapped.empty:
    st.caption("Alle titler i personaldataene hører til en yrkesgruppe.")
else:
    st.caption("Disse titlene er ikke knyttet til en yrkesgruppe og regnes hver som sin egen gruppe (med "
               "standardreglene for pensjonsalder). Skriv inn gruppen og lagre; hele tabellen redigeres under "
               "Pensjon og rekruttering, «Regler og utgangsrater».")
    assigned = st.data_editor(
        unmapped.assign(profession_group=""), key="i_unmapped", hide_index=True,
        disabled=["profession", "employments"], column_config={
            "profession": "Tittel", "employments": "Arbeidsforhold",
            "profession_group": st.column_config.TextColumn("Yrkesgruppe")},
    )
    if viewer.may("settings") and st.button("Lagre yrkesgrupper", key="i_unmapped_save"):
        with data.busy() as con:
            problems = professions.assign_titles(con, assigned)
        if problems:
            st.error("Ikke lagret:\n\n" + "\n".join(f"- {p}" for p in problems))
        else:
            data.data_changed()
            auth.log(viewer, audit.SETTINGS, None, "yrkesgrupper lagret")
            st.rerun()
