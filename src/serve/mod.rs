//! `casefile serve`: build in memory, serve on localhost, watch the site, rebuild what an
//! edit changed, and reload open pages.
//!
//! - [`preview`] keeps the last good site and the memo of its run, and rebuilds with the
//!   same stages as a build, rendering only the pages that read what an edit changed;
//! - [`http`] serves the site from memory, with the live-reload script injected into
//!   HTML pages and an event stream at `/__casefile/events`;
//! - [`hosts`] decides which `Host` and `Origin` may ask (DNS rebinding);
//! - [`connections`] accepts connections, with timeouts and a cap;
//! - this module ties them to a file watcher (debounced, so an editor's
//!   write-then-rename is one rebuild) and prints one line per rebuild.
//!
//! Nothing is written to disk: the output folder is left alone.

pub(crate) mod connections;
pub(crate) mod hosts;
pub(crate) mod http;
pub(crate) mod preview;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use thiserror::Error;

use crate::config::BuildOptions;
use crate::diagnostic::{Diagnostics, Printer};
pub use connections::MAX_CONNECTIONS;
pub use hosts::parse_allowed_name as allowed_host_name;
pub(crate) use http::{ErrorView, Hub};
pub use preview::{Change, Files, Preview, Rebuild};

/// Folders below the site root that are watched, recursively.
pub(crate) const WATCHED_FOLDERS: [&str; 4] = ["content", "themes", "templates", "static"];

/// How long the watcher waits for more events before a rebuild.
///
/// An editor's save (a temporary file written, then renamed over the original) arrives
/// within a few milliseconds; 25 ms gathers it into one rebuild without delaying the
/// reload much (see the test below).
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(25);

/// The longest a batch of events is gathered while events keep coming.
pub(crate) const MAX_BATCH: Duration = Duration::from_secs(1);

/// What `casefile serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Open the site in a browser once it is served.
    pub open: bool,
    /// Include drafts.
    pub drafts: bool,
    /// Colours in diagnostics.
    pub color: bool,
    /// Print only problems.
    pub quiet: bool,
    /// Host names answered besides localhost and IP addresses (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// Open connections answered before new ones get 503.
    pub max_connections: usize,
}

/// Why the server could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        error: std::io::Error,
    },
    /// The file watcher could not start.
    #[error("cannot watch the site folder: {0}")]
    Watch(String),
    /// The HTTP server could not start.
    #[error("cannot start the server: {0}")]
    Server(String),
}

/// The `base_url` a site served at `addr` is built with.
pub(crate) fn base_url(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) => format!("http://{ip}:{}/", addr.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", addr.port()),
    }
}

/// What a batch of changed paths asks for: nothing (editor temp files, the output
/// folder), a content rebuild, or everything.
pub(crate) fn classify(root: &Path, paths: &[PathBuf]) -> Option<Change> {
    let mut change = None;
    for path in paths {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let parts: Vec<&std::ffi::OsStr> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(p) => Some(p),
                _ => None,
            })
            .collect();
        let Some(first) = parts.first().and_then(|p| p.to_str()) else {
            continue;
        };
        let name = parts.last().and_then(|p| p.to_str()).unwrap_or("");
        let this = match (first, parts.len()) {
            ("site.yaml", 1) => Change::Everything,
            (folder, 1) if WATCHED_FOLDERS.contains(&folder) => Change::Everything,
            _ if is_editor_noise(name) => continue,
            // A picture beside the entries: the pages that show it are not known from
            // the content files, so everything is built again (its files are cached).
            ("content", _) if is_other_file(name) => Change::Everything,
            ("content", _) => Change::Content,
            (folder, _) if WATCHED_FOLDERS.contains(&folder) => Change::Everything,
            _ => continue,
        };
        change = Some(match (change, this) {
            (Some(Change::Everything), _) | (_, Change::Everything) => Change::Everything,
            _ => Change::Content,
        });
    }
    change
}

/// A file in `content/` that is not Markdown (a picture, most likely).
fn is_other_file(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|ext| !ext.eq_ignore_ascii_case("md"))
}

/// Swap, backup and lock files that editors write beside the file being saved.
fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".crdownload"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Diagnostics as the browser overlay shows them.
pub(crate) fn error_views(root: &Path, diagnostics: &Diagnostics) -> Vec<ErrorView> {
    let plain = Printer::new(root, false);
    diagnostics
        .iter()
        .map(|d| ErrorView {
            path: d.path().display().to_string(),
            line: d.location().map(|l| l.line),
            column: d.location().map(|l| l.col),
            message: d.message().to_string(),
            hint: d.hint().map(String::from),
            text: plain.format(d),
        })
        .collect()
}

