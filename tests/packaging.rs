//! scripts/install.sh installs a library that pkg-config and CMake's find_package can use.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use common::*;

/// Installs this build's libraries into a fresh prefix, once per test binary.
fn prefix() -> &'static PathBuf {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let prefix = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("install-prefix");
        std::fs::remove_dir_all(&prefix).ok();
        run_ok(
            "scripts/install.sh",
            Command::new("bash")
                .arg(root().join("scripts/install.sh"))
                .arg("--prefix")
                .arg(&prefix)
                .arg("--from")
                .arg(library_dir()),
        );
        prefix
    })
}

#[test]
fn pkg_config_builds_a_working_program() {
    let prefix = prefix();
    let pkg_config = |flag: &str| {
        run_ok(
            "pkg-config",
            Command::new("pkg-config").arg(flag).arg("passbild").env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")),
        )
    };
    assert_eq!(pkg_config("--modversion").trim(), env!("CARGO_PKG_VERSION"));
    let flags = pkg_config("--cflags") + " " + &pkg_config("--libs");
    let program = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pkg_config_check");
    run_ok(
        "cc with pkg-config flags",
        Command::new("cc")
            .args(["-Wall", "-Wextra", "-Werror", "-std=c11"])
            .arg(root().join("examples/c/check.c"))
            .arg("-o")
            .arg(&program)
            .args(flags.split_whitespace())
            .arg(format!("-Wl,-rpath,{}", prefix.join("lib").display())),
    );
    let output = Command::new(&program).arg("de-live").arg(fixture("frll_034_de.jpg")).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn cmake_find_package_links_shared_and_static() {
    let found = Command::new("cmake").arg("--version").output();
    assert!(found.is_ok_and(|o| o.status.success()), "cmake is missing: install cmake (scripts/test does this)");
    let project = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cmake-consumer");
    std::fs::remove_dir_all(&project).ok();
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("CMakeLists.txt"),
        format!(
            "cmake_minimum_required(VERSION 3.16)\nproject(consumer C)\nfind_package(passbild {version} REQUIRED)\n\
             add_executable(check_shared {source})\ntarget_link_libraries(check_shared PRIVATE passbild::passbild)\n\
             add_executable(check_static {source})\ntarget_link_libraries(check_static PRIVATE passbild::passbild_static)\n",
            version = env!("CARGO_PKG_VERSION"),
            source = root().join("examples/c/check.c").display(),
        ),
    )
    .unwrap();
    let build = project.join("build");
    run_ok(
        "cmake configure",
        Command::new("cmake")
            .arg("-S")
            .arg(&project)
            .arg("-B")
            .arg(&build)
            .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix().display())),
    );
    run_ok("cmake build", Command::new("cmake").arg("--build").arg(&build));
    for program in ["check_shared", "check_static"] {
        let output = Command::new(build.join(program)).arg("icao").arg(fixture("lisa3.jpg")).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{program}: {}", String::from_utf8_lossy(&output.stderr));
        let report: passbild::Report = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report.faces.len(), 1, "{program}");
    }
    // A version the package does not offer is refused.
    let too_new = project.join("too-new");
    std::fs::create_dir_all(&too_new).unwrap();
    std::fs::write(
        too_new.join("CMakeLists.txt"),
        "cmake_minimum_required(VERSION 3.16)\nproject(n C)\nfind_package(passbild 99.0 REQUIRED)\n",
    )
    .unwrap();
    let refused = Command::new("cmake")
        .arg("-S")
        .arg(&too_new)
        .arg("-B")
        .arg(too_new.join("build"))
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix().display()))
        .output()
        .unwrap();
    assert!(!refused.status.success(), "find_package(passbild 99.0) was accepted");
}
