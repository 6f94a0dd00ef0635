"""Every kind of bad upload is rejected with every problem at its row and column, nothing partial."""

from __future__ import annotations

import json

import pytest

from knowledge.errors import ImportRejected
from knowledge.ingest import UploadedFile, parse_catalog

HEADER = "product_id,name,sku_id,spec,price,list_price,stock,link_no,complements,shipping_id,after_sales_id"
GOOD = "P1,卫衣,P1-M,M,199.00,299.00,10,1,,,\n"
PROMO_HEADER = "promo_id,type,title,start,end,price,product_id,sku_ids,threshold,amount,rate,product_ids"

Problems = list[dict[str, object]]


def rejected(*files: tuple[str, str | bytes], **options: int | str) -> Problems:
    """The problems of a rejected upload, as the API reports them."""
    uploads = [UploadedFile(name, body.encode() if isinstance(body, str) else body) for name, body in files]
    with pytest.raises(ImportRejected) as info:
        parse_catalog(uploads, "c1", **options)  # type: ignore[arg-type]
    return [p.as_dict() for p in info.value.problems]


def products(*rows: str, header: str = HEADER) -> tuple[str, str]:
    return ("products.csv", header + "\n" + "".join(rows))


def at(problems: Problems, row: int | None, column: str | None) -> str:
    """The message of the one problem at (row, column); fails when there is not exactly one."""
    found = [p["message"] for p in problems if p["row"] == row and p["column"] == column]
    assert len(found) == 1, f"expected one problem at row {row}, column {column}; got {problems}"
    return str(found[0])


def test_missing_required_column_is_reported_once_not_per_row() -> None:
    header = "product_id,name,sku_id,spec"
    problems = rejected(products("P1,卫衣,P1-M,M\n", "P1,卫衣,P1-L,L\n", header=header))
    assert problems == [
        {
            "row": None,
            "column": "price",
            "message": "missing required column price (售价); add it to the header",
            "sheet": "products.csv",
        }
    ]


def test_empty_required_cells() -> None:
    problems = rejected(products(GOOD, ",裤子,P2-M,M,99,,,,,,\n", "P3,,,M,,,,,,,\n"))
    assert at(problems, 3, "product_id") == "product_id is required but empty"
    assert at(problems, 4, "sku_id") == "sku_id is required but empty"
    assert at(problems, 4, "price") == "price is required but empty"
    assert "has no name" in at(problems, 4, "name")
    assert all(p["sheet"] == "products.csv" for p in problems)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("abc", "'abc' is not an amount"),
        ("-5", "negative"),
        ("1.999", "more than 2 decimals"),
        ("NaN", "is not an amount"),
        ("=1+2", "formulas are not evaluated"),
    ],
)
def test_bad_prices(cell: str, expected: str) -> None:
    problems = rejected(products(GOOD, f"P2,裤子,P2-M,M,{cell},,1,,,,\n"))
    assert expected in at(problems, 3, "price")
    assert len(problems) == 1


@pytest.mark.parametrize(
    ("cell", "expected"), [("1.5", "not a whole number"), ("-1", "negative"), ("十", "not a whole")]
)
def test_bad_stock(cell: str, expected: str) -> None:
    problems = rejected(products(GOOD, f"P2,裤子,P2-M,M,99,,{cell},,,,\n"))
    assert expected in at(problems, 3, "stock")


def test_list_price_below_price_is_allowed() -> None:
    parsed = parse_catalog([UploadedFile(*_encode(products("P1,卫衣,P1-M,M,199,99,1,,,,\n")))], "c1")
    assert parsed.catalog.products[0].skus[0].list_price == 99


def _encode(file: tuple[str, str]) -> tuple[str, bytes]:
    return file[0], file[1].encode()


def test_duplicate_sku_id_names_both_rows() -> None:
    problems = rejected(products(GOOD, "P2,裤子,P1-M,M,99,,1,,,,\n"))
    assert at(problems, 3, "sku_id") == "duplicate sku_id 'P1-M': also at products.csv row 2"


def test_conflicting_product_fields_name_both_rows() -> None:
    problems = rejected(products(GOOD, "P1,卫衣2,P1-L,L,199,,1,2,,,\n", "P1,,P1-XL,XL,199,,1,,,,\n"))
    assert at(problems, 3, "name") == (
        "product P1: name is '卫衣2' here but '卫衣' at products.csv row 2; "
        "product columns must agree on every SKU row"
    )
    assert "link_no is 2 here but 1 at products.csv row 2" in at(problems, 3, "link_no")
    assert len(problems) == 2  # an empty cell on row 4 inherits, it does not conflict


