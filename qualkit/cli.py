"""The `qualkit` command: a thin layer over the library. Each command is one or two library calls.

Heavy libraries are imported inside commands so that `qualkit --help` stays fast.
"""
from __future__ import annotations

import contextlib
import functools
import os
import sys

import click

from .errors import QualkitError


def _errors_to_click(fn):
    """Library errors become one clear line and exit 1 at the edge; never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except QualkitError as e:
            raise click.ClickException(str(e)) from e
        except OSError as e:
            raise click.ClickException(f"{e.filename or ''}: {e.strerror or e}".lstrip(": ")) from e
    return wrapper


project_option = click.option("--project", "-p", "project_dir", default=lambda: os.environ.get("QUALKIT_PROJECT", "."),
                              show_default="current folder or $QUALKIT_PROJECT", type=click.Path(file_okay=False),
                              help="Project directory.")
# $QUALKIT_DB is read by Project.open alone (the app opens projects the same way), not here as well
db_option = click.option("--db", default=None,
                         help="SQLAlchemy database URL (default: SQLite in the project folder); or $QUALKIT_DB. "
                              "A relative SQLite path (sqlite:///team.db) is a file in the project folder.")


def _open(project_dir, db, read_only: bool = False):
    """Commands that only read open the database read-only (they also work on a read-only project)."""
    from .project import Project
    return Project.open(project_dir, db=db, read_only=read_only)


def _bar(items, label):
    return click.progressbar(list(items), label=label, file=sys.stderr) if sys.stderr.isatty() else _Plain(items)


class _Plain:
    def __init__(self, items):
        self.items = list(items)

    def __enter__(self):
        return iter(self.items)

    def __exit__(self, *exc):
        return False


def _progress(items, label):
    with _bar(items, label) as it:
        yield from it


@contextlib.contextmanager
def _reader_notes():
    """Collect the readers' IngestNote warnings (skipped empty rows, links not followed) as plain messages, to be
    printed as `note:` lines instead of Python's warning format."""
    import warnings

    from .ingest import IngestNote
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IngestNote)
        yield messages
    for w in caught:
        if issubclass(w.category, IngestNote):
            messages.append(str(w.message))
        else:  # other libraries' warnings are theirs to show, as they would have been
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qualkit")
def cli():
    """qualkit: qualitative interview analysis that keeps the researcher in charge.

    Ingest transcripts, segment them, apply your codebook with AI suggestions you accept or reject,
    propose candidate themes (possible new codes), and export theme tables (a theme is a parent code of your
    codebook). Everything runs on this machine.
    """
    import warnings
    shown = warnings.showwarning

    def note(message, category, *args, **kwargs):
        # the library warns about what the researcher should know (parameters tuned on another model): one line
        # in the CLI's voice, not a Python warning with a file and line number
        from .suggest.params import TuningWarning
        if issubclass(category, TuningWarning):
            click.echo(f"note: {message}", err=True)
        else:
            shown(message, category, *args, **kwargs)
    warnings.showwarning = note
    click.get_current_context().call_on_close(lambda: setattr(warnings, "showwarning", shown))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@db_option
@_errors_to_click
def init(directory, db):
    """Create a project in DIRECTORY (idempotent)."""
    from .project import Project
    project = Project.init(directory, db=db)
    click.echo(f"project {project.name!r} ready in {directory} ({project.store.safe_url})")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@project_option
@db_option
@click.option("--participants", type=click.Path(dir_okay=False), help="participants.csv (id, group, role, ...).")
@click.option("--unit", type=click.Choice(["turn", "sentence", "paragraph"]), default="turn", show_default=True,
              help="Segmentation unit.")
@click.option("--max-chars", type=int, default=1200, show_default=True,
              help="Turns longer than this are split at sentence boundaries (unit=turn).")
@click.option("--text-column", help="CSV: the column holding the text (default: text).")
@click.option("--id-column", help="CSV: the column holding the document id.")
@click.option("--encoding", help="Text encoding of .txt/.md/.vtt/.srt/.csv files that are not UTF-8, e.g. cp1252 "
                                 "or cp1251 (default: UTF-8 or UTF-16; anything else is refused, never guessed).")
