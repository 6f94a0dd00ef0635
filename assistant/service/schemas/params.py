"""Path parameters as the docs show them: what each id is, with an example from the demo data.

Only documentation: the ids are checked by the domain (``knowledge.ids``, the stores), whose errors
name the rule (422) or the missing resource (404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

CatalogId = Annotated[str, Path(description="catalog id", examples=["demo"])]
ProductId = Annotated[str, Path(description="product id in the catalog", examples=["MZ01"])]
RoomId = Annotated[str, Path(description="live room id", examples=["demo"])]
PromoId = Annotated[str, Path(description="promotion id", examples=["coupon-20"])]
FaqId = Annotated[str, Path(description="operator answer id", examples=["size-chart"])]
