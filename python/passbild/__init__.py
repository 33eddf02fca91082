"""passbild: checks passport and ID photos against ICAO 9303, ISO/IEC 19794-5/39794-5 and BSI
TR-03121 (Rust, through PyO3).

    import passbild
    checker = passbild.Checker("de-live")
    report = checker.check("photo.jpg")      # a path, bytes, or a uint8 array (H, W[, 1|3|4])
    print(report.verdict, [c.id for c in report.failures()])

The checker releases the GIL while it checks, so threads check in parallel; `check_many` checks
a list of files on the checker's own threads.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

from ._passbild import NativeChecker, PassbildError, __version__, built_in_profiles, generate_receipt_key
from ._passbild import verify_receipt as _verify_receipt

__all__ = [
    "Checker",
    "Report",
    "Check",
    "Receipt",
    "LiveSession",
    "LiveFrame",
    "LiveFace",
    "PassbildError",
    "built_in_profiles",
    "generate_receipt_key",
    "verify_receipt",
    "__version__",
]

PassbildError.kind = property(  # type: ignore[attr-defined]
    lambda self: self.args[1] if len(self.args) > 1 else "unknown",
    doc="Why passbild refused: a stable code such as 'not_a_photo', 'truncated', 'unknown_profile'.",
)
# The message alone, not the (message, kind) pair the exception carries.
PassbildError.__str__ = lambda self: str(self.args[0]) if self.args else ""  # type: ignore[method-assign]

Source = Union[str, "os.PathLike[str]", bytes, bytearray, Any]


@dataclass(frozen=True)
class Check:
    """One requirement's finding (the report's `checks` entries)."""

    id: str
    status: str
    value: Optional[float]
    unit: str
    message: str
    min: Optional[float] = None
    max: Optional[float] = None
    reject_min: Optional[float] = None
    reject_max: Optional[float] = None
    quality: Optional[int] = None

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass(frozen=True)
class Report:
    """The verdict on one photo; the fields of passbild's JSON report (README, "The report")."""

    verdict: str
    profile: str
    language: str
    passbild_version: str
    format_version: int
    image: dict
    faces: list
    checks: List[Check]
    timings_ms: dict
    face: Optional[dict] = None
    file: Optional[str] = None
    json: str = field(default="", repr=False, compare=False)

    @staticmethod
    def from_json(text: str) -> "Report":
        data = json.loads(text)
        checks = [Check(**check) for check in data.pop("checks")]
        known = {name for name in Report.__dataclass_fields__ if name not in ("checks", "json")}
        return Report(checks=checks, json=text, **{k: v for k, v in data.items() if k in known})

    @property
    def passed(self) -> bool:
        """Pass, or warn only: the photo may be accepted."""
        return self.verdict in ("pass", "warn")

    def check(self, id: str) -> Optional[Check]:
        return next((c for c in self.checks if c.id == id), None)

    def failures(self) -> List[Check]:
        return [c for c in self.checks if c.status == "fail"]


@dataclass(frozen=True)
class Receipt:
    """What a valid check receipt states (README, "Signed check receipts")."""

    image_sha256: str
    verdict: str
    checks: List[Tuple[str, str]]
    profile: str
    profile_sha256: Optional[str]
    passbild_version: str
    models_sha256: str
    photographer: str
    signed_at: int


def verify_receipt(
    receipt: Union[bytes, bytearray], image: Union[str, "os.PathLike[str]", bytes, bytearray], public_key_pem: str
) -> Receipt:
    """Verifies a receipt (`Checker.check_and_sign`, `passbild check --sign`) against the image it
    should cover (a path or the file's bytes) and the studio's public key (SPKI PEM). Raises
    PassbildError of kind 'receipt_bad_signature', 'receipt_image_mismatch', 'receipt_wrong_key',
    'receipt_malformed' or 'invalid_key'. A valid receipt may state a failing verdict: read it."""
    return Receipt(*_verify_receipt(bytes(receipt), image, public_key_pem))


