"""passbild from Python through ctypes.

usage: python3 check.py LIBRARY PROFILE PHOTO
prints "verdict pass|fail|not_assessed|warn", then "id status value message" per check.
"""
import ctypes
import math
import sys

VERDICTS = ["pass", "fail", "not_assessed", "warn"]


class Check(ctypes.Structure):
    _fields_ = [
        ("id", ctypes.c_char_p),
        ("unit", ctypes.c_char_p),
        ("status", ctypes.c_uint32),
        ("quality", ctypes.c_int32),
        ("value", ctypes.c_double),
        ("min", ctypes.c_double),
        ("max", ctypes.c_double),
    ]


def load(path):
    lib = ctypes.CDLL(path)
    p = ctypes.c_void_p
    lib.passbild_version.restype = ctypes.c_char_p
    lib.passbild_checker_new.argtypes = [ctypes.c_char_p, ctypes.c_uint32, ctypes.POINTER(p), ctypes.POINTER(p)]
    lib.passbild_checker_new.restype = ctypes.c_uint32
    lib.passbild_checker_free.argtypes = [p]
    lib.passbild_checker_check_bytes.argtypes = [p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(p), ctypes.POINTER(p)]
    lib.passbild_checker_check_bytes.restype = ctypes.c_uint32
    lib.passbild_report_verdict.argtypes = [p, ctypes.POINTER(ctypes.c_uint32)]
    lib.passbild_report_check_count.argtypes = [p, ctypes.POINTER(ctypes.c_size_t)]
    lib.passbild_report_check.argtypes = [p, ctypes.c_size_t, ctypes.POINTER(Check)]
    lib.passbild_report_check_message.argtypes = [
        p, ctypes.c_size_t, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
    lib.passbild_report_free.argtypes = [p]
    lib.passbild_error_message.argtypes = [p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
    lib.passbild_error_free.argtypes = [p]
    return lib


def raise_error(lib, status, error):
    buffer = ctypes.create_string_buffer(1024)
    lib.passbild_error_message(error, buffer, len(buffer), None)
    lib.passbild_error_free(error)
    raise RuntimeError(f"passbild status {status}: {buffer.value.decode()}")


def main(library, profile, photo_path):
    lib = load(library)
    checker, error = ctypes.c_void_p(), ctypes.c_void_p()
    status = lib.passbild_checker_new(profile.encode(), 0, ctypes.byref(checker), ctypes.byref(error))
    if status != 0:
        raise_error(lib, status, error)
    try:
        photo = open(photo_path, "rb").read()
        report = ctypes.c_void_p()
        status = lib.passbild_checker_check_bytes(checker, photo, len(photo), ctypes.byref(report), ctypes.byref(error))
        if status != 0:
            raise_error(lib, status, error)
        try:
            verdict, count = ctypes.c_uint32(), ctypes.c_size_t()
            lib.passbild_report_verdict(report, ctypes.byref(verdict))
            lib.passbild_report_check_count(report, ctypes.byref(count))
            print("verdict", VERDICTS[verdict.value])
            for i in range(count.value):
                check = Check()
                lib.passbild_report_check(report, i, ctypes.byref(check))
                needed = ctypes.c_size_t()
                lib.passbild_report_check_message(report, i, 0, None, 0, ctypes.byref(needed))
                message = ctypes.create_string_buffer(needed.value)
                lib.passbild_report_check_message(report, i, 0, message, needed.value, None)
                value = "-" if math.isnan(check.value) else f"{check.value:.6g}"
                print(check.id.decode(), VERDICTS[check.status], value, message.value.decode())
            # pass (0) and warn (3) accept the photo; fail and not assessed do not.
            return 0 if verdict.value in (0, 3) else 1
        finally:
            lib.passbild_report_free(report)
    finally:
        lib.passbild_checker_free(checker)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
