/* The C ABI from C: values, misuse, threads. Built with -Wall -Wextra -Werror by tests/c_api.rs.
 * usage: ffi_test values|misuse|threads|short|studio|onnxruntime FIXTURE_DIR */
#include "passbild.h"
#include "passbild.h" /* twice: the include guard must hold */

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(cond, ...)                                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "FAILED %s:%d: ", __FILE__, __LINE__);         \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
            exit(1);                                                       \
        }                                                                  \
    } while (0)

static const char *fixtures;

static unsigned char *read_fixture(const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    FILE *file = fopen(path, "rb");
    EXPECT(file != NULL, "cannot open %s", path);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)size);
    EXPECT(data != NULL && fread(data, 1, (size_t)size, file) == (size_t)size, "cannot read %s", path);
    fclose(file);
    *len = (size_t)size;
    return data;
}

static passbild_checker *new_checker(const char *profile) {
    passbild_checker *checker = NULL;
    passbild_error *error = NULL;
    passbild_status status = passbild_checker_new(profile, 2, &checker, &error);
    EXPECT(status == PASSBILD_STATUS_OK && checker != NULL && error == NULL, "checker_new(%s): %u", profile, status);
    return checker;
}

static passbild_report *check_fixture(const passbild_checker *checker, const char *name) {
    size_t len = 0;
    unsigned char *data = read_fixture(name, &len);
    passbild_report *report = NULL;
    /* A stale pointer from an earlier failure: success writes NULL over it. */
    passbild_error *error = (passbild_error *)0x1;
    passbild_status status = passbild_checker_check_bytes(checker, data, len, &report, &error);
    free(data);
    EXPECT(status == PASSBILD_STATUS_OK && report != NULL && error == NULL, "check %s: %u", name, status);
    return report;
}

/* Prints "file id status value min max quality" per check, values with full precision. */
static void print_values(const passbild_checker *checker, const char *name) {
    passbild_report *report = check_fixture(checker, name);
    passbild_check_status verdict;
    EXPECT(passbild_report_verdict(report, &verdict) == PASSBILD_STATUS_OK, "verdict");
    printf("%s verdict %u\n", name, verdict);
    size_t count = 0;
    EXPECT(passbild_report_check_count(report, &count) == PASSBILD_STATUS_OK && count > 0, "count");
    for (size_t i = 0; i < count; i++) {
        passbild_check check;
        EXPECT(passbild_report_check(report, i, &check) == PASSBILD_STATUS_OK, "check %zu", i);
        printf("%s %s %u %.17g %.17g %.17g %d\n", name, check.id, check.status, check.value, check.min, check.max,
               check.quality);
    }
    char *json = NULL;
    EXPECT(passbild_report_to_json(report, PASSBILD_LANGUAGE_EN, &json) == PASSBILD_STATUS_OK, "json");
    printf("%s json %s\n", name, json);
    passbild_string_free(json);
    passbild_report_free(report);
}

static void expect_error(passbild_status got, passbild_status want, passbild_error *error, const char *fragment) {
    EXPECT(got == want, "status %u, expected %u", got, want);
    EXPECT(error != NULL, "no error object for status %u", got);
    EXPECT(passbild_error_status(error) == want, "error status");
    char message[512];
    size_t needed = 0;
    EXPECT(passbild_error_message(error, message, sizeof message, &needed) == PASSBILD_STATUS_OK, "message");
    EXPECT(strstr(message, fragment) != NULL, "message \"%s\" lacks \"%s\"", message, fragment);
    passbild_error_free(error);
}

/* The call runs before `error` is read (argument evaluation order is unspecified in C). */
#define expect_error_after(call, want, error_variable, fragment)            \
    do {                                                                    \
        passbild_status status_ = (call);                                   \
        expect_error(status_, (want), (error_variable), (fragment));         \
    } while (0)