@click.option("--interviewer", "interviewers", multiple=True, help="A speaker name to treat as interviewer.")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE",
              help="Attribute for the participants of these files, e.g. --attr group=clinician.")
@_errors_to_click
def ingest(paths, project_dir, db, participants, unit, max_chars, text_column, id_column, encoding, interviewers,
           attrs):
    """Read transcripts (files or folders) into the project and segment them.

    Formats: .txt .md .docx .odt .pdf .vtt .srt .csv. Unchanged files are skipped; a changed file whose
    transcript already has codings is refused.
    """
    from .project import ingest as run_ingest
    attributes = {}
    for a in attrs:
        if "=" not in a:
            raise QualkitError(f"--attr {a!r}: expected KEY=VALUE")
        k, v = a.split("=", 1)
        attributes[k.strip()] = v.strip()
    project = _open(project_dir, db)
    with _reader_notes() as notes:
        report = run_ingest(project, paths, participants_csv=participants, unit=unit, max_chars=max_chars,
                            text_column=text_column, id_column=id_column, interviewers=interviewers,
                            attributes=attributes, progress=_progress, encoding=encoding)
    click.echo(f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
               f"re-segmented {len(report.resegmented)}; {report.segments} segments written")
    for n in notes:
        click.echo(f"note: {n}")
    for tid in report.unlabelled:
        click.echo(f"note: {tid}: no speaker labels found; each paragraph became one participant turn")


@cli.group()
def codebook():
    """Check codebooks and set the project's codebook."""


@codebook.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@_errors_to_click
def codebook_check(file):
    """Validate a codebook (YAML or CSV) and report every problem at once."""
    from .codebook import load_codebook, warnings
    cb = load_codebook(file)
    parents = sum(1 for c in cb.codes if cb.children(c.name))
    click.echo(f"{file}: ok: {cb.name!r} v{cb.version}, {len(cb.codes)} codes ({parents} with sub-codes)")
    for w in warnings(cb):
        click.echo(f"warning: {w}")


@codebook.command("use")
@click.argument("file", type=click.Path(dir_okay=False))
@project_option
@db_option
@click.option("--coder", default="", help="Who made this codebook version.")
@_errors_to_click
def codebook_use(file, project_dir, db, coder):
    """Make FILE the project's codebook (a new version is kept; old ones stay in the history)."""
    from .codebook import load_codebook
    cb = load_codebook(file)
    project = _open(project_dir, db)
    changed = project.store.put_codebook(cb, by=coder)
    click.echo(f"codebook {cb.name!r} ({len(cb.codes)} codes) {'saved' if changed else 'unchanged'}")


@cli.command("import-codings")
@click.argument("csv_file", type=click.Path(dir_okay=False))
@project_option
@db_option
@click.option("--coder", help="Coder name for every row (else the CSV's coder column).")
@_errors_to_click
def import_codings_cmd(csv_file, project_dir, db, coder):
    """Import codings from a CSV with columns document, start_char, end_char, code[, coder]."""
    from .project import import_codings
    report = import_codings(_open(project_dir, db), csv_file, coder=coder)
    click.echo(f"imported {report.added} coding(s); {report.already_present} already present")
    if report.unknown_codes:
        click.echo(f"note: codes not in the project's codebook: {', '.join(report.unknown_codes)}")


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@project_option
@db_option
@click.option("--unit", type=click.Choice(["turn", "sentence", "paragraph"]), default="turn", show_default=True,
              help="Segmentation unit for the imported transcripts.")
@click.option("--coder", help="Record every imported coding under this coder (default: the file's own users).")
@_errors_to_click
def import_cmd(file, project_dir, db, unit, coder):
    """Import a Taguette project (.sqlite3), a REFI-QDA project (.qdpx) or codebook (.qdc)."""
    from .project import import_project
    r = import_project(_open(project_dir, db), file, unit=unit, coder=coder)
    click.echo(f"imported {r.transcripts} transcript(s) ({r.unchanged} already present), {r.codes} codes, "
               f"{r.codings} new coding(s), {r.memos} memo(s)")


@cli.command()
@project_option
@db_option
@_errors_to_click
def status(project_dir, db):
    """Transcripts, participants by group, segments, codes and codings."""
    from .project import project_status
    for line in project_status(_open(project_dir, db, read_only=True)).lines():
        click.echo(line)


