"""Checks every photo under a folder or object-store prefix on a Ray cluster and writes one
Parquet row per photo (docs/scale-out.md).

    python examples/ray/check_folder.py PHOTOS/ reports/ --profile de-live
    python examples/ray/check_folder.py s3://archive/2026/ s3://archive-reports/ --address auto

Each Ray worker process builds one `passbild.Checker` when it starts (the models load with it) and
checks its share of the photos with it; photos stream through, so the archive never has to fit in
memory. A file that is not a photo, or is damaged, gets a row with its error instead of a verdict.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import sys
import time
from typing import Dict, List

import numpy as np
import pyarrow as pa

import passbild
import ray
import ray.data

PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "jp2", "j2k", "tif", "tiff", "bmp", "webp", "pnm", "ppm", "pgm"]

SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("bytes", pa.int64()),
        ("profile", pa.string()),
        ("passbild_version", pa.string()),
        ("verdict", pa.string()),
        ("failed", pa.list_(pa.string())),
        ("warned", pa.list_(pa.string())),
        ("not_assessed", pa.list_(pa.string())),
        ("width", pa.int32()),
        ("height", pa.int32()),
        ("error_kind", pa.string()),
        ("error", pa.string()),
        ("check_ms", pa.float64()),
        ("worker", pa.string()),
        ("report_json", pa.string()),
    ]
)


class CheckPhotos:
    """A Ray Data callable class: Ray builds one per actor, so the checker loads once per worker."""

    def __init__(self, profile: str, language: str) -> None:
        self.checker = passbild.Checker(profile, language=language, threads=1)
        self.worker = f"{socket.gethostname()}:{os.getpid()}"

    def __call__(self, batch: Dict[str, np.ndarray]) -> pa.Table:
        rows = [self.check_one(path, bytes(photo)) for path, photo in zip(batch["path"], batch["bytes"])]
        return pa.Table.from_pylist(rows, schema=SCHEMA)

    def check_one(self, path: str, photo: bytes) -> dict:
        row = {
            "path": str(path),
            "sha256": hashlib.sha256(photo).hexdigest(),
            "bytes": len(photo),
            "profile": self.checker.profile,
            "passbild_version": passbild.__version__,
            "worker": self.worker,
        }
        started = time.perf_counter()
        try:
            report = self.checker.check(photo)
        except passbild.PassbildError as error:
            row.update(error_kind=error.kind, error=str(error.args[0]))
        else:
            row.update(
                verdict=report.verdict,
                failed=statuses(report, "fail"),
                warned=statuses(report, "warn"),
                not_assessed=statuses(report, "not_assessed"),
                width=report.image.get("width"),
                height=report.image.get("height"),
                report_json=report.json,
            )
        row["check_ms"] = (time.perf_counter() - started) * 1000.0
        return row


def statuses(report: passbild.Report, status: str) -> List[str]:
    return [check.id for check in report.checks if check.status == status]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", help="a folder, or an object-store prefix such as s3://bucket/photos/")
    parser.add_argument("output", help="a folder (or prefix) for the Parquet files")
    parser.add_argument("--profile", default="icao", help="icao, de-live, de-scan, ... or a TOML profile path")
    parser.add_argument("--language", default="en", help="the language of the reports' messages (en, de)")
    parser.add_argument("--workers", type=int, default=0, help="checker processes; 0: one per CPU in the cluster")
    parser.add_argument("--batch-size", type=int, default=8, help="photos per call of a worker")
    parser.add_argument("--address", default=None, help="a running cluster (auto, or ray://host:10001); default: local")
    parser.add_argument("--overwrite", action="store_true", help="replace the output; by default an existing one is an error")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args()

    ray.init(address=args.address, include_dashboard=False, log_to_driver=not args.quiet)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = not args.quiet
    workers = args.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))

    started = time.perf_counter()
    # Reading and writing are I/O and ask for no CPU: the checkers take every CPU, and a read that
    # waited for one of them would never start. Without a CPU to bound them Ray would start a
    # process per pending read, so their number is bounded here: one reader feeds about eight
    # checkers (a photo is read in about a millisecond and checked in about 100 ms).
    readers = max(1, workers // 8)
    photos = ray.data.read_binary_files(
        args.input, include_paths=True, file_extensions=PHOTO_EXTENSIONS, num_cpus=0, concurrency=readers
    )
    reports = photos.map_batches(
        CheckPhotos,
        fn_constructor_kwargs={"profile": args.profile, "language": args.language},
        batch_size=args.batch_size,
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
    )
    try:
        reports.write_parquet(
            args.output, mode="overwrite" if args.overwrite else "error",
            ray_remote_args={"num_cpus": 0},
            concurrency=readers,
        )
    except ValueError as error:
        sys.exit(f"check_folder: {error} (--overwrite replaces it)")
    seconds = time.perf_counter() - started

    outcomes = ray.data.read_parquet(args.output).select_columns(["verdict", "error_kind"]).to_pandas()
    outcome_counts = outcomes["verdict"].fillna("error: " + outcomes["error_kind"]).value_counts()
    count = len(outcomes)
    print(f"{count} files checked by {workers} workers in {seconds:.1f} s ({count / seconds:.2f} per second)")
    for outcome, n in outcome_counts.items():
        print(f"  {outcome}: {n}")
    ray.shutdown()


if __name__ == "__main__":
    main()
