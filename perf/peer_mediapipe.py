"""The peer of perf/compare.sh: the MediaPipe pipeline that does what passbild's models do
(decode, face detection, face mesh with irises, selfie segmentation), one photo after another.
Prints the seconds the photos took, after loading the models and one warm-up photo.

    python perf/peer_mediapipe.py PHOTO...
"""
import sys
import time

import cv2
import mediapipe as mp


def main() -> None:
    paths = sys.argv[1:]
    cv2.setNumThreads(1)
    detection = mp.solutions.face_detection.FaceDetection(model_selection=0, min_detection_confidence=0.5)
    mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=True)
    segmentation = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)

    def check(path: str) -> None:
        rgb = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)
        faces = detection.process(rgb)
        landmarks = mesh.process(rgb)
        mask = segmentation.process(rgb)
        if not faces.detections or not landmarks.multi_face_landmarks or mask.segmentation_mask is None:
            raise SystemExit(f"peer_mediapipe: no face in {path}")

    check(paths[0])
    started = time.perf_counter()
    for path in paths:
        check(path)
    print(f"{time.perf_counter() - started:.6f}")


if __name__ == "__main__":
    main()
