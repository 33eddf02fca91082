#!/usr/bin/env bash
# Installs the C library: lib/libpassbild.so, lib/libpassbild.a, include/passbild.h,
# lib/pkgconfig/passbild.pc and lib/cmake/passbild/ (find_package(passbild)).
#
#   scripts/install.sh [--prefix DIR] [--from DIR]
#
# --prefix  where to install (default /usr/local)
# --from    take the libraries from this build directory instead of running `cargo build --release`
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local
from=
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=$2; shift 2 ;;
        --from) from=$2; shift 2 ;;
        *) echo "usage: $0 [--prefix DIR] [--from DIR]" >&2; exit 2 ;;
    esac
done
if [ -z "$from" ]; then
    (cd "$root" && cargo build --release --lib)
    from=$root/target/release
fi
for file in libpassbild.so libpassbild.a; do
    [ -f "$from/$file" ] || { echo "$from/$file is missing: build the library first" >&2; exit 1; }
done
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)
major=${version%%.*}
minor=${version#*.}; minor=${minor%%.*}
# The system libraries a Rust static library needs (rustc --print native-static-libs on Linux).
native_libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
cmake_native_libs="gcc_s;util;rt;pthread;m;dl;c"

mkdir -p "$prefix/lib/pkgconfig" "$prefix/lib/cmake/passbild" "$prefix/include"
install -m 755 "$from/libpassbild.so" "$prefix/lib/"
install -m 644 "$from/libpassbild.a" "$prefix/lib/"
install -m 644 "$root/include/passbild.h" "$prefix/include/"
fill() {
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@VERSION_MAJOR@|$major|g" \
        -e "s|@VERSION_MINOR@|$minor|g" -e "s|@NATIVE_LIBS@|$native_libs|g" \
        -e "s|@CMAKE_NATIVE_LIBS@|$cmake_native_libs|g" "$1" > "$2"
}
fill "$root/packaging/passbild.pc.in" "$prefix/lib/pkgconfig/passbild.pc"
fill "$root/packaging/passbild-config.cmake.in" "$prefix/lib/cmake/passbild/passbild-config.cmake"
fill "$root/packaging/passbild-config-version.cmake.in" "$prefix/lib/cmake/passbild/passbild-config-version.cmake"
echo "installed passbild $version into $prefix"
