#!/usr/bin/env bash
# Rebuilds the six ONNX files of this folder from the PyPI wheel mediapipe==0.10.21 and checks their
# sha256 against README.md. Needs Python 3.11 and the package registry; takes a while (TensorFlow).
# Not run by CI:  bash models/reproduce.sh [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
"${PYTHON:-python3.11}" -m venv venv
# shellcheck disable=SC1091
. venv/bin/activate
pip install --quiet "tensorflow-cpu==2.19.0" "tf2onnx==1.17.0" "onnx==1.22.0" "onnxsim==0.8.1" "numpy<2.2"
pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
    --platform manylinux_2_28_x86_64 mediapipe==0.10.21 -d wheel
python -m zipfile -e wheel/mediapipe-0.10.21-*.whl wheel/unpacked
modules=wheel/unpacked/mediapipe/modules
python -m tf2onnx.convert --tflite "$modules/face_detection/face_detection_short_range.tflite" \
    --output raw_face_detection_short_range.onnx --opset 13
python -m tf2onnx.convert --tflite "$modules/face_landmark/face_landmark.tflite" \
    --output raw_face_landmark.onnx --opset 13
python -m tf2onnx.convert --tflite "$modules/iris_landmark/iris_landmark.tflite" \
    --output raw_iris_landmark.onnx --opset 13
python -m tf2onnx.convert --tflite "$modules/palm_detection/palm_detection_lite.tflite" \
    --output raw_palm_detection_lite.onnx --opset 13
python -m tf2onnx.convert --tflite "$modules/hand_landmark/hand_landmark_lite.tflite" \
    --output raw_hand_landmark_lite.onnx --opset 13
# HardSwish needs opset >= 14; the custom transposed convolution is rewritten by convert.py.
python -m tf2onnx.convert --tflite "$modules/selfie_segmentation/selfie_segmentation.tflite" \
    --output raw_selfie_segmentation.onnx --opset 17
for name in face_detection_short_range face_landmark iris_landmark selfie_segmentation palm_detection_lite \
    hand_landmark_lite; do
    python "$here/convert.py" "raw_$name.onnx" "$name.onnx"
done
# Only the hand points and the presence score are read.
python -c "import onnx.utils; onnx.utils.extract_model('hand_landmark_lite.onnx', 'hand_landmark_lite.onnx', \
    ['input_1'], ['Identity', 'Identity_1'])"
# PRelu written so that tract fuses it, layout round trips removed (bit-identical outputs; see README.md).
for name in face_landmark iris_landmark selfie_segmentation palm_detection_lite; do
    python "$here/rewrite_for_tract.py" "$name.onnx" "$name.onnx"
done
cd "$here"
for name in face_detection_short_range face_landmark iris_landmark selfie_segmentation palm_detection_lite \
    hand_landmark_lite; do
    got=$(sha256sum "$work/$name.onnx" | cut -c1-64)
    want=$(grep -o "\`$name.onnx\`.*" README.md | grep -o '[0-9a-f]\{64\}' | head -1)
    if [ "$got" = "$want" ]; then echo "ok       $name.onnx"; else echo "DIFFERS  $name.onnx ($got)"; fi
done
