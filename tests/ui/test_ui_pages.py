"""Every page driven through streamlit's AppTest on a small project; each action is checked in the store."""
from ui_helpers import goto
from streamlit.testing.v1 import AppTest

from qualkit.project import Project
from qualkit.review import pending

from ui_helpers import APP


def store_of(project_dir):
    return Project.open(project_dir)


def decisions(project_dir, coder="ana"):
    p = store_of(project_dir)
    try:
        return [(d.verdict, d.code) for d in p.store.decisions(coder=coder)]
    finally:
        p.close()


def test_every_page_renders_without_errors_before_and_after_a_coder_name(project_dir):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    for page in ["Project", "Bring in data", "Read", "Code by hand", "Review", "Codebook", "Candidate themes",
                 "Compare & export"]:
        goto(at, page)
        assert not at.error, (page, [e.value for e in at.error])
    goto(at, "Review")
    assert "Enter your name in the sidebar to review" in " ".join(w.value for w in at.warning)
    assert not [b for b in at.button if b.label == "Accept"]  # no decisions without a coder name


def test_project_page_shows_status(app):
    goto(app, "Project")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Transcripts"] == "2" and metrics["Codes"] == "3" and metrics["Your pending suggestions"] == "7"


def test_review_accept_button_records_a_decision_that_a_new_store_sees(app, project_dir):
    goto(app, "Review")
    app.radio(key="review_order").set_value("Most confident first").run()
    assert app.subheader[1].value == "Human oversight"  # the 0.95 suggestion leads the confident order
    app.button(key="review_accept").click().run()
    assert [s.value for s in app.success] == ["Accepted Human oversight."]
    assert decisions(project_dir) == [("accept", "Human oversight")]
    assert app.subheader[1].value == "Efficiency"  # next: the 0.92 one
    app.button(key="review_reject").click().run()
    assert decisions(project_dir) == [("accept", "Human oversight"), ("reject", "Efficiency")]
    app.button(key="review_undo").click().run()
    assert decisions(project_dir)[-1] == ("undo", "Efficiency")
    assert "Undid your last action (1 decision)." in [s.value for s in app.success]


def test_review_replace_skip_and_bulk_accept_with_confirmation(app, project_dir):
    goto(app, "Review")
    app.radio(key="review_order").set_value("Most confident first").run()
    first = app.subheader[1].value
    app.button(key="review_skip").click().run()
    assert app.subheader[1].value != first and decisions(project_dir) == []
    app.selectbox(key="review_replace_code").set_value("Transparency").run()
    shown = app.subheader[1].value
    app.button(key="review_replace").click().run()
    assert decisions(project_dir) == [("reject", shown), ("apply", "Transparency")]

    app.selectbox(key="review_code").set_value("Human oversight").run()
    app.button(key="review_unskip").click().run() if [b for b in app.button if b.key == "review_unskip"] else None
    bulk = [b for b in app.button if b.key == "review_bulk"]
    assert bulk and bulk[0].label == "Accept all 1 pending above 0.9 for Human oversight…"
    bulk[0].click().run()
    assert "Accept all 1 pending suggestions" in app.warning[0].value
    assert len(decisions(project_dir)) == 2  # nothing yet: confirmation first
    app.button(key="review_bulk_yes").click().run()
    assert decisions(project_dir)[-1] == ("accept", "Human oversight")
    assert "Accepted 1 suggestions of Human oversight scoring ≥ 0.9." in [s.value for s in app.success]