/// Runs the preview server until the process is stopped.
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(addr).map_err(|error| ServeError::Bind { addr, error })?;
    let addr = listener
        .local_addr()
        .map_err(|error| ServeError::Bind { addr, error })?;
    let url = base_url(addr);
    let root = options.root.clone();
    let printer = Printer::new(&root, options.color);
    let hub = Arc::new(Hub::new());
    let mut site = Preview::new(BuildOptions {
        root: root.clone(),
        output: None,
        base_url: Some(url.clone()),
        drafts: options.drafts,
    });

    // Warnings are printed when they differ from the last ones printed, not after every
    // save; the summary line counts them each time.
    let printed = std::cell::RefCell::new(Diagnostics::new());
    let report = |result: &Result<Rebuild, Diagnostics>, site: &Preview| match result {
        Ok(rebuild) => {
            let warnings = error_views(&root, &rebuild.warnings);
            if rebuild.changed {
                hub.site_changed(site.files(), rebuild.rendered.len(), warnings);
            } else {
                hub.site_unchanged(warnings);
            }
            if *printed.borrow() != rebuild.warnings {
                eprint!("{}", printer.format_warnings(&rebuild.warnings));
                *printed.borrow_mut() = rebuild.warnings.clone();
            }
            if !options.quiet {
                println!("{}", rebuild_line(rebuild));
            }
        }
        Err(diagnostics) => {
            hub.errors_changed(error_views(&root, diagnostics));
            eprint!("{}", printer.format_all(diagnostics));
            if site.has_site() {
                eprintln!("rebuild failed: still serving the last good site");
            }
        }
    };

    // Watching starts before the first build, so no edit made after it is missed.
    let (tx, rx) = mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(tx).map_err(|e| ServeError::Watch(e.to_string()))?;
    // Events name canonical paths; compare them with the canonical root.
    let watch_root = root.canonicalize().unwrap_or_else(|_| root.clone());
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    watch_folders(&mut watcher, &watch_root, &mut watched);

    let first = site.rebuild(Change::Everything);
    report(&first, &site);

    connections::spawn(
        listener,
        Arc::clone(&hub),
        hosts::HostPolicy::new(addr.port(), &options.allow_hosts),
        connections::Limits {
            max_connections: options.max_connections,
            ..connections::Limits::default()
        },
    )?;
    println!("serving {url}");
    if !addr.ip().is_loopback() {
        eprintln!("{}", network_warning(addr.ip()));
    }
    if !options.quiet {
        println!(
            "watching content/, themes/, templates/, static/ and site.yaml in {}; press Ctrl-C to stop",
            root.display()
        );
    }
    let _ = std::io::stdout().flush();
    if options.open {
        open_browser(&url);
    }

    while let Some(paths) = next_batch(&rx) {
        let Some(change) = classify(&watch_root, &paths) else {
            continue;
        };
        if change == Change::Everything {
            // A watched folder may have appeared or been replaced.
            watched.retain(|p| p == &watch_root);
            watch_folders(&mut watcher, &watch_root, &mut watched);
        }
        let result = site.rebuild(change);
        report(&result, &site);
    }
    Ok(())
}

/// Watches the site root (for `site.yaml` and new folders) and each watched folder that
/// exists and is not watched yet.
fn watch_folders(watcher: &mut dyn Watcher, root: &Path, watched: &mut BTreeSet<PathBuf>) {
    let mut watch = |path: &Path, mode: RecursiveMode| {
        if watched.insert(path.to_path_buf()) {
            if let Err(e) = watcher.watch(path, mode) {
                watched.remove(path);
                eprintln!("warning: cannot watch {}: {e}", path.display());
            }
        }
    };
    watch(root, RecursiveMode::NonRecursive);
    for folder in WATCHED_FOLDERS {
        let dir = root.join(folder);
        if dir.is_dir() {
            watch(&dir, RecursiveMode::Recursive);
        }
    }
}

/// Waits for changes, then gathers events until none came for [`DEBOUNCE`] (an editor's
/// write-then-rename is one batch), at most for [`MAX_BATCH`]. Reads (access events,
/// including the rebuild's own) are not changes. `None` when the watcher stopped.
fn next_batch(rx: &mpsc::Receiver<notify::Result<notify::Event>>) -> Option<Vec<PathBuf>> {
    let mut paths = Vec::new();
    let take = |paths: &mut Vec<PathBuf>, event: notify::Result<notify::Event>| match event {
        Ok(event) if is_change(&event.kind) => paths.extend(event.paths),
        Ok(_) => {}
        Err(e) => eprintln!("warning: file watcher: {e}"),
    };
    loop {
        take(&mut paths, rx.recv().ok()?);
        let started = std::time::Instant::now();
        loop {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(event) => take(&mut paths, event),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
            if started.elapsed() > MAX_BATCH {
                break;
            }
        }
        if !paths.is_empty() {
            return Some(paths);
        }
    }
}

