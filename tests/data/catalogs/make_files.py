"""Regenerates the tiny catalog files in this folder (run: python tests/data/catalogs/make_files.py).

The files are committed; this script documents how the binary ones (GBK CSV, XLSX) were made.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

GBK_CSV = """商品ID,商品名称,SKU编码,规格,售价,原价,库存,链接号,属性:材质,别名
P1,羊毛围巾,P1-R,红色,"￥1,299.00",1599,10,3,羊毛,围脖；披肩
P1,羊毛围巾,P1-G,灰色,"￥1,299.00",1599,0,3,羊毛,围脖；披肩
P2,真丝眼罩,P2-A,均码,59,,200,4,桑蚕丝,
"""

BOM_CSV = """product_id,name,sku_id,spec,price,stock,category,备注X
A1,保温杯,A1-500,500ml,89.00,30,家居,内部备注
A1,保温杯,A1-750,750ml,99.00,12,家居,
"""

MULTI = {
    "products.csv": "product_id,name,sku_id,spec,price,list_price,stock,link_no,"
    + """shipping_id,after_sales_id,complements
T1,纯棉T恤,T1-M,黑色 M,79.00,129.00,100,1,SF,STD,C1
T1,纯棉T恤,T1-L,黑色 L,79.00,129.00,50,1,SF,STD,C1
C1,棒球帽,C1-F,均码,49.00,,80,2,SF,STD,
""",
    "活动.csv": """活动ID,类型,标题,开始时间,结束时间,秒杀价,商品ID,SKU编码,限量,门槛,减免金额,折扣,适用商品
F1,秒杀,T恤秒杀,2026/11/21 20:00,2026/11/21 20:10,59.00,T1,T1-M,100,,,,
Q1,优惠券,9折券,2026-11-21 00:00,2026-11-22 00:00,,,,,100,,9折,T1|C1
M1,满减,满200减30,2026-11-21T00:00:00+08:00,2026-11-28T00:00:00+08:00,,,,,200,30,,
""",
    "问答.csv": """商品ID,问题,回答
T1,会缩水吗,预缩处理，基本不缩水
""",
    "物流.csv": """物流模板,快递,发货时效(小时),包邮门槛,运费,不发货地区
SF,顺丰,48,0,0,新疆、西藏
""",
    "after_sales.csv": """after_sales_id,no_reason_return_days,return_shipping_insurance,warranty_months
STD,7,是,0
""",
    "settings.csv": """exclude_flash_sale,exclude_coupons,note
Y,N,秒杀价不参与保价
""",
}


def _xlsx() -> None:
    book = openpyxl.Workbook()
    info = book.active
    assert info is not None
    info.title = "说明"
    info.append(["本页导入时忽略"])
    products = book.create_sheet("商品")
    products.append(["商品ID", "商品名称", "SKU编码", "规格", "售价", "库存", "商品描述", "属性:产地"])
    products.append(["X1", "蓝牙耳机", "X1-W", "白色", 199, 20, "=SUM(A1)", "深圳"])
    products.append(["X1", "蓝牙耳机", "X1-B", "黑色", 199.9, 5.0, None, None])
    promos = book.create_sheet("活动")
    promos.append(["活动ID", "类型", "开始时间", "结束时间", "秒杀价", "商品ID"])
    promos.append(["F9", "限时秒杀", "2026-11-21 20:00", "2026-11-21 20:05", 149, "X1"])
    book.create_sheet("Sheet3")  # empty: skipped
    book.save(HERE / "catalog_zh.xlsx")


def main() -> None:
    (HERE / "products_gbk.csv").write_bytes(GBK_CSV.encode("gbk"))
    (HERE / "products_bom.csv").write_bytes(BOM_CSV.encode("utf-8-sig"))
    multi = HERE / "multi"
    multi.mkdir(exist_ok=True)
    for name, text in MULTI.items():
        (multi / name).write_text(text, encoding="utf-8")
    _xlsx()


if __name__ == "__main__":
    main()
