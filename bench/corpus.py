"""Synthetic Japanese business-text corpora for benchmarks (fake data from Faker ja_JP).

Two profiles, both built from the same document makers:
- ``office`` (the headline figure): prose, business mails with signatures, minutes, invoices
  (order numbers, amounts, dates, 12-digit numbers that are NOT My Numbers), reports and a few
  call notes. About one personal value per 1,000-1,500 characters.
- ``callnotes`` (a stress figure): call-centre notes only — names, phones (full-width digits,
  odd dashes), addresses, mail addresses, dates of birth. About one personal value per 150-250
  characters, as dense as a customer export.

    python bench/corpus.py --mb 50 --profile office
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from faker import Faker

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".corpus"
FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _pools(seed: int) -> dict[str, list[str]]:
    fake = Faker("ja_JP")
    Faker.seed(seed)
    return {
        "name": [fake.name() for _ in range(3000)],
        "last": [fake.last_name() for _ in range(1000)],
        "phone": [fake.phone_number() for _ in range(3000)],
        "address": [fake.address() for _ in range(3000)],
        "email": [fake.email() for _ in range(2000)],
        "company": [fake.company() for _ in range(500)],
        "prose": [fake.text(max_nb_chars=300) for _ in range(3000)],
        "date": [fake.date(pattern="%Y年%m月%d日") for _ in range(1000)],
        "dob": [fake.date_of_birth(minimum_age=18, maximum_age=90).strftime("%Y/%m/%d") for _ in range(1000)],
    }


def _call_note(r: random.Random, p: dict[str, list[str]]) -> str:
    phone = r.choice(p["phone"])
    if r.random() < 0.3:
        phone = phone.translate(FULLWIDTH)
    elif r.random() < 0.2:
        phone = phone.replace("-", r.choice(["ー", "‐", "−", ""]))
    lines = [
        f"{r.choice(p['date'])} {r.randint(9, 18)}:{r.randint(0, 59):02d} 受電 担当：{r.choice(p['last'])}",
        f"{r.choice(p['name'])}様より、ご契約中のプランについてお問い合わせ。",
        f"折り返し先は{phone}とのこと。",
    ]
    if r.random() < 0.5:
        lines.append(f"住所変更のご依頼あり。新住所：{r.choice(p['address'])}")
    if r.random() < 0.3:
        lines.append(f"メールアドレスは{r.choice(p['email'])}へ変更。")
    if r.random() < 0.15:
        lines.append(f"ご本人確認のため生年月日 {r.choice(p['dob'])} を確認済み。")
    lines.append(r.choice(p["prose"]))
    return "\n".join(lines)


def _minutes(r: random.Random, p: dict[str, list[str]]) -> str:
    attendees = "、".join(f"{r.choice(p['last'])}さん" for _ in range(r.randint(3, 7)))
    return "\n".join(
        [
            f"第{r.randint(1, 60)}回 定例会議 議事録",
            f"日時：{r.choice(p['date'])} {r.randint(9, 17)}:00〜{r.randint(10, 18)}:30",
            f"出席者：{attendees}",
            "議題1：第3四半期の応対品質について。平均応答時間は42秒、放棄率は3.2%。",
            r.choice(p["prose"]),
            f"次回は{r.choice(p['date'])}に開催予定。",
        ]
    )


def _invoice(r: random.Random, p: dict[str, list[str]]) -> str:
    rows = [f"請求書 {r.choice(p['company'])} 御中", f"請求書番号 INV-{r.randint(100000, 999999)}"]
    for _ in range(r.randint(2, 6)):
        rows.append(
            f"注文番号 {r.randint(10**11, 10**12 - 1)}  数量 {r.randint(1, 50)}  単価 {r.randint(100, 99999):,}円"
        )
    rows.append(f"お支払期限：{r.choice(p['date'])}  合計 {r.randint(1000, 9999999):,}円（税込）")
    return "\n".join(rows)


def _mail(r: random.Random, p: dict[str, list[str]]) -> str:
    company = r.choice(p["company"])
    return "\n".join(
        [
            f"{r.choice(p['company'])}",
            f"{r.choice(p['last'])}様",
            "",
            f"いつもお世話になっております。{company}の{r.choice(p['last'])}です。",
            r.choice(p["prose"]),
            f"ご確認のほど、よろしくお願いいたします。見積書は{r.choice(p['date'])}までにお送りします。",
            "--",
            company,
            "カスタマーサポート部",
            "TEL: 03-5555-0100  FAX: 03-5555-0101",
        ]
    )


def _report(r: random.Random, p: dict[str, list[str]]) -> str:
    return "\n".join(
        [
            f"月次報告（{r.choice(p['date'])}）",
            f"受電件数は{r.randint(1000, 20000):,}件、前月比{r.randint(80, 130)}%。",
            f"平均処理時間は{r.randint(120, 600)}秒。",
            r.choice(p["prose"]),
            r.choice(p["prose"]),
            f"第{r.randint(1, 4)}四半期の目標値は{r.randint(90, 99)}.{r.randint(0, 9)}%とする。",
        ]
    )


def _prose(r: random.Random, p: dict[str, list[str]]) -> str:
    return r.choice(p["prose"])


PROFILES = {
    "office": [(_prose, 0.45), (_mail, 0.17), (_minutes, 0.1), (_invoice, 0.1), (_report, 0.15), (_call_note, 0.03)],
    "callnotes": [(_call_note, 1.0)],
}


def make_corpus(megabytes: float, profile: str = "office", seed: int = 20261129) -> str:
    r = random.Random(seed)
    pools = _pools(seed)
    makers = PROFILES[profile]
    target = int(megabytes * 1024 * 1024)
    parts: list[str] = []
    size = 0
    while size < target:
        maker = r.choices([m for m, _ in makers], weights=[w for _, w in makers])[0]
        doc = maker(r, pools) + "\n\n"
        parts.append(doc)
        size += len(doc.encode("utf-8"))
    return "".join(parts)


def cached_corpus(megabytes: float, profile: str = "office") -> str:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{profile}{megabytes:g}.txt"
    if not path.exists():
        path.write_text(make_corpus(megabytes, profile), encoding="utf-8")
    return path.read_text(encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="office")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    text = make_corpus(args.mb, args.profile)
    out = args.out or CACHE / f"{args.profile}{args.mb:g}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {len(text):,} chars, {len(text.encode()):,} bytes")


if __name__ == "__main__":
    main()
