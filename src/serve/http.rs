//! The preview server: files from memory, pretty URLs, the not-found page, and a
//! server-sent event stream that tells open pages to reload or to show build errors.
//!
//! Only files of the rendered site are served: request paths are decoded, checked segment
//! by segment (no `..`, `.`, empty segments, backslashes or NUL bytes) and then looked up
//! in the in-memory site, so nothing outside it can be reached, symbolic links included.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use percent_encoding::percent_decode_str;
use serde::Serialize;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::preview::Files;
use crate::render::html_escape;

/// Where pages subscribe to rebuild events.
pub const EVENTS_PATH: &str = "/__casefile/events";
/// The script injected into every served HTML page.
pub const SCRIPT_PATH: &str = "/__casefile/live.js";

const LIVE_JS: &str = include_str!("live.js");
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One build problem, as the browser overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorView {
    /// File, relative to the site root.
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// A suggestion.
    pub hint: Option<String>,
    /// The whole diagnostic as the terminal shows it without colours (with the source
    /// line and caret).
    pub text: String,
}

/// The message every open page receives after a rebuild and when it connects.
#[derive(Debug, Clone, Serialize)]
struct StateMessage<'a> {
    /// Identifies the site being served; pages from another build reload.
    build: &'a str,
    /// Pages rendered by the last successful rebuild.
    rendered: usize,
    /// Problems of the last rebuild (empty when it succeeded).
    errors: &'a [ErrorView],
}

struct State {
    files: Arc<Files>,
    has_site: bool,
    build: String,
    rendered: usize,
    errors: Arc<Vec<ErrorView>>,
}

/// The shared state of the server: the site being served and the open event streams.
pub struct Hub {
    state: RwLock<State>,
    subscribers: Mutex<Vec<Sender<String>>>,
    session: String,
    generation: Mutex<u64>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    /// A hub serving nothing yet.
    pub fn new() -> Self {
        let session = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() % 1_000_000_000_000)
            .unwrap_or(0);
        let session = format!("{session:x}");
        Hub {
            state: RwLock::new(State {
                files: Arc::new(Files::new()),
                has_site: false,
                build: format!("{session}-0"),
                rendered: 0,
                errors: Arc::new(Vec::new()),
            }),
            subscribers: Mutex::new(Vec::new()),
            session,
            generation: Mutex::new(0),
        }
    }

    /// Serves `files` from now on and tells open pages to reload.
    pub fn site_changed(&self, files: Arc<Files>, rendered: usize) {
        let build = {
            let mut generation = self.generation.lock().expect("not poisoned");
            *generation += 1;
            format!("{}-{}", self.session, *generation)
        };
        {
            let mut state = self.state.write().expect("not poisoned");
            state.files = files;
            state.has_site = true;
            state.build = build;
            state.rendered = rendered;
            state.errors = Arc::new(Vec::new());
        }
        self.broadcast();
    }

    /// Shows `errors` on open pages (or hides the overlay when empty), keeping the site.
    pub fn errors_changed(&self, errors: Vec<ErrorView>) {
        {
            let mut state = self.state.write().expect("not poisoned");
            if *state.errors == errors {
                return;
            }
            state.errors = Arc::new(errors);
        }
        self.broadcast();
    }

    /// The current state as one server-sent event.
    fn event(&self) -> String {
        let state = self.state.read().expect("not poisoned");
        let message = StateMessage {
            build: &state.build,
            rendered: state.rendered,
            errors: &state.errors,
        };
        let json = serde_json::to_string(&message).expect("serialisable");
        // serde_json escapes newlines, so the data is one line.
        format!("data: {json}\n\n")
    }

    fn broadcast(&self) {
        let event = self.event();
        let mut subscribers = self.subscribers.lock().expect("not poisoned");
        subscribers.retain(|s| s.send(event.clone()).is_ok());
    }

    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.subscribers.lock().expect("not poisoned").push(tx);
        rx
    }

    /// How many event streams are open.
    pub fn subscribers(&self) -> usize {
        self.subscribers.lock().expect("not poisoned").len()
    }
}

/// What a request path names in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// This file of the site.
    File(String),
    /// A folder without its trailing slash: redirect to this location.
    Redirect(String),
    /// Nothing (or something outside the site).
    NotFound,
}

/// Resolves a request target (`/people/han-dong/?x=1`) to a file of the site.
pub fn lookup(files: &Files, target: &str) -> Lookup {
    let target = target.split('#').next().unwrap_or("");
    let (raw, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let Some(rest) = raw.strip_prefix('/') else {
        return Lookup::NotFound;
    };
    let Ok(decoded) = percent_decode_str(rest).decode_utf8() else {
        return Lookup::NotFound;
    };
    if decoded.contains(['\0', '\\']) {
        return Lookup::NotFound;
    }
    let segments: Vec<&str> = decoded.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        let empty_inside = segment.is_empty() && i != last;
        if empty_inside || *segment == "." || *segment == ".." {
            return Lookup::NotFound;
        }
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        let key = format!("{decoded}index.html");
        return match files.contains_key(&key) {
            true => Lookup::File(key),
            false => Lookup::NotFound,
        };
    }
    if files.contains_key(decoded.as_ref()) {
        return Lookup::File(decoded.into_owned());
    }
    if files.contains_key(&format!("{decoded}/index.html")) {
        let query = query.map(|q| format!("?{q}")).unwrap_or_default();
        return Lookup::Redirect(format!("{raw}/{query}"));
    }
    Lookup::NotFound
}

