"""Drives perf/compare.sh: passbild (tract, and ONNX Runtime when a library is given) and the
MediaPipe peer on copies of one photo, alternately, each pinned to one core. Per round:

- per photo: passbild's CLI over N copies less its run over one, divided by N - 1 (decode,
  models, checks and the JSON report; not the process start); the peer's loop over the N copies
  after its models are loaded;
- cold start: passbild's CLI with one photo, as a process;
- peak memory of passbild's CLI over the N copies.

Prints the medians over the rounds and the ratios to the peer.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path


def run(command, cpu):
    """Seconds and peak resident MiB of one process pinned to `cpu`."""
    started = time.perf_counter()
    process = subprocess.Popen(["taskset", "-c", str(cpu), *command], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"compare: {' '.join(command)} failed")
    return seconds, usage.ru_maxrss / 1024.0, output


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passbild", required=True)
    parser.add_argument("--peer-python", required=True)
    parser.add_argument("--onnxruntime", help="libonnxruntime.so for the second passbild column")
    parser.add_argument("--photo", default="fixtures/frll_034_de.jpg")
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=0)
    args = parser.parse_args()

    folder = Path("target/compare/photos")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    photos = []
    for i in range(args.copies):
        photo = folder / f"copy{i:03d}{Path(args.photo).suffix}"
        shutil.copy(args.photo, photo)
        photos.append(str(photo))

    engines = {"tract": []}
    if args.onnxruntime:
        engines["onnxruntime"] = ["--onnxruntime", args.onnxruntime]
    figures = {name: {"per_photo": [], "cold": [], "peak": []} for name in engines}
    peer = []
    peer_script = str(Path(__file__).with_name("peer_mediapipe.py"))
    for _ in range(args.rounds):
        _, _, output = run([args.peer_python, peer_script, *photos], args.cpu)
        peer.append(float(output.decode().strip().splitlines()[-1]) / len(photos))
        for name, extra in engines.items():
            check = [args.passbild, "check", "--json", "--threads", "1", *extra]
            all_seconds, peak, _ = run([*check, *photos], args.cpu)
            one_seconds, _, _ = run([*check, photos[0]], args.cpu)
            figures[name]["per_photo"].append((all_seconds - one_seconds) / (len(photos) - 1))
            figures[name]["cold"].append(one_seconds)
            figures[name]["peak"].append(peak)

    peer_ms = statistics.median(peer) * 1000
    print(f"{args.copies} copies of {args.photo}, {args.rounds} rounds, one core (cpu {args.cpu}); medians")
    print(f"{'':14} {'per photo':>10} {'/ peer':>7} {'cold start':>11} {'peak MiB':>9}")
    print(f"{'MediaPipe':14} {peer_ms:8.1f} ms {1.0:7.2f}")
    for name, values in figures.items():
        per_photo_ms = statistics.median(values["per_photo"]) * 1000
        print(f"{'passbild ' + name:14} {per_photo_ms:8.1f} ms {per_photo_ms / peer_ms:7.2f} "
              f"{statistics.median(values['cold']) * 1000:8.0f} ms {statistics.median(values['peak']):9.0f}")


if __name__ == "__main__":
    main()