def test_two_sessions_with_different_coders_both_keep_their_decisions(project_dir):
    tabs = []
    for coder in ("ana", "ben"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        at.sidebar.text_input(key="coder").set_value(coder).run()
        goto(at, "Review")
        tabs.append(at)
    tabs[0].button(key="review_accept").click().run()
    tabs[1].button(key="review_reject").click().run()
    tabs[0].button(key="review_accept").click().run()
    assert [v for v, _ in decisions(project_dir, "ana")] == ["accept", "accept"]
    assert [v for v, _ in decisions(project_dir, "ben")] == ["reject"]
    p = store_of(project_dir)
    try:
        assert len(pending(p.store, "ana")) == 5 and len(pending(p.store, "ben")) == 6
    finally:
        p.close()


def test_read_page_filters(app, project_dir):
    # highlights and pending marks: tests/ui/test_ui_workspace.py (the Read page is the coding workspace now)
    from qualkit.review import apply_code
    p = store_of(project_dir)
    try:
        seg = p.store.segments(transcript_id="P01", role="participant")[0]
        apply_code(p.store, seg, "Human oversight", "ana")
    finally:
        p.close()
    goto(app, "Read")
    app.selectbox(key="read_group").set_value("developer").run()
    assert app.selectbox(key="read_transcript").options == ["P02"]
    app.selectbox(key="read_group").set_value("(all)").run()
    app.selectbox(key="read_code").set_value("Human oversight").run()
    assert app.selectbox(key="read_transcript").options == ["P01"]


def test_code_by_hand_applies_removes_adds_a_code_and_saves_a_memo(app, project_dir):
    goto(app, "Code by hand")
    app.selectbox(key="hand_transcript").set_value("P02").run()
    app.selectbox(key="hand_code").set_value("Efficiency").run()
    app.button(key="hand_apply").click().run()
    assert decisions(project_dir) == [("apply", "Efficiency")]
    app.button(key="hand_remove_Efficiency").click().run()
    assert decisions(project_dir)[-1] == ("remove", "Efficiency")

    app.text_input(key="hand_new_name").set_value("Measurement")
    app.text_area(key="hand_new_definition").set_value("Counting outcomes every week.")
    [b for b in app.button if b.label == "Add code"][0].click().run()
    p = store_of(project_dir)
    try:
        assert "Measurement" in p.store.codebook()
        assert ("apply", "Measurement") in decisions(project_dir)
    finally:
        p.close()
    app.text_area(key="hand_memo_text").set_value("Ask P02 what they measure.")
    [b for b in app.button if b.label == "Save memo"][0].click().run()
    p = store_of(project_dir)
    try:
        assert [m.text for m in p.store.memos()] == ["Ask P02 what they measure."]
    finally:
        p.close()


def test_codebook_page_edit_rename_merge_split(app, project_dir):
    goto(app, "Codebook")
    assert [e.label for e in app.expander][:3] == ["Human oversight", "Transparency", "Efficiency"]
    app.text_area(key="cb_edit_def_Human oversight").set_value("A clinician checks AI output first.")
    [b for b in app.button if b.label == "Save changes"][0].click().run()
    p = store_of(project_dir)
    try:
        assert p.store.codebook()["Human oversight"].definition == "A clinician checks AI output first."
    finally:
        p.close()

    app.text_input(key="cb_rename_new").set_value("Speed")
    app.selectbox(key="cb_rename_old").set_value("Efficiency")
    [b for b in app.button if b.label == "Rename"][0].click().run()
    assert "Renamed Efficiency to Speed." in [s.value for s in app.success]

    app.multiselect(key="cb_merge_sources").set_value(["Transparency"])
    app.selectbox(key="cb_merge_into").set_value("Human oversight")
    [b for b in app.button if b.label == "Merge"][0].click().run()
    assert "Merged Transparency into Human oversight." in [s.value for s in app.success]

    app.selectbox(key="cb_split_code").set_value("Speed")
    app.text_area(key="cb_split_parts").set_value("Throughput: patients per hour\nbad line")
    [b for b in app.button if b.label == "Split"][0].click().run()
    assert "line 2: write each new code as 'Name: definition'" in app.error[0].value
    p = store_of(project_dir)
    try:
        assert p.store.codebook().names == ["Human oversight", "Speed"]
        assert p.store.renames() == {"Efficiency": "Speed", "Transparency": "Human oversight"}
        assert [v["version"] for v in p.store.codebook_history()] == ["1", "2", "3", "4"]
    finally:
        p.close()


def test_themes_page_promotes_and_dismisses(app, project_dir):
    goto(app, "Candidate themes")
    assert [h.value for h in app.subheader] == ["privacy / data / messages", "weekly measurement"]
    assert "clinician: 1 participant" in " ".join(m.value for m in app.markdown)
    app.text_input(key="theme_name_theme-privacy").set_value("Privacy")
    app.text_area(key="theme_def_theme-privacy").set_value("Worry about where patient data goes.")
    [b for b in app.button if b.label == "Promote to code"][0].click().run()
    assert "Promoted Privacy: its quotes are in the review queue." in [s.value for s in app.success]
    [b for b in app.button if b.label == "Dismiss"][0].click().run()
    p = store_of(project_dir)
    try:
        assert {t.id: t.status for t in p.store.themes()} == {"theme-privacy": "promoted", "theme-week": "dismissed"}
        assert [s.code for s in pending(p.store, "ana")].count("Privacy") == 1
    finally:
        p.close()
    goto(app, "Review")
    app.selectbox(key="review_code").set_value("Privacy").run()
    assert "From promoted theme" in [c.value for c in app.caption]


def test_compare_page_shows_tables_charts_and_downloads(app, project_dir):
    goto(app, "Review")
    app.radio(key="review_order").set_value("Most confident first").run()
    app.button(key="review_accept").click().run()
    app.button(key="review_accept").click().run()
    goto(app, "Compare & export")
    assert not app.error
    assert len(app.get("plotly_chart")) == 2
    app.button(key="export_prepare").click().run()
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Download markdown", "Download html", "Download docx", "Download xlsx", "Download csv",
                      "Download codebook-yaml", "Download qdc", "Download qdpx"]
