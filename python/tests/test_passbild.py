"""The Python package against the fixtures: the same verdicts as the Rust API, typed reports,
errors as exceptions with their kind, the GIL released while checking."""

import dataclasses
import math
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import passbild

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
COMPLIANT = FIXTURES / "frll_034_de.jpg"


@pytest.fixture(scope="module")
def de_live():
    return passbild.Checker("de-live", language="de", threads=2)


def test_a_path_bytes_and_pixels_give_the_same_verdict(de_live):
    by_path = de_live.check(COMPLIANT)
    assert by_path.verdict == "pass" and by_path.passed
    assert by_path.profile == "de-live" and by_path.language == "de"
    assert by_path.check("geometry.inter_eye_distance").passed
    assert "Augenabstand" in by_path.check("geometry.inter_eye_distance").message
    assert by_path.image["width"] == 1244 and by_path.image["format"] == "jpeg"
    by_bytes = de_live.check(COMPLIANT.read_bytes())
    assert [c.status for c in by_bytes.checks] == [c.status for c in by_path.checks]
    pixels = np.asarray(Image.open(COMPLIANT).convert("RGB"))
    by_pixels = de_live.check(pixels)
    assert by_pixels.verdict == "pass"
    assert by_pixels.image["format"] == "raw"
    assert de_live.check(np.ascontiguousarray(pixels[:, :, 0])).check("image.colour_depth").status == "fail"
    # A file's bytes as a flat array are the file, not a row of pixels.
    by_flat_array = de_live.check(np.fromfile(COMPLIANT, dtype=np.uint8))
    assert [c.status for c in by_flat_array.checks] == [c.status for c in by_path.checks]
    assert by_flat_array.image["format"] == "jpeg"
    assert de_live.check(memoryview(COMPLIANT.read_bytes())).verdict == "pass"


def test_the_report_is_typed(de_live):
    report = de_live.check(str(COMPLIANT))
    assert isinstance(report, passbild.Report)
    assert all(isinstance(c, passbild.Check) for c in report.checks)
    roll = report.check("pose.roll")
    assert roll.unit == "deg" and isinstance(roll.value, float) and roll.min == -8
    assert report.failures() == []
    assert '"verdict":"pass"' in report.json


def test_errors_are_exceptions_with_their_kind(de_live):
    with pytest.raises(passbild.PassbildError) as refused:
        de_live.check(b"this is not a photo")
    assert refused.value.kind == "not_a_photo"
    with pytest.raises(passbild.PassbildError) as truncated:
        de_live.check(COMPLIANT.read_bytes()[:5000])
    assert truncated.value.kind == "truncated"
    with pytest.raises(passbild.PassbildError) as unknown:
        passbild.Checker("no-such-profile")
    assert unknown.value.kind == "unknown_profile"
    assert str(unknown.value).startswith("unknown profile"), str(unknown.value)
    with pytest.raises(passbild.PassbildError) as language:
        passbild.Checker("icao", language="fr")
    assert language.value.kind == "unknown_language"
    with pytest.raises(TypeError):
        de_live.check(42)


def test_errors_cross_process_boundaries(de_live):
    # A process pool's worker that raises hands the exception back pickled.
    import pickle

    try:
        de_live.check(b"this is not a photo")
    except passbild.PassbildError as error:
        copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is passbild.PassbildError and copy.kind == "not_a_photo"


