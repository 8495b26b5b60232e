//! The preview server's answers: files from memory, pretty URLs, the not-found page,
//! and a server-sent event stream that tells open pages to reload or to show build
//! errors. Connections, timeouts and limits are [`super::connections`]' job; which hosts
//! may ask is [`super::hosts`]'.
//!
//! Only files of the rendered site are served: request paths are checked before they are
//! decoded (no encoded `/`), then segment by segment (no `..`, `.`, empty segments,
//! backslashes or NUL bytes), then looked up in the in-memory site, so nothing outside
//! it can be reached, symbolic links included.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{Channel, Either, Full};
use hyper::header::{
    HeaderName, HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION, ORIGIN,
    X_CONTENT_TYPE_OPTIONS,
};
use hyper::{Method, Request, Response};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use tokio::sync::watch;

use super::hosts::HostPolicy;
use super::preview::Files;
use crate::render::html_escape;

/// Where pages subscribe to rebuild events.
pub(crate) const EVENTS_PATH: &str = "/__casefile/events";
/// The script injected into every served HTML page.
pub(crate) const SCRIPT_PATH: &str = "/__casefile/live.js";

const LIVE_JS: &str = include_str!("live.js");
/// How often an idle event stream gets a comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One build problem, as the browser overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct ErrorView {
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
    /// Warnings of the last good build: the site builds, but these need a look.
    warnings: &'a [ErrorView],
}

struct State {
    files: Arc<Files>,
    has_site: bool,
    build: String,
    rendered: usize,
    errors: Arc<Vec<ErrorView>>,
    warnings: Arc<Vec<ErrorView>>,
}

/// The shared state of the server: the site being served, and the latest event, which
/// every open event stream watches.
pub(crate) struct Hub {
    state: RwLock<State>,
    events: watch::Sender<String>,
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
    pub(crate) fn new() -> Self {
        let session = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() % 1_000_000_000_000)
            .unwrap_or(0);
        let session = format!("{session:x}");
        let hub = Hub {
            state: RwLock::new(State {
                files: Arc::new(Files::new()),
                has_site: false,
                build: format!("{session}-0"),
                rendered: 0,
                errors: Arc::new(Vec::new()),
                warnings: Arc::new(Vec::new()),
            }),
            events: watch::Sender::new(String::new()),
            session,
            generation: Mutex::new(0),
        };
        hub.events.send_replace(hub.event());
        hub
    }

    /// Serves `files`, built with `warnings`, from now on and tells open pages to reload.
    pub(crate) fn site_changed(
        &self,
        files: Arc<Files>,
        rendered: usize,
        warnings: Vec<ErrorView>,
    ) {
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
            state.warnings = Arc::new(warnings);
        }
        self.broadcast();
    }

    /// A rebuild succeeded without changing a served file: no errors, and `warnings`.
    pub(crate) fn site_unchanged(&self, warnings: Vec<ErrorView>) {
        {
            let mut state = self.state.write().expect("not poisoned");
            if state.errors.is_empty() && *state.warnings == warnings {
                return;
            }
            state.errors = Arc::new(Vec::new());
            state.warnings = Arc::new(warnings);
        }
        self.broadcast();
    }

    /// Shows `errors` on open pages (or hides the overlay when empty), keeping the site.
    pub(crate) fn errors_changed(&self, errors: Vec<ErrorView>) {
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
            warnings: &state.warnings,
        };
        let json = serde_json::to_string(&message).expect("serialisable");
        // serde_json escapes newlines, so the data is one line.
        format!("data: {json}\n\n")
    }

    fn broadcast(&self) {
        self.events.send_replace(self.event());
    }

    fn subscribe(&self) -> watch::Receiver<String> {
        self.events.subscribe()
    }
}

/// What a request path names in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// This file of the site.
    File(String),
    /// A folder without its trailing slash: redirect to this location.
    Redirect(String),
    /// Nothing (or something outside the site).
    NotFound,
}

