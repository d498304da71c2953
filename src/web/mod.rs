//! The web face: `unspace serve`, a page and a JSON API over one [`Engine`].
//!
//! The engine is opened once and shared by every request; its calls block (tantivy),
//! so each runs on tokio's blocking pool, whose size bounds how many run at once. A
//! background task brings the index up to date with the data folder every few
//! seconds ([`Engine::refresh`]); searches answer from the last commit meanwhile.
//!
//! One concern a file: `api.rs` (the JSON API: the same JSON as the command line's
//! `--json`, written by [`crate::render`]; and the export's files, written by
//! [`crate::export`]), `pages.rs` (the HTML pages: the search page is a shell its
//! script fills from the API; the unit, document and list pages are written here,
//! every text escaped); this file holds the router, the guards every request passes
//! (size, host, headers, panics) and the server's life.
//!
//! Nothing is read from the file system to answer a request: the assets
//! (`assets/`) are compiled in, and any path the router does not know is a 404.

mod api;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;

use crate::cli::args::ServeArgs;
use crate::cli::{Outcome, say};
use crate::engine::{Engine, Event};
use crate::error::{self, Error};

/// The longest request target (path and query) answered; longer ones get 414.
const MAX_URI: usize = 8 * 1024;
/// How often the data folder is checked for new, changed or removed documents.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

/// What every request handler shares.
#[derive(Clone)]
struct App {
    engine: Arc<Engine>,
    /// The server listens on a loopback address: requests must name it as their
    /// host (a page of another site that rebinds its name to 127.0.0.1 cannot read
    /// the API).
    loopback: bool,
}

/// Serves the page and the API on `args.addr` until Ctrl-C or SIGTERM.
pub fn serve(engine: Engine, args: ServeArgs) -> Result<Outcome> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Engine calls run here: at most this many at once, the rest wait their turn.
        .max_blocking_threads((cores * 4).max(8))
        .build()
        .context("starting the web server's threads")?;
    runtime.block_on(run(Arc::new(engine.serving()), args))
}

async fn run(engine: Arc<Engine>, args: ServeArgs) -> Result<Outcome> {
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr().context("the address listened on")?;
    if !addr.ip().is_loopback() {
        say(&format!(
            "warning: listening on {addr}, which other machines can reach: anyone who can connect reads the documents and the API, with no password; use --addr 127.0.0.1:{} to keep it on this machine",
            addr.port()
        ));
    }
    let url = page_url(addr);
    println!("{url}");
    let refreshed = engine.clone();
    std::thread::Builder::new()
        .name("refresh".to_owned())
        .spawn(move || keep_fresh(refreshed))
        .context("starting the index's refresh")?;
    if args.open {
        open_browser(&url);
    }
    let app = App {
        engine,
        loopback: addr.ip().is_loopback(),
    };
    axum::serve(listener, router(app))
        .with_graceful_shutdown(stopped())
        .await
        .context("serving")?;
    Ok(Outcome::Found)
}

/// The page's address; an unspecified address (0.0.0.0) is reached through
/// loopback.
fn page_url(addr: SocketAddr) -> String {
    let shown = match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], a.port()))
        }
        SocketAddr::V6(a) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, a.port()))
        }
        other => other,
    };
    format!("http://{shown}/")
}

fn router(app: App) -> Router {
    Router::new()
        .route("/", get(pages::search))
        .route("/unit", get(pages::unit))
        .route("/doc", get(pages::document))
        .route("/documents", get(pages::documents))
        .route("/assets/style.css", get(pages::style))
        .route("/assets/app.js", get(pages::script))
        .route("/api/search", get(api::search))
        .route("/api/show", get(api::show))
        .route("/api/trace", get(api::trace))
        .route("/api/documents", get(api::documents))
        .route("/api/export", get(api::export))
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// Every request: refused when its target is too long or it names another host;
/// every answer: headers that keep a browser from running anything but our own
/// script.
async fn guard(State(app): State<App>, request: Request, next: Next) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if target > MAX_URI {
        return error_response(
            request.uri(),
            StatusCode::URI_TOO_LONG,
            &format!("the request is longer than {MAX_URI} bytes"),
        );
    }
    if app.loopback && !local_host(&request) {
        return error_response(
            request.uri(),
            StatusCode::FORBIDDEN,
            "this server answers only requests addressed to this machine (localhost, 127.0.0.1 or [::1])",
        );
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// True when the request's Host names a loopback address (or is absent, as in
/// HTTP/1.0).
fn local_host(request: &Request) -> bool {
    let Some(host) = request.headers().get(header::HOST) else {
        return true;
    };
    let Ok(host) = host.to_str() else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An unknown path: JSON under /api/, a page elsewhere.
async fn not_found(uri: Uri) -> Response {
    error_response(&uri, StatusCode::NOT_FOUND, "no such page")
}

/// A panic inside a request: 500, and the server goes on.
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    json_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error while answering this request; please report it",
    )
}

/// An error for a request to `uri`: JSON for the API, a page for the rest.
fn error_response(uri: &Uri, status: StatusCode, message: &str) -> Response {
    if uri.path().starts_with("/api/") {
        json_error(status, message)
    } else {
        pages::error_page(status, message)
    }
}

/// `{"error": message}` with `status`.
fn json_error(status: StatusCode, message: &str) -> Response {
    let mut body = serde_json::to_vec(&serde_json::json!({ "error": message }))
        .unwrap_or_else(|_| b"{\"error\":\"error\"}".to_vec());
    body.push(b'\n');
    let mut response = (status, json_body(body)).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    }
    response
}

/// A JSON body with its content type.
fn json_body(body: Vec<u8>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        Body::from(body),
    )
}