def test_check_many_keeps_the_order_and_reports_failures_in_place(de_live, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff nothing")
    results = de_live.check_many([COMPLIANT, FIXTURES / "two_people.jpg", broken])
    assert [type(r).__name__ for r in results] == ["Report", "Report", "PassbildError"]
    assert results[0].verdict == "pass" and results[1].verdict == "fail"
    assert results[2].kind in ("truncated", "decode_failed")
    with pytest.raises(TypeError):
        de_live.check_many(str(COMPLIANT))


def test_the_gil_is_released_while_checking(de_live):
    # A Python thread counts while the checker runs; with the GIL held it could not count.
    counted = [0]
    done = threading.Event()

    def count():
        while not done.is_set():
            counted[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    before = counted[0]
    de_live.check(COMPLIANT)
    during = counted[0] - before
    done.set()
    counter.join()
    assert during > 1000, during


def test_a_studio_photo_is_cropped_to_the_template(de_live, tmp_path):
    import io

    # The compliant photo with room around it, as a studio's larger photo.
    studio = Image.new("RGB", (1644, 2000), (235, 235, 235))
    studio.paste(Image.open(COMPLIANT).convert("RGB"), (200, 200))
    encoded = io.BytesIO()
    studio.save(encoded, "JPEG", quality=95)
    cropped = de_live.crop(encoded.getvalue())
    assert Image.open(io.BytesIO(cropped)).size == (1244, 1600)
    assert de_live.check(cropped).check("geometry.chin_to_crown_de").status == "pass"
    path = tmp_path / "studio.jpg"
    path.write_bytes(encoded.getvalue())
    assert Image.open(io.BytesIO(de_live.crop(path))).size == (1244, 1600)
    # The compliant photo itself has no room around the head for de-live's template.
    with pytest.raises(passbild.PassbildError) as refused:
        de_live.crop(COMPLIANT)
    assert refused.value.kind == "cannot_crop" and "room" in str(refused.value)
    with pytest.raises(TypeError):
        de_live.crop(np.zeros((40, 30, 3), dtype=np.uint8))
    with pytest.raises(TypeError):
        de_live.crop(42)


def test_a_check_comes_with_the_operators_overlay(de_live):
    import io

    report, png = de_live.check_with_overlay(COMPLIANT)
    assert report.passed and report.file == str(COMPLIANT)
    assert Image.open(io.BytesIO(png)).size == (1244, 1600)
    # The file's bytes as a flat array are an encoded photo, as for check().
    report, png = de_live.check_with_overlay(np.fromfile(COMPLIANT, dtype=np.uint8))
    assert report.passed and png.startswith(b"\x89PNG")
    with pytest.raises(TypeError):
        de_live.check_with_overlay(np.zeros((40, 30, 3), dtype=np.uint8))


def test_a_document_is_compared_with_a_live_capture(de_live):
    same = de_live.check_with_reference(COMPLIANT, COMPLIANT.read_bytes())
    assert same.file == str(COMPLIANT)
    assert same.check("identity.same_person").passed
    assert same.check("morph.differential").passed
    # The document's own checks come first, as check() gives them.
    assert [c.id for c in same.checks[: len(de_live.check(COMPLIANT).checks)]] == [
        c.id for c in de_live.check(COMPLIANT).checks
    ]
    # Two people whose embeddings lie within dlib's bound (0.55): the morph check tells them apart.
    other = de_live.check_with_reference(COMPLIANT.read_bytes(), FIXTURES / "frll_119_de.jpg")
    assert other.check("identity.same_person").passed
    assert other.check("morph.differential").status == "fail" and other.verdict == "fail"
    assert other.file is None
    with pytest.raises(passbild.PassbildError) as refused:
        de_live.check_with_reference(COMPLIANT, b"not a photo")
    assert refused.value.kind == "not_a_photo"
    with pytest.raises(TypeError, match="live capture"):
        de_live.check_with_reference(COMPLIANT, np.zeros((40, 30, 3), dtype=np.uint8))


def test_a_signed_receipt_is_verified_against_its_photo_and_key(de_live, tmp_path):
    import hashlib

    private_pem, public_pem = passbild.generate_receipt_key()
    assert "BEGIN PRIVATE KEY" in private_pem and "BEGIN PUBLIC KEY" in public_pem
    report, receipt = de_live.check_and_sign(COMPLIANT, private_pem, "studio-42/anna")
    assert report.passed and report.file == str(COMPLIANT)
    stated = passbild.verify_receipt(receipt, COMPLIANT, public_pem)
    assert stated.verdict == report.verdict and stated.profile == "de-live"
    assert stated.photographer == "studio-42/anna"
    assert stated.image_sha256 == hashlib.sha256(COMPLIANT.read_bytes()).hexdigest()
    assert stated.checks == [(c.id, c.status) for c in report.checks]
    assert stated.passbild_version == passbild.__version__ and stated.signed_at > 1_700_000_000
    # One byte changed in the photo, another studio's key, a damaged receipt, a key that is none.
    changed = bytearray(COMPLIANT.read_bytes())
    changed[-3] ^= 1
    for receipt_, image, key, kind in [
        (receipt, bytes(changed), public_pem, "receipt_image_mismatch"),
        (receipt, COMPLIANT, passbild.generate_receipt_key()[1], "receipt_wrong_key"),
        (receipt[:-5], COMPLIANT, public_pem, "receipt_malformed"),
        (receipt[:-1] + bytes([receipt[-1] ^ 1]), COMPLIANT, public_pem, "receipt_bad_signature"),
        (receipt, COMPLIANT, "not a key", "invalid_key"),
    ]:
        with pytest.raises(passbild.PassbildError) as refused:
            passbild.verify_receipt(receipt_, image, key)
        assert refused.value.kind == kind, (kind, str(refused.value))
    with pytest.raises(passbild.PassbildError) as refused:
        de_live.check_and_sign(COMPLIANT, "not a key", "studio-42/anna")
    assert refused.value.kind == "invalid_key"


def test_a_live_session_guides_a_camera_frame_by_frame(de_live):
    photo = Image.open(COMPLIANT).convert("RGB")
    scale = 0.23
    face = photo.resize((int(1244 * scale), int(1600 * scale)))
    frame = Image.new("RGB", (640, 480), (128, 128, 128))
    frame.paste(face, ((640 - face.width) // 2, (480 - face.height) // 2))
    pixels = np.asarray(frame)
    session = de_live.live_session()
    first = session.process(pixels)
    assert first.ready and first.hint_text == "stillhalten" and not first.tracked
    assert first.face is not None and abs(first.face.eye_midpoint[0] - 320) < 40
    assert first.face.yaw is not None and abs(first.face.yaw) < 8
    assert 0.1 < first.face.eye_aspect < 0.6
    second = session.process(pixels)
    assert second.ready and second.tracked
    # A grey frame holds no face; a wider margin than this frame leaves asks to move back.
    assert session.process(np.full((480, 640, 3), 128, dtype=np.uint8)).hint == "no_face"
    fresh = de_live.live_session()
    before = fresh.target
    fresh.set_target(margin=0.2)
    after = fresh.target
    assert after["margin"] == pytest.approx(0.2)
    assert {k: v for k, v in after.items() if k != "margin"} == {k: v for k, v in before.items() if k != "margin"}
    assert fresh.process(pixels).hint == "move_back"
    fresh.set_target(margin=before["margin"], face_luma=[240, 255])
    assert fresh.target["face_luma"] == (240, 255) and fresh.process(pixels).hint == "more_light"
    fresh.set_target(face_luma=before["face_luma"], max_pitch=0, max_yaw=math.inf)
    assert fresh.target["max_yaw"] == math.inf and fresh.process(pixels).hint in ("chin_up", "chin_down")
    fresh.set_target(**{limit: before[limit] for limit in ("max_pitch", "max_yaw")})
    assert fresh.target == before and fresh.process(pixels).ready
    with pytest.raises(passbild.PassbildError) as refused:
        fresh.set_target(margin=0.5)
    assert refused.value.kind == "invalid_live_target" and "margin" in str(refused.value)
    assert fresh.target == before
    with pytest.raises(TypeError):
        fresh.process(COMPLIANT.read_bytes())
    assert 1600 < session.smallest_capture_height(4 / 3) < 4000
    with pytest.raises(ValueError):
        session.smallest_capture_height(0)
    # A profile that does not judge pose has no pose limit.
    assert passbild.Checker("de-child-under-6").live_session().target["max_yaw"] == math.inf
    # Threads may share a session: calls wait for each other's frames.
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        hints = list(pool.map(lambda _: session.process(pixels).hint, range(8)))
        targets = list(pool.map(lambda _: session.target["margin"], range(8)))
    assert set(hints) == {"ready"} and len(set(targets)) == 1


def test_the_best_of_a_sequence_of_captures_is_kept(de_live):
    pixels = np.asarray(Image.open(COMPLIANT).convert("RGB"))
    good = de_live.check(pixels)
    grey = de_live.check(np.ascontiguousarray(pixels[:, :, 0]))
    assert good.passed and not grey.passed
    assert de_live.best_capture([grey, good, grey]) == 1
    # Of equals, the most recent.
    assert de_live.best_capture([good, grey, good]) == 2
    assert de_live.best_capture([]) is None
    with pytest.raises(ValueError):
        de_live.best_capture([dataclasses.replace(good, json="")])
    with pytest.raises(ValueError):
        de_live.best_capture([dataclasses.replace(good, json="{}")])


def test_built_in_profiles_and_version():
    assert "de-live" in passbild.built_in_profiles()
    assert passbild.__version__ == "0.1.0"