static void misuse(void) {
    passbild_report *const untouched = (passbild_report *)0x1;
    passbild_report *report = untouched;
    passbild_error *error = NULL;
    const unsigned char garbage[] = "definitely not a photo";

    passbild_checker *checker = new_checker("icao");

    expect_error_after(passbild_checker_check_bytes(NULL, garbage, sizeof garbage, &report, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "checker");
    EXPECT(report == untouched, "report_out written on failure");
    error = NULL;
    expect_error_after(passbild_checker_check_bytes(checker, NULL, 10, &report, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "data");
    error = NULL;
    expect_error_after(passbild_checker_check_bytes(checker, garbage, 0, &report, &error), PASSBILD_STATUS_EMPTY_INPUT, error, "empty");
    error = NULL;
    /* An empty array of Java or .NET may come without an address: still empty, not NULL. */
    expect_error_after(passbild_checker_check_bytes(checker, NULL, 0, &report, &error), PASSBILD_STATUS_EMPTY_INPUT, error, "empty");
    error = NULL;
    expect_error_after(passbild_checker_check_bytes(checker, garbage, sizeof garbage, &report, &error), PASSBILD_STATUS_UNKNOWN_FORMAT, error, "format");
    EXPECT(report == untouched, "report_out written on failure");
    EXPECT(passbild_checker_check_bytes(checker, garbage, sizeof garbage, NULL, NULL) == PASSBILD_STATUS_NULL_ARGUMENT,
           "NULL report_out");

    size_t len = 0;
    unsigned char *jpeg = read_fixture("lisa3.jpg", &len);
    error = NULL;
    expect_error_after(passbild_checker_check_bytes(checker, jpeg, len / 2, &report, &error), PASSBILD_STATUS_TRUNCATED, error, "truncated");
    free(jpeg);

    passbild_checker *no_checker = NULL;
    error = NULL;
    expect_error_after(passbild_checker_new("nope", 1, &no_checker, &error), PASSBILD_STATUS_UNKNOWN_PROFILE, error, "unknown profile");
    EXPECT(no_checker == NULL, "checker_out written on failure");
    error = NULL;
    expect_error_after(passbild_checker_new(NULL, 1, &no_checker, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "profile");
    error = NULL;
    expect_error_after(passbild_checker_new_from_toml("base = \"de-live\"\n[pose.yaw]\nmaximum = 3\n", 1, &no_checker, &error), PASSBILD_STATUS_INVALID_PROFILE, error, "maximum");
    error = NULL;
    expect_error_after(passbild_checker_new_from_toml("[pose.yaw", 1, &no_checker, &error), PASSBILD_STATUS_INVALID_PROFILE, error, "invalid profile");
    EXPECT(no_checker == NULL, "checker_out written on failure");
    /* Threads beyond any core count would use up the machine's process IDs: refused. */
    error = NULL;
    expect_error_after(passbild_checker_new("icao", UINT32_MAX, &no_checker, &error), PASSBILD_STATUS_THREAD_POOL_FAILED, error, "at most 1024");
    EXPECT(no_checker == NULL, "checker_out written on failure");
    /* No buffer is longer than PTRDIFF_MAX: refused before it is looked at. */
    error = NULL;
    expect_error_after(passbild_checker_check_bytes(checker, garbage, SIZE_MAX, &report, &error), PASSBILD_STATUS_INPUT_TOO_LARGE, error, "limit");
    const char bad_utf8[] = {'i', 'c', (char)0xff, 'o', 0};
    EXPECT(passbild_checker_new(bad_utf8, 1, &no_checker, NULL) == PASSBILD_STATUS_INVALID_ARGUMENT, "bad UTF-8");

    const unsigned char pixels[4 * 4 * 3] = {0};
    error = NULL;
    expect_error_after(passbild_checker_check_pixels(checker, pixels, 4, 4, 12, 99, &report, &error), PASSBILD_STATUS_INVALID_ARGUMENT, error, "pixel format");
    error = NULL;
    expect_error_after(passbild_checker_check_pixels(checker, pixels, 4, 4, 2, PASSBILD_PIXEL_FORMAT_RGB8, &report, &error), PASSBILD_STATUS_INVALID_PIXELS, error, "stride");
    error = NULL;
    expect_error_after(passbild_checker_check_pixels(checker, pixels, 0, 4, 12, PASSBILD_PIXEL_FORMAT_RGB8, &report, &error), PASSBILD_STATUS_INVALID_PIXELS, error, "zero");
    /* With the buffer's length, a buffer short of its rows is refused, not read beyond. */
    error = NULL;
    expect_error_after(passbild_checker_check_pixels_len(checker, pixels, sizeof pixels, 4, 8, 12, PASSBILD_PIXEL_FORMAT_RGB8, &report, &error), PASSBILD_STATUS_INVALID_PIXELS, error, "48 bytes given, 96 needed");
    error = NULL;
    expect_error_after(passbild_checker_check_pixels_len(checker, pixels, sizeof pixels, 8, 4, 24, PASSBILD_PIXEL_FORMAT_RGB8, &report, &error), PASSBILD_STATUS_INVALID_PIXELS, error, "needed");

    /* A document against a live capture: NULLs refused, then the fixture against itself. */
    error = NULL;
    expect_error_after(passbild_checker_check_with_reference(checker, NULL, 10, garbage, sizeof garbage, &report, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "document");
    error = NULL;
    expect_error_after(passbild_checker_check_with_reference(checker, garbage, sizeof garbage, NULL, 10, &report, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "live");
    EXPECT(report == untouched, "report_out written on failure");
    size_t photo_len = 0;
    unsigned char *photo = read_fixture("frll_034_de.jpg", &photo_len);
    error = NULL;
    EXPECT(passbild_checker_check_with_reference(checker, photo, photo_len, photo, photo_len, &report, &error) ==
               PASSBILD_STATUS_OK,
           "with reference");
    free(photo);
    size_t reference_count = 0;
    EXPECT(passbild_report_check_count(report, &reference_count) == PASSBILD_STATUS_OK && reference_count >= 2, "count");
    passbild_check last;
    EXPECT(passbild_report_check(report, reference_count - 1, &last) == PASSBILD_STATUS_OK, "last check");
    EXPECT(strcmp(last.id, "morph.differential") == 0 && last.status == PASSBILD_CHECK_STATUS_PASS && last.value < 0.05,
           "morph.differential of a photo against itself: %s %u %g", last.id, last.status, last.value);
    passbild_report_free(report);
    report = untouched;

    /* A live session: NULLs refused, a frame without a face, hint texts. */
    passbild_live_session *session = NULL;
    error = NULL;
    expect_error_after(passbild_live_session_new(NULL, &session, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "checker");
    EXPECT(passbild_live_session_new(checker, &session, NULL) == PASSBILD_STATUS_OK && session != NULL, "live session");
    static unsigned char grey_frame[64 * 48 * 3];
    memset(grey_frame, 128, sizeof grey_frame);
    passbild_live_frame live_frame;
    error = NULL;
    expect_error_after(passbild_live_session_process(session, NULL, 64, 48, 64 * 3, PASSBILD_PIXEL_FORMAT_RGB8, &live_frame, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "pixels");
    error = NULL;
    expect_error_after(passbild_live_session_process(session, grey_frame, 64, 48, 64 * 3, 42, &live_frame, &error), PASSBILD_STATUS_INVALID_ARGUMENT, error, "pixel format");
    error = NULL;
    expect_error_after(passbild_live_session_process_len(session, grey_frame, 64 * 47 * 3, 64, 48, 64 * 3, PASSBILD_PIXEL_FORMAT_RGB8, &live_frame, &error), PASSBILD_STATUS_INVALID_PIXELS, error, "needed");
    EXPECT(passbild_live_session_process(session, grey_frame, 64, 48, 64 * 3, PASSBILD_PIXEL_FORMAT_RGB8, &live_frame, NULL) == PASSBILD_STATUS_OK,
           "grey frame");
    EXPECT(!live_frame.has_face && live_frame.hint == PASSBILD_HINT_NO_FACE && isnan(live_frame.yaw_deg) &&
               isnan(live_frame.chin_to_crown_px) && isnan(live_frame.eye_line_tilt_deg),
           "no face in a grey frame");
    uint32_t capture_height = 99;
    EXPECT(passbild_live_session_smallest_capture_height(session, 4.0f / 3.0f, &capture_height, NULL) == PASSBILD_STATUS_OK && capture_height == 0,
           "icao fixes no pixel size: %u", capture_height);
    error = NULL;
    expect_error_after(passbild_live_session_smallest_capture_height(session, 0.0f, &capture_height, &error), PASSBILD_STATUS_INVALID_ARGUMENT, error, "frame_aspect");
    error = NULL;
    expect_error_after(passbild_live_session_smallest_capture_height(NULL, 1.0f, &capture_height, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "session");
    passbild_live_target target;
    EXPECT(passbild_live_session_target(session, &target, NULL) == PASSBILD_STATUS_OK && fabsf(target.photo_aspect - 35.0f / 45.0f) < 0.01f &&
               target.margin > 0.0f && target.margin < 0.5f && target.min_face_luma < target.max_face_luma && target.max_yaw_deg > 0.0,
           "icao's target: aspect %g, margin %g", target.photo_aspect, target.margin);
    target.margin = 0.2f;
    target.max_yaw_deg = 3.0;
    EXPECT(passbild_live_session_set_target(session, &target, NULL) == PASSBILD_STATUS_OK, "set target");
    passbild_live_target read_back;
    EXPECT(passbild_live_session_target(session, &read_back, NULL) == PASSBILD_STATUS_OK && read_back.margin == 0.2f &&
               read_back.max_yaw_deg == 3.0 && read_back.photo_aspect == target.photo_aspect,
           "target read back: margin %g, yaw %g", read_back.margin, read_back.max_yaw_deg);
    passbild_live_target wrong = target;
    wrong.margin = 0.5f;
    error = NULL;
    expect_error_after(passbild_live_session_set_target(session, &wrong, &error), PASSBILD_STATUS_INVALID_ARGUMENT, error, "margin");
    wrong = target;
    wrong.max_face_luma = NAN;
    error = NULL;
    expect_error_after(passbild_live_session_set_target(session, &wrong, &error), PASSBILD_STATUS_INVALID_ARGUMENT, error, "max_face_luma");
    EXPECT(passbild_live_session_target(session, &read_back, NULL) == PASSBILD_STATUS_OK && read_back.margin == 0.2f,
           "a refused target leaves the session's: margin %g", read_back.margin);
    error = NULL;
    expect_error_after(passbild_live_session_set_target(session, NULL, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "target");
    error = NULL;
    expect_error_after(passbild_live_session_set_target(NULL, &target, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "session");
    error = NULL;
    expect_error_after(passbild_live_session_target(session, NULL, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "target_out");
    passbild_checker *de_live = new_checker("de-live");
    passbild_live_session *de_live_session = NULL;
    EXPECT(passbild_live_session_new(de_live, &de_live_session, NULL) == PASSBILD_STATUS_OK, "de-live session");
    EXPECT(passbild_live_session_smallest_capture_height(de_live_session, 4.0f / 3.0f, &capture_height, NULL) == PASSBILD_STATUS_OK &&
               capture_height > 1600 && capture_height < 4000,
           "de-live fixes 1244x1600: %u", capture_height);
    passbild_live_session_free(de_live_session);
    passbild_checker_free(de_live);
    char hint_text[64];
    EXPECT(passbild_live_hint_text(PASSBILD_HINT_READY, PASSBILD_LANGUAGE_DE, hint_text, sizeof hint_text, NULL) == PASSBILD_STATUS_OK &&
               strcmp(hint_text, "stillhalten") == 0,
           "hint text: %s", hint_text);
    EXPECT(passbild_live_hint_text(99, PASSBILD_LANGUAGE_EN, hint_text, sizeof hint_text, NULL) == PASSBILD_STATUS_INVALID_ARGUMENT, "unknown hint");
    passbild_live_session_free(session);
    passbild_live_session_free(NULL);

    /* Best capture: the later of two equal captures; NULLs and an empty sequence refused. */
    const passbild_report *captures[2];
    captures[0] = check_fixture(checker, "lisa3.jpg");
    captures[1] = check_fixture(checker, "lisa3.jpg");
    size_t best = 99;
    EXPECT(passbild_checker_best_capture(checker, captures, 2, &best, NULL) == PASSBILD_STATUS_OK && best == 1,
           "best capture %zu", best);
    error = NULL;
    expect_error_after(passbild_checker_best_capture(checker, captures, 0, &best, &error), PASSBILD_STATUS_INVALID_ARGUMENT, error, "no captures");
    error = NULL;
    expect_error_after(passbild_checker_best_capture(checker, NULL, 0, &best, &error), PASSBILD_STATUS_INVALID_ARGUMENT, error, "no captures");
    error = NULL;
    expect_error_after(passbild_checker_best_capture(checker, NULL, 2, &best, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "reports");
    const passbild_report *with_null[2] = {captures[0], NULL};
    error = NULL;
    expect_error_after(passbild_checker_best_capture(checker, with_null, 2, &best, &error), PASSBILD_STATUS_NULL_ARGUMENT, error, "reports[1] is NULL");
    passbild_report_free((passbild_report *)captures[0]);
    passbild_report_free((passbild_report *)captures[1]);

    /* A real report, then its accessors misused. */
    report = check_fixture(checker, "lisa3.jpg");
    size_t count = 0;
    EXPECT(passbild_report_check_count(report, &count) == PASSBILD_STATUS_OK && count > 0, "count");
    passbild_check check;
    EXPECT(passbild_report_check(report, count, &check) == PASSBILD_STATUS_INDEX_OUT_OF_RANGE, "index out of range");
    EXPECT(passbild_report_check(report, (size_t)-1, &check) == PASSBILD_STATUS_INDEX_OUT_OF_RANGE, "huge index");
    EXPECT(passbild_report_check(NULL, 0, &check) == PASSBILD_STATUS_NULL_ARGUMENT, "NULL report");
    EXPECT(passbild_report_check(report, 0, NULL) == PASSBILD_STATUS_NULL_ARGUMENT, "NULL check_out");
    EXPECT(passbild_report_verdict(NULL, NULL) == PASSBILD_STATUS_NULL_ARGUMENT, "NULL verdict");
    EXPECT(passbild_report_check_count(report, NULL) == PASSBILD_STATUS_NULL_ARGUMENT, "NULL count_out");

    char small[4] = {'x', 'x', 'x', 'x'};
    size_t needed = 0;
    EXPECT(passbild_report_check_message(report, 0, PASSBILD_LANGUAGE_DE, small, sizeof small, &needed) ==
               PASSBILD_STATUS_BUFFER_TOO_SMALL,
           "too-small buffer");
    EXPECT(needed > sizeof small && small[0] == 'x', "needed %zu, buffer touched", needed);
    char *message = malloc(needed);
    EXPECT(passbild_report_check_message(report, 0, PASSBILD_LANGUAGE_DE, message, needed, NULL) == PASSBILD_STATUS_OK,
           "exact buffer");
    EXPECT(strlen(message) + 1 == needed, "length");
    EXPECT(strstr(message, "Bildgröße") != NULL, "German message: %s", message);
    free(message);
    EXPECT(passbild_report_check_message(report, 0, 7, small, sizeof small, NULL) == PASSBILD_STATUS_INVALID_ARGUMENT,
           "language");
    EXPECT(passbild_report_check_message(report, 99, PASSBILD_LANGUAGE_EN, small, sizeof small, NULL) ==
               PASSBILD_STATUS_INDEX_OUT_OF_RANGE,
           "message index");
    char *json = NULL;
    EXPECT(passbild_report_to_json(report, 5, &json) == PASSBILD_STATUS_INVALID_ARGUMENT && json == NULL, "json lang");
    EXPECT(passbild_report_to_json(report, PASSBILD_LANGUAGE_EN, NULL) == PASSBILD_STATUS_NULL_ARGUMENT, "json NULL");
    passbild_report_free(report);

    char text[128];
    EXPECT(passbild_status_message(PASSBILD_STATUS_TRUNCATED, text, sizeof text, NULL) == PASSBILD_STATUS_OK &&
               strstr(text, "truncated") != NULL,
           "status message");
    EXPECT(passbild_status_message(999, text, sizeof text, NULL) == PASSBILD_STATUS_INVALID_ARGUMENT, "unknown status");
    needed = 0;
    EXPECT(passbild_status_message(PASSBILD_STATUS_OK, NULL, 0, &needed) == PASSBILD_STATUS_BUFFER_TOO_SMALL &&
               needed == sizeof "success",
           "size query");
    EXPECT(passbild_error_status(NULL) == PASSBILD_STATUS_NULL_ARGUMENT, "NULL error");
    EXPECT(passbild_error_message(NULL, text, sizeof text, NULL) == PASSBILD_STATUS_NULL_ARGUMENT, "NULL error msg");

    passbild_checker_free(NULL);
    passbild_report_free(NULL);
    passbild_error_free(NULL);
    passbild_string_free(NULL);
    passbild_checker_free(checker);
    printf("misuse ok\n");
}

/* 8 threads share one checker over 32 checks; every result must equal the sequential one. */
#define THREADS 8
#define CHECKS_PER_THREAD 4
static const char *const THREAD_FIXTURES[2] = {"frll_034_de.jpg", "lisa3.jpg"};

/* Room for every check a report can hold (a test below fails if a report ever has more). */
#define MAX_CHECKS 64

typedef struct {
    size_t count;
    passbild_check_status verdict;
    passbild_check_status status[MAX_CHECKS];
    double value[MAX_CHECKS];
} summary;

static unsigned char *fixture_data[2];
static size_t fixture_len[2];
static const passbild_checker *shared_checker;
static summary sequential[2];
static int mismatches;
static pthread_mutex_t mismatch_lock = PTHREAD_MUTEX_INITIALIZER;

static summary summarise(const passbild_checker *checker, int which) {
    summary out;
    memset(&out, 0, sizeof out);
    passbild_report *report = NULL;
    EXPECT(passbild_checker_check_bytes(checker, fixture_data[which], fixture_len[which], &report, NULL) ==
               PASSBILD_STATUS_OK,
           "threaded check");
    passbild_report_verdict(report, &out.verdict);
    passbild_report_check_count(report, &out.count);
    EXPECT(out.count <= MAX_CHECKS, "%zu checks exceed MAX_CHECKS", out.count);
    for (size_t i = 0; i < out.count; i++) {
        passbild_check check;
        passbild_report_check(report, i, &check);
        out.status[i] = check.status;
        out.value[i] = check.value;
    }
    passbild_report_free(report);
    return out;
}

static int same(const summary *a, const summary *b) {
    if (a->count != b->count || a->verdict != b->verdict) return 0;
    for (size_t i = 0; i < a->count; i++) {
        int both_nan = isnan(a->value[i]) && isnan(b->value[i]);
        if (a->status[i] != b->status[i] || (!both_nan && a->value[i] != b->value[i])) return 0;
    }
    return 1;
}

static void *worker(void *arg) {
    long index = (long)arg;
    for (int i = 0; i < CHECKS_PER_THREAD; i++) {
        int which = (int)((index + i) % 2);
        summary got = summarise(shared_checker, which);
        if (!same(&got, &sequential[which])) {
            pthread_mutex_lock(&mismatch_lock);
            mismatches++;
            pthread_mutex_unlock(&mismatch_lock);
        }
    }
    return NULL;
}

static void threads(void) {
    passbild_checker *checker = new_checker("de-live");
    shared_checker = checker;
    for (int i = 0; i < 2; i++) {
        fixture_data[i] = read_fixture(THREAD_FIXTURES[i], &fixture_len[i]);
        sequential[i] = summarise(checker, i);
    }
    pthread_t handles[THREADS];
    for (long t = 0; t < THREADS; t++) {
        EXPECT(pthread_create(&handles[t], NULL, worker, (void *)t) == 0, "pthread_create");
    }
    for (int t = 0; t < THREADS; t++) pthread_join(handles[t], NULL);
    EXPECT(mismatches == 0, "%d of %d threaded checks differ from the sequential run", mismatches,
           THREADS * CHECKS_PER_THREAD);
    for (int i = 0; i < 2; i++) free(fixture_data[i]);
    passbild_checker_free(checker);
    printf("threads ok %d\n", THREADS * CHECKS_PER_THREAD);
}

/* The ONNX Runtime backend: a missing library is a model error; with ORT_DYLIB_PATH set (a build
 * with the onnxruntime feature), the verdict and every check's status match the built-in engine. */
static void onnxruntime(void) {
    passbild_checker *checker = NULL;
    passbild_error *error = NULL;
    expect_error_after(passbild_checker_new_onnxruntime("icao", 1, NULL, &checker, &error),
                       PASSBILD_STATUS_NULL_ARGUMENT, error, "onnxruntime_library");
    error = NULL;
    expect_error_after(
        passbild_checker_new_onnxruntime("icao", 1, "/nonexistent/libonnxruntime.so", &checker, &error),
        PASSBILD_STATUS_MODEL_FAILED, error, "ONNX Runtime");
    EXPECT(checker == NULL, "no checker on failure");
    printf("onnxruntime ok\n");
    const char *library = getenv("ORT_DYLIB_PATH");
    if (library == NULL) {
        return;
    }
    EXPECT(passbild_checker_new_onnxruntime("de-live", 1, library, &checker, &error) == PASSBILD_STATUS_OK,
           "checker_new_onnxruntime(%s)", library);
    passbild_checker *builtin = new_checker("de-live");
    passbild_report *a = check_fixture(checker, "frll_034_de.jpg");
    passbild_report *b = check_fixture(builtin, "frll_034_de.jpg");
    passbild_check_status verdict_a, verdict_b;
    passbild_report_verdict(a, &verdict_a);
    passbild_report_verdict(b, &verdict_b);
    EXPECT(verdict_a == verdict_b && verdict_a == PASSBILD_CHECK_STATUS_PASS, "verdicts %u %u", verdict_a, verdict_b);
    size_t count_a = 0, count_b = 0;
    passbild_report_check_count(a, &count_a);
    passbild_report_check_count(b, &count_b);
    EXPECT(count_a == count_b, "check counts %zu %zu", count_a, count_b);
    for (size_t i = 0; i < count_a; i++) {
        passbild_check check_a, check_b;
        passbild_report_check(a, i, &check_a);
        passbild_report_check(b, i, &check_b);
        EXPECT(strcmp(check_a.id, check_b.id) == 0 && check_a.status == check_b.status, "%s: %u against %u",
               check_a.id, check_a.status, check_b.status);
    }
    passbild_report_free(a);
    passbild_report_free(b);
    passbild_checker_free(builtin);
    passbild_checker_free(checker);
    printf("onnxruntime same %zu\n", count_a);
}

/* A short tour of every entry point, for valgrind. */
/* Test keys only: made by `passbild keygen`, never used for anything else. */
static const char *const TEST_PRIVATE_KEY =
    "-----BEGIN PRIVATE KEY-----\n"
    "MFECAQEwBQYDK2VwBCIEIBdsoRxywOQRznJnx7sN469dN6BHXhlWeMB99O1EpDKA\n"
    "gSEADBxplwLvsqrAvN1ytRHk/otCZXwFIzAGJNC53XS3588=\n"
    "-----END PRIVATE KEY-----\n";
static const char *const TEST_PUBLIC_KEY =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEADBxplwLvsqrAvN1ytRHk/otCZXwFIzAGJNC53XS3588=\n"
    "-----END PUBLIC KEY-----\n";
static const char *const OTHER_PUBLIC_KEY =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAlOCVa8qXWDkEjRUzO25fX3EoiSOfn72QmasfjXGH+4M=\n"
    "-----END PUBLIC KEY-----\n";

static passbild_status verify(const uint8_t *receipt, size_t receipt_len, const unsigned char *image,
                              size_t image_len, const char *key, passbild_check_status *verdict) {
    passbild_error *error = NULL;
    passbild_status status = passbild_receipt_verify(receipt, receipt_len, image, image_len, key, verdict, &error);
    EXPECT((status == PASSBILD_STATUS_OK) == (error == NULL), "error object for status %u", status);
    passbild_error_free(error);
    return status;
}

/* Signs a receipt for a checked photo and verifies it; each tampering gets its own status. */
static void receipts(const passbild_checker *checker, passbild_report *report, const char *name) {
    size_t image_len = 0;
    unsigned char *image = read_fixture(name, &image_len);
    uint8_t *receipt = NULL;
    size_t receipt_len = 0;
    passbild_error *error = NULL;
    passbild_status status = passbild_checker_sign_receipt(checker, report, image, image_len, "studio-7",
                                                           TEST_PRIVATE_KEY, &receipt, &receipt_len, &error);
    EXPECT(status == PASSBILD_STATUS_OK && receipt != NULL && receipt_len > 100, "sign: %u", status);
    passbild_check_status verdict = 99, checked = 98;
    EXPECT(passbild_report_verdict(report, &checked) == PASSBILD_STATUS_OK, "verdict");
    EXPECT(verify(receipt, receipt_len, image, image_len, TEST_PUBLIC_KEY, &verdict) == PASSBILD_STATUS_OK, "valid");
    EXPECT(verdict == checked, "the receipt states verdict %u, the report %u", verdict, checked);
    image[image_len / 2] ^= 1;
    EXPECT(verify(receipt, receipt_len, image, image_len, TEST_PUBLIC_KEY, NULL) ==
               PASSBILD_STATUS_RECEIPT_IMAGE_MISMATCH,
           "changed image");
    image[image_len / 2] ^= 1;
    receipt[receipt_len - 1] ^= 1;
    EXPECT(verify(receipt, receipt_len, image, image_len, TEST_PUBLIC_KEY, NULL) ==
               PASSBILD_STATUS_RECEIPT_BAD_SIGNATURE,
           "changed signature");
    receipt[receipt_len - 1] ^= 1;
    EXPECT(verify(receipt, receipt_len, image, image_len, OTHER_PUBLIC_KEY, NULL) == PASSBILD_STATUS_RECEIPT_WRONG_KEY,
           "other key");
    EXPECT(verify(receipt, receipt_len / 2, image, image_len, TEST_PUBLIC_KEY, NULL) ==
               PASSBILD_STATUS_RECEIPT_MALFORMED,
           "truncated");
    EXPECT(verify(receipt, receipt_len, image, image_len, "not a key", NULL) == PASSBILD_STATUS_INVALID_KEY, "key");
    passbild_bytes_free(receipt, receipt_len);
    free(image);
}

/* Crops a studio photo to the template; a head too small to fill it is refused with the reason. */
static void studio(void) {
    passbild_checker *icao = new_checker("icao");
    size_t len = 0;
    unsigned char *photo = read_fixture("obama3_half.jpg", &len);
    uint8_t *jpeg = NULL;
    size_t jpeg_len = 0;
    passbild_status status = passbild_checker_crop(icao, photo, len, &jpeg, &jpeg_len, NULL);
    EXPECT(status == PASSBILD_STATUS_OK && jpeg_len > 1000 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, "crop: %u", status);
    passbild_report *report = NULL;
    EXPECT(passbild_checker_check_bytes(icao, jpeg, jpeg_len, &report, NULL) == PASSBILD_STATUS_OK, "check crop");
    /* The operator's view: the crop with what its report found drawn on it, as PNG. */
    uint8_t *png = NULL;
    size_t png_len = 0;
    status = passbild_checker_overlay(icao, jpeg, jpeg_len, report, &png, &png_len, NULL);
    EXPECT(status == PASSBILD_STATUS_OK && png_len > 1000 && memcmp(png, "\x89PNG", 4) == 0, "overlay: %u", status);
    passbild_bytes_free(png, png_len);
    passbild_error *overlay_error = NULL;
    expect_error_after(passbild_checker_overlay(icao, jpeg, jpeg_len, NULL, &png, &png_len, &overlay_error),
                       PASSBILD_STATUS_NULL_ARGUMENT, overlay_error, "report");
    passbild_report_free(report);
    passbild_bytes_free(jpeg, jpeg_len);
    free(photo);
    passbild_checker_free(icao);

    passbild_checker *de_scan = new_checker("de-scan");
    photo = read_fixture("lisa3.jpg", &len);
    passbild_error *error = NULL;
    jpeg = NULL;
    expect_error_after(passbild_checker_crop(de_scan, photo, len, &jpeg, &jpeg_len, &error),
                       PASSBILD_STATUS_CROP_FAILED, error, "enlarged");
    EXPECT(jpeg == NULL, "no JPEG on failure");
    free(photo);
    passbild_checker_free(de_scan);

    passbild_checker *de_live = new_checker("de-live");
    report = check_fixture(de_live, "frll_034_de.jpg");
    receipts(de_live, report, "frll_034_de.jpg");
    passbild_report_free(report);
    passbild_checker_free(de_live);
    printf("studio ok\n");
}

static void short_run(void) {
    EXPECT(strcmp(passbild_version(), "") != 0, "version");
    passbild_checker *checker = new_checker("icao");
    passbild_report *report = check_fixture(checker, "lisa3.jpg");
    size_t count = 0;
    passbild_report_check_count(report, &count);
    for (size_t i = 0; i < count; i++) {
        passbild_check check;
        char message[1024];
        EXPECT(passbild_report_check(report, i, &check) == PASSBILD_STATUS_OK, "check");
        EXPECT(passbild_report_check_message(report, i, PASSBILD_LANGUAGE_DE, message, sizeof message, NULL) ==
                   PASSBILD_STATUS_OK,
               "message");
    }
    char *json = NULL;
    EXPECT(passbild_report_to_json(report, PASSBILD_LANGUAGE_DE, &json) == PASSBILD_STATUS_OK, "json");
    passbild_string_free(json);
    receipts(checker, report, "lisa3.jpg");
    passbild_report_free(report);
    passbild_error *error = NULL;
    EXPECT(passbild_checker_check_bytes(checker, (const uint8_t *)"xx", 2, &report, &error) ==
               PASSBILD_STATUS_UNKNOWN_FORMAT,
           "garbage");
    passbild_error_free(error);
    passbild_checker_free(checker);
    printf("short ok\n");
}

int main(int argc, char **argv) {
    EXPECT(argc == 3, "usage: %s values|misuse|threads|short|studio|onnxruntime FIXTURE_DIR", argv[0]);
    fixtures = argv[2];
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", PASSBILD_VERSION_MAJOR, PASSBILD_VERSION_MINOR,
             PASSBILD_VERSION_PATCH);
    EXPECT(strcmp(passbild_version(), expected) == 0, "version %s, macros say %s", passbild_version(), expected);
    if (strcmp(argv[1], "values") == 0) {
        passbild_checker *checker = new_checker("de-live");
        print_values(checker, "frll_034_de.jpg");
        print_values(checker, "two_people.jpg");
        passbild_checker_free(checker);
    } else if (strcmp(argv[1], "misuse") == 0) {
        misuse();
    } else if (strcmp(argv[1], "threads") == 0) {
        threads();
    } else if (strcmp(argv[1], "onnxruntime") == 0) {
        onnxruntime();
    } else if (strcmp(argv[1], "short") == 0) {
        short_run();
    } else if (strcmp(argv[1], "studio") == 0) {
        studio();
    } else {
        EXPECT(0, "unknown mode %s", argv[1]);
    }
    return 0;
}