def test_duplicate_link_no_across_products() -> None:
    problems = rejected(products(GOOD, "P2,裤子,P2-M,M,99,,1,1,,,\n"))
    assert at(problems, 3, "link_no") == "link_no 1 is also used by product 'P1' at products.csv row 2"


def test_unknown_references_from_products() -> None:
    problems = rejected(products("P1,卫衣,P1-M,M,199,,1,1,P9|P1,SF,AS\n"))
    assert at(problems, 2, "complements") == "unknown complement product 'P9'"
    assert "unknown shipping_id 'SF'" in at(problems, 2, "shipping_id")
    assert "unknown after_sales_id 'AS'" in at(problems, 2, "after_sales_id")


def promotions(*rows: str) -> tuple[str, str]:
    return ("promotions.csv", PROMO_HEADER + "\n" + "".join(rows))


def test_promotion_problems() -> None:
    problems = rejected(
        products(GOOD),
        promotions(
            "F1,秒杀,,2026-11-21 20:10,2026-11-21 20:00,99,P1,,,,,\n",  # end before start
            "F2,flash_sale,,2026-11-21 20:00,2026-11-21 20:10,99,P9,,,,,\n",  # unknown product
            "F3,秒杀,,2026-11-21 20:00,2026-11-21 20:10,99,P1,P1-M|P1-X,,,,\n",  # unknown sku
            "C1,优惠券,,2026-11-21,2026-11-22,,,,100,10,0.9,\n",  # both amount and rate
            "C2,coupon,,2026-11-21,2026-11-22,,,,100,,,\n",  # neither
            "C3,coupon,,2026-11-21,2026-11-22,,,,100,,1.2,P1|P7\n",  # rate >= 1, unknown product
            "C1,满减,,2026-11-21,2026-11-22,,,,200,20,,\n",  # duplicate promo_id
            "X1,团购,,2026-11-21,tomorrow,,,,,,,\n",  # unknown type, bad time
        ),
    )
    assert at(problems, 2, "end").startswith("end (2026-11-21T20:00:00+08:00) must be after start")
    assert at(problems, 3, "product_id") == "flash sale for unknown product 'P9'"
    assert at(problems, 4, "sku_ids") == "flash sale for unknown SKU 'P1-X' of product 'P1'"
    assert at(problems, 5, "amount") == "a coupon needs exactly one of amount or rate; both are given"
    assert at(problems, 6, "amount") == "a coupon needs exactly one of amount or rate; neither is given"
    assert "must be between 0 and 1" in at(problems, 7, "rate")
    assert at(problems, 7, "product_ids") == "unknown product 'P7'"
    assert at(problems, 8, "promo_id") == "duplicate promo_id 'C1': also at promotions.csv row 5"
    assert "unknown promotion type '团购'" in at(problems, 9, "type")
    assert "'tomorrow' is not a time" in at(problems, 9, "end")
    assert len(problems) == 10


def test_faq_for_unknown_product_and_policy_problems() -> None:
    problems = rejected(
        products(GOOD),
        ("faq.csv", "product_id,question,answer\nP9,包邮吗,包邮\nP1,,空问题\n"),
        ("shipping.csv", "shipping_id,carrier,dispatch_hours\nSF,顺丰,24小时\nSF,中通,48\n"),
        ("after_sales.csv", "after_sales_id,return_shipping_insurance\nA,也许\n"),
    )
    assert at(problems, 2, "product_id") == "FAQ for unknown product 'P9'; add the product first"
    assert at(problems, 3, "question") == "question is required but empty"
    assert "'24小时' is not a whole number" in at(problems, 2, "dispatch_hours")
    assert at(problems, 3, "shipping_id") == "duplicate shipping_id 'SF': also at shipping.csv row 2"
    assert "is not a yes/no value" in at(problems, 2, "return_shipping_insurance")


def test_chinese_headers_are_named_in_problems() -> None:
    header = "商品ID,商品名称,SKU编码,售价"
    problems = rejected(products("P1,卫衣,P1-M,一百\n", header=header))
    assert problems[0]["column"] == "售价" and problems[0]["row"] == 2


def test_every_problem_in_a_file_is_reported() -> None:
    rows = [
        f"P{i},名{i},S{i},,{'x' if i % 2 else '1'},,{'-1' if i % 3 == 0 else '1'},,,,\n" for i in range(1, 31)
    ]
    problems = rejected(products(*rows))
    assert len([p for p in problems if p["column"] == "price"]) == 15
    assert len([p for p in problems if p["column"] == "stock"]) == 10


