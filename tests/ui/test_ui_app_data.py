"""Bring in data, page by page logic (AppTest): participants' attributes edited in a table, a CSV's text and id
columns picked from a preview, a Taguette project imported, each with its result line."""
import sys

from streamlit.testing.v1 import AppTest

from qualkit.project import Project
from ui_helpers import APP, REPO, button, goto

sys.path.insert(0, str(REPO / "tests" / "interchange"))


def open_app(coder="ana"):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.text_input(key="coder").set_value(coder).run()
    return goto(at, "Bring in data")


def test_participant_attributes_are_edited_in_a_table(project_dir):
    at = open_app()
    at.text_input(key="data_new_column").set_value("site").run()
    editor = at.data_editor[0]
    assert list(editor.value["participant"]) == ["P01", "P02"] and list(editor.value.columns) == \
        ["participant", "group", "site"]
    at.session_state[editor.key] = {"edited_rows": {0: {"site": "Leeds"}, 1: {"group": "clinician"}},
                                    "added_rows": [], "deleted_rows": []}
    button(at, "Save attributes").click().run()
    assert "Saved attributes of 2 participant(s)." in [s.value for s in at.success]
    p = Project.open(project_dir)
    try:
        assert p.store.participants() == {"P01": {"group": "clinician", "site": "Leeds"},
                                          "P02": {"group": "clinician", "site": ""}}
    finally:
        p.close()


def test_a_csv_of_interviews_gets_its_columns_from_a_preview(project_dir):
    table = "respondent,answer,wave\nR1,I check every draft before it goes out.,1\nR2,The tool saves me time.,2\n"
    at = open_app()
    at.file_uploader(key="data_transcripts").set_value([("survey.csv", table.encode(), "text/csv")]).run()
    assert at.expander[0].label == "survey.csv: one interview per row — pick its columns"
    assert list(at.dataframe[0].value.columns) == ["respondent", "answer", "wave"]
    at.selectbox(key="data_csv_text_survey.csv").set_value("answer")
    at.selectbox(key="data_csv_id_survey.csv").set_value("respondent").run()
    button(at, "Bring these files in").click().run()
    assert [s.value for s in at.success][0].startswith("survey.csv: added (transcript R1, R2, ")
    p = Project.open(project_dir)
    try:
        assert p.store.transcript("R2").text == "The tool saves me time."
        assert p.store.participants()["R1"]["wave"] == "1"
    finally:
        p.close()


def test_a_taguette_project_is_imported_and_a_second_import_adds_nothing(project_dir, tmp_path):
    from test_interchange_taguette import make_taguette
    data = make_taguette(tmp_path / "pilot.sqlite3").read_bytes()
    at = open_app()
    at.file_uploader(key="data_import").set_value(("pilot.sqlite3", data, "application/octet-stream")).run()
    button(at, "Import").click().run()
    assert not at.error, [e.value for e in at.error]
    line = [s.value for s in at.success][0]
    assert line.startswith("pilot.sqlite3: added (2 transcripts, ") and " codings, " in line
    button(at, "Import").click().run()
    assert [i.value for i in at.info][0] == \
        "pilot.sqlite3: unchanged (its 2 transcripts and codings are already in the project)"
    p = Project.open(project_dir)
    try:
        assert {d.source for d in p.store.decisions()} == {"import:pilot.sqlite3"}
    finally:
        p.close()
