//! Builds a site once and prints, as each stage starts, the time so far and the
//! process's peak and current resident memory (Linux `/proc/self/status`), to see which
//! stage the memory peak belongs to.
//!
//! ```sh
//! cargo run --release --example stage-memory -- /dev/shm/corpus-10k /dev/shm/out
//! ```

use std::path::PathBuf;
use std::time::Instant;

use casefile::{BuildOptions, Progress};

/// `VmHWM` (peak) and `VmRSS` (now), in MB.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: stage-memory SITE [OUTPUT]"));
    let output = args.next().map(PathBuf::from);
    let config = casefile::load_config(&BuildOptions {
        root,
        output,
        base_url: None,
        drafts: false,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let line = |what: &str| {
        let (peak, now) = memory();
        println!(
            "{:>6} ms  {what:<12} peak {peak:>4} MB  now {now:>4} MB",
            started.elapsed().as_millis()
        );
    };
    let report = casefile::build_with(&config, &|p| {
        if let Progress::Stage(stage) = p {
            line(stage);
        }
    })
    .unwrap_or_else(|e| panic!("{e}"));
    line("done");
    println!("{} files, {} bytes", report.files, report.bytes);
}
