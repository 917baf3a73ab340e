"""OCR cost: A4 pages per second, and what scanned pages do to the throughput of the workers
the gateway and the watcher share.

1. Pages/s: a one-page image-only PDF of the fixture form (scripts/make_ocr_fixtures.py) scanned
   end to end (render at the picture's resolution, Tesseract, detection), one item at a time in
   this process: at 300 dpi (a scanner's default) and as a 200-dpi 1-bit fax TIFF. Wall and CPU
   (this process and Tesseract) per page, median of --runs.
2. Mix: --items items through a WorkerPool of --jobs spawned workers (the gateway's and the
   watcher's pool): office-like text documents (a short letter with a customer's phone number,
   a 30-row customer CSV), then the same with 10 % of them replaced by a one-page scanned PDF.
   Items/s for each, median of --runs; the gateway and the watcher scan through this pool, so
   their figures scale with it.

    python bench/bench_ocr.py                    # 5 runs, 100 items, 2 workers
    python bench/bench_ocr.py --runs 3 --items 60

3. Quality behind two settings (bench/ocr_quality.py), instead of the figures above:
   ``--pdf-dpi`` (values found on 200-dpi scans rendered at 150-400 dpi) and ``--confusions``
   (characters written for digits on poor faxes; values found without and with digit folding).

    python bench/bench_ocr.py --pdf-dpi --seeds 3
    python bench/bench_ocr.py --confusions --seeds 4
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlp.config import load_config  # noqa: E402
from dlp.model import Item  # noqa: E402
from dlp.pipeline import scan_item  # noqa: E402
from dlp.settings import Settings  # noqa: E402
from scripts.make_ocr_fixtures import _fax, draw_form, form_values  # noqa: E402
from tests.fakes import FakeJP  # noqa: E402


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def scanned_pdf(seed: int, dpi: int = 300) -> bytes:
    out = io.BytesIO()
    draw_form(form_values(FakeJP(seed)), dpi).convert("RGB").save(out, "PDF", resolution=float(dpi), quality=85)
    return out.getvalue()


def fax_tiff(seed: int) -> bytes:
    import random

    page = _fax(draw_form(form_values(FakeJP(seed)), 200), random.Random(seed), 0.8)
    out = io.BytesIO()
    page.save(out, "TIFF", compression="group4", dpi=(200, 200))
    return out.getvalue()


def pages_per_second(settings: Settings, make, runs: int, name: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median wall pages/s and CPU s/page over ``runs`` single-page items (each a new page)."""
    walls, cpus = [], []
    for run in range(runs):
        data = make(1000 + run)
        cpu, started = _cpu(), time.perf_counter()
        verdict = scan_item(Item.from_bytes(data, name), settings)
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu)
        assert verdict.action.label in ("quarantine", "block"), verdict.action
    return 1 / statistics.median(walls), statistics.median(cpus)


def text_items(count: int, seed: int) -> list[tuple[str, bytes]]:
    fake = FakeJP(seed)
    items = []
    for i in range(count):
        if i % 2:
            person = fake.person()
            line = f"{person.last}様\n\nいつもお世話になっております。\nご連絡先 {fake.phone()} にお電話いたします。\n"
            body = line * 3
            items.append((f"letter{i}.txt", body.encode()))
        else:
            rows = ["氏名,電話,住所"] + [f"{fake.person().last},{fake.phone()},{fake.address()}" for _ in range(30)]
            items.append((f"list{i}.csv", "\n".join(rows).encode()))
    return items


def mix_rate(items: list[tuple[str, bytes]], jobs: int) -> float:
    from dlp.settings import SettingsSpec
    from dlp.worker import ItemSpec, WorkerPool

    settings = Settings.load(load_config(None, search=False))
    specs = [ItemSpec(data=data, name=name, locator=name, channel="watch") for name, data in items]
    with WorkerPool(settings, jobs, settings_spec=SettingsSpec(key=settings.key), start_method="spawn") as pool:
        pool.scan(specs[0])  # workers warm
        started = time.perf_counter()
        for _ in pool.map(specs):
            pass
        return len(specs) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--pdf-dpi", action="store_true", help="values found per render resolution")
    parser.add_argument("--confusions", action="store_true", help="digit misreads; values found with folding")
    parser.add_argument("--seeds", type=int, default=3, help="forms per measurement of quality")
    args = parser.parse_args()
    if args.pdf_dpi or args.confusions:
        quality(args.pdf_dpi, args.confusions, args.seeds)
        return
    settings = Settings.load(load_config(None, search=False))
    scan_item(Item.from_bytes(scanned_pdf(1), "warm.pdf"), settings)  # rules compiled, caches warm
    for label, make, name in (
        ("A4 image-only PDF, 300 dpi grey", scanned_pdf, "scan.pdf"),
        ("A4 fax TIFF, 200 dpi 1-bit G4", fax_tiff, "fax.tif"),
    ):
        rate, cpu = pages_per_second(settings, make, args.runs, name)
        print(f"{label}: {rate:.2f} pages/s wall, {cpu:.2f} s CPU/page (median of {args.runs})")
    plain = text_items(args.items, 7)
    scans = list(plain)
    for i in range(0, len(scans), 10):
        scans[i] = (f"scan{i}.pdf", scanned_pdf(2000 + i))
    base = [mix_rate(plain, args.jobs) for _ in range(args.runs)]
    mixed = [mix_rate(scans, args.jobs) for _ in range(args.runs)]
    b, m = statistics.median(base), statistics.median(mixed)
    print(f"{args.items} items, {args.jobs} workers: text only {b:.1f} items/s; 10 % scanned pages {m:.1f} items/s")
    print(f"  -> throughput x{m / b:.2f} (median of {args.runs})")


def quality(dpi: bool, confusions: bool, seeds: int) -> None:
    from bench import ocr_quality

    if dpi:
        for render, (found, shown) in ocr_quality.pdf_dpi(seeds).items():
            print(f"200-dpi scans rendered at {render} dpi: {found}/{shown} values found")
    if confusions:
        tally, digits, raw, folded, shown = ocr_quality.confusions(seeds)
        print(f"{seeds * 3} degraded fax pages, {digits} digits in {shown} digit values:")
        misread = sum(n for (_want, got), n in tally.items() if not got.isdigit())
        print(f"  digit read as another digit {sum(tally.values()) - misread}, as something else {misread}:")
        for (want, got), n in tally.most_common():
            if not got.isdigit():
                print(f"    {want} -> {got!r}: {n}")
        print(f"  values found: {raw} as Tesseract wrote them, {folded} with fold_digits")


if __name__ == "__main__":
    main()
