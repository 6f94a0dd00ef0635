"""Catalog import and export: CSV / XLSX / JSON / JSONL uploads -> a validated ``Catalog``.

``parse_catalog`` either returns the whole catalog or raises ``ImportRejected`` listing every
problem found (row, column, message, sheet); nothing is ever applied partially. ``export_catalog``
writes a catalog in any of the formats so that parsing the export gives the same catalog back.
The file format is documented in docs/catalog-format.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.domain import Catalog
from knowledge.errors import ImportRejected
from knowledge.ids import id_problem
from knowledge.ingest.build import build_catalog
from knowledge.ingest.export import export_catalog
from knowledge.ingest.files import UploadedFile, read_upload
from knowledge.ingest.model import DEFAULT_MAX_PROBLEMS, ProblemLog
from knowledge.ingest.templates import write_templates

__all__ = ["ParsedCatalog", "UploadedFile", "export_catalog", "parse_catalog", "write_templates"]

logger = logging.getLogger(__name__)
DEFAULT_MAX_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class ParsedCatalog:
    """An accepted import: the catalog, warnings (ignored columns, skipped sheets), data rows read."""

    catalog: Catalog
    warnings: list[str] = field(default_factory=list)
    row_count: int = 0


def parse_catalog(
    files: Sequence[UploadedFile],
    catalog_id: str,
    *,
    timezone: str = "Asia/Shanghai",
    max_rows: int = DEFAULT_MAX_ROWS,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> ParsedCatalog:
    """Read and validate an upload (one or more files) into one catalog.

    ``timezone`` is an IANA name used for times written without an offset. ``max_rows`` limits the
    data rows of each file (or JSON section); ``max_problems`` limits how many problems are listed
    (the rest are counted). Raises ``ImportRejected`` with every problem when anything is wrong.
    """
    log = ProblemLog(max_problems)
    filename = ", ".join(f.filename for f in files)
    bad_id = id_problem(catalog_id)
    if bad_id is not None:  # the id names files and headers later: refuse it before reading
        log.add(None, "catalog_id", bad_id)
        raise ImportRejected(log.all_problems(), filename)
    try:
        tz = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        log.add(None, "timezone", f"unknown time zone {timezone!r}; use an IANA name such as Asia/Shanghai")
        raise ImportRejected(log.all_problems(), filename) from None
    if not files:
        log.add(None, "file", "no file was uploaded; send the catalog as one or more `file` parts")
        raise ImportRejected(log.all_problems(), filename)
    tables = [table for f in files for table in read_upload(f, log, max_rows)]
    catalog = build_catalog(tables, catalog_id, log, tz)
    if log.failed:
        logger.info("catalog %s rejected: %d problem(s)", catalog_id, len(log.problems) + log.unlisted)
        raise ImportRejected(log.all_problems(), filename)
    rows = sum(len(t.rows) for t in tables)
    logger.info(
        "catalog %s parsed: %d products, %d promotions, %d rows",
        catalog_id,
        len(catalog.products),
        len(catalog.promotions),
        rows,
    )
    return ParsedCatalog(catalog, log.warnings, rows)
