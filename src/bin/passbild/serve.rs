//! `passbild serve`: the checker as an HTTP service on one machine's network, with a page for the
//! counter at `/` (docs/service.md).
//! One process holds the models once; every built-in profile shares them. What protects the host:
//! a request body limit, a bounded number of checks at once with a bounded queue behind them (503
//! with Retry-After beyond it), a time limit per request, and the decode limits.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use passbild::{Checker, Error, Language, Profile, Report};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use serde::Deserialize;
use tokio::sync::Semaphore;

/// The service's settings, from the command line.
pub struct ServeOptions {
    pub bind: SocketAddr,
    /// Checks run at once.
    pub workers: usize,
    /// Requests that may wait for a worker; beyond them the service answers 503.
    pub queue: usize,
    pub max_body_bytes: usize,
    pub timeout: Duration,
    /// Connections open at once; more wait in the listen backlog until one closes.
    pub max_connections: usize,
    /// A bearer token every /v1 request must present, if set.
    pub token: Option<String>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    endpoint: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FailureLabels {
    kind: String,
}

struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<EndpointLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    failures: Family<FailureLabels, Counter>,
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<EndpointLabels, Histogram, fn() -> Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.005, 2.0, 14))
        });
        let in_flight = Gauge::default();
        let failures = Family::<FailureLabels, Counter>::default();
        registry.register("passbild_requests", "HTTP requests by endpoint and status code", requests.clone());
        registry.register(
            "passbild_request_duration_seconds",
            "Time to answer a request, by endpoint (till the client left, for one that left first)",
            latency.clone(),
        );
        registry.register("passbild_checks_in_flight", "Checks running or waiting for a worker", in_flight.clone());
        registry.register("passbild_failures", "Requests answered with an error, by error code", failures.clone());
        Metrics { registry, requests, latency, in_flight, failures }
    }
}

struct Service {
    /// One checker per built-in profile, all sharing the models.
    checkers: HashMap<String, Checker>,
    default_profile: String,
    workers: Arc<Semaphore>,
    /// Requests admitted: running or waiting for a worker.
    admitted: AtomicUsize,
    admit_limit: usize,
    timeout: Duration,
    max_body_bytes: usize,
    token: Option<String>,
    metrics: Metrics,
}

/// A request counted among those admitted, from before its body is read until its check has
/// left the worker: a client that hangs up drops its request at an `await`, and the count must
/// still fall, but not while the check it started still runs.
struct Admission {
    service: Arc<Service>,
}

impl Admission {
    /// None when the queue is full.
    fn new(service: &Arc<Service>) -> Option<Self> {
        if service.admitted.fetch_add(1, Ordering::SeqCst) >= service.admit_limit {
            service.admitted.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        service.metrics.in_flight.inc();
        Some(Admission { service: Arc::clone(service) })
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.service.metrics.in_flight.dec();
        let idle = self.service.admitted.fetch_sub(1, Ordering::SeqCst) == 1;
        // Idle again: hand the memory the burst's threads freed back to the system.
        if let (true, Ok(runtime)) = (idle, tokio::runtime::Handle::try_current()) {
            runtime.spawn_blocking(passbild::release_free_memory);
        }
    }
}

/// An error answer: a status, a stable code and the message, as JSON.
struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Failure {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Failure { status, code, message: message.into() }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        use StatusCode as S;
        let status = match &error {
            Error::EmptyInput
            | Error::UnknownFormat
            | Error::Truncated { .. }
            | Error::Decode { .. }
            | Error::Damaged { .. }
            | Error::AspectRatio { .. } => S::BAD_REQUEST,
            Error::InputTooLarge { .. } | Error::ImageTooLarge { .. } | Error::DecoderMemory { .. } => {
                S::PAYLOAD_TOO_LARGE
            }
            Error::UnknownProfile { .. } | Error::Crop(_) => S::UNPROCESSABLE_ENTITY,
            _ => S::INTERNAL_SERVER_ERROR,
        };
        let code = if status == S::INTERNAL_SERVER_ERROR { "internal" } else { error.code() };
        Failure::new(status, code, error.to_string())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"code": self.code, "message": self.message}});
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        match self.status {
            StatusCode::SERVICE_UNAVAILABLE => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            StatusCode::UNAUTHORIZED => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            // The rest of a body that came too slowly is not waited for.
            StatusCode::REQUEST_TIMEOUT => {
                headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        response
    }
}

