"""AppTest: the Rapport page builds the pack and offers it for download with the unit and date in its name."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from tests.app.helpers import app
from tests.fixtures import demo_copy


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = demo_copy(tmp_path_factory.mktemp("rapport") / "demo.duckdb")
    return path


@pytest.fixture(autouse=True)
def use_db(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMPETANSE_DB", str(db))


def _open_page():  # type: ignore[no-untyped-def]
    at = app().run()
    at.switch_page("pages/rapport.py").run()
    assert not at.exception
    return at


def _downloads(at) -> list:  # type: ignore[no-untyped-def]
    return list(at.get("download_button"))


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str | None, bytes]]:
    """The files handed to the browser (AppTest's media storage lives for one run only): id -> (name, bytes)."""
    files: dict[str, tuple[str | None, bytes]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):  # type: ignore[no-untyped-def]
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = (filename, path_or_data if isinstance(path_or_data, bytes) else b"")
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return files


def _file(button, served: dict[str, tuple[str | None, bytes]]) -> tuple[str | None, bytes]:  # type: ignore[no-untyped-def]
    """The file behind a download button, as the browser would receive it."""
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".", 1)[0]
    return served[file_id]


def test_the_page_offers_the_choices() -> None:
    at = _open_page()
    assert at.title[0].value == "Rapport"
    unit = at.selectbox(key="rapport_enhet")
    assert unit.value == ""  # the whole organisation until a unit is chosen
    assert unit.options[0] == "Hele organisasjonen"
    assert "Avdeling for laboratoriemedisin (ALM)" in [o.strip("\u2003") for o in unit.options]
    assert at.date_input[0].value.isoformat() == "2023-12-01"  # the sidebar's reference date
    assert at.button(key="rapport_lag").label == "Lag rapport"
    assert _downloads(at) == []
    assert any("«<5»" in c.value for c in at.caption)


def test_building_a_unit_pack_gives_download_buttons_named_by_unit_and_date(served) -> None:  # type: ignore[no-untyped-def]
    at = _open_page()
    at.selectbox(key="rapport_enhet").select("ALM").run()
    at.radio(key="rapport_format").set_value("begge").run()
    at.button(key="rapport_lag").click().run()
    assert not at.exception
    assert not at.error
    buttons = _downloads(at)
    assert [b.proto.label for b in buttons] == [
        "Last ned kompetanseplan-ALM-2023-12-01.xlsx",
        "Last ned kompetanseplan-ALM-2023-12-01.pptx",
    ]
    name, content = _file(buttons[0], served)
    assert name == "kompetanseplan-ALM-2023-12-01.xlsx"
    workbook = load_workbook(io.BytesIO(content))
    assert workbook["Forside"]["B4"].value == "Avdeling for laboratoriemedisin (ALM) med underenheter"
    name, content = _file(buttons[1], served)
    assert name == "kompetanseplan-ALM-2023-12-01.pptx"
    assert len(Presentation(io.BytesIO(content)).slides) == 15  # with the forecast check and the gap

    # Another unit: the old files are not offered as if they were the new choice.
    at.selectbox(key="rapport_enhet").select("MB-L").run()
    assert _downloads(at) == []
    assert any("Valgene er endret" in i.value for i in at.info)


def test_the_reference_date_follows_the_sidebar() -> None:
    at = _open_page()
    at.date_input(key="f_date").set_value(date(2022, 12, 1)).run()
    at.radio(key="rapport_format").set_value("xlsx").run()
    at.button(key="rapport_lag").click().run()
    assert not at.exception
    assert [b.proto.label for b in _downloads(at)] == ["Last ned kompetanseplan-alle-2022-12-01.xlsx"]