@dataclass(frozen=True)
class LiveFace:
    """What a camera frame shows of the face, in frame pixels. Angles in degrees (None where the
    pose could not be fitted); `eye_aspect` is the smaller eye's lid gap over its width (the eyes
    are read in turn, one a frame)."""

    eye_midpoint: Tuple[float, float]
    inter_eye_distance_px: float
    chin_to_crown_px: float
    eye_line_tilt_deg: float
    yaw: Optional[float]
    pitch: Optional[float]
    roll: Optional[float]
    eye_aspect: float
    face_luma: float


@dataclass(frozen=True)
class LiveFrame:
    """One frame's guidance: `hint` is a stable code ('move_closer', 'turn_left', 'ready', ...),
    `hint_text` its words in the checker's language; `tracked` when the face was followed from
    the previous frame."""

    hint: str
    hint_text: str
    tracked: bool
    face: Optional[LiveFace]

    @property
    def ready(self) -> bool:
        return self.hint == "ready"


class LiveSession:
    """Guidance frame by frame for one running camera (`Checker.live_session()`): the framing the
    profile's template cuts, its pose and open-eye limits, and the light. One session per camera;
    it follows the face between frames, so a frame costs the face mesh alone."""

    def __init__(self, native: Any) -> None:
        self._native = native

    def process(self, frame: Any) -> LiveFrame:
        """One camera frame: a uint8 array shaped (height, width), (height, width, 3) RGB or
        (height, width, 4) RGBA (OpenCV's BGR frames need `frame[:, :, ::-1]`)."""
        data = json.loads(self._native.process_json(frame))
        face = data.get("face")
        if face is not None:
            pose = face.get("pose") or {}
            face = LiveFace(
                eye_midpoint=(face["eye_midpoint"]["x"], face["eye_midpoint"]["y"]),
                inter_eye_distance_px=face["inter_eye_distance_px"],
                chin_to_crown_px=face["chin_to_crown_px"],
                eye_line_tilt_deg=face["eye_line_tilt_deg"],
                yaw=pose.get("yaw"),
                pitch=pose.get("pitch"),
                roll=pose.get("roll"),
                eye_aspect=face["eye_aspect"],
                face_luma=face["face_luma"],
            )
        return LiveFrame(hint=data["hint"], hint_text=data["hint_text"], tracked=data["tracked"], face=face)

    @property
    def target(self) -> dict:
        """Where the session wants the face: the photo's shares, the margin, the pose limits in
        degrees (math.inf: no limit), the least eyelid gap and the light range (a pair)."""
        target = json.loads(self._native.target_json())
        for limit in ("max_yaw", "max_pitch", "max_roll"):
            if target[limit] is None:
                target[limit] = math.inf
        target["face_luma"] = tuple(target["face_luma"])
        return target

    def set_target(self, **changes: Any) -> None:
        """Changes `margin`, `min_photo_of_frame`, `min_photo_height_px`, `max_yaw`, `max_pitch`,
        `max_roll` (math.inf: no limit), `min_eye_aspect` (0: none) or `face_luma` (a (least, most)
        pair; (0, 255): none) from the next frame on; the others stay. Raises PassbildError of kind
        'invalid_live_target' for a number outside its domain, and the target stays."""
        if "face_luma" in changes:
            changes["face_luma"] = tuple(changes["face_luma"])
        self._native.set_target(**changes)

    def smallest_capture_height(self, frame_aspect: float) -> int:
        """How tall a camera still of this shape (width over height) must be for every ready frame
        to hold the photo at the profile's pixel size (de-live: 1244x1600); 0 where it fixes none.
        Raises ValueError for an aspect that is not a positive number."""
        return self._native.smallest_capture_height(frame_aspect)