fn json_report(report: &Report) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], report.to_json()).into_response()
}

#[derive(Deserialize)]
struct CheckQuery {
    profile: Option<String>,
    lang: Option<String>,
}

impl Service {
    fn authorise(&self, headers: &HeaderMap) -> Result<(), Failure> {
        let Some(token) = &self.token else { return Ok(()) };
        // The scheme's name is case-insensitive (RFC 9110, 11.1).
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim_start());
        // Compared in constant time: the token is a secret.
        let matches = given.is_some_and(|given| {
            given.len() == token.len() && given.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        });
        if matches {
            Ok(())
        } else {
            Err(Failure::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer token is required"))
        }
    }

    fn checker_and_language(&self, query: &CheckQuery) -> Result<(&Checker, Language), Failure> {
        let name = query.profile.as_deref().unwrap_or(&self.default_profile);
        let checker = self.checkers.get(name).ok_or_else(|| {
            let mut known: Vec<&str> = self.checkers.keys().map(String::as_str).collect();
            known.sort_unstable();
            Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_profile",
                format!("unknown profile {name:?} (built-in profiles: {})", known.join(", ")),
            )
        })?;
        let language = match query.lang.as_deref() {
            None => Language::En,
            Some(lang) => lang
                .parse()
                .map_err(|e: String| Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_language", e))?,
        };
        Ok((checker, language))
    }

    /// The request's body, read to its end before any answer (an answer sent while the client is
    /// still sending would reach it as a broken connection, not as the error). A caller with the
    /// token is admitted first, so that only admitted requests hold a body in memory: at most
    /// `limit` bytes kept for an admitted caller, nothing for one without the token or beyond a
    /// full queue. The missing token or the full queue is the outer error, the body's own (too
    /// large, too slow) the inner, for the caller to raise after its other checks of the request.
    async fn admitted_body(
        self: &Arc<Self>,
        headers: &HeaderMap,
        body: Body,
        limit: usize,
        deadline: Instant,
    ) -> Result<(Admission, Result<Bytes, Failure>), Failure> {
        let authorised = self.authorise(headers);
        let admission = if authorised.is_ok() { Admission::new(self) } else { None };
        let read = match admission {
            Some(_) => read_body(body, limit, deadline).await,
            // Refused below: its body is not kept.
            None => {
                drain(headers, body, deadline).await;
                Ok(Bytes::new())
            }
        };
        authorised?;
        let admission = admission.ok_or_else(|| {
            Failure::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "too many checks waiting; retry shortly")
        })?;
        Ok((admission, read))
    }

    /// Runs `work` on a worker once one is free, by the request's `deadline`.
    async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        admission: Admission,
        deadline: Instant,
        work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
    ) -> Result<T, Failure> {
        let service = Arc::clone(self);
        let outcome = tokio::time::timeout_at(deadline.into(), async move {
            let permit = service.workers.clone().acquire_owned().await.expect("the semaphore is never closed");
            // The permit and the admission travel with the work: a check that outlives the time
            // limit or its client still holds its worker and its place until it ends, so the
            // number of checks at once stays bounded and counted.
            tokio::task::spawn_blocking(move || {
                let _held = (permit, admission);
                work()
            })
            .await
        })
        .await;
        match outcome {
            Err(_) => Err(Failure::new(StatusCode::GATEWAY_TIMEOUT, "timeout", "the check did not finish in time")),
            Ok(Err(_)) => {
                Err(Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the check failed internally"))
            }
            Ok(Ok(result)) => result,
        }
    }

    fn record(&self, endpoint: &str, started: Instant, code: u16, failure: Option<&str>) {
        let code = code.to_string();
        self.metrics.requests.get_or_create(&RequestLabels { endpoint: endpoint.into(), code }).inc();
        if let Some(kind) = failure {
            self.metrics.failures.get_or_create(&FailureLabels { kind: kind.into() }).inc();
        }
        let endpoint = EndpointLabels { endpoint: endpoint.into() };
        self.metrics.latency.get_or_create(&endpoint).observe(started.elapsed().as_secs_f64());
    }
}

/// A request on its way to its answer, counted in the metrics when answered, or as 499
/// `client_closed` when the client hangs up first (the handler is then dropped at an `await`).
struct Answering {
    service: Arc<Service>,
    endpoint: &'static str,
    started: Instant,
    answered: bool,
}

impl Answering {
    fn new(service: &Arc<Service>, endpoint: &'static str) -> Self {
        Answering { service: Arc::clone(service), endpoint, started: Instant::now(), answered: false }
    }