def embedder_option(fn):
    """--embedder NAME / --model PATH, turned into one `embedder` argument: the embedder itself (not loaded yet)."""
    @functools.wraps(fn)
    def wrapper(*args, embedder, model, **kwargs):
        from .pipeline import load_embedder

        def say(line):
            click.echo(f"qualkit: {line}", err=True)
        if model and embedder != "minilm-fast":
            raise click.UsageError("use --embedder NAME or --model PATH, not both")
        try:
            chosen = load_embedder("sentence-transformers", path=model, progress=say) if model else \
                load_embedder(embedder, progress=say)
        except QualkitError as e:
            raise click.ClickException(str(e)) from e
        return fn(*args, embedder=chosen, **kwargs)
    wrapper = click.option("--model", type=click.Path(), default=None,
                           help="A local sentence-transformers model folder to embed with instead (recorded in "
                                "the run as its path).")(wrapper)
    return click.option("--embedder", default="minilm-fast", show_default=True,
                        help="Embedding backend by name: minilm-fast (all-MiniLM-L6-v2 via ONNX Runtime, int8 "
                             "chosen for this CPU) or minilm (the reference sentence-transformers encoder); both "
                             "local and offline.")(wrapper)


seed_option = click.option("--seed", type=int, default=0, show_default=True, help="Random seed (recorded in the run).")


def llm_options(fn):
    """--llm URL --llm-model NAME [--llm-institution-server] [--llm-timeout S]: a language model as the coder."""
    for opt in reversed([
        click.option("--llm", "llm_url", metavar="URL",
                     help="Ask a language model on an OpenAI-compatible server instead of the embedding engine, e.g. "
                          "http://127.0.0.1:11434 (Ollama) or http://127.0.0.1:8080 (llama.cpp's llama-server). "
                          "Must be on this machine unless --llm-institution-server."),
        click.option("--llm-model", metavar="NAME", help="The model as the server lists it (e.g. llama3.1:8b)."),
        click.option("--llm-institution-server", is_flag=True,
                     help="The --llm URL is your institution's own server, off this machine: transcripts are sent "
                          "to it. Recorded in the run and in the report's AI-assistance disclosure."),
        click.option("--llm-timeout", type=float, default=120.0, show_default=True,
                     help="Seconds to wait for each answer."),
    ]):
        fn = opt(fn)
    return fn


def _llm_config(llm_url, llm_model, institution_server, timeout):
    if not llm_url and not llm_model:
        return None
    if not (llm_url and llm_model):
        raise QualkitError("--llm URL and --llm-model NAME go together: give both (or neither, for the embedding "
                           "engine)")
    from .llm import LLMConfig
    return LLMConfig(llm_url, llm_model, institution_server=institution_server, timeout=timeout)


def _llm_progress(label):
    """A progress line on stderr for the language model's segments (seconds each), when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done, total):
        click.echo(f"\r{label}: {done}/{total} segments", err=True, nl=done == total)
    return show


@cli.command()
@project_option
@db_option
@embedder_option
@seed_option
@llm_options
@_errors_to_click
def suggest(project_dir, db, embedder, seed, llm_url, llm_model, llm_institution_server, llm_timeout):
    """Suggest codebook codes for every participant segment (nothing is coded until a person accepts)."""
    from .pipeline import PipelineReport, run_suggest
    llm = _llm_config(llm_url, llm_model, llm_institution_server, llm_timeout)
    report = PipelineReport()
    run, suggestions = run_suggest(_open(project_dir, db), embedder, seed=seed, llm=llm,
                                   report=report, progress=_llm_progress("llm") if llm else None)
    confident = sum(1 for x in suggestions if x.above_threshold)
    click.echo(f"run {run.id}: {len(suggestions)} suggestions ({confident} above their code's threshold) "
               f"with {run.model}, codebook {run.codebook_hash}, seed {run.seed}")
    for note in report.notes if llm else ():
        click.echo(f"note: {note}")


@cli.command("candidate-themes")
@project_option
@db_option
@embedder_option
@seed_option
@click.option("--all-segments", is_flag=True, help="Cluster every segment, not only those no code covers.")
@_errors_to_click
def candidate_themes(project_dir, db, embedder, seed, all_segments):
    """Propose candidate themes: clusters of what the codebook leaves uncovered, each a possible new code to
    promote or dismiss (BERTopic). Not the report's themes, which are your parent codes. Also `qualkit themes`."""
    from .pipeline import run_themes
    result = run_themes(_open(project_dir, db), embedder, seed=seed, novelty=not all_segments)
    click.echo(f"run {result.run.id}: {len(result.themes)} candidate theme(s) by {result.method}")
    for note in result.notes:
        click.echo(f"note: {note}")
    for t in result.themes:
        click.echo(f"  {t.label}  ({len(t.segment_ids)} segments; {', '.join(t.keywords[:5])})")


