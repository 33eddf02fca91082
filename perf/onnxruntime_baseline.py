"""Times the shipped ONNX graphs in onnxruntime, one thread, for comparison with tract
(`cargo bench --bench models`). onnxruntime is only this script's dependency, never passbild's.

    python3 -m venv /tmp/ort && /tmp/ort/bin/pip install onnxruntime==1.20.1 numpy
    /tmp/ort/bin/python perf/onnxruntime_baseline.py
"""
import pathlib
import statistics
import time

import numpy as np
import onnxruntime as ort

MODELS = {
    "face_detection_short_range": (1, 128, 128, 3),
    "face_landmark": (1, 192, 192, 3),
    "iris_landmark": (1, 64, 64, 3),
    "selfie_segmentation": (1, 256, 256, 3),
}


def main():
    root = pathlib.Path(__file__).resolve().parent.parent / "models"
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    rng = np.random.default_rng(7)
    print(f"onnxruntime {ort.__version__}, one thread, median of 200 runs after 20 warm-up runs")
    for name, shape in MODELS.items():
        session = ort.InferenceSession(str(root / f"{name}.onnx"), options, providers=["CPUExecutionProvider"])
        feed = {session.get_inputs()[0].name: rng.random(shape, dtype=np.float32)}
        for _ in range(20):
            session.run(None, feed)
        times = []
        for _ in range(200):
            started = time.perf_counter()
            session.run(None, feed)
            times.append((time.perf_counter() - started) * 1e3)
        print(f"{name:28s} {statistics.median(times):7.2f} ms")


if __name__ == "__main__":
    main()
