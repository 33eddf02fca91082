#!/usr/bin/env bash
# passbild beside the MediaPipe pipeline, one core, alternately on copies of one photo (issue 20's
# benchmark). Installs the peer (mediapipe 0.10.21, from PyPI) into a venv under target/, builds
# passbild with the ONNX Runtime backend and takes the runtime library from the onnxruntime wheel,
# as scripts/test does. Arguments go to perf/compare.py (--photo, --copies, --rounds, --cpu).
#
#     perf/compare.sh --rounds 5
set -euo pipefail
cd "$(dirname "$0")/.."

peer_env=target/compare/peer-env
if [ ! -f "$peer_env/.installed" ]; then
    python3 -m venv "$peer_env"
    "$peer_env/bin/pip" install --quiet --disable-pip-version-check mediapipe==0.10.21 opencv-python-headless==4.11.0.86
    touch "$peer_env/.installed"
fi

ort_version=1.31.1
ort_dir=target/onnxruntime-$ort_version
if [ ! -f "$ort_dir/.installed" ]; then
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$ort_dir" "onnxruntime==$ort_version"
    touch "$ort_dir/.installed"
fi

cargo build --quiet --release --features onnxruntime --bin passbild --target-dir target/compare/build
python3 perf/compare.py --passbild target/compare/build/release/passbild --peer-python "$peer_env/bin/python" \
    --onnxruntime "$(realpath "$ort_dir/onnxruntime/capi/libonnxruntime.so.$ort_version")" "$@"