    fn answer(mut self, result: Result<Response, Failure>) -> Response {
        self.answered = true;
        let failure = result.as_ref().err().map(|failure| failure.code);
        let response = result.unwrap_or_else(Failure::into_response);
        self.service.record(self.endpoint, self.started, response.status().as_u16(), failure);
        response
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        if !self.answered {
            self.service.record(self.endpoint, self.started, CLIENT_CLOSED, Some("client_closed"));
        }
    }
}

/// The status nginx logs for a client that closed the connection before the answer.
const CLIENT_CLOSED: u16 = 499;

/// The longest time limit a request may be given.
const MAX_TIMEOUT_SECS: u64 = 3600;

/// The largest body limit: far above any photo the decode limits let through.
const MAX_BODY_BYTES: usize = 1 << 30;

/// How much of a body beyond the limit is read and dropped, so that a client still sending it can
/// read the 413; beyond this the connection is closed.
const DRAIN_LIMIT_BYTES: usize = 64 << 20;

/// Reads a request body of at most `limit` bytes by the request's `deadline`.
async fn read_body(body: Body, limit: usize, deadline: Instant) -> Result<Bytes, Failure> {
    let read = async {
        let mut body = body;
        let mut bytes = Vec::new();
        let mut seen = 0usize;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| Failure::new(StatusCode::BAD_REQUEST, "bad_request", e.to_string()))?;
            let Ok(data) = frame.into_data() else { continue };
            seen += data.len();
            if seen <= limit {
                bytes.extend_from_slice(&data);
            } else if seen > limit.saturating_add(DRAIN_LIMIT_BYTES) {
                break;
            }
        }
        if seen > limit {
            return Err(Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("the request body is above the limit of {limit} bytes"),
            ));
        }
        // The doubling growth leaves up to as much capacity again unused; the body is held
        // until its check ends.
        bytes.shrink_to_fit();
        Ok(Bytes::from(bytes))
    };
    tokio::time::timeout_at(deadline.into(), read).await.unwrap_or_else(|_| {
        Err(Failure::new(StatusCode::REQUEST_TIMEOUT, "timeout", "the request body did not arrive in time"))
    })
}

/// The path of a request that posts one photo: the caller authorised and admitted, its body read,
/// the profile chosen, then `work` on a worker.
async fn one_photo(
    service: &Arc<Service>,
    query: Result<Query<CheckQuery>, QueryRejection>,
    headers: &HeaderMap,
    body: Body,
    work: impl FnOnce(Checker, Language, Bytes) -> Result<Response, Failure> + Send + 'static,
) -> Result<Response, Failure> {
    // One time limit covers the body and the check.
    let deadline = Instant::now() + service.timeout;
    let (admission, body) = service.admitted_body(headers, body, service.max_body_bytes, deadline).await?;
    let (checker, language) = service.checker_and_language(&parameters(query)?)?;
    let (checker, body) = (checker.clone(), body?);
    service.run(admission, deadline, move || work(checker, language, body)).await
}

async fn check(
    State(service): State<Arc<Service>>,
    query: Result<Query<CheckQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let answering = Answering::new(&service, "check");
    let result = one_photo(&service, query, &headers, body, |checker, language, body| {
        let mut report = checker.check_bytes(&body)?;
        report.set_language(language);
        Ok(json_report(&report))
    })
    .await;
    answering.answer(result)
}

async fn crop(
    State(service): State<Arc<Service>>,
    query: Result<Query<CheckQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let answering = Answering::new(&service, "crop");
    let result = one_photo(&service, query, &headers, body, |checker, _, body| {
        let cropped = checker.crop(&body)?;
        Ok(([(header::CONTENT_TYPE, "image/jpeg")], cropped.jpeg).into_response())
    })
    .await;
    answering.answer(result)
}

