"""Hostile and malformed uploads: bombs are refused with flat memory, nothing is silently lost or
garbled (encodings, long IDs, stale XLSX dimensions, title rows, two columns for one field)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest

from knowledge.errors import ImportRejected
from knowledge.ingest import ParsedCatalog, UploadedFile, parse_catalog
from knowledge.ingest.unpack import TooLargeError, read_member
from knowledge.ingest.xlsx_package import MAX_SHARED_STRINGS
from tests import hostile_files as hf

Problems = list[dict[str, object]]


def parse(name: str, content: bytes) -> ParsedCatalog:
    return parse_catalog([UploadedFile(name, content)], "c1")


def rejected(name: str, content: bytes) -> Problems:
    with pytest.raises(ImportRejected) as info:
        parse(name, content)
    return [p.as_dict() for p in info.value.problems]


def peak_rss_growth_mib(run: object) -> float:
    """Peak resident memory of this process while ``run()`` runs, above the resident memory before
    (the kernel's high-water mark is reset first: /proc/self/clear_refs)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _status_kib("VmRSS")
    run()  # type: ignore[operator]
    return (_status_kib("VmHWM") - before) / 1024


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


# -- decompression ---------------------------------------------------------------------------------
def test_zip_member_past_the_unpacked_limit_is_refused_before_inflating() -> None:
    bomb = hf.zip_with_big_member(250 * 2**20)  # ~0.5 MB on the wire
    problems: Problems = []
    growth = peak_rss_growth_mib(lambda: problems.extend(rejected("catalog.zip", bomb)))
    assert len(problems) == 1
    message = str(problems[0]["message"])
    assert "'products.csv'" in message and "the limit is 64 MiB unpacked" in message
    assert growth < 32, f"peak RSS grew {growth:.0f} MiB"  # measured: 0 MiB (was +1.75 GB before)


def test_zip_header_that_understates_a_member_is_caught_without_inflating_it() -> None:
    liar = hf.lying_zip(inflated=300 * 2**20, declared=1024)
    problems: Problems = []
    growth = peak_rss_growth_mib(lambda: problems.extend(rejected("catalog.zip", liar)))
    assert len(problems) == 1
    assert "cannot unpack 'products.csv': its data does not match its header" in str(problems[0]["message"])
    assert growth < 32, f"peak RSS grew {growth:.0f} MiB"  # measured: 0 MiB (was +300 MiB before)


def test_member_reading_stops_at_the_budget_whatever_the_header_says() -> None:
    archive = zipfile.ZipFile(io.BytesIO(hf.zip_with_big_member(100_000)))
    info = archive.getinfo("products.csv")
    with pytest.raises(TooLargeError, match="inflates to more than 65,536 bytes"):
        read_member(archive, info, 65_536)
    assert len(read_member(archive, info, 100_000)) == 100_000


def test_zip_with_bzip2_members_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("products.csv", hf.good_csv())
    (problem,) = rejected("catalog.zip", buffer.getvalue())
    assert "compressed with method 12" in str(problem["message"])


def test_xlsx_with_millions_of_shared_strings_is_refused_with_flat_memory() -> None:
    bomb = hf.shared_strings_bomb(5_000_000)  # ~0.2 MB on the wire
    problems: Problems = []
    growth = peak_rss_growth_mib(lambda: problems.extend(rejected("catalog.xlsx", bomb)))
    assert [p["message"] for p in problems] == [
        f"cannot read the workbook: the workbook has more than {MAX_SHARED_STRINGS:,} shared strings "
        "('xl/sharedStrings.xml'); split the catalog into smaller files"
    ]
    assert growth < 32, f"peak RSS grew {growth:.0f} MiB"  # measured: 0 MiB (was +764 MB before)


def test_xlsx_shared_strings_under_the_limit_are_read() -> None:
    parsed = parse("catalog.xlsx", hf.shared_strings_bomb(1_000))
    assert [p.product_id for p in parsed.catalog.products] == ["P1"]


def test_xlsx_cells_are_counted_with_the_blanks_between_them() -> None:
    (problem,) = rejected("catalog.xlsx", hf.wide_sheet_workbook(130))  # 130 rows x 16,384 columns
    assert "sheet '商品' passes 2,000,000 cells at row 124" in str(problem["message"])


def test_xlsx_part_past_its_limit_and_xml_with_a_dtd_are_refused() -> None:
    def padded() -> Iterator[bytes]:
        yield b'<?xml version="1.0"?><styleSheet xmlns="urn:x"><!--'
        for _ in range(17):
            yield b"x" * 2**20
        yield b"--></styleSheet>"

    big_styles = hf._rewrite(hf.workbook([["a"]]), {"xl/styles.xml": padded()})
    (problem,) = rejected("catalog.xlsx", big_styles)
    assert "part 'xl/styles.xml' of the workbook inflates past the limit for one part (16 MiB)" in str(
        problem["message"]
    )
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>'
    with_dtd = hf._rewrite(hf.workbook([["a"]]), {"xl/worksheets/sheet1.xml": laughs})
    (problem,) = rejected("catalog.xlsx", with_dtd)
    assert "declares a DTD" in str(problem["message"])


# -- data that was lost or garbled -----------------------------------------------------------------
def test_xlsx_with_a_stale_dimension_tag_gives_every_row() -> None:
    parsed = parse("catalog.xlsx", hf.stale_dimension_workbook(5))
    assert [p.product_id for p in parsed.catalog.products] == ["P1", "P2", "P3", "P4", "P5"]


@pytest.mark.parametrize("name", sorted(hf.misencoded_files()))
def test_csv_in_an_uncertain_encoding_names_the_file_and_first_bad_row(name: str) -> None:
    content, row = hf.misencoded_files()[name]
    (problem,) = rejected(name, content)
    assert problem["sheet"] == name and problem["row"] == row
    assert "UTF-8" in str(problem["message"])


def test_uncertain_encoding_names_the_detected_one() -> None:
    content, _ = hf.misencoded_files()["big5.csv"]
    (problem,) = rejected("big5.csv", content)
    assert "it seems to be big5 text" in str(problem["message"])


@pytest.mark.parametrize(
    "text",
    [
        "商品ID,商品名称,SKU编码,售价\nP1,羊毛混纺圆领毛衣,P1-M,199.00\nP2,加绒加厚牛仔裤,P2-L,159.00\n",
        # GBK also holds traditional characters (outside GB2312): read when the detector agrees
        "商品ID,商品名称,SKU编码,售价\nP1,羊毛混紡圓領毛衣,P1-M,199.00\nP2,加絨加厚牛仔褲,P2-L,159.00\n",
    ],
)
def test_gbk_csv_is_still_read(text: str) -> None:
    parsed = parse("products.csv", text.encode("gbk"))
    assert [p.name for p in parsed.catalog.products] == [line.split(",")[1] for line in text.splitlines()[1:]]


def test_utf8_and_utf16_are_read_exactly() -> None:
    text = "product_id,name,sku_id,price\nP1,Crème brûlée,S1,9.90\nP2,ウールのマフラー,S2,59\n"
    for content in (text.encode(), text.encode("utf-8-sig"), text.encode("utf-16")):
        names = [p.name for p in parse("products.csv", content).catalog.products]
        assert names == ["Crème brûlée", "ウールのマフラー"]


def test_long_ids_typed_as_numbers_in_excel_are_refused_naming_the_cell() -> None:
    problems = rejected("catalog.xlsx", hf.long_id_workbook())
    assert [(p["row"], p["column"], p["sheet"]) for p in problems] == [
        (2, "商品ID", "商品"),
        (3, "商品ID", "商品"),
    ]
    assert "keeps only 15 digits" in str(problems[0]["message"])


def test_long_ids_as_text_or_exact_integers_are_kept_exactly() -> None:
    rows: list[list[object]] = [
        ["商品ID", "商品名称", "SKU编码", "售价"],
        ["1234567890123456781", "围巾", 111, 59],
        ["1234567890123456789", "手套", 222, 39],
    ]
    xlsx = hf.workbook(rows)
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")
    for placeholder, digits in ((b"111", b"1234567890123456781"), (b"222", b"1234567890123456789")):
        sheet = sheet.replace(b"<v>%s</v>" % placeholder, b"<v>%s</v>" % digits)  # an exact number cell
    products = parse("catalog.xlsx", hf._rewrite(xlsx, {"xl/worksheets/sheet1.xml": sheet})).catalog.products
    assert [p.product_id for p in products] == ["1234567890123456781", "1234567890123456789"]
    assert [p.skus[0].sku_id for p in products] == ["1234567890123456781", "1234567890123456789"]


def test_csv_ids_in_excel_scientific_notation_are_refused() -> None:
    csv = "product_id,name,sku_id,price\n1.23457E+18,围巾,S1,59\n1.23457E+18,手套,S2,39\n"
    problems = rejected("products.csv", csv.encode())
    assert [(p["row"], p["column"]) for p in problems] == [(2, "product_id"), (3, "product_id")]
    assert "scientific notation" in str(problems[0]["message"])


def test_header_below_a_title_row_is_found() -> None:
    for name, content in (
        ("catalog.xlsx", hf.titled_workbook("Sheet1")),
        ("catalog.xlsx", hf.titled_workbook("商品")),
        ("products.csv", "双十一商品清单,,,\n\nproduct_id,name,sku_id,price\nP1,围巾,S1,59\n".encode()),
        ("export.csv", "双十一商品清单\nproduct_id,name,sku_id,price\nP1,围巾,S1,59\n".encode()),
    ):
        parsed = parse(name, content)
        assert parsed.catalog.products[0].product_id == "P1", name
        assert any("above the header" in w for w in parsed.warnings), parsed.warnings


def test_a_sheet_without_a_header_says_so() -> None:
    rows: list[list[object]] = [["双十一直播间"], ["围巾", 59], ["手套", 39]]
    (problem,) = rejected("catalog.xlsx", hf.workbook(rows, title="Sheet1"))
    message = str(problem["message"])
    assert "the catalog has no products" in message
    assert "sheet(s) 'Sheet1' were skipped because no table header was found" in message


def test_two_columns_for_one_field_are_read_as_one_while_they_agree() -> None:
    csv = "商品ID,商品名称,SKU ID,SKU编码,售价\nP1,围巾,S1,S1,59\nP2,手套,,S2,39\nP3,帽子,S3,,29\n"
    parsed = parse("products.csv", csv.encode())
    assert [s.sku_id for p in parsed.catalog.products for s in p.skus] == ["S1", "S2", "S3"]
    assert any("'SKU ID' and 'SKU编码' both mean sku_id" in w for w in parsed.warnings)


def test_two_columns_for_one_field_that_differ_are_one_problem_naming_both() -> None:
    csv = "商品ID,商品名称,SKU ID,SKU编码,售价\nP1,围巾,1001,S1,59\nP2,手套,1002,S2,39\n"
    problems = rejected("products.csv", csv.encode())
    assert problems == [
        {
            "row": 2,
            "column": "SKU ID",
            "message": "columns 'SKU ID' and 'SKU编码' both mean sku_id but differ here ('1001' vs 'S1'); "
            "keep the column that holds the sku_id and delete or rename the other",
            "sheet": "products.csv",
        }
    ]


# -- sizes that used to escape as errors other than a rejection -----------------------------------
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("catalog.json", b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        ("rows.jsonl", b'{"a":' * 5000 + b"1" + b"}" * 5000, "nested too deeply"),
        ("catalog.json", b"9" * 5000, "a number is too long"),
        (
            "products.csv",
            ("product_id,name,sku_id,price,stock\nP1,a,S1,1," + "9" * 5000).encode(),
            "1,000,000,000",
        ),
    ],
)
def test_deep_nesting_and_huge_numbers_are_problems(name: str, content: bytes, expected: str) -> None:
    (problem,) = rejected(name, content)
    assert expected in str(problem["message"])


def test_jsonl_records_may_hold_line_separators_in_text() -> None:
    record = '{"product_id":"P1","name":"围巾\u2028新款","sku_id":"S1","price":59}'
    parsed = parse("rows.jsonl", record.encode())
    assert parsed.catalog.products[0].name == "围巾\u2028新款"