def test_problem_list_is_capped_with_a_count() -> None:
    rows = [f"P{i},名,S{i},,bad,,,,,,\n" for i in range(10)]
    problems = rejected(products(*rows), max_problems=3)
    assert len(problems) == 4
    assert problems[-1] == {
        "row": None,
        "column": None,
        "message": "7 more problem(s) not listed; fix the ones above first",
    }


def test_limits_rows_and_cell_length() -> None:
    problems = rejected(products(GOOD, "P2,裤子,P2-M,M,1,,1,,,,\n", "P3,帽子,P3-M,M,1,,1,,,,\n"), max_rows=2)
    assert at(problems, None, None) == "more than 2 data rows; split the file into smaller ones"
    long_name = "长" * 10_001
    problems = rejected(products(f"P1,{long_name},P1-M,M,1,,1,,,,\n"))
    assert at(problems, 2, "name") == "cell has 10001 characters; the limit is 10000"


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("products.csv", b"", "the file is empty"),
        ("products.csv", b"  \r\n", "the file is empty"),
        ("catalog.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("catalog.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
        ("catalog.xlsx", b"PK\x03\x04 not really a workbook", "cannot open the workbook"),
        ("catalog.zip", b"not a zip", "cannot open the zip archive"),
        ("products.csv", b"PK\x03\x04\x00\x00", "this is a zip/xlsx file"),
        ("random.csv", b"a,b\n1,2\n", "cannot tell which table 'random.csv' is"),
    ],
)
def test_file_level_problems(name: str, body: bytes, expected: str) -> None:
    problems = rejected((name, body))
    assert expected in at(problems, None, None)
    assert problems[0]["sheet"] == name


def test_unparseable_json_reports_the_parser_reason_and_line() -> None:
    problems = rejected(("catalog.json", '{\n  "products": [\n    {"product_id": }\n]}'))
    assert at(problems, 3, None).startswith("not valid JSON: Expecting value at line 3 column 20")


def test_canonical_json_problems_point_into_the_document() -> None:
    sku = {"sku_id": "A-1", "price": "10.00"}
    doc = {
        "products": [
            {"product_id": "A", "name": "杯子", "skus": [sku]},
            {
                "product_id": "B",
                "name": "盘子",
                "skus": [{"sku_id": "B-1", "price": "5"}, {"sku_id": "B-2", "price": "-3"}],
            },
            {"product_id": "A", "name": "重复", "skus": [{"sku_id": "A-9", "price": "1"}]},
            {"product_id": "C", "name": "碗", "skus": []},
        ],
        "promotions": [
            {
                "promo_id": "F",
                "type": "flash_sale",
                "start": "2026-11-21T20:00:00+08:00",
                "end": "2026-11-21T20:10:00+08:00",
                "price": "1.00",
                "product_id": "A",
                "sku_ids": ["A-7"],
            }
        ],
        "shipping": {"not": "a list"},
    }
    problems = rejected(("catalog.json", json.dumps(doc, ensure_ascii=False)))
    assert {
        "row": 2,
        "column": "skus[2].price",
        "message": "amount -3 is negative; amounts must be >= 0",
        "sheet": "products",
    } in problems
    assert at(problems, 3, "product_id") == "duplicate product_id 'A': also at products row 1"
    assert at(problems, 4, "skus") == "a product needs a non-empty list of skus"
    assert at(problems, 1, "sku_ids") == "flash sale for unknown SKU 'A-7' of product 'A'"
    assert at(problems, None, None) == "shipping must be a list of objects"


def test_jsonl_bad_line_is_reported_with_its_line_number() -> None:
    body = '{"product_id": "A", "name": "杯子", "sku_id": "A-1", "price": "1"}\n{oops}\n{"section": "gift"}\n'
    problems = rejected(("rows.jsonl", body))
    assert at(problems, 2, None).startswith("not valid JSON")
    assert at(problems, 3, "section").startswith("unknown section 'gift'")


def test_unknown_timezone_and_no_files() -> None:
    assert rejected(products(GOOD), timezone="Mars/Olympus")[0]["column"] == "timezone"
    with pytest.raises(ImportRejected, match="no file was uploaded"):
        parse_catalog([], "c1")


def test_rejection_message_names_the_file_and_count() -> None:
    with pytest.raises(ImportRejected) as info:
        parse_catalog([UploadedFile("products.csv", products("P1,,P1-M,M,x,,,,,,\n")[1].encode())], "c1")
    assert info.value.filename == "products.csv"
    assert str(info.value).startswith("products.csv rejected with 2 problem(s)")