cli.add_command(candidate_themes, "themes")  # the command's earlier name keeps working


def _floats(value: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in value.split(","))
    except ValueError:
        raise QualkitError(f"expected comma-separated numbers, got {value!r}") from None


@cli.command("eval")
@project_option
@db_option
@click.option("--human-coder", help="The human coder to measure against (default: the only coder).")
@click.option("--fractions", default="0,0.25", show_default=True,
              help="Fractions of transcripts whose human codes are given to the tool as decisions (0 = zero-shot).")
@click.option("--seeds", default="0,1,2", show_default=True, help="Random splits of transcripts.")
@click.option("--unit", type=click.Choice(["turn", "sentence", "paragraph"]),
              help="Evaluate on this segmentation instead of the project's own segments.")
@click.option("--split", type=click.Choice(["development", "held-out"]),
              help="Only this fixed half of the transcripts: tune on development, report on held-out.")
@embedder_option
@llm_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_errors_to_click
def eval_cmd(project_dir, db, human_coder, fractions, seeds, unit, split, embedder, llm_url, llm_model,
             llm_institution_server, llm_timeout, as_json):
    """Measure the suggestions against a human coder: kappa, precision, recall, F1 per code, zero-shot and learned."""
    from .evaluate import evaluate
    from dataclasses import replace
    project = _open(project_dir, db)
    snapshot = project.store.snapshot(project.name)
    if unit:
        snapshot = replace(snapshot, segments=())  # evaluate() segments the transcripts by `unit`
    if split:
        from .evaluate import restrict
        snapshot = restrict(snapshot, split)
    llm = _llm_config(llm_url, llm_model, llm_institution_server, llm_timeout)
    suggester = None
    if llm is not None:  # answers cached in the project, so a repeated evaluation makes no calls
        from .llm import LLMSuggester, StoreLLMCache
        suggester = LLMSuggester(llm, llm_cache=StoreLLMCache(project.store), progress=_llm_progress("llm"))
    report = evaluate(snapshot, embedder, human_coder=human_coder, fractions=_floats(fractions),
                      seeds=tuple(int(s) for s in _floats(seeds)), unit=unit or "turn", cache=project.store,
                      suggester=suggester)
    click.echo(report.to_json() if as_json else report.to_table())
    if suggester is not None:
        click.echo(suggester.total_line(), err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--project", "-p", "project_dir", required=True, type=click.Path(file_okay=False),
              help="Project directory (created if needed).")
@db_option
@click.option("--codebook", "codebook_file", type=click.Path(dir_okay=False), help="Codebook (YAML or CSV).")
@click.option("--participants", type=click.Path(dir_okay=False), help="participants.csv.")
@click.option("--unit", type=click.Choice(["turn", "sentence", "paragraph"]), default="turn", show_default=True)
@embedder_option
@seed_option
@llm_options
@click.option("--no-candidate-themes", "--no-themes", "no_themes", is_flag=True,
              help="Skip proposing candidate themes.")