async fn check_with_reference(
    State(service): State<Arc<Service>>,
    query: Result<Query<CheckQuery>, QueryRejection>,
    request: axum::extract::Request,
) -> Response {
    let answering = Answering::new(&service, "check_with_reference");
    let result = async {
        // As for one photo; the body holds both photos.
        let (parts, body) = request.into_parts();
        let deadline = Instant::now() + service.timeout;
        let (admission, body) =
            service.admitted_body(&parts.headers, body, 2 * service.max_body_bytes, deadline).await?;
        let (checker, language) = service.checker_and_language(&parameters(query)?)?;
        let body = body?;
        let is_multipart = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            v.split(';').next().is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("multipart/form-data"))
        });
        if !is_multipart {
            return Err(Failure::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be multipart/form-data with the parts `document` and `live`",
            ));
        }
        let request = axum::extract::Request::from_parts(parts, Body::from(body));
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|e| Failure::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))?;
        let (mut document, mut live) = (None, None);
        while let Some(field) =
            multipart.next_field().await.map_err(|e| multipart_failure(e.status(), e.body_text()))?
        {
            let name = field.name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|e| multipart_failure(e.status(), e.body_text()))?;
            let slot = match name.as_str() {
                "document" => &mut document,
                "live" => &mut live,
                _ => continue,
            };
            // Which of two photos is meant is not for the service to guess.
            if slot.replace(bytes).is_some() {
                return Err(Failure::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("the part `{name}` is given twice"),
                ));
            }
        }
        // The parser holds the whole body besides the two parts while the check would wait and run.
        drop(multipart);
        let (Some(document), Some(live)) = (document, live) else {
            return Err(Failure::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "the parts `document` and `live` are required",
            ));
        };
        let checker = checker.clone();
        let mut report = service
            .run(admission, deadline, move || checker.check_with_reference(&document, &live).map_err(Failure::from))
            .await?;
        report.set_language(language);
        Ok(json_report(&report))
    }
    .await;
    answering.answer(result)
}

/// The query's parameters, or the JSON error for a query that does not parse (a parameter
/// given twice, say), after the body has been read like any other error.
fn parameters(query: Result<Query<CheckQuery>, QueryRejection>) -> Result<CheckQuery, Failure> {
    query.map(|Query(query)| query).map_err(|e| Failure::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))
}

fn multipart_failure(status: StatusCode, text: String) -> Failure {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        Failure::new(status, "body_too_large", text)
    } else {
        Failure::new(StatusCode::BAD_REQUEST, "bad_request", text)
    }
}

async fn profiles(State(service): State<Arc<Service>>, headers: HeaderMap) -> Response {
    let answering = Answering::new(&service, "profiles");
    let result = service.authorise(&headers).map(|()| {
        let mut names: Vec<&String> = service.checkers.keys().collect();
        names.sort();
        let list: Vec<serde_json::Value> = names
            .into_iter()
            .map(|name| {
                let profile = service.checkers[name].profile();
                serde_json::json!({"name": name, "description": profile.description})
            })
            .collect();
        axum::Json(serde_json::json!({"default": service.default_profile, "profiles": list})).into_response()
    });
    answering.answer(result)
}

/// The counter's page: plain files, embedded, no build step.
const PAGE: [(&str, &str, &str); 3] = [
    ("/", "text/html; charset=utf-8", include_str!("web/index.html")),
    ("/app.js", "text/javascript; charset=utf-8", include_str!("web/app.js")),
    ("/style.css", "text/css; charset=utf-8", include_str!("web/style.css")),
];

fn page_file(path: &'static str) -> Response {
    let (_, content_type, text) = PAGE.iter().find(|(p, _, _)| *p == path).expect("a page file");
    (
        [
            (header::CONTENT_TYPE, *content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; connect-src 'self'; frame-ancestors 'none'",
            ),
        ],
        *text,
    )
        .into_response()
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn metrics(State(service): State<Arc<Service>>) -> Response {
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &service.metrics.registry)
        .expect("metrics encode into a String");
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text).into_response()
}

async fn not_found(State(service): State<Arc<Service>>, headers: HeaderMap, body: Body) -> Response {
    let failure = Failure::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint");
    refuse_unrouted(&service, &headers, body, failure).await
}

async fn method_not_allowed(State(service): State<Arc<Service>>, headers: HeaderMap, body: Body) -> Response {
    let failure =
        Failure::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this endpoint does not take that method");
    refuse_unrouted(&service, &headers, body, failure).await
}

/// Answers a request that reached no endpoint with `failure`, counted as endpoint `other`, once
/// its body is drained.
async fn refuse_unrouted(service: &Arc<Service>, headers: &HeaderMap, body: Body, failure: Failure) -> Response {
    let answering = Answering::new(service, "other");
    drain(headers, body, Instant::now() + service.timeout).await;
    answering.answer(Err(failure))
}

