"""Hostile and malformed catalog files, built in memory (stdlib and openpyxl only, no app code).

Used by the unit tests (tests/knowledge) and the end-to-end tests (tests/e2e), which send the same
bytes to a real server. Large inflated sizes are produced by streaming through the compressor, so
building a file that inflates to 300 MiB never holds more than a chunk of it.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator

import openpyxl

HEADER = "product_id,name,sku_id,price\n"
GOOD_ROWS = "P1,羊毛围巾,P1-A,59.00\nP2,加绒卫衣,P2-M,199.00\n"
_CHUNK = 1024 * 1024


def good_csv() -> bytes:
    return (HEADER + GOOD_ROWS).encode()


def _deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _repeat(line: bytes, total: int) -> Iterator[bytes]:
    """``total`` bytes made of ``line`` repeated, in chunks of about a MiB."""
    block = line * max(1, _CHUNK // len(line))
    left = total
    while left > 0:
        piece = block[:left]
        left -= len(piece)
        yield piece


def zip_with_big_member(inflated: int, name: str = "products.csv", *, zip64: bool = True) -> bytes:
    """A zip holding one CSV member of ``inflated`` bytes (the header, then one row again and again)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(_deflated(name), "w", force_zip64=zip64) as member,
    ):
        member.write(HEADER.encode())
        for chunk in _repeat(b"P1,name,S1,1.00\n", inflated - len(HEADER)):
            member.write(chunk)
    return buffer.getvalue()


def lying_zip(inflated: int, declared: int, name: str = "products.csv") -> bytes:
    """A zip whose central directory claims ``declared`` bytes for a member that really inflates
    to ``inflated`` bytes (the size readers plan with; the data and its CRC are the real ones)."""
    honest = zip_with_big_member(inflated, name, zip64=False)
    data = bytearray(honest)
    at = data.rindex(b"PK\x01\x02")  # the (only) central directory entry
    assert struct.unpack_from("<I", data, at + 24)[0] == inflated
    struct.pack_into("<I", data, at + 24, declared)
    return bytes(data)


def workbook(rows: list[list[object]], title: str = "商品") -> bytes:
    """An XLSX file with one sheet of ``rows`` (openpyxl, as a normal tool writes it)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(xlsx: bytes, replace: dict[str, Iterator[bytes] | bytes]) -> bytes:
    """A copy of the package with parts replaced or added (streamed when given as chunks)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        names = [info.filename for info in source.infolist()]
        for name in names + [n for n in replace if n not in names]:
            new = replace.get(name)
            if new is None:
                out.writestr(name, source.read(name))
            elif isinstance(new, bytes):
                out.writestr(name, new)
            else:
                with out.open(_deflated(name), "w", force_zip64=True) as member:
                    for chunk in new:
                        member.write(chunk)
    return buffer.getvalue()


def stale_dimension_workbook(products: int = 5) -> bytes:
    """A workbook of ``products`` products whose ``<dimension>`` tag claims only the header and
    one row (what some exporters write)."""
    rows: list[list[object]] = [["商品ID", "商品名称", "SKU编码", "售价"]]
    rows += [[f"P{i}", f"商品{i}", f"P{i}-A", 10 + i] for i in range(1, products + 1)]
    xlsx = workbook(rows)
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")
    stale = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:D2"', sheet)
    return _rewrite(xlsx, {"xl/worksheets/sheet1.xml": stale})


_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings_bomb(strings: int) -> bytes:
    """A valid small workbook whose shared-strings part holds ``strings`` entries."""
    xlsx = workbook([["商品ID", "商品名称", "SKU编码", "售价"], ["P1", "围巾", "P1-A", 59]])
    package = zipfile.ZipFile(io.BytesIO(xlsx))
    types = package.read("[Content_Types].xml").replace(
        b"</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>'.encode(),
    )
    rels = package.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        f'<Relationship Type="{_SST_REL}" Target="sharedStrings.xml" Id="rId99"/></Relationships>'.encode(),
    )

    def parts() -> Iterator[bytes]:
        ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        yield b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="' + ns + b'">'
        item = b"<si><t>x</t></si>"
        for _ in range(strings // 10_000):
            yield item * 10_000
        yield item * (strings % 10_000)
        yield b"</sst>"

    replace: dict[str, Iterator[bytes] | bytes] = {
        "[Content_Types].xml": types,
        "xl/_rels/workbook.xml.rels": rels,
        "xl/sharedStrings.xml": parts(),
    }
    return _rewrite(xlsx, replace)


def wide_sheet_workbook(rows: int) -> bytes:
    """A workbook whose rows each have a cell in the last column (XFD): 16,384 positions a row."""
    xlsx = workbook([["商品ID", "商品名称", "SKU编码", "售价"]])
    cells = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>P%d</t></is></c><c r="XFD%d"><v>1</v></c></row>'
        % (n, n, n, n)
        for n in range(2, rows + 2)
    )
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb"<dimension[^>]*/>", b"", sheet).replace(b"</sheetData>", cells + b"</sheetData>")
    return _rewrite(xlsx, {"xl/worksheets/sheet1.xml": sheet})


def long_id_workbook() -> bytes:
    """Two products whose 19-digit IDs were typed as numbers (Excel keeps 15 digits of them)."""
    return workbook(
        [
            ["商品ID", "商品名称", "SKU编码", "售价"],
            [float(1234567890123456781), "围巾", "S1", 59],
            [float(1234567890123456789), "手套", "S2", 39],
        ]
    )


def titled_workbook(sheet_title: str = "Sheet1") -> bytes:
    """A sheet with a title row (and a blank row) above the header, named like Excel's default."""
    return workbook(
        [
            ["双十一直播间商品清单"],
            [],
            ["商品ID", "商品名称", "SKU编码", "售价"],
            ["P1", "羊毛围巾", "P1-A", 59],
            ["P2", "加绒卫衣", "P2-M", 199],
        ],
        title=sheet_title,
    )


# -- CSV text in encodings that must not be guessed ------------------------------------------------
TRADITIONAL = "商品ID,商品名稱,SKU編碼,售價\nP1,羊毛混紡圍巾,P1-A,59.00\nP2,加絨連帽衛衣,P2-M,199.00\n"
JAPANESE = "商品ID,商品名,SKU,価格\nP1,ウールのマフラー,P1-A,59.00\nP2,パーカー,P2-M,199.00\n"
FRENCH = "product_id,name,sku_id,price\nP1,Crème brûlée à la française,P1-A,9.90\nP2,Café noir,P2,3.50\n"


def mostly_utf8() -> bytes:
    """A UTF-8 file where row 3 was pasted from Latin-1 text."""
    return (
        "商品ID,商品名称,SKU编码,售价\nP1,羊毛围巾,P1-A,59.00\n".encode()
        + "P2,Café crème,P2-M,19.00\n".encode("latin-1")
        + "P3,加绒卫衣,P3-M,199.00\n".encode()
    )


def misencoded_files() -> dict[str, tuple[bytes, int]]:
    """File name -> (bytes, first row that is not UTF-8)."""
    return {
        "big5.csv": (TRADITIONAL.encode("big5"), 1),
        "shift_jis.csv": (JAPANESE.encode("shift_jis"), 1),
        "latin1.csv": (FRENCH.encode("latin-1"), 2),
        "mostly_utf8.csv": (mostly_utf8(), 3),
    }
