//! Measures `casefile serve` rebuilds on a site: the first build, a rebuild with no
//! change, and one-entry edits (body only, and title, which every page showing the entry's
//! card depends on). Edits the entry in place and restores it at the end.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- 10000 /tmp/corpus-10k
//! cargo run --release --example serve-bench -- /tmp/corpus-10k [content/people/<slug>.md]
//! ```

mod edit_probe;

use edit_probe::EditTarget;

use std::time::{Duration, Instant};

use casefile::BuildOptions;
use casefile::{Change, Preview, Rebuild};

const RUNS: usize = 5;

fn main() {
    let target = EditTarget::from_args("serve-bench SITE [ENTRY]");
    let EditTarget {
        root, entry, path, ..
    } = &target;

    let mut site = Preview::new(BuildOptions {
        root: root.clone(),
        output: None,
        base_url: Some("http://127.0.0.1:1111/".into()),
        drafts: false,
    })
    .without_search_index();
    let started = Instant::now();
    let first = site.rebuild(Change::Everything).expect("the site builds");
    println!(
        "first build (no search index): {} pages in {:.0} ms",
        first.rendered.len(),
        ms(started.elapsed())
    );

    report("no change", &measure(&mut site, |_| {}));

    report(
        &format!("body edit of {}", entry.display()),
        &measure(&mut site, |i| {
            std::fs::write(path, target.with_body_line(&format!("Edit {i}."))).unwrap()
        }),
    );
    report(
        &format!("title edit of {}", entry.display()),
        &measure(&mut site, |i| {
            std::fs::write(path, target.with_title(&format!("Edited title {i}"))).unwrap()
        }),
    );
    std::fs::write(path, &target.original).unwrap();
}

fn measure(site: &mut Preview, edit: impl Fn(usize)) -> Vec<Rebuild> {
    (0..RUNS)
        .map(|i| {
            edit(i);
            site.rebuild(Change::Content).expect("the edit builds")
        })
        .collect()
}

fn report(what: &str, runs: &[Rebuild]) {
    let mut total: Vec<Duration> = runs.iter().map(|r| r.elapsed).collect();
    let mut front: Vec<Duration> = runs.iter().map(|r| r.front).collect();
    total.sort();
    front.sort();
    let pages: Vec<usize> = runs.iter().map(|r| r.rendered.len()).collect();
    let stages: Vec<String> = runs[runs.len() / 2]
        .stages
        .iter()
        .map(|(name, d)| format!("{name} {:.0}", ms(*d)))
        .collect();
    println!(
        "{what}: median {:.0} ms (load, check and link {:.0} ms), min {:.0} ms, max {:.0} ms; pages re-rendered per run: {pages:?}\n    stages of run {} (ms): {}",
        ms(total[total.len() / 2]),
        ms(front[front.len() / 2]),
        ms(total[0]),
        ms(total[total.len() - 1]),
        runs.len() / 2 + 1,
        stages.join(", "),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