/// Resolves a request target (`/people/han-dong/?x=1`) to a file of the site.
pub(crate) fn lookup(files: &Files, target: &str) -> Lookup {
    let target = target.split('#').next().unwrap_or("");
    let (raw, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let Some(rest) = raw.strip_prefix('/') else {
        return Lookup::NotFound;
    };
    // `people%2Fada` is one segment to a web server and two once decoded; static hosts
    // differ on it, so the preview serves neither reading.
    if rest.to_ascii_lowercase().contains("%2f") {
        return Lookup::NotFound;
    }
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
pub(crate) fn content_type(path: &str) -> &'static str {
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
pub(crate) fn inject_script(html: &[u8], build: &str) -> Vec<u8> {
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

/// A response body: a whole file in memory, or an event stream fed by a task.
pub(crate) type Body = Either<Full<Bytes>, Channel<Bytes>>;

fn respond(status: u16, content_type: &str, body: Vec<u8>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, content_type)
        .header(CACHE_CONTROL, "no-store")
        .header(X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(Either::Left(Full::new(Bytes::from(body))))
        .expect("valid response")
}

fn header<B>(request: &Request<B>, name: HeaderName) -> Option<&str> {
    // A header that is not text cannot name an allowed host; it is refused as sent.
    request
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap_or("(not text)"))
}

/// Answers one request. The event stream is fed by a task on the current Tokio runtime.
pub(crate) fn handle<B>(
    hub: &Arc<Hub>,
    hosts: &HostPolicy,
    request: &Request<B>,
) -> Response<Body> {
    let refusal = hosts.refusal(
        header(request, HOST),
        header(request, ORIGIN),
        request.uri().authority().map(|a| a.as_str()),
    );
    if let Some(refusal) = refusal {
        let text = hosts.explain(&refusal);
        return respond(403, "text/plain; charset=utf-8", text.into_bytes());
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut response = respond(
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD are supported\n".to_vec(),
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_PATH {
        return event_stream(hub);
    }
    if path == SCRIPT_PATH {
        return respond(
            200,
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes().to_vec(),
        );
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
        return respond(
            500,
            "text/html; charset=utf-8",
            inject_script(page.as_bytes(), &build),
        );
    }
    match lookup(&files, target) {
        Lookup::File(key) => {
            let kind = content_type(&key);
            let bytes = &files[&key];
            let body = if kind.starts_with("text/html") {
                inject_script(bytes, &build)
            } else {
                bytes.to_vec()
            };
            respond(200, kind, body)
        }
        Lookup::Redirect(location) => {
            let mut response = respond(
                301,
                "text/plain; charset=utf-8",
                format!("moved to {location}\n").into_bytes(),
            );
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(LOCATION, value);
            }
            response
        }
        Lookup::NotFound => match files.get("404.html") {
            Some(page) => respond(404, "text/html; charset=utf-8", inject_script(page, &build)),
            None => respond(
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

/// `/__casefile/events`: the current state at once, then the state after each change,
/// and a comment every [`KEEP_ALIVE`] so that proxies and browsers keep the stream open.
/// Only the latest state is kept for a slow reader, so a stalled page costs no memory.
fn event_stream(hub: &Hub) -> Response<Body> {
    let mut events = hub.subscribe();
    let first = format!("retry: 1000\n\n{}", *events.borrow_and_update());
    let (mut tx, body) = Channel::new(1);
    tokio::spawn(async move {
        let mut chunk = first;
        loop {
            if tx.send_data(Bytes::from(chunk)).await.is_err() {
                return; // The page went away.
            }
            chunk = match tokio::time::timeout(KEEP_ALIVE, events.changed()).await {
                Ok(Ok(())) => events.borrow_and_update().to_string(),
                Ok(Err(_)) => return, // The server is stopping.
                Err(_) => ": keep-alive\n\n".to_string(),
            };
        }
    });
    Response::builder()
        .status(200)
        .header(CONTENT_TYPE, "text/event-stream")
        .header(CACHE_CONTROL, "no-store")
        .header(X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header("X-Accel-Buffering", "no")
        .body(Either::Right(body))
        .expect("valid response")
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
            "/people%2fhan-dong%2findex.html",
            "/people%2Fhan-dong/",
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
