"""Lists, staff tags and signatures as call centres write them (issue 10, names in prose).

Attack: an escalation summary lists customers one per line ("3. 恩田 将平 080-… 養父市…"), a
memo ends with the agent's name, a meeting note lists who attended; each was read as holding
few or no people, so a list of 17 customers got a warning. Fake data only.
"""

from __future__ import annotations

import pytest

from dlp.model import Confidence
from tests.assertions import assert_finding, assert_none

# --- addresses in list entries -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9. 沢口 舞　099-854-1597 / 大和郡山市丹後庄町2062", "大和郡山市丹後庄町2062"),
        ("・谷 継人　０３(３９０２)７１２３　諫早市多良見町化屋７－１９－１", "諫早市多良見町化屋７－１９－１"),
        ("7. 吉本 歌美　0123 49 1141 養父市八鹿町国木６‐３０‐１５", "養父市八鹿町国木６‐３０‐１５"),
        ("新住所：〒409-0618 大月市猿橋町桂台1丁目35番28号", "大月市猿橋町桂台1丁目35番28号"),
        ("〒４０９－０６１８ 大月市猿橋町桂台1丁目35番28号", "大月市猿橋町桂台1丁目35番28号"),
        ("兵庫県豊岡市奥野1950番地2　朝日グランドール　906", "兵庫県豊岡市奥野1950番地2　朝日グランドール　906"),
        ("金沢市平等本町2735緑が丘レジデンス　1F", None),  # no prefecture, no label: not alone
    ],
)
def test_address_from_the_city_in_a_list_entry(detect, text: str, value: str | None) -> None:
    if value is None:
        assert_none(detect(text), "ADDRESS", at_least="medium")
        return
    assert assert_finding(detect(text), "ADDRESS", text, value).confidence >= Confidence.MEDIUM


@pytest.mark.parametrize(
    "text",
    [
        "大阪府大阪市の売上 1200",
        "TEL 03-1234-5678 営業時間 9:00-18:00",
        "受付 03-1234-5678 港区の会議室は3階",
        "伝票番号 0312345678 第2倉庫",
    ],
)
def test_lookalikes_are_not_addresses(detect, text: str) -> None:
    assert_none(detect(text), "ADDRESS", at_least="medium")