/// The `Content-Type` of a file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

/// `html` with the live-reload script before its last `</body>` (or at the end).
pub fn inject_script(html: &[u8], build: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{SCRIPT_PATH}\" data-build=\"{}\" defer></script>",
        html_escape(build)
    );
    let lower = html.to_ascii_lowercase();
    let at = lower
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>) {
    let response = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    // A client that went away is not the server's problem.
    let _ = request.respond(response);
}

/// Answers one request.
pub fn handle(hub: &Arc<Hub>, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("only GET and HEAD are supported\n")
            .with_status_code(StatusCode(405))
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_PATH {
        let hub = Arc::clone(hub);
        std::thread::spawn(move || stream_events(&hub, request));
        return;
    }
    if path == SCRIPT_PATH {
        respond(
            request,
            200,
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes().to_vec(),
        );
        return;
    }
    let (files, has_site, build, errors) = {
        let state = hub.state.read().expect("not poisoned");
        (
            Arc::clone(&state.files),
            state.has_site,
            state.build.clone(),
            Arc::clone(&state.errors),
        )
    };
    if !has_site {
        let page = error_page(&errors);
        respond(
            request,
            500,
            "text/html; charset=utf-8",
            inject_script(page.as_bytes(), &build),
        );
        return;
    }
    match lookup(&files, &url) {
        Lookup::File(key) => {
            let kind = content_type(&key);
            let bytes = &files[&key];
            let body = if kind.starts_with("text/html") {
                inject_script(bytes, &build)
            } else {
                bytes.to_vec()
            };
            respond(request, 200, kind, body);
        }
        Lookup::Redirect(location) => {
            let response = Response::from_string(format!("moved to {location}\n"))
                .with_status_code(StatusCode(301))
                .with_header(header("Location", &location))
                .with_header(header("Cache-Control", "no-store"));
            let _ = request.respond(response);
        }
        Lookup::NotFound => match files.get("404.html") {
            Some(page) => respond(
                request,
                404,
                "text/html; charset=utf-8",
                inject_script(page, &build),
            ),
            None => respond(
                request,
                404,
                "text/plain; charset=utf-8",
                b"404 Not Found\n".to_vec(),
            ),
        },
    }
}

/// The page served while no build has succeeded yet.
fn error_page(errors: &[ErrorView]) -> String {
    let mut list = String::new();
    for e in errors {
        list.push_str("<pre>");
        list.push_str(&html_escape(&e.text));
        list.push_str("</pre>\n");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>casefile: the site does not build</title></head>\n<body>\n<h1>The site does not build yet</h1>\n<p>Fix these problems; this page reloads by itself.</p>\n{list}</body>\n</html>\n"
    )
}

fn stream_events(hub: &Hub, request: Request) {
    let rx = hub.subscribe();
    let first = hub.event();
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\n\n";
    if writer.write_all(head.as_bytes()).is_err()
        || writer.write_all(first.as_bytes()).is_err()
        || writer.flush().is_err()
    {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(KEEP_ALIVE) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if writer.write_all(chunk.as_bytes()).is_err() || writer.flush().is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Files {
        [
            "index.html",
            "people/han-dong/index.html",
            "style.css",
            "404.html",
        ]
        .into_iter()
        .map(|p| (p.to_string(), Arc::new(p.as_bytes().to_vec())))
        .collect()
    }

    #[test]
    fn pretty_urls_and_redirects() {
        let files = site();
        assert_eq!(lookup(&files, "/"), Lookup::File("index.html".into()));
        assert_eq!(
            lookup(&files, "/people/han-dong/?x=1"),
            Lookup::File("people/han-dong/index.html".into())
        );
        assert_eq!(
            lookup(&files, "/people/han-dong?x=1"),
            Lookup::Redirect("/people/han-dong/?x=1".into())
        );
        assert_eq!(
            lookup(&files, "/style.css"),
            Lookup::File("style.css".into())
        );
        assert_eq!(lookup(&files, "/people/"), Lookup::NotFound);
    }

    #[test]
    fn nothing_outside_the_site() {
        let files = site();
        for bad in [
            "/../etc/passwd",
            "/people/../style.css",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/people%2f..%2fstyle.css",
            "//etc/passwd",
            "/./style.css",
            "/people\\..\\style.css",
            "/style.css%00",
            "etc/passwd",
            "http://example.org/style.css",
            "/%ff",
        ] {
            assert_eq!(lookup(&files, bad), Lookup::NotFound, "{bad}");
        }
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject_script(html, "a\"b")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__casefile/live.js\" data-build=\"a&quot;b\" defer></script></BODY></html>"
        );
        let out = inject_script(b"no body", "1");
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with("no body<script"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.3f2a.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(
            content_type("data/x.unknownext"),
            "application/octet-stream"
        );
        assert_eq!(content_type("README"), "application/octet-stream");
    }
}