/// The HTTP status of an engine error: what the caller asked wrongly is a 400, what
/// is not there a 404, an index not yet built or busy a 503, the rest a 500.
fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::UnknownDocument { .. } | Error::NotInLanguage { .. } | Error::NoSuchUnit { .. } => {
            StatusCode::NOT_FOUND
        }
        Error::UnknownLanguage { .. }
        | Error::BadUnit { .. }
        | Error::BadQuery(_)
        | Error::BadFilter(_) => StatusCode::BAD_REQUEST,
        Error::NoIndex { .. } | Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        Error::Damaged { .. } | Error::NotWritable { .. } | Error::Io { .. } | Error::Other(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// An engine error in the web's words.
fn message_of(e: &Error) -> String {
    match e {
        Error::NoIndex { .. } => {
            "the index is being built from the data folder; try again in a moment".to_owned()
        }
        Error::Busy { .. } => {
            "another unspace is updating the index; try again in a moment".to_owned()
        }
        other => error::describe(other),
    }
}

/// Why a request got no answer: its status and message.
struct Failure {
    status: StatusCode,
    message: String,
}

impl Failure {
    fn bad(message: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure {
            status: status_of(&e),
            message: message_of(&e),
        }
    }
}

/// Runs `ask` on the engine on the blocking pool; a panic inside it is a 500.
async fn blocking<T: Send + 'static>(
    app: &App,
    ask: impl FnOnce(&Engine) -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    let engine = app.engine.clone();
    match tokio::task::spawn_blocking(move || ask(&engine)).await {
        Ok(answer) => answer,
        Err(_) => Err(Failure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error while answering this request; please report it".to_owned(),
        }),
    }
}

/// The query string's parameters, decoded; only the names a route knows.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: Option<&str>, known: &[&str]) -> Result<Params, Failure> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        if let Some((name, _)) = pairs.iter().find(|(n, _)| !known.contains(&n.as_str())) {
            return Err(Failure::bad(format!(
                "unknown parameter `{name}`; this request takes: {}",
                known.join(", ")
            )));
        }
        Ok(Params(pairs))
    }

    /// Every parameter, whatever its name (for the pages, whose addresses people
    /// share with other parameters on them).
    fn lenient(query: Option<&str>) -> Params {
        Params(
            form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The parameter's value; an empty one counts as absent, a repeated one is an
    /// error.
    fn one(&self, name: &str) -> Result<Option<String>, Failure> {
        let mut values = self.all(name);
        match (values.next(), values.next()) {
            (None, _) => Ok(None),
            (Some(value), None) => Ok(Some(value)),
            (Some(_), Some(_)) => Err(Failure::bad(format!("give `{name}` once"))),
        }
    }

    /// Every non-empty value of a repeatable parameter.
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = String> + 'a {
        self.0
            .iter()
            .filter(move |(n, v)| n == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
    }

    /// A required parameter.
    fn required(&self, name: &str, what: &str) -> Result<String, Failure> {
        self.one(name)?
            .ok_or_else(|| Failure::bad(format!("give `{name}`: {what}")))
    }

    /// A number parameter, at most `most`.
    fn number(&self, name: &str, most: usize) -> Result<Option<usize>, Failure> {
        match self.one(name)? {
            None => Ok(None),
            Some(text) => match text.trim().parse::<usize>() {
                Ok(n) if n <= most => Ok(Some(n)),
                Ok(_) => Err(Failure::bad(format!("`{name}` is at most {most}"))),
                Err(_) => Err(Failure::bad(format!(
                    "`{name}` must be a whole number, not `{text}`"
                ))),
            },
        }
    }

    /// A year parameter.
    fn year(&self) -> Result<Option<u32>, Failure> {
        match self.one("year")? {
            None => Ok(None),
            Some(text) => text.trim().parse::<u32>().map(Some).map_err(|_| {
                Failure::bad(format!("`year` must be a year such as 2021, not `{text}`"))
            }),
        }
    }
}

/// Keeps the index up to date with the data folder, on a thread of its own: at once
/// (the first build, when there is no index yet), then every [`REFRESH_EVERY`]. A
/// failure is said once, and again only when it changes.
fn keep_fresh(engine: Arc<Engine>) {
    let mut last_failure: Option<String> = None;
    loop {
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.refresh(&mut report)));
        let failure = match outcome {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(error::describe(&e)),
            Err(_) => Some("internal error while updating the index".to_owned()),
        };
        if let Some(failure) = &failure
            && last_failure.as_ref() != Some(failure)
        {
            say(&format!(
                "warning: {failure}; answering from the index as last built"
            ));
        }
        last_failure = failure;
        std::thread::sleep(REFRESH_EVERY);
    }
}

/// The engine's news while serving, on stderr: updates and their outcome.
fn report(event: Event<'_>) {
    match event {
        Event::Updating { first_build: true } => say("building the index (first use)"),
        Event::Updating { first_build: false } => {
            say("the data folder changed; updating the index");
        }
        Event::Updated(report) => {
            for failure in &report.failed {
                say(&format!("error: {failure}"));
            }
            for warning in &report.warnings {
                say(&format!("warning: {warning}"));
            }
            if let Some(summary) = report.reading_summary() {
                say(&summary);
            }
            say(&report.summary());
        }
        Event::Warning(warning) => say(&format!("warning: {warning}")),
        Event::Files(_) | Event::FileDone(_) | Event::FilesDone => {}
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stopped() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// Opens `url` in the user's browser, best effort: a machine without one is told
/// the URL (already printed).
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let started = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match started {
        // Reaped by a thread of its own, so that no zombie is left behind.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => say(&format!(
            "could not open a browser ({opener}: {e}); open {url}"
        )),
    }
}