@_errors_to_click
def run(paths, project_dir, db, codebook_file, participants, unit, embedder, seed, llm_url, llm_model,
        llm_institution_server, llm_timeout, no_themes):
    """The main job: ingest and segment PATHS, load the codebook, suggest codes, propose candidate themes,
    summarise."""
    from .pipeline import run_pipeline
    from .project import Project, project_status
    llm = _llm_config(llm_url, llm_model, llm_institution_server, llm_timeout)
    project = Project.init(project_dir, db=db)
    click.echo("qualkit: ingest, segment, embed, suggest" + (f" with {llm.model}" if llm else "")
               + ("" if no_themes else ", candidate themes") + " ...", err=True)
    with _reader_notes() as reader_notes:
        report = run_pipeline(project, paths, codebook_path=codebook_file, participants=participants, unit=unit,
                              embedder=embedder, seed=seed, themes=not no_themes, progress=_progress,
                              llm=llm)
    for note in reader_notes:
        click.echo(f"note: {note}")
    c = report.counts
    click.echo(f"ingest        added {c.get('added', 0)}, updated {c.get('updated', 0)}, unchanged "
               f"{c.get('unchanged', 0)}; {c.get('embedded', 0)} new text(s) embedded")
    for line in project_status(project).lines():
        click.echo(line)
    click.echo("timings       " + ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()))
    for note in report.notes:
        click.echo(f"note: {note}")
    for t in project.store.themes():
        click.echo(f"candidate theme  {t.label}  ({len(t.segment_ids)} segments)")
    click.echo(f"next: `qualkit app {project_dir}` to review the suggestions")


@cli.command()
@project_option
@db_option
@click.option("--out", type=click.Path(), help="Also write the full report here (.md, .html, .docx, .xlsx).")
@click.option("--group-by", default="group", show_default=True, help="Participant attribute to compare.")
@click.option("--coder", help="Count only this coder's codings (default: every coder).")
@click.option("--published", type=click.Path(dir_okay=False), help="A published study's themes (YAML) to set beside.")
@_errors_to_click
def report(project_dir, db, out, group_by, coder, published):
    """Theme table (each theme a parent code with its codes) and group comparison (accepted and hand-applied
    codings only)."""
    from .export import collect, write_report
    from .export.markdown import render_markdown
    project = _open(project_dir, db, read_only=True)
    if out:
        project.check_output(out)  # before the work: never the project's own files, a folder or a read-only file
    data = collect(project.store.snapshot(project.name), group_by=group_by, coder=coder, published=published)
    click.echo(render_markdown(data))
    if out:
        write_report(data.snapshot, out, data=data)
        click.echo(f"wrote {out}", err=True)


class _LazyChoice(click.Choice):
    """A click.Choice whose choices are loaded when first needed (parsing or that command's help), not when the
    CLI is imported: `qualkit --help` must not import what only one command uses."""

    def __init__(self, load, case_sensitive: bool = True):
        self._load = load
        self.case_sensitive = case_sensitive

    @functools.cached_property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._load())


def _export_formats() -> list[str]:
    from .export import FORMATS  # the one list of export formats (importing qualkit.export imports pandas)
    return list(FORMATS)


@cli.command()
@project_option
@db_option
@click.option("--format", "fmt", type=_LazyChoice(_export_formats), required=True, help="What to write.")
@click.option("--out", required=True, type=click.Path(), help="File to write (a folder for charts).")
@click.option("--group-by", default="group", show_default=True, help="Participant attribute to compare.")
@click.option("--published", type=click.Path(dir_okay=False), help="A published study's themes (YAML).")
@_errors_to_click
def export(project_dir, db, fmt, out, group_by, published):
    """Export reports, codings, the codebook, charts, or REFI-QDA (.qdc codebook, .qdpx project)."""
    from . import export as ex
    from .atomic import ensure_folder
    project = _open(project_dir, db, read_only=True)
    if fmt == "charts":
        ensure_folder(out, protected=project.own_files())
    else:
        project.check_output(out)  # before the work: never the project's own files, a folder or a read-only file
    written = ex.export(project.store.snapshot(project.name), out, fmt, group_by=group_by, published=published)
    if isinstance(written, ex.ChartFiles):
        click.echo(f"wrote {len(written.written)} chart file(s) to {out}: "
                   f"{', '.join(p.name for p in written.written) or 'none'}")
        for line in written.skipped:
            click.echo(f"note: {line}")
        return
    click.echo(f"wrote {out}")


@cli.command("agreement")
@project_option
@db_option
@click.option("--coder", "coders", multiple=True, help="A coder to compare (twice or more; `ai` = the tool's "
                                                        "suggestions above threshold). Default: every coder.")