fn is_change(kind: &notify::EventKind) -> bool {
    use notify::event::{MetadataKind, ModifyKind};
    !matches!(
        kind,
        notify::EventKind::Access(_)
            | notify::EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

fn rebuild_line(rebuild: &Rebuild) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = rebuild.rendered.len();
    let pages = format!("{n} page{}", if n == 1 { "" } else { "s" });
    let what = match (rebuild.full, n) {
        (true, _) => format!("built everything: {pages} rendered"),
        (false, 0) => "rebuilt: no page changed".to_string(),
        (false, _) => format!("rebuilt: {pages} re-rendered"),
    };
    let removed = match rebuild.removed.len() {
        0 => String::new(),
        n => format!(", {n} removed"),
    };
    let warnings = match rebuild.warnings.len() {
        0 => String::new(),
        n => format!(", {}", crate::diagnostic::count_warnings(n)),
    };
    format!(
        "{what}{removed} in {:.0} ms (load, check and link {:.0} ms){warnings}",
        ms(rebuild.elapsed),
        ms(rebuild.front)
    )
}

/// What `--bind` with an address other machines can reach exposes.
fn network_warning(ip: IpAddr) -> String {
    let which = match ip.is_unspecified() {
        true => "every address of this machine".to_string(),
        false => "an address other machines can reach".to_string(),
    };
    format!(
        "warning: serving on {ip} ({which}): anyone who can reach this machine can read the site, with its drafts when --drafts is given, and every build error, which quotes a line of the file it is in, drafts included; serve on 127.0.0.1 unless you mean that"
    )
}

fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_classified() {
        let root = Path::new("/site");
        let p = |s: &str| vec![root.join(s)];
        assert_eq!(
            classify(root, &p("content/people/a.md")),
            Some(Change::Content)
        );
        assert_eq!(classify(root, &p("content/people/.a.md.swp")), None);
        assert_eq!(classify(root, &p("content/people/a.md~")), None);
        assert_eq!(classify(root, &p("site.yaml")), Some(Change::Everything));
        assert_eq!(
            classify(root, &p("content/people/han-dong.jpg")),
            Some(Change::Everything)
        );
        assert_eq!(
            classify(root, &p("themes/x/templates/a.html")),
            Some(Change::Everything)
        );
        assert_eq!(
            classify(root, &p("static/logo.svg")),
            Some(Change::Everything)
        );
        assert_eq!(classify(root, &p("templates")), Some(Change::Everything));
        assert_eq!(classify(root, &p("public/index.html")), None);
        assert_eq!(classify(root, &p("notes.txt")), None);
        let both = vec![root.join("content/a.md"), root.join("static/x.css")];
        assert_eq!(classify(root, &both), Some(Change::Everything));
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            base_url("127.0.0.1:8080".parse().unwrap()),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(base_url("[::1]:80".parse().unwrap()), "http://[::1]:80/");
    }

    /// Editors save in several steps (a temporary file written and renamed over the
    /// original; vim's backup-and-rename): each save must reach the rebuild loop as one
    /// batch within the debounce window.
    #[test]
    fn an_editors_save_is_one_batch() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap();
        let file = dir.join("entry.md");
        std::fs::write(&file, "one").unwrap();
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).unwrap();
        watcher.watch(&dir, RecursiveMode::Recursive).unwrap();
        // Let the watch settle before the first save.
        std::thread::sleep(Duration::from_millis(100));
        let saves: [&dyn Fn(usize); 2] = [
            // Write a temporary file, then rename it over the original.
            &|i| {
                let temp = dir.join(".entry.md.tmp");
                std::fs::write(&temp, format!("save {i}")).unwrap();
                std::fs::rename(&temp, &file).unwrap();
            },
            // vim: move the original aside, write anew, remove the backup.
            &|i| {
                let backup = dir.join("entry.md~");
                std::fs::rename(&file, &backup).unwrap();
                std::fs::write(&file, format!("save {i}")).unwrap();
                std::fs::remove_file(&backup).unwrap();
            },
        ];
        for (i, save) in saves.iter().enumerate() {
            save(i);
            let batch = next_batch(&rx).expect("the watcher runs");
            assert!(batch.iter().any(|p| p == &file), "{batch:?}");
            // Nothing of the same save is left for a second rebuild.
            match rx.recv_timeout(Duration::from_millis(300)) {
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                other => panic!("save {i} gave a second batch: {other:?}"),
            }
        }
    }
}
