"""The scale-out example (examples/ray/check_folder.py) on a local Ray instance: one Parquet row
per file, the same verdicts as the package checking alone, errors as rows, and the checker built
once per worker process."""

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

import passbild

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
EXAMPLE = ROOT / "examples" / "ray" / "check_folder.py"


def test_a_folder_checked_on_ray_gives_one_parquet_row_per_file(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for fixture in sorted(FIXTURES.glob("*.jpg")) + sorted(FIXTURES.glob("*.jp2")):
        shutil.copy(fixture, photos)
    (photos / "notes.jpg").write_text("not a photo")
    (photos / "cut.jpg").write_bytes((FIXTURES / "lisa3.jpg").read_bytes()[:5000])
    (photos / "MANIFEST").write_text("no photo extension: not read")
    files = sorted(p.name for p in photos.iterdir() if p.name != "MANIFEST")
    assert len(files) >= 8

    reports = tmp_path / "reports"
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), str(photos), str(reports), "--profile", "icao", "--workers", "2",
         "--batch-size", "1", "--quiet"],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert f"{len(files)} files checked by 2 workers" in run.stdout

    table = pq.read_table(reports).to_pylist()
    assert sorted(Path(row["path"]).name for row in table) == files
    rows = {Path(row["path"]).name: row for row in table}

    assert rows["notes.jpg"]["error_kind"] == "not_a_photo" and rows["notes.jpg"]["verdict"] is None
    assert rows["cut.jpg"]["error_kind"] == "truncated"

    alone = passbild.Checker("icao")
    for name, row in rows.items():
        if row["error_kind"] is not None:
            continue
        report = alone.check(photos / name)
        assert row["verdict"] == report.verdict, name
        assert row["failed"] == [c.id for c in report.checks if c.status == "fail"], name
        assert (row["width"], row["height"]) == (report.image["width"], report.image["height"])
        assert row["profile"] == "icao" and row["passbild_version"] == passbild.__version__
    assert rows["frll_034_de.jpg"]["verdict"] == "pass"

    # Every file went through one of the two workers' checkers: built once per process, not per photo.
    assert 1 <= len({row["worker"] for row in table}) <= 2

    again = subprocess.run(
        [sys.executable, str(EXAMPLE), str(photos), str(reports), "--quiet"],
        capture_output=True, text=True, timeout=600,
    )
    assert again.returncode != 0 and "--overwrite" in again.stderr
