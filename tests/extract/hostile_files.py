"""Builders of hostile test files (real bytes made by real libraries), shared by extract tests."""

from __future__ import annotations

import io

from tests.fakes import FakeJP


def customer_rows(n: int = 150, seed: int = 3) -> list[str]:
    """A header and ``n`` customer rows (Faker ja_JP names, valid-looking phones, addresses)."""
    fake = FakeJP(seed)
    rows = ["顧客番号,氏名,電話番号,メールアドレス,住所"]
    for i in range(n):
        person = fake.person()
        rows.append(f'CU-{i:05d},{person.name},{fake.mobile()},{fake.email()},"{fake.address()}"')
    return rows


def customer_csv(n: int = 150, seed: int = 3, encoding: str = "cp932") -> bytes:
    """A customer list as Excel on Japanese Windows saves it: CP932, CRLF."""
    return ("\r\n".join(customer_rows(n, seed)) + "\r\n").encode(encoding)


def png(size: tuple[int, int] = (16, 16)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (16, 16)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 200, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def gif(size: tuple[int, int] = (16, 16)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("P", size, 1).save(buffer, "GIF")
    return buffer.getvalue()
