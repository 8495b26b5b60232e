//! Connections of the preview server: accepted on a small Tokio runtime of its own and
//! spoken to with hyper's HTTP/1.1, with the limits a server needs even on localhost.
//!
//! - `TCP_NODELAY` on every connection: a response written in two parts (head, body)
//!   otherwise waits for the client's delayed ACK, about 40 ms per asset on a reused
//!   connection.
//! - A header timeout ([`Limits::header_timeout`]) that also ends idle keep-alive
//!   connections: hyper starts it whenever it waits for a request head, so a socket that
//!   sends nothing, or a header a byte at a time (slowloris), is closed.
//! - A cap on open connections ([`Limits::max_connections`]), event streams included.
//!   Past it, a connection gets `503 Service Unavailable` with `Retry-After` and is
//!   closed; past twice the cap, it is closed at once.
//!
//! What each request gets is [`super::http::handle`]'s business, not this module's.

use std::convert::Infallible;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::header::{CONTENT_TYPE, RETRY_AFTER, X_CONTENT_TYPE_OPTIONS};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};

use super::hosts::HostPolicy;
use super::http::{handle, Body, Hub};
use super::ServeError;

/// How long a client may take to send a request head, and how long a kept-alive
/// connection may sit idle (Node's HTTP server closes idle connections after 5 s too).
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// Open connections allowed by default. A browser opens at most six per host (the event
/// stream is one of them), so this is dozens of tabs.
pub const MAX_CONNECTIONS: usize = 256;

/// The limits of one server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Open connections answered normally; the ones past it get 503.
    pub max_connections: usize,
    /// See [`HEADER_TIMEOUT`].
    pub header_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: MAX_CONNECTIONS,
            header_timeout: HEADER_TIMEOUT,
        }
    }
}

/// Counts one open connection until it is dropped.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `hub` on `listener` from a thread of its own, until the process ends.
pub(crate) fn spawn(
    listener: TcpListener,
    hub: Arc<Hub>,
    hosts: HostPolicy,
    limits: Limits,
) -> Result<(), ServeError> {
    let server_error = |e: std::io::Error| ServeError::Server(e.to_string());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("casefile-http")
        .enable_io()
        .enable_time()
        .build()
        .map_err(server_error)?;
    listener.set_nonblocking(true).map_err(server_error)?;
    let listener = {
        let _inside = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(server_error)?
    };
    let hosts = Arc::new(hosts);
    std::thread::Builder::new()
        .name("casefile-accept".into())
        .spawn(move || runtime.block_on(accept_loop(listener, hub, hosts, limits)))
        .map_err(server_error)?;
    Ok(())
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    hub: Arc<Hub>,
    hosts: Arc<HostPolicy>,
    limits: Limits,
) {
    let open = Arc::new(AtomicUsize::new(0));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors (or a connection reset before it was
                // accepted): wait a moment rather than spin.
                if !matches!(e.kind(), std::io::ErrorKind::ConnectionAborted) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        let count = open.fetch_add(1, Ordering::SeqCst) + 1;
        let guard = Open(Arc::clone(&open));
        if count > 2 * limits.max_connections {
            continue; // Dropping the stream closes it; the guard uncounts it.
        }
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(stream);
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout);
        if count > limits.max_connections {
            builder.keep_alive(false);
            let max = limits.max_connections;
            tokio::spawn(async move {
                let _guard = guard;
                let busy =
                    service_fn(
                        move |_: Request<_>| async move { Ok::<_, Infallible>(too_many(max)) },
                    );
                let _ = builder.serve_connection(io, busy).await;
            });
            continue;
        }
        let hub = Arc::clone(&hub);
        let hosts = Arc::clone(&hosts);
        tokio::spawn(async move {
            let _guard = guard;
            let service = service_fn(move |request: Request<_>| {
                let response = handle(&hub, &hosts, &request);
                async move { Ok::<_, Infallible>(response) }
            });
            // A client that goes away or times out is not the server's problem.
            let _ = builder.serve_connection(io, service).await;
        });
    }
}

/// The answer past the connection cap.
fn too_many(max: usize) -> Response<Body> {
    let text = format!(
        "casefile serve has {max} connections open, as many as it takes (--max-connections {max}).\n\
         Close some tabs or raise the limit; retry in a moment.\n"
    );
    Response::builder()
        .status(503)
        .header(CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(RETRY_AFTER, "1")
        .body(Either::Left(Full::new(Bytes::from(text))))
        .expect("valid response")
}