/// Reads a body that is not wanted by `deadline` and drops it, as `read_body` does beyond its
/// limit: a client still sending an upload that is refused, or sent to the wrong place, reads the
/// error, not a broken connection. A client that waits for "100 Continue" before it sends (curl
/// does for uploads over 1 MiB) is not asked for it: answered first, it sends none.
async fn drain(headers: &HeaderMap, body: Body, deadline: Instant) {
    let waits_to_send = headers
        .get(header::EXPECT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    if !waits_to_send {
        let _ = read_body(body, 0, deadline).await;
    }
}

/// Serves every built-in profile on `base`'s models, and `base`'s own profile for requests that
/// name none, until Ctrl-C or SIGTERM.
pub fn serve(base: Checker, options: ServeOptions) -> Result<(), String> {
    let mut checkers = HashMap::new();
    for name in Profile::built_in_names() {
        let profile = Profile::built_in(name).map_err(|e| e.to_string())?;
        checkers.insert(name.to_string(), base.with_profile(profile));
    }
    // The service's own profile (a built-in, or a TOML file's) answers to its name; a file's
    // profile named like a built-in (one that takes `base` and sets no `name`) must not stand in
    // for it to a client that asks for the built-in.
    let default_profile = base.profile().name.clone();
    if let Some(built_in) = checkers.get(&default_profile)
        && built_in.profile() != base.profile()
    {
        return Err(format!(
            "the profile is named {default_profile:?}, as a built-in one, but differs from it: give it a `name` of its own"
        ));
    }
    if !(1..=MAX_TIMEOUT_SECS).contains(&options.timeout.as_secs()) {
        return Err(format!("the time limit must be 1 to {MAX_TIMEOUT_SECS} seconds"));
    }
    if !(1..=MAX_BODY_BYTES).contains(&options.max_body_bytes) {
        return Err(format!("the body limit must be 1 to {} MiB", MAX_BODY_BYTES >> 20));
    }
    checkers.insert(default_profile.clone(), base);
    let workers = options.workers.max(1);
    let service = Arc::new(Service {
        checkers,
        default_profile,
        workers: Arc::new(Semaphore::new(workers)),
        admitted: AtomicUsize::new(0),
        admit_limit: workers.saturating_add(options.queue),
        timeout: options.timeout,
        max_body_bytes: options.max_body_bytes,
        token: options.token,
        metrics: Metrics::new(),
    });
    // The handlers read their bodies themselves, to answer 413 to a client still sending.
    let app = Router::new()
        .route("/v1/check", post(check).layer(DefaultBodyLimit::disable()))
        .route("/v1/check-with-reference", post(check_with_reference).layer(DefaultBodyLimit::disable()))
        .route("/v1/crop", post(crop).layer(DefaultBodyLimit::disable()))
        .route("/v1/profiles", get(profiles))
        .route("/", get(|| async { page_file("/") }))
        .route("/app.js", get(|| async { page_file("/app.js") }))
        .route("/style.css", get(|| async { page_file("/style.css") }))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(service);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(workers.saturating_add(2))
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.bind)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", options.bind))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let listener =
            connections::Limited::new(listener, options.max_connections.max(1), 2 * options.timeout, REQUEST_WAIT);
        let stop = stop_asked().map_err(|e| format!("cannot handle signals: {e}"))?;
        println!("passbild: listening on http://{address}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        axum::serve(listener, app).with_graceful_shutdown(stop).await.map_err(|e| e.to_string())
    })
}

/// How long a connection may stay silent while no request of it is under way: a new connection
/// before its first byte, a kept-alive one between requests (at most the silence allowed within a
/// request).
const REQUEST_WAIT: Duration = Duration::from_secs(10);

/// Ctrl-C, or SIGTERM, with which Docker, Kubernetes and systemd stop a service: the checks under
/// way are answered before the process ends. The handlers are in place when this returns (before
/// the service says it listens), so a stop asked at once is not left to the signal's default.
fn stop_asked() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (mut interrupt, mut terminate) = (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?);
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// Limits on the connections themselves, below HTTP: how many are open at once, how long one may
/// stay silent, and how long it may send without being answered. Without them a client that
/// trickles its headers, or opens connections and sends nothing, holds a socket for ever (hyper's
/// own header timeout needs a timer that `axum::serve` does not give it), and enough such clients
/// stop the service from accepting.
mod connections {
    use std::future::Future;
    use std::io;
    use std::net::SocketAddr;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::sync::{OwnedSemaphorePermit, Semaphore};
    use tokio::time::{Instant, Sleep};

