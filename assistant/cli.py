"""The ``liveshop`` command line: serve, models, catalog import/export (and more sub-commands)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.cli_eval import eval_app
from assistant.service.settings import Settings, load_settings

if TYPE_CHECKING:
    from assistant.catalogs import CatalogService
    from knowledge.errors import ImportRejected

app = typer.Typer(help="LiveShop Assistant: live-room shopping assistant.", no_args_is_help=True)
models_app = typer.Typer(help="Install and list the local models.", no_args_is_help=True)
catalog_app = typer.Typer(help="Import and export product catalogs.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(catalog_app, name="catalog")
app.add_typer(eval_app, name="eval")

console = Console(stderr=True, soft_wrap=True)  # error lines stay whole (grep-able)


def configure_logging(level: str = "INFO") -> None:
    """Logging is configured once, here at the entry point."""
    from assistant.service.log_config import install_on_root

    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_on_root()


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="load the demo catalog and room")] = False,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING")] = "INFO",
) -> None:
    """Run the HTTP service."""
    import uvicorn

    from assistant.service.app import create_app

    configure_logging(log_level)
    settings = load_settings(demo=True) if demo else load_settings()
    app_instance = create_app(settings)
    if app_instance.state.dev_key:
        console.print(
            f"[yellow]No LIVESHOP_API_KEYS set: development key for this run:[/] {app_instance.state.dev_key}"
        )
    console.print(f"LiveShop Assistant on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    from assistant.service.log_config import uvicorn_log_config

    uvicorn.run(
        app_instance, host=host, port=port, log_level=log_level.lower(), log_config=uvicorn_log_config()
    )


@models_app.command("install")
def models_install() -> None:
    """Assemble and verify every model into LIVESHOP_MODEL_DIR (default ./models)."""
    from assistant.models import MODEL_NAMES, ModelError, install_model

    settings = load_settings()
    with progress_bar() as bar:
        for name in MODEL_NAMES:
            task = bar.add_task(name, total=1.0)

            def report(stage: str, fraction: float, task: TaskID = task) -> None:
                bar.update(task, completed=fraction)

            try:
                path = install_model(name, settings.model_dir, progress=report)
            except ModelError as exc:
                console.print(f"[red]{name}: {exc}")
                raise typer.Exit(1) from None
            bar.update(task, completed=1.0, description=f"{name} -> {path}")


@models_app.command("list")
def models_list() -> None:
    """Show each model: licence, source and whether it is installed."""
    from assistant.models import list_models

    settings = load_settings()
    table = Table("model", "installed", "path", "licence", "source")
    for info in list_models(settings.model_dir):
        table.add_row(
            info.name, "yes" if info.installed else "no", str(info.path or ""), info.licence, info.source
        )
    Console().print(table)


def _catalog_services(settings: Settings):  # type: ignore[no-untyped-def]
    from assistant.service.wiring import build_services

    return build_services(settings)


@catalog_app.command("import")
def catalog_import(
    files: Annotated[list[Path], typer.Argument(help="CSV (one or several, or .zip), XLSX, JSON or JSONL")],
    catalog: Annotated[str, typer.Option("--catalog", help="catalog id")],
    mode: Annotated[str, typer.Option(help="upsert or replace")] = "upsert",
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="embed all passages before exiting (or the server will)")
    ] = True,
) -> None:
    """Import a catalog file into the local store, showing each step, then print the import report."""
    from knowledge.errors import ImportRejected
    from knowledge.ingest import UploadedFile

    if mode not in ("upsert", "replace"):
        console.print(f"[red]--mode must be upsert or replace, not {mode!r}")
        raise typer.Exit(2)
    uploads = []
    for path in files:
        if not path.is_file():
            console.print(f"[red]{path}: no such file")
            raise typer.Exit(2)
        uploads.append(UploadedFile(path.name, path.read_bytes()))
    settings = load_settings()
    with progress_bar() as bar:
        catalogs = _load_catalogs(settings, bar)
        try:
            task = bar.add_task("import: parse", total=1.0)
            outcome = catalogs.import_files(
                catalog,
                uploads,
                "replace" if mode == "replace" else "upsert",
                progress=lambda stage, f: bar.update(task, completed=f, description=f"import: {stage}"),
            )
            if wait:
                _embed_backlog(catalogs, catalog, bar)
                outcome.embedding_backlog = catalogs.embedding_backlog(catalog)
        except ImportRejected as exc:
            bar.stop()
            _print_problems(exc)
            raise typer.Exit(1) from None
        finally:
            catalogs.close()
    sys.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2) + "\n")


def _load_catalogs(settings: Settings, bar: Progress) -> CatalogService:
    """The catalog service, with the embedding model loaded as a visible step (it takes seconds)."""
    from assistant.service.wiring import build_catalogs, build_embedder

    embedder = None
    if settings.embeddings != "none":
        task = bar.add_task("loading the embedding model (multilingual-e5-small)", total=1.0)
        embedder = build_embedder(settings)
        bar.update(task, completed=1.0, description="loaded the embedding model (multilingual-e5-small)")
    return build_catalogs(settings, embedder)


def _embed_backlog(catalogs: CatalogService, catalog_id: str, bar: Progress) -> None:
    """Wait for the passages the import left to the background worker, with a progress bar."""
    total = catalogs.embedding_backlog(catalog_id)
    if total == 0:
        return
    task = bar.add_task(f"embedding {total} passages", total=float(total))
    while not catalogs.wait_indexed(0.5, catalog_id):
        if catalogs.embedding_stalled(catalog_id):
            console.print("[red]embedding stopped on an error (logged above); the server resumes it at start")
            raise typer.Exit(1)
        left = catalogs.embedding_backlog(catalog_id)
        bar.update(task, completed=float(max(0, total - left)))
    bar.update(task, completed=float(total), description=f"embedded {total} passages")


def _print_problems(exc: ImportRejected) -> None:
    title = f"{len(exc.problems)} problem(s); nothing imported"
    table = Table("sheet", "row", "column", "problem", title=title)
    for p in exc.problems:
        table.add_row(p.sheet or "", "" if p.row is None else str(p.row), p.column or "", p.message)
    Console(stderr=True).print(table)


@catalog_app.command("export")
def catalog_export(
    catalog: Annotated[str, typer.Option("--catalog", help="catalog id")],
    format: Annotated[str, typer.Option("--format", help="csv (a zip of tables), xlsx or json")] = "json",
    out: Annotated[Path | None, typer.Option(help="output file (default: <catalog>.<ext>)")] = None,
) -> None:
    """Export a stored catalog."""
    from knowledge.errors import NotFoundError

    if format not in ("csv", "xlsx", "json"):
        console.print(f"[red]--format must be csv, xlsx or json, not {format!r}")
        raise typer.Exit(2)
    services = _catalog_services(load_settings(embeddings="none"))
    try:
        content, _ = services.catalogs.export(catalog, format)
    except NotFoundError as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(1) from None
    finally:
        services.close()
    target = out or Path(f"{catalog}.{'zip' if format == 'csv' else format}")
    target.write_bytes(content)
    console.print(f"wrote {target} ({len(content)} bytes)")


@app.command()
def transcribe(
    file: Annotated[Path, typer.Argument(help="WAV, FLAC, MP3, M4A or MP4")],
    diarize: Annotated[bool, typer.Option("--diarize/--no-diarize", help="label who spoke")] = False,
    format: Annotated[str, typer.Option("--format", help="srt, vtt, json, rttm or text")] = "srt",
    out: Annotated[Path | None, typer.Option(help="output file (default: print)")] = None,
    language: Annotated[str, typer.Option(help="zh (default), another ISO code, or auto")] = "zh",
    num_speakers: Annotated[int | None, typer.Option(help="fix the number of speakers")] = None,
    min_speakers: Annotated[int | None, typer.Option(help="at least this many speakers")] = None,
    max_speakers: Annotated[int | None, typer.Option(help="at most this many speakers")] = None,
) -> None:
    """Caption a recorded file with a progress bar.

    With a fixed language, speech confidently in another one is transcribed in that language and
    a warning says so (use ``--language auto`` for a room where several languages are spoken)."""
    from assistant.service.wiring import caption_pipeline_factory
    from speech.errors import SpeechError
    from speech.render import to_json, to_rttm, to_srt, to_text, to_vtt
    from speech.transcribe import TranscribeOptions

    if format not in ("srt", "vtt", "json", "rttm", "text"):
        console.print(f"[red]--format must be srt, vtt, json, rttm or text, not {format!r}")
        raise typer.Exit(2)
    if format == "rttm" and not diarize:
        console.print("[red]--format rttm needs --diarize (RTTM lists who spoke when)")
        raise typer.Exit(2)
    if not file.is_file():
        console.print(f"[red]{file}: no such file")
        raise typer.Exit(2)
    configure_logging("WARNING")
    try:
        options = TranscribeOptions(language=None if language == "auto" else language)
    except SpeechError as exc:
        console.print(f"[red]--language: {exc}")
        raise typer.Exit(2) from None
    pipeline = caption_pipeline_factory(load_settings().model_dir)()
    try:
        with progress_bar() as bar:
            task = bar.add_task("loading models", total=1.0)
            pipeline.load()

            def report(stage: str, fraction: float) -> None:
                bar.update(task, completed=fraction, description=stage)

            result = pipeline.run(
                file, diarize=diarize, num_speakers=num_speakers, min_speakers=min_speakers,
                max_speakers=max_speakers, transcribe_options=options, progress=report,
            )  # fmt: skip
    except SpeechError as exc:
        console.print(f"[red]{file}: {exc}")
        raise typer.Exit(1) from None
    for warning in result.warnings:
        console.print(f"[yellow]warning: {warning}")
    captions = result.captions
    rendered = {
        "srt": lambda: to_srt(captions),
        "vtt": lambda: to_vtt(captions),
        "json": lambda: to_json(captions, language=result.language, duration_s=result.duration_s),
        "rttm": lambda: to_rttm(result.diarization.turns if result.diarization else (), uri=file.stem),
        "text": lambda: to_text(captions, speakers=diarize),
    }[format]()
    if out is None:
        sys.stdout.write(rendered)
    else:
        out.write_text(rendered, encoding="utf-8")
        console.print(f"wrote {out}: {len(captions)} captions, RTF {result.rtf:.2f}")
