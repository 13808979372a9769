"""The Import page's column table: every column of the file, what it is read as, and a choice to change it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from kompetanse import importer
from kompetanse.access import access, audit
from kompetanse.importer import mapping
from kompetanse.importer import preview as previews


def editor(preview: importer.Preview, kind: str, key: str) -> mapping.Columns:
    """Draw the table and return the user's choice for every column: header -> our name (None: «ignorer»)."""
    rows = pd.DataFrame(mapping.column_rows(preview, kind),
                        columns=[mapping.COLUMN, mapping.EXAMPLE, mapping.USED_AS, mapping.NOTE])
    edited = st.data_editor(
        rows, key=key, hide_index=True, width="stretch", num_rows="fixed",
        disabled=[mapping.COLUMN, mapping.EXAMPLE, mapping.NOTE],
        column_config={
            mapping.USED_AS: st.column_config.SelectboxColumn(
                mapping.USED_AS, options=list(mapping.choice_labels(kind)), required=True,
                help="Velg hva kolonnen er, eller «ignorer» for å la den ligge.",
            ),
            mapping.EXAMPLE: st.column_config.TextColumn(mapping.EXAMPLE, help="Første verdi i kolonnen."),
        },
    )
    return mapping.chosen_columns(edited.to_dict("records"), kind)


def summary(preview: importer.Preview) -> None:
    """What the file was recognised as, the columns not used, and what stops the import."""
    if preview.profile:
        st.info(f"Gjenkjent som {preview.profile}.")
    for text in preview.competing:
        st.error(text)
    if preview.missing:
        st.error("Mangler påkrevde kolonner: " + ", ".join(preview.missing)
                 + ". Velg dem i «Brukes som» over.")
    if preview.notices:
        st.warning("Ikke brukt:\n" + "\n".join(f"- {n[0].upper()}{n[1:]}" for n in preview.notices))


def review(path: Path, name: str, kind: str) -> tuple[importer.Preview | None, mapping.Columns, str | None]:
    """One uploaded file: the sheet to read where several hold the columns, a saved mapping for its headers
    applied, the column table, what it is read as, and its first rows. Returns the preview with the user's
    choices, the mapping to import with and the sheet chosen (None: the only one)."""
    from ui import data, guard

    sheet: str | None = None
    try:
        try:
            raw = previews.read_preview(path, kind)  # read once, previewed with each mapping below
        except importer.ImportFailed as choice:
            if not choice.sheets:
                raise
            sheet = st.selectbox(f"Flere ark i {name} har kolonnene. Hvilket skal importeres?", choice.sheets,
                                 key=f"import_sheet_{name}")
            raw = previews.read_preview(path, kind, sheet)
    except importer.ImportFailed as failure:
        st.error("; ".join(e.message for e in failure.errors))
        return None, {}, None
    except Exception as exc:  # the history below must still show, so a bad import can be undone
        guard.unexpected(exc, f"Forhåndsvisningen av {name} kunne ikke vises")
        return None, {}, None
    automatic = previews.preview_of(raw, name, kind)
    saved = mapping.matching(data.connection(), kind, [c.header for c in automatic.columns])
    start = previews.preview_of(raw, name, kind, saved.columns) if saved else automatic
    where = f" på arket «{raw.sheet}»" if raw.sheet else ""
    st.markdown(f"**{name}**: overskrift på rad {start.header_row}{where}")
    if saved:
        st.info(f"Bruker det lagrede kolonneoppsettet «{saved.name}» (samme kolonner som filen).")
    picked = editor(start, kind, key=f"columns_{kind}_{name}_{saved.name if saved else ''}")
    given = {**(saved.columns if saved else {}),
             **mapping.changed_columns({c.header: c.field for c in start.columns}, picked)}
    shown = previews.preview_of(raw, name, kind, given) if given else start
    summary(shown)
    st.dataframe(shown.sample, hide_index=True)
    return shown, given, sheet


def save_form(preview: importer.Preview, kind: str, key: str, viewer: access.Access) -> None:
    """Save what each column of the file is read as under a name, offered again for the next file with the same
    columns (audited)."""
    from ui import auth, data

    headers = [c.header for c in preview.columns]
    columns = {c.header: c.field for c in preview.columns}

    with st.form(key, clear_on_submit=False, border=False):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        name = left.text_input("Lagre kolonneoppsettet som", placeholder="for eksempel «Visma, klinikk 2»",
                               help="Neste fil med de samme kolonnene får dette oppsettet automatisk.")
        if right.form_submit_button("Lagre oppsett"):
            try:
                with data.busy() as con:
                    mapping.save(con, name, kind, headers, columns)
            except mapping.MappingError as problem:
                st.error(str(problem).capitalize())
            else:
                auth.log(viewer, audit.SETTINGS, None, f"kolonneoppsett «{name.strip()}» lagret ({kind})")
                st.success(f"Kolonneoppsettet «{name.strip()}» er lagret.")