    /// A listener that holds at most `slots` connections open and closes one that has read and
    /// written nothing for `idle_limit` while a request of it is under way, or for `request_wait`
    /// while none is (an idle keep-alive connection, or a new one that sends nothing), or has been
    /// read from for `idle_limit` without writing (a request's body and check end within the time
    /// limit, half of it, once its headers are in; a client sending a byte now and then never
    /// finishes them).
    pub struct Limited {
        listener: TcpListener,
        slots: Arc<Semaphore>,
        idle_limit: Duration,
        request_wait: Duration,
    }

    impl Limited {
        pub fn new(listener: TcpListener, slots: usize, idle_limit: Duration, request_wait: Duration) -> Self {
            let request_wait = request_wait.min(idle_limit);
            Limited { listener, slots: Arc::new(Semaphore::new(slots)), idle_limit, request_wait }
        }
    }

    impl axum::serve::Listener for Limited {
        type Io = Connection;
        type Addr = SocketAddr;

        async fn accept(&mut self) -> (Connection, SocketAddr) {
            let slot = self.slots.clone().acquire_owned().await.expect("the semaphore is never closed");
            let (stream, address) = axum::serve::Listener::accept(&mut self.listener).await;
            let idle = Box::pin(tokio::time::sleep(self.request_wait));
            let (idle_limit, request_wait) = (self.idle_limit, self.request_wait);
            (Connection { stream, _slot: slot, idle, idle_limit, request_wait, unanswered_since: None }, address)
        }

        fn local_addr(&self) -> io::Result<SocketAddr> {
            self.listener.local_addr()
        }
    }

    /// One connection: its slot is given back when it closes.
    pub struct Connection {
        stream: TcpStream,
        _slot: OwnedSemaphorePermit,
        idle: Pin<Box<Sleep>>,
        idle_limit: Duration,
        request_wait: Duration,
        /// When it first sent something since it was last written to.
        unanswered_since: Option<Instant>,
    }

    impl Connection {
        fn active(&mut self) {
            let silence = if self.unanswered_since.is_some() { self.idle_limit } else { self.request_wait };
            self.idle.as_mut().reset(Instant::now() + silence);
        }

        /// A write's outcome: progress keeps the connection open, waiting counts as silence. An
        /// interim answer ("100 Continue", which hyper sends when the body is first read) does
        /// not answer the request: the check may still wait and run.
        fn after_write(
            &mut self,
            cx: &mut Context<'_>,
            interim: bool,
            polled: Poll<io::Result<usize>>,
        ) -> Poll<io::Result<usize>> {
            match polled {
                Poll::Ready(result) => {
                    if matches!(result, Ok(written) if written > 0) {
                        if !interim {
                            self.unanswered_since = None;
                        }
                        self.active();
                    }
                    Poll::Ready(result)
                }
                Poll::Pending => self.silent_too_long(cx).map(|result| result.map(|()| 0)),
            }
        }

        /// While waiting: an error once the connection has been silent too long.
        fn silent_too_long(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            match self.idle.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle"))),
                Poll::Pending => Poll::Pending,
            }
        }
    }

    /// Whether a write starts an interim (1xx) answer.
    fn is_interim(data: &[u8]) -> bool {
        data.starts_with(b"HTTP/1.1 1") || data.starts_with(b"HTTP/1.0 1")
    }

    impl AsyncRead for Connection {
        fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
            let before = buf.filled().len();
            match Pin::new(&mut self.stream).poll_read(cx, buf) {
                Poll::Ready(result) => {
                    if buf.filled().len() > before {
                        let now = Instant::now();
                        let since = *self.unanswered_since.get_or_insert(now);
                        if now - since > self.idle_limit {
                            let unanswered = "connection sending without an answer for too long";
                            return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, unanswered)));
                        }
                        self.active();
                    }
                    Poll::Ready(result)
                }
                Poll::Pending => self.silent_too_long(cx),
            }
        }
    }

    impl AsyncWrite for Connection {
        fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
            let polled = Pin::new(&mut self.stream).poll_write(cx, data);
            self.after_write(cx, is_interim(data), polled)
        }

        fn poll_write_vectored(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buffers: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, buffers);
            let interim = buffers.iter().find(|buffer| !buffer.is_empty()).is_some_and(|first| is_interim(first));
            self.after_write(cx, interim, polled)
        }

        fn is_write_vectored(&self) -> bool {
            self.stream.is_write_vectored()
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.stream).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.stream).poll_shutdown(cx)
        }
    }
}
