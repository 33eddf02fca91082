//! The CLI refuses a decompression bomb within bounded memory. A test binary of its own: the
//! peak it reads (getrusage of the finished children) would otherwise include what tests running
//! beside it in the same process hold when the child is started.

mod common;

use common::*;

#[test]
fn the_cli_refuses_a_bomb_with_bounded_memory() {
    let bomb = png_bomb();
    assert!(bomb.len() < 2 << 20, "the bomb is {} bytes", bomb.len());
    let path = std::env::temp_dir().join(format!("passbild-bomb-{}.png", std::process::id()));
    std::fs::write(&path, &bomb).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_passbild"))
        .args(["check", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(line["error"].as_str().unwrap().contains("above the limit"), "{line}");
    // Peak resident memory of the finished children of this test process (Linux: kB).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) }, 0);
    let peak_mb = usage.ru_maxrss as f64 / 1024.0;
    assert!(peak_mb < 200.0, "the CLI peaked at {peak_mb:.0} MB on a 225-megapixel bomb");
}