@click.option("--unit", type=click.Choice(["segment", "participant"]), default="segment", show_default=True)
@click.option("--disagreements", is_flag=True, help="List the segments the coders disagree on.")
@_errors_to_click
def agreement_cmd(project_dir, db, coders, unit, disagreements):
    """Percent agreement, Cohen's kappa, Krippendorff's alpha and Gwet's AC1 per code and pooled."""
    from .analysis import agreement
    from .project.ai_coder import AI_CODER, snapshot_with_ai
    project = _open(project_dir, db, read_only=True)
    snap = snapshot_with_ai(project) if AI_CODER in coders else project.store.snapshot(project.name)
    result = agreement(snap, list(coders) or None, unit)
    click.echo(f"coders: {', '.join(result.coders)}; {result.n_units} units ({result.unit_source})")
    click.echo(result.to_frame().to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if disagreements:
        click.echo(result.disagreements_frame().to_string(index=False))


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default keeps the app (and your transcripts) on this machine. Any other "
                   "address requires sign-in with the project's accounts (`qualkit user add`).")
@_errors_to_click
def app(directory, port, host):
    """Open the app in your browser: a study's whole workplace (with no DIRECTORY: the start page, to create or
    open a project or explore the sample study)."""
    from .ui import launch
    sys.exit(launch(directory, port=port, host=host))


@cli.group()
def user():
    """Accounts for signing in to an app served beyond this machine (`qualkit app DIR --host ADDR`)."""


@user.command("add")
@click.argument("name")
@project_option
@db_option
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@_errors_to_click
def user_add(name, project_dir, db, password_stdin):
    """Create the account NAME in the project; its decisions are recorded under NAME. Asks for the password."""
    from .auth import add_account
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)
    project = _open(project_dir, db)
    try:
        created = add_account(project.store, name, password, by=os.environ.get("USER", ""))
    finally:
        project.close()
    click.echo(f"created account {created!r} in {project_dir}; it signs in to `qualkit app {project_dir} --host ...`")


@user.command("list")
@project_option
@db_option
@_errors_to_click
def user_list(project_dir, db):
    """List the project's accounts."""
    from .auth import account_names
    project = _open(project_dir, db)
    try:
        for name in account_names(project.store):
            click.echo(name)
    finally:
        project.close()


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for de-identified transcripts.")
@click.option("--mapping", required=True, type=click.Path(dir_okay=False),
              help="Private file for the placeholder -> original mapping (kept outside --out and any project).")
@click.option("--name", "names", multiple=True, help="A name you confirm should be replaced (repeatable).")
@click.option("--participants", type=click.Path(dir_okay=False), help="participants.csv (its name column is used).")
@click.option("--salt", default="", help="Secret salt: the same person gets the same fingerprint across batches.")
@click.option("--suggest-names", is_flag=True, help="Only list capitalised words that look like names, to confirm.")
@_errors_to_click
def deidentify(paths, out, mapping, names, participants, salt, suggest_names):
    """Replace names, e-mails, phones, dates, URLs, postcodes and record numbers with consistent placeholders."""
    from . import ingest as readers
    from .privacy import candidate_names, deidentify_files
    if suggest_names:
        with _reader_notes() as notes:
            transcripts = [t for f in readers.iter_files(paths) for t in readers.read_file(f)]
        for c in candidate_names(transcripts):
            click.echo(f"{c.name}\t{c.count}x\t{c.reason}\t{c.example}")
        for n in notes:
            click.echo(f"note: {n}", err=True)  # stderr: stdout is the tab-separated list
        return
    with _reader_notes() as notes:
        r = deidentify_files(paths, out=out, mapping=mapping, names=names, participants_csv=participants, salt=salt)
    click.echo(f"wrote {len(r.written)} file(s) to {out}; {len(r.result.replacements)} replacement(s) of "
               f"{len(r.result.mapping)} identifier(s); review {r.report_path}; mapping kept in {r.mapping_path}")
    for n in notes:
        click.echo(f"note: {n}")


def main():
    try:
        cli(prog_name="qualkit")
    except Exception as e:  # a bug, not bad input: still one line for the user, the details on request
        if os.environ.get("QUALKIT_DEBUG"):
            raise
        # Only the exception type and its first line: messages of lower layers may quote transcript text.
        first = str(e).splitlines()[0][:200] if str(e) else ""
        click.echo(f"Error: internal error ({e.__class__.__name__}: {first}); nothing more was written. "
                   "Run again with QUALKIT_DEBUG=1 for details and report it.", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