class Checker:
    """Checks photos against one profile (icao, de-live, de-scan, de-child-6-9, de-child-under-6,
    or a TOML profile file). Load once: the models load with it."""

    def __init__(self, profile: str = "icao", language: str = "en", threads: int = 0) -> None:
        self._native = NativeChecker(profile, language, threads)

    @property
    def profile(self) -> str:
        return self._native.profile

    def check(self, source: Source) -> Report:
        """Checks a path, the bytes of an encoded photo (bytes, bytearray, or a flat uint8 array
        such as numpy.fromfile gives), or pixels (a uint8 array shaped (height, width),
        (height, width, 3) RGB or (height, width, 4) RGBA)."""
        return Report.from_json(self._native.check_json(source))

    def crop(self, source: Union[str, "os.PathLike[str]", bytes, bytearray]) -> bytes:
        """Cuts a larger studio photo (a path or the bytes of an encoded photo) to the profile's
        template: the eyes levelled and placed, the head at the middle of its target size, the
        profile's pixel size, sRGB; returns the JPEG. Raises PassbildError of kind 'cannot_crop'
        (with the reason) where the head lacks room or would have to be enlarged."""
        return self._native.crop_jpeg(source)

    def check_with_overlay(self, source: Union[str, "os.PathLike[str]", bytes, bytearray]) -> Tuple[Report, bytes]:
        """Checks a photo (a path or the bytes of an encoded photo) and returns the report with the
        photo as PNG, what the checks found drawn on it for an operator: the face box, landmarks,
        eye line, chin and crown, the profile's target zones, green where a check passed, yellow
        where it warned, red where it failed."""
        text, png = self._native.check_with_overlay_png(source)
        return Report.from_json(text), png

    def check_with_reference(
        self,
        document: Union[str, "os.PathLike[str]", bytes, bytearray],
        live: Union[str, "os.PathLike[str]", bytes, bytearray],
    ) -> Report:
        """Checks a document photo (the studio's upload, a path or the bytes of an encoded photo)
        and compares it with a trusted live capture of the applicant (the terminal's or the mobile
        kit's camera, likewise): the document's usual checks plus `identity.same_person` (the
        same person in both) and `morph.differential` (the document a morph of the applicant and
        someone else). The comparison's models load at the first call."""
        return Report.from_json(self._native.check_with_reference_json(document, live))

    def check_and_sign(
        self, source: Union[str, "os.PathLike[str]", bytes, bytearray], key_pem: str, photographer: str
    ) -> Tuple[Report, bytes]:
        """Checks a photo (a path or the bytes of an encoded photo) and signs a receipt for exactly
        those bytes with the studio's private key (PKCS#8 PEM, as `generate_receipt_key` or
        `passbild keygen` makes it) and the photographer's pseudonym: the report and the receipt
        (COSE_Sign1, Ed25519), for the office to check with `verify_receipt`."""
        text, receipt = self._native.check_and_sign(source, key_pem, photographer)
        return Report.from_json(text), receipt

    def best_capture(self, reports: Sequence[Report]) -> Optional[int]:
        """Of the reports of captures in the order they were taken (as `check` made them), the
        index of the one TR-03121 keeps under this checker's profile: the most mandatory criteria
        met, then the most optional, then the most checks on target (a warning meets its criterion,
        not its target), then the most recent. None for no reports."""
        missing = [i for i, report in enumerate(reports) if not report.json]
        if missing:
            raise ValueError(f"reports{missing} were not made by passbild (they carry no JSON)")
        return self._native.best_capture([report.json for report in reports])

    def live_session(self) -> LiveSession:
        """Guidance for a running camera, frame by frame (`LiveSession`)."""
        return LiveSession(self._native.live_session())

    def check_many(self, paths: Iterable[Union[str, "os.PathLike[str]"]]) -> List[Union[Report, PassbildError]]:
        """Checks files in parallel on the checker's threads (`threads` at construction); results
        keep the order, a file that could not be checked gives its PassbildError in its place."""
        if isinstance(paths, (str, bytes, os.PathLike)):
            # A single path is iterable too, by its characters.
            raise TypeError("check_many() takes a list of paths; check() takes one")
        results = self._native.check_many_json([os.fspath(p) for p in paths])
        return [
            Report.from_json(text) if text is not None else PassbildError(error[1], error[0])
            for text, error in results
        ]
