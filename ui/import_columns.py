"""The Import page's column table: every column of the file, what it is read as, and a choice to change it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kompetanse import access, audit, importer
from kompetanse.importer import mapping


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


def save_form(columns: mapping.Columns, headers: list[str], kind: str, key: str, viewer: access.Access) -> None:
    """Save the choices under a name, offered again for the next file with the same columns (audited)."""
    from ui import auth, data

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
