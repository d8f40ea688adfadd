"""Ingest benchmark: N mixed PDF/DOCX files (default 1,000) through Maillage's document pipeline,
against raw pypdf/python-docx extraction of the same files in the same run.

The files are generated first (half PDF with fpdf2, half DOCX with python-docx, 2–5 paragraphs of
French administrative text from ``bench/corpus.py``, fixed seed). Then, in this order:

1. raw: ``PdfReader(path).pages[i].extract_text()`` / ``docx.Document(path)`` paragraphs and
   table cells, in this process: the floor any pipeline pays to read the text;
2. sniff: ``documents.filetypes.check_upload`` on every file (already part of step 3; timed apart);
3. pipeline, as the application runs it: ``upload_documents`` (checks, hash, storage, rows,
   activity; the extraction task it enqueues is dropped by the dummy task backend), then
   ``extract_and_store`` as the worker would (extraction in a bounded child process, result
   saved, Whoosh indexing);
4. the same pipeline with the extraction in-process (``extract_text``), to show what the child
   process per file costs. Steps 3 and 4 each start from an empty Whoosh index.

Run from the repository root: ``.venv/bin/python bench/ingest.py [--files N]``.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load_average, percentile, setup_django
from bench.corpus import FrenchText

SEED = 20_241_202
REFERENCE_FILES = 1_000
WARMUP_FILES = 5
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
_NOT_LATIN1 = str.maketrans({"—": "-", "’": "'", "œ": "oe", "€": "EUR", "…": "..."})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("ingest (bench/ingest.py)")
    group.add_argument(
        "--files", type=int, default=REFERENCE_FILES, help="files generated, half PDF (1000)"
    )


# --- Files ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleFile:
    path: Path
    name: str
    kind: str  # "pdf" or "docx"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_")[:60]


def _font_dir() -> Path | None:
    for folder in _FONT_DIRS:
        if (Path(folder) / "DejaVuSans.ttf").exists():
            return Path(folder)
    return None


def _pdf(title: str, paragraphs: list[str], fonts: Path | None) -> bytes:
    import datetime as dt

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.set_title(title)
    if fonts is not None:
        # An embedded TrueType subset, like most office PDFs: the text keeps every accent.
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        family = "DejaVu"
    else:  # core font: Latin-1 only
        family = "Helvetica"
        title = title.translate(_NOT_LATIN1)
        paragraphs = [p.translate(_NOT_LATIN1) for p in paragraphs]
    pdf.add_page()
    pdf.set_font(family, "B", 14)
    pdf.multi_cell(0, 8, title)
    pdf.ln(4)
    pdf.set_font(family, "", 11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(3)
    return bytes(pdf.output())


def _docx(title: str, paragraphs: list[str], table: list[list[str]] | None) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for position, paragraph in enumerate(paragraphs):
        document.add_paragraph(paragraph)
        if table and position == 0:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for row, values in zip(grid.rows, table, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _budget_table(text: FrenchText) -> list[list[str]]:
    rows = [["Chapitre", "Libellé", "Montant (€)"]]
    for _ in range(text.rng.randint(3, 6)):
        rows.append(
            [
                text.fill("{chapter}"),
                text.fill("{object}")[:60],
                text.fill("{amount}"),
            ]
        )
    return rows


def generate_files(folder: Path, count: int) -> list[SampleFile]:
    rng = random.Random(SEED)
    text = FrenchText(rng)
    fonts = _font_dir()
    files = []
    for index in range(count):
        title = text.title()
        paragraphs = [text.paragraph() for _ in range(rng.randint(2, 5))]
        kind = "pdf" if index % 2 == 0 else "docx"
        if kind == "pdf":
            data = _pdf(title, paragraphs, fonts)
        else:
            table = _budget_table(text) if rng.random() < 0.3 else None
            data = _docx(title, paragraphs, table)
        name = f"{index:04d}_{_slug(title)}.{kind}"
        path = folder / name
        path.write_bytes(data)
        files.append(SampleFile(path, name, kind))
    return files


# --- Raw extraction (the baseline) ------------------------------------------------------------


def raw_extract(sample: SampleFile) -> str:
    if sample.kind == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(sample.path)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    import docx

    document = docx.Document(str(sample.path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# --- Measurements -----------------------------------------------------------------------------


@dataclass
class Stage:
    label: str
    ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def add(self, seconds: float, kind: str) -> None:
        value = seconds * 1000
        self.ms.append(value)
        self.by_kind.setdefault(kind, []).append(value)

    @property
    def total_s(self) -> float:
        return sum(self.ms) / 1000

    def mean(self, kind: str | None = None) -> float:
        values = self.ms if kind is None else self.by_kind.get(kind, [])
        return sum(values) / len(values) if values else float("nan")


class _Timed:
    """Replaces a module attribute by a wrapper that times each call (bench process only)."""

    def __init__(self, module: Any, name: str, replacement: Callable[..., Any] | None = None):
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.target = replacement or self.original
        self.last = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.target(*args, **kwargs)
        finally:
            self.last = time.perf_counter() - start

    def __enter__(self) -> _Timed:
        setattr(self.module, self.name, self)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self.module, self.name, self.original)


@dataclass
class PipelineRun:
    label: str
    wall_s: float = 0.0
    upload: Stage = field(default_factory=lambda: Stage("upload + store"))
    extract_store: Stage = field(default_factory=lambda: Stage("extract_and_store"))
    extraction: Stage = field(default_factory=lambda: Stage("extraction"))
    indexing: Stage = field(default_factory=lambda: Stage("indexing"))
    bookkeeping: Stage = field(default_factory=lambda: Stage("bookkeeping"))
    statuses: dict[str, int] = field(default_factory=dict)
    chars: int = 0


def run_pipeline(
    label: str, files: list[SampleFile], membership: Any, index_dir: Path, *, in_process: bool
) -> PipelineRun:
    from django.conf import settings
    from django.core.files.base import ContentFile

    import documents.indexing
    import documents.services.extraction as service
    from documents.extraction import extract_text
    from documents.models import DocumentVersion
    from documents.services.documents import upload_documents
    from extranet.search import reset_backend

    settings.SEARCH_INDEX_DIR = index_dir
    reset_backend()
    run = PipelineRun(label)

    def in_process_extraction(path: Any, mime: str, **_limits: Any) -> Any:
        return extract_text(path, mime)

    extraction = _Timed(
        service, "extract_text_bounded", in_process_extraction if in_process else None
    )
    indexing = _Timed(documents.indexing, "index_document")
    clock = time.perf_counter
    started = clock()
    with extraction, indexing:
        for sample in files:
            t0 = clock()
            data = sample.path.read_bytes()
            (document,) = upload_documents(
                membership=membership, files=[ContentFile(data, name=sample.name)], kind="other"
            )
            t1 = clock()
            status = service.extract_and_store(document.current_version_id)
            t2 = clock()
            run.upload.add(t1 - t0, sample.kind)
            run.extract_store.add(t2 - t1, sample.kind)
            run.extraction.add(extraction.last, sample.kind)
            run.indexing.add(indexing.last, sample.kind)
            run.bookkeeping.add(t2 - t1 - extraction.last - indexing.last, sample.kind)
            run.statuses[status] = run.statuses.get(status, 0) + 1
    run.wall_s = clock() - started
    run.chars = sum(
        len(text)
        for text in DocumentVersion.objects.filter(
            document__space_id=membership.space_id
        ).values_list("extracted_text", flat=True)
        if text
    )
    return run


# --- Report -----------------------------------------------------------------------------------


def _count(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.1f}".replace(",", " ") if seconds else "-"


def _stage_row(stage: Stage, indent: str = "") -> str:
    label = indent + stage.label
    return (
        f"{label:<36} | {stage.total_s:>8.1f} | {stage.mean():>8.1f} | "
        f"{percentile(stage.ms, 50):>7.1f} | {percentile(stage.ms, 95):>7.1f} | "
        f"{stage.mean('pdf'):>7.1f} | {stage.mean('docx'):>7.1f}"
    )


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        add_arguments(parser)
        args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="maillage-bench-ingest-"))
    try:
        return run(args, workdir)
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> int:
    import platform

    started = time.perf_counter()
    count = args.files
    (workdir / "files").mkdir()
    t0 = time.perf_counter()
    files = generate_files(workdir / "files", count)
    generated_s = time.perf_counter() - t0
    size = sum(sample.path.stat().st_size for sample in files)
    pdfs = sum(1 for sample in files if sample.kind == "pdf")

    setup_django(
        str(workdir / "var"),
        env={
            # Enqueued tasks are dropped: the benchmark calls extract_and_store itself.
            "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "SEARCH_BACKEND": "whoosh",
        },
    )
    import django
    import docx
    import pypdf
    import whoosh
    from django.conf import settings
    from django.core.files.base import ContentFile

    from documents.filetypes import check_upload
    from documents.services.files import max_upload_bytes
    from extranet.roles import Role
    from extranet.services.accounts import create_user
    from extranet.services.memberships import add_member
    from extranet.services.spaces import create_space

    print(
        "Maillage bench — ingest: mixed PDF/DOCX files through the document pipeline, "
        "against raw pypdf/python-docx extraction"
    )
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, pypdf "
        f"{pypdf.__version__}, python-docx {getattr(docx, '__version__', '?')}, Whoosh "
        f"{'.'.join(map(str, whoosh.__version__))}, SQLite, {__import__('os').cpu_count()} CPU(s)"
    )
    print(
        f"Files: {count} ({pdfs} PDF, {count - pdfs} DOCX; {size / count / 1024:.1f} KiB on "
        f"average, {size / 1024 / 1024:.1f} MB in all), generated in {generated_s:.1f} s"
    )
    print(
        "Child-process limits: "
        f"{getattr(settings, 'DOCUMENTS_EXTRACTION_TIMEOUT', '?')} s, "
        f"{getattr(settings, 'DOCUMENTS_EXTRACTION_MEMORY_MB', '?')} MB; "
        "one file after the other, one process (no worker pool)"
    )
    print(f"Load average at the start: {load_average()}")
    print()

    # 1. Raw extraction.
    raw = Stage("raw pypdf / python-docx")
    raw_chars = 0
    for sample in files:
        t0 = time.perf_counter()
        raw_chars += len(raw_extract(sample))
        raw.add(time.perf_counter() - t0, sample.kind)

    # 2. Sniffing alone (check_upload also runs inside upload_documents).
    sniff = Stage("sniff: check_upload")
    limit = max_upload_bytes()
    for sample in files:
        data = sample.path.read_bytes()
        upload = ContentFile(data, name=sample.name)
        t0 = time.perf_counter()
        check_upload(upload, filename=sample.name, size=len(data), max_size=limit)
        sniff.add(time.perf_counter() - t0, sample.kind)

    # 3 and 4. The pipeline, extraction in a child process then in-process, each into a space
    # and a Whoosh index of its own, after a few untimed files (first queries, imports, caches).
    user = create_user(email="ingest@bench.invalid", full_name="Bench Ingest", validate=False)
    runs: list[PipelineRun] = []
    variants = [("warm-up", False, files[:WARMUP_FILES])]
    variants += [
        ("child process (as the app)", False, files),
        ("in-process extraction", True, files),
    ]
    for position, (label, in_process, batch) in enumerate(variants):
        space = create_space(name=f"Ingest {position}", slug=f"ingest-{position}", kind="officials")
        membership = add_member(space=space, user=user, role=Role.ADMIN)
        pipeline = run_pipeline(
            label, batch, membership, workdir / f"search-{position}", in_process=in_process
        )
        if label != "warm-up":
            runs.append(pipeline)

    header = (
        f"{'stage (ms per file)':<36} | {'total s':>8} | {'mean':>8} | {'p50':>7} | {'p95':>7} | "
        f"{'PDF':>7} | {'DOCX':>7}"
    )
    print(header)
    print("-" * len(header))
    print(_stage_row(raw))
    print(_stage_row(sniff))
    for pipeline in runs:
        print(f"pipeline, {pipeline.label}:")
        print(_stage_row(pipeline.upload, "  "))
        print(_stage_row(pipeline.extract_store, "  "))
        print(_stage_row(pipeline.extraction, "    "))
        print(_stage_row(pipeline.indexing, "    "))
        print(_stage_row(pipeline.bookkeeping, "    "))
    print()

    raw_rate = count / raw.total_s
    print(f"{'Raw extraction:':<46} {_rate(count, raw.total_s):>6} files/s")
    for pipeline in runs:
        ratio = (count / pipeline.wall_s) / raw_rate
        print(
            f"{'Pipeline, ' + pipeline.label + ':':<46} {_rate(count, pipeline.wall_s):>6} files/s"
            f" = {ratio:.3f} × raw ({pipeline.wall_s / raw.total_s:.1f} times as long), "
            f"{pipeline.wall_s:.1f} s for {count} files"
        )
    child_run, local_run = runs
    print(
        "Cost of the child process per file: "
        f"{child_run.extraction.mean() - local_run.extraction.mean():.0f} ms "
        f"(extraction {child_run.extraction.mean():.0f} ms in a child vs "
        f"{local_run.extraction.mean():.0f} ms in-process, mean)"
    )
    for pipeline in runs:
        shares = ", ".join(
            f"{stage.label} {100 * stage.total_s / pipeline.wall_s:.0f} %"
            for stage in (
                pipeline.upload,
                pipeline.extraction,
                pipeline.indexing,
                pipeline.bookkeeping,
            )
        )
        print(f"Share of the pipeline time, {pipeline.label}: {shares}")
    print(
        f"Extracted text: raw {_count(raw_chars)} characters; "
        + "; ".join(
            f"{pipeline.label} {_count(pipeline.chars)} (status "
            + ", ".join(f"{status}: {n}" for status, n in sorted(pipeline.statuses.items()))
            + ")"
            for pipeline in runs
        )
    )
    if count != REFERENCE_FILES:
        print(
            f"Projected for {REFERENCE_FILES} files: "
            + ", ".join(
                f"{pipeline.label} {pipeline.wall_s * REFERENCE_FILES / count:.0f} s"
                for pipeline in runs
            )
            + f", raw {raw.total_s * REFERENCE_FILES / count:.1f} s"
        )
    print(f"\nLoad average at the end: {load_average()}")
    print(f"Total run time: {time.perf_counter() - started:.1f} s")
    failures = sum(n for pipeline in runs for s, n in pipeline.statuses.items() if s != "ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
