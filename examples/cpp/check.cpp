// passbild from C++: RAII handles over the C API, the header included twice on purpose.
// usage: check PROFILE PHOTO
#include <passbild.h>
#include <passbild.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace passbild {

struct CheckerDeleter {
    void operator()(passbild_checker* checker) const { passbild_checker_free(checker); }
};
struct ReportDeleter {
    void operator()(passbild_report* report) const { passbild_report_free(report); }
};
using Checker = std::unique_ptr<passbild_checker, CheckerDeleter>;
using Report = std::unique_ptr<passbild_report, ReportDeleter>;

[[noreturn]] void fail(passbild_status status, passbild_error* error) {
    std::string message(1024, '\0');
    size_t needed = 0;
    if (error != nullptr) {
        passbild_error_message(error, message.data(), message.size(), &needed);
        passbild_error_free(error);
    } else {
        passbild_status_message(status, message.data(), message.size(), &needed);
    }
    message.resize(needed > 0 ? needed - 1 : 0);
    throw std::runtime_error(message);
}

Checker make_checker(const std::string& profile) {
    passbild_checker* checker = nullptr;
    passbild_error* error = nullptr;
    passbild_status status = passbild_checker_new(profile.c_str(), 0, &checker, &error);
    if (status != PASSBILD_STATUS_OK) fail(status, error);
    return Checker(checker);
}

Report check(const Checker& checker, const std::vector<unsigned char>& photo) {
    passbild_report* report = nullptr;
    passbild_error* error = nullptr;
    passbild_status status = passbild_checker_check_bytes(checker.get(), photo.data(), photo.size(), &report, &error);
    if (status != PASSBILD_STATUS_OK) fail(status, error);
    return Report(report);
}

}  // namespace passbild

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: " << argv[0] << " PROFILE PHOTO\n";
        return 2;
    }
    try {
        std::ifstream file(argv[2], std::ios::binary);
        std::vector<unsigned char> photo((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        auto checker = passbild::make_checker(argv[1]);
        auto report = passbild::check(checker, photo);
        passbild_check_status verdict = PASSBILD_CHECK_STATUS_NOT_ASSESSED;
        passbild_report_verdict(report.get(), &verdict);
        const char* names[] = {"pass", "fail", "not_assessed", "warn"};
        std::cout << "verdict " << names[verdict] << "\n";
        size_t count = 0;
        passbild_report_check_count(report.get(), &count);
        for (size_t i = 0; i < count; i++) {
            passbild_check item;
            passbild_report_check(report.get(), i, &item);
            std::cout << item.id << " " << names[item.status] << "\n";
        }
        return verdict == PASSBILD_CHECK_STATUS_PASS || verdict == PASSBILD_CHECK_STATUS_WARN ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "passbild: " << e.what() << "\n";
        return 2;
    }
}
