//! Measures what an editor waits for in `casefile serve`: from saving a file to the
//! open page being told to reload, and the edited text being served. Runs the release
//! binary on a site, subscribes to its live-reload stream like a browser tab, saves an
//! entry the way editors do (write a temporary file, rename it over the old one) and
//! times each step. Restores the entry at the end.
//!
//! ```sh
//! cargo build --release --examples --bins
//! cargo run --release --example gen-corpus -- 10000 /dev/shm/corpus-10k
//! ./target/release/examples/serve-latency /dev/shm/corpus-10k [content/people/<slug>.md]
//! ```
//!
//! The time includes the watcher's 25 ms quiet window, which lets an editor's burst of
//! file events become one rebuild.

mod edit_probe;

use edit_probe::EditTarget;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn main() {
    let target = EditTarget::from_args("serve-latency SITE [ENTRY]");
    let EditTarget {
        root, entry, path, ..
    } = &target;
    let url = format!(
        "/{}/",
        entry
            .strip_prefix("content")
            .unwrap_or(entry)
            .with_extension("")
            .display()
    );

    let binary = std::env::current_exe()
        .expect("own path")
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/examples")
        .join("casefile");
    let started = Instant::now();
    let mut server = Server::start(&binary, root);
    println!(
        "first build and start: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let mut events = Events::open(server.port);
    events
        .next(Duration::from_secs(5))
        .expect("the current state");

    // Body edits in a row, then title edits in a row, so that each save differs from
    // the one before only in what it measures.
    let mut body_edits = Vec::new();
    for i in 0..RUNS {
        let marker = format!("Latency probe {i}.");
        let edited = target.with_body_line(&marker);
        body_edits.push(time_edit(
            &server,
            &mut events,
            path,
            &edited,
            &url,
            &marker,
        ));
    }
    let mut title_edits = Vec::new();
    for i in 0..RUNS {
        let marker = format!("Probe title {i}");
        let retitled = target.with_title(&marker);
        title_edits.push(time_edit(
            &server,
            &mut events,
            path,
            &retitled,
            &url,
            &marker,
        ));
    }
    save_like_an_editor(path, &target.original);
    events.next(Duration::from_secs(30));
    server.stop();

    report(&format!("body edit of {}", entry.display()), &body_edits);
    report(&format!("title edit of {}", entry.display()), &title_edits);
}

/// Saves `text`, waits for the reload message, then fetches `url` and checks that it
/// shows `marker`. Returns the time to the reload message.
fn time_edit(
    server: &Server,
    events: &mut Events,
    path: &Path,
    text: &str,
    url: &str,
    marker: &str,
) -> Duration {
    // An editor does not save the instant a page has reloaded; a pause also lets the
    // events of the last rebuild's own file reads pass.
    std::thread::sleep(Duration::from_millis(500));
    let saved = Instant::now();
    save_like_an_editor(path, text);
    loop {
        let message = events
            .next(Duration::from_secs(30))
            .expect("a reload within 30 s");
        if message.contains("\"errors\":[]") {
            break;
        }
    }
    let reloaded = saved.elapsed();
    let page = server.get(url);
    assert!(page.contains(marker), "{url} shows the edit");
    reloaded
}

fn report(what: &str, times: &[Duration]) {
    let mut ms: Vec<f64> = times.iter().map(|t| t.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "{what}: save to reload message: median {:.0} ms, min {:.0} ms, max {:.0} ms ({} runs)",
        ms[ms.len() / 2],
        ms[0],
        ms[ms.len() - 1],
        ms.len()
    );
}

fn save_like_an_editor(path: &Path, text: &str) {
    let tmp = path.with_extension("md.tmp~");
    std::fs::write(&tmp, text).expect("writable");
    std::fs::rename(&tmp, path).expect("renamed");
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(binary: &Path, root: &Path) -> Server {
        let mut child = Command::new(binary)
            .args(["serve", "--port", "0", "--bind", "127.0.0.1", "--root"])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("casefile serve starts (build it with `cargo build --release`)");
        let stdout = child.stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        let port = loop {
            let line = lines
                .next()
                .expect("serve prints its address")
                .expect("text");
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                break rest.trim_end_matches('/').parse().expect("a port");
            }
        };
        // Keep reading so that the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, port }
    }

    fn get(&self, target: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .expect("request sent");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response");
        response
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A subscription to the live-reload stream, as a browser tab has.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        write!(
            stream,
            "GET /__casefile/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("request sent");
        let mut reader = BufReader::new(stream);
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("headers");
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        Events { reader }
    }

    /// The next `data:` message, or `None` after `timeout`.
    fn next(&mut self, timeout: Duration) -> Option<String> {
        self.reader
            .get_ref()
            .set_read_timeout(Some(timeout))
            .expect("timeout set");
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            if let Some(data) = line.trim_end().strip_prefix("data: ") {
                return Some(data.to_string());
            }
        }
    }
}
