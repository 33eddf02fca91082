/* Checks photos against a profile and prints one JSON report per line.
 * usage: check PROFILE PHOTO... */
#include <passbild.h>

#include <stdio.h>
#include <stdlib.h>

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *data = size > 0 ? malloc((size_t)size) : NULL;
    if (data && fread(data, 1, (size_t)size, file) != (size_t)size) {
        free(data);
        data = NULL;
    }
    fclose(file);
    *len = (size_t)size;
    return data;
}

static void print_error(const char *what, passbild_status status, passbild_error *error) {
    char message[1024] = "";
    if (error) {
        passbild_error_message(error, message, sizeof message, NULL);
    } else {
        passbild_status_message(status, message, sizeof message, NULL);
    }
    fprintf(stderr, "%s: %s (status %u)\n", what, message, status);
    passbild_error_free(error);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s PROFILE PHOTO...\n", argv[0]);
        return 2;
    }
    passbild_checker *checker = NULL;
    passbild_error *error = NULL;
    passbild_status status = passbild_checker_new(argv[1], 0, &checker, &error);
    if (status != PASSBILD_STATUS_OK) {
        print_error(argv[1], status, error);
        return 2;
    }
    int exit_code = 0;
    for (int i = 2; i < argc; i++) {
        size_t len = 0;
        unsigned char *data = read_file(argv[i], &len);
        if (!data) {
            fprintf(stderr, "%s: cannot read\n", argv[i]);
            exit_code = 2;
            continue;
        }
        passbild_report *report = NULL;
        error = NULL;
        status = passbild_checker_check_bytes(checker, data, len, &report, &error);
        free(data);
        if (status != PASSBILD_STATUS_OK) {
            print_error(argv[i], status, error);
            exit_code = 2;
            continue;
        }
        char *json = NULL;
        if (passbild_report_to_json(report, PASSBILD_LANGUAGE_EN, &json) == PASSBILD_STATUS_OK) {
            printf("%s\n", json);
            passbild_string_free(json);
        }
        passbild_check_status verdict = PASSBILD_CHECK_STATUS_NOT_ASSESSED;
        passbild_report_verdict(report, &verdict);
        int accepted = verdict == PASSBILD_CHECK_STATUS_PASS || verdict == PASSBILD_CHECK_STATUS_WARN;
        if (!accepted && exit_code == 0) exit_code = 1;
        passbild_report_free(report);
    }
    passbild_checker_free(checker);
    return exit_code;
}
