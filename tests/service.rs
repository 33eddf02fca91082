//! `passbild serve` as a client sees it: every answer matches docs/openapi.json; under a bounded
//! load of valid, oversized, truncated and non-image bodies, every photo is checked and every bad
//! body gets its error code; a full queue answers 503 with Retry-After; memory returns near its
//! level before the load.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A running service, stopped when dropped.
struct Service {
    child: Child,
    url: String,
}

impl Service {
    fn start(args: &[&str]) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_passbild"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("passbild: listening on ").unwrap_or_else(|| panic!("{line}")).to_string();
        Service { child, url }
    }

    fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    body: String,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (content_type, retry_after) = (header("content-type").unwrap_or_default(), header("retry-after"));
    let body = response.body_mut().with_config().limit(64 << 20).read_to_string().unwrap();
    Answer { status: response.status().as_u16(), content_type, retry_after, body }
}

fn post(agent: &ureq::Agent, url: &str, body: &[u8]) -> Answer {
    answer(agent.post(url).header("content-type", "application/octet-stream").send(body).unwrap())
}

fn get(agent: &ureq::Agent, url: &str) -> Answer {
    answer(agent.get(url).call().unwrap())
}

/// The schema of one answer in docs/openapi.json, with the components beside it so that its
/// references resolve.
fn schema_for(openapi: &Value, path: &str, method: &str, status: u16) -> Value {
    let mut response = &openapi["paths"][path][method]["responses"][status.to_string()];
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap();
        response = &openapi["components"]["responses"][name];
    }
    let content =
        response["content"].as_object().unwrap_or_else(|| panic!("{method} {path} {status} is not described"));
    let schema = content.values().next().unwrap()["schema"].clone();
    serde_json::json!({"$ref": "#/$defs/answer", "$defs": {"answer": schema}, "components": openapi["components"]})
}

fn assert_described(openapi: &Value, path: &str, method: &str, answer: &Answer) {
    let schema = schema_for(openapi, path, method, answer.status);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let instance = if answer.content_type.starts_with("application/json") {
        serde_json::from_str(&answer.body).unwrap()
    } else {
        Value::String(answer.body.clone())
    };
    let errors: Vec<String> =
        validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {}: {errors:?}\n{}",
        answer.status,
        &answer.body[..answer.body.len().min(500)]
    );
}

fn error_code(answer: &Answer) -> String {
    let body: Value = serde_json::from_str(&answer.body).unwrap_or_else(|_| panic!("not JSON: {}", answer.body));
    body["error"]["code"].as_str().unwrap().to_string()
}

fn small_photo() -> Vec<u8> {
    let photo =
        image::imageops::resize(&fixture_image("frll_034_de.jpg"), 311, 400, image::imageops::FilterType::Triangle);
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95).encode_image(&photo).unwrap();
    bytes
}

fn multipart(parts: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "passbild-test-boundary";
    let mut body = Vec::new();
    for (name, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn every_answer_is_as_the_openapi_description_says() {
    let openapi: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("docs/openapi.json")).unwrap()).unwrap();
    let service = Service::start(&["--workers", "2", "--max-body-mib", "2", "--profile", "de-live"]);
    let agent = agent();
    let url = |path: &str| format!("{}{path}", service.url);

    let health = get(&agent, &url("/healthz"));
    assert_eq!(health.status, 200);
    assert_described(&openapi, "/healthz", "get", &health);
    let profiles = get(&agent, &url("/v1/profiles"));
    assert_described(&openapi, "/v1/profiles", "get", &profiles);
    assert!(profiles.body.contains("\"default\":\"de-live\""), "{}", profiles.body);

    let photo = fixture_bytes("frll_034_de.jpg");
    let report = post(&agent, &url("/v1/check?lang=de"), &photo);
    assert_eq!(report.status, 200);
    assert_described(&openapi, "/v1/check", "post", &report);
    let report: passbild::Report = serde_json::from_str(&report.body).unwrap();
    assert_eq!((report.profile.as_str(), report.verdict), ("de-live", passbild::Status::Pass));
    assert!(report.check(passbild::ids::INTER_EYE_DISTANCE).unwrap().message.contains("Augenabstand"));

    for (query, body, status, code) in [
        ("", b"not a photo".as_slice(), 400, "not_a_photo"),
        ("", &photo[..photo.len() / 2], 400, "truncated"),
        ("", b"", 400, "empty_input"),
        ("?profile=nope", &photo[..], 422, "unknown_profile"),
        ("?lang=fr", &photo[..], 422, "unknown_language"),
        ("", &vec![0xFF; 3 << 20], 413, "body_too_large"),
        ("?profile=icao&profile=de-live", &photo[..], 400, "bad_request"),
    ] {
        let answer = post(&agent, &url(&format!("/v1/check{query}")), body);
        assert_eq!((answer.status, error_code(&answer).as_str()), (status, code), "{query}: {}", answer.body);
        assert_described(&openapi, "/v1/check", "post", &answer);
    }

    let (content_type, body) = multipart(&[("document", &photo), ("live", &fixture_bytes("frll_119_de.jpg"))]);
    let compared = answer(
        agent.post(&url("/v1/check-with-reference")).header("content-type", &content_type).send(&body[..]).unwrap(),
    );
    assert_eq!(compared.status, 200, "{}", compared.body);
    assert_described(&openapi, "/v1/check-with-reference", "post", &compared);
    assert!(compared.body.contains("morph.differential"));
    let (content_type, body) = multipart(&[("document", &photo)]);
    let missing = answer(
        agent.post(&url("/v1/check-with-reference")).header("content-type", &content_type).send(&body[..]).unwrap(),
    );
    assert_eq!((missing.status, error_code(&missing).as_str()), (400, "bad_request"));
    assert_described(&openapi, "/v1/check-with-reference", "post", &missing);
    // Two photos may take twice the body limit (2 MiB here); more is refused, and read to its end.
    let (content_type, body) = multipart(&[("document", &vec![0xFF; 3 << 20]), ("live", &vec![0xFF; 3 << 20])]);
    let oversized = answer(
        agent.post(&url("/v1/check-with-reference")).header("content-type", &content_type).send(&body[..]).unwrap(),
    );
    assert_eq!((oversized.status, error_code(&oversized).as_str()), (413, "body_too_large"));
    assert_described(&openapi, "/v1/check-with-reference", "post", &oversized);
    // Two photos in one body that is not multipart, and one part given twice, are refused.
    let not_multipart = post(&agent, &url("/v1/check-with-reference"), &photo);
    assert_eq!((not_multipart.status, error_code(&not_multipart).as_str()), (415, "unsupported_media_type"));
    assert_described(&openapi, "/v1/check-with-reference", "post", &not_multipart);
    let (content_type, body) = multipart(&[("document", &photo), ("live", &photo), ("document", &photo)]);
    let twice = answer(
        agent.post(&url("/v1/check-with-reference")).header("content-type", &content_type).send(&body[..]).unwrap(),
    );
    assert_eq!((twice.status, error_code(&twice).as_str()), (400, "bad_request"), "{}", twice.body);
    assert!(twice.body.contains("`document` is given twice"), "{}", twice.body);

    let wrong_method = get(&agent, &url("/v1/check"));
    assert_eq!((wrong_method.status, error_code(&wrong_method).as_str()), (405, "method_not_allowed"));
    assert!(wrong_method.content_type.starts_with("application/json"), "{}", wrong_method.content_type);
    // An upload to no endpoint is read to its end and answered, not cut off.
    let nowhere = post(&agent, &url("/v1/checks"), &vec![0xFF; 3 << 20]);
    assert_eq!((nowhere.status, error_code(&nowhere).as_str()), (404, "not_found"));

    let metrics = get(&agent, &url("/metrics"));
    assert_described(&openapi, "/metrics", "get", &metrics);
    assert!(metrics.body.contains("passbild_requests_total{endpoint=\"check\",code=\"200\"} 1"), "{}", metrics.body);
    assert!(metrics.body.contains("passbild_failures_total{kind=\"truncated\"} 1"), "{}", metrics.body);
    for counted in [
        "passbild_failures_total{kind=\"method_not_allowed\"} 1",
        "passbild_failures_total{kind=\"not_found\"} 1",
        "passbild_failures_total{kind=\"unsupported_media_type\"} 1",
        "passbild_requests_total{endpoint=\"other\",code=\"405\"} 1",
        "passbild_request_duration_seconds_count{endpoint=\"check_with_reference\"} 5",
    ] {
        assert!(metrics.body.contains(counted), "{counted}: {}", metrics.body);
    }

    // A token, when set, is required on /v1 but not for health and metrics.
    let guarded = Service::start(&["--workers", "1", "--token", "s3cret"]);
    let refused = agent.post(&format!("{}/v1/check", guarded.url)).send(&photo[..]).unwrap();
    assert_eq!(refused.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
    let refused = answer(refused);
    assert_eq!((refused.status, error_code(&refused).as_str()), (401, "unauthorized"));
    assert_described(&openapi, "/v1/check", "post", &refused);
    // The scheme's name in any case.
    for scheme in ["Bearer", "bearer"] {
        let allowed = answer(
            agent
                .get(&format!("{}/v1/profiles", guarded.url))
                .header("authorization", &format!("{scheme} s3cret"))
                .call()
                .unwrap(),
        );
        assert_eq!(allowed.status, 200, "{scheme}");
    }
    assert_eq!(get(&agent, &format!("{}/healthz", guarded.url)).status, 200);
}

/// Sends `inputs` from 8 clients at once; each answer must be the expected status and code.
/// Returns each request's latency in seconds.
fn load(agent: &ureq::Agent, url: &str, inputs: &[(&[u8], u16, &str)]) -> Vec<f64> {
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|client| {
                let agent = agent.clone();
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    for (i, (body, status, code)) in inputs.iter().enumerate().skip(client).step_by(8) {
                        let sent = Instant::now();
                        let answer = post(&agent, url, body);
                        assert_eq!(answer.status, *status, "request {i}: {}", answer.body);
                        if *status == 200 {
                            assert!(answer.body.contains("\"verdict\""));
                        } else {
                            assert_eq!(error_code(&answer), *code, "request {i}");
                        }
                        mine.push(sent.elapsed().as_secs_f64());
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    })
}

#[test]
fn a_bounded_load_is_answered_in_full_and_memory_returns() {
    let service = Service::start(&["--workers", "2", "--queue", "8", "--max-body-mib", "2"]);
    let photo = small_photo();
    let agent = agent();
    let url = format!("{}/v1/check", service.url);
    // Warm up: the first checks allocate the models' working memory.
    for _ in 0..4 {
        assert_eq!(post(&agent, &url, &photo).status, 200);
    }
    let before_kib = service.resident_kib();

    let oversized = vec![0x42; 3 << 20];
    let truncated = photo[..photo.len() * 2 / 3].to_vec();
    let inputs: Vec<(&[u8], u16, &str)> = (0..200)
        .map(|i| match i % 10 {
            0..=4 => (photo.as_slice(), 200, ""),
            5 | 6 => (oversized.as_slice(), 413, "body_too_large"),
            7 | 8 => (truncated.as_slice(), 400, "truncated"),
            _ => (b"GIF89a not a photo".as_slice(), 400, "not_a_photo"),
        })
        .collect();
    let started = Instant::now();
    let mut latencies = load(&agent, &url, &inputs);
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(latencies.len(), 200);
    latencies.sort_by(f64::total_cmp);
    println!(
        "200 requests, 8 concurrent: {:.1} requests/s, p50 {:.0} ms, p99 {:.0} ms",
        200.0 / seconds,
        latencies[100] * 1e3,
        latencies[198] * 1e3
    );
    // The service hands freed memory back when it goes idle.
    std::thread::sleep(Duration::from_millis(500));
    let after_first_kib = service.resident_kib();
    load(&agent, &url, &inputs);
    assert_eq!(get(&agent, &format!("{}/healthz", service.url)).status, 200, "the service lives");
    std::thread::sleep(Duration::from_millis(500));
    let after_kib = service.resident_kib();
    println!(
        "resident memory {before_kib} KiB after warm-up, {after_first_kib} KiB after one load, {after_kib} KiB after two"
    );
    assert!(after_kib < before_kib + 48 * 1024, "memory grew from {before_kib} KiB to {after_kib} KiB");
    assert!(
        after_kib < after_first_kib + 16 * 1024,
        "a second load grew memory from {after_first_kib} KiB to {after_kib} KiB"
    );
}

#[test]
fn a_full_queue_answers_busy_with_retry_after() {
    let service = Service::start(&["--workers", "1", "--queue", "0"]);
    let photo = fixture_bytes("frll_034_de.jpg");
    let url = format!("{}/v1/check", service.url);
    let answers: Vec<Answer> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..4).map(|_| scope.spawn(|| post(&agent(), &url, &photo))).collect();
        clients.into_iter().map(|c| c.join().unwrap()).collect()
    });
    assert!(answers.iter().any(|a| a.status == 200));
    let busy: Vec<&Answer> = answers.iter().filter(|a| a.status == 503).collect();
    assert!(!busy.is_empty(), "four at once on one worker without a queue");
    assert!(busy.iter().all(|a| error_code(a) == "busy" && a.retry_after.as_deref() == Some("1")));
}

#[test]
fn a_client_that_hangs_up_mid_check_frees_its_place() {
    use std::io::Write;
    let service = Service::start(&["--workers", "1", "--queue", "0"]);
    let photo = fixture_bytes("frll_034_de.jpg");
    let address = service.url.strip_prefix("http://").unwrap();
    for _ in 0..2 {
        let mut client = std::net::TcpStream::connect(address).unwrap();
        let head = format!(
            "POST /v1/check HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
            photo.len()
        );
        client.write_all(head.as_bytes()).unwrap();
        client.write_all(&photo).unwrap();
        // Admitted (or answered busy), then gone.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !get(&agent(), &format!("{}/metrics", service.url)).body.contains("passbild_checks_in_flight 1")
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(client);
    }
    // The place is free once the abandoned checks have left the worker; before, every later
    // request was answered "busy" for good.
    let url = format!("{}/v1/check", service.url);
    let deadline = Instant::now() + Duration::from_secs(60);
    let answered = loop {
        let answer = post(&agent(), &url, &photo);
        if answer.status != 503 || Instant::now() > deadline {
            break answer;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    assert_eq!(answered.status, 200, "{}", answered.body);
    let metrics = get(&agent(), &format!("{}/metrics", service.url));
    assert!(metrics.body.contains("passbild_checks_in_flight 0"), "{}", metrics.body);
    // Counted as gone, not as answered, nor forgotten.
    // (The first is; the second may find the first's check still holding the place, and be
    // answered busy before it hangs up.)
    assert!(metrics.body.contains("passbild_requests_total{endpoint=\"check\",code=\"499\"}"), "{}", metrics.body);
    assert!(metrics.body.contains("passbild_failures_total{kind=\"client_closed\"}"), "{}", metrics.body);
}

#[test]
fn a_slow_upload_holds_its_place_and_later_requests_are_told_busy() {
    use std::io::{Read, Write};
    // One place: taken by the first request from when its body starts, so that only admitted
    // requests hold a body in memory.
    let service = Service::start(&["--workers", "1", "--queue", "0"]);
    let photo = fixture_bytes("frll_034_de.jpg");
    let address = service.url.strip_prefix("http://").unwrap();
    let mut slow = std::net::TcpStream::connect(address).unwrap();
    let head = format!(
        "POST /v1/check HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        photo.len()
    );
    slow.write_all(head.as_bytes()).unwrap();
    let (first, rest) = photo.split_at(photo.len() / 2);
    slow.write_all(first).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let url = format!("{}/v1/check", service.url);
    let refused = post(&agent(), &url, &photo);
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(error_code(&refused), "busy");
    slow.write_all(rest).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(post(&agent(), &url, &photo).status, 200);
}

#[test]
fn silent_and_trickling_connections_are_closed_and_give_their_place_back() {
    use std::io::{Read, Write};
    // Two connections at most, closed after two seconds (twice the time limit) of silence, or of
    // sending without an answer.
    let service = Service::start(&["--workers", "1", "--timeout-secs", "1", "--max-connections", "2"]);
    let address = service.url.strip_prefix("http://").unwrap();
    let started = Instant::now();
    let mut slow: Vec<std::net::TcpStream> = (0..2)
        .map(|_| {
            let mut client = std::net::TcpStream::connect(address).unwrap();
            // Headers begun and never finished.
            client.write_all(b"POST /v1/check HTTP/1.1\r\nHost: passbild\r\n").unwrap();
            client.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            client
        })
        .collect();
    // The second goes on with a header byte every 300 ms, each within the silence allowed, for
    // longer than the third client waits.
    let mut trickle = slow[1].try_clone().unwrap();
    std::thread::spawn(move || {
        trickle.write_all(b"X-Slow: ").unwrap();
        for _ in 0..200 {
            std::thread::sleep(Duration::from_millis(300));
            if trickle.write_all(b"1").is_err() {
                break;
            }
        }
    });
    // A third client waits for a place and is answered once the silent ones are closed.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let answered = post(&agent, &format!("{}/v1/check", service.url), &fixture_bytes("frll_034_de.jpg"));
    assert_eq!(answered.status, 200, "{}", answered.body);
    // Not before a silent one was closed: the places were taken.
    assert!(started.elapsed() >= Duration::from_millis(1500), "answered after {:?}", started.elapsed());
    for client in &mut slow {
        let mut rest = Vec::new();
        // The server closed it: end of stream (or a reset), not the read timeout.
        match client.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) => assert_ne!(e.kind(), std::io::ErrorKind::WouldBlock, "still open after {:?}", started.elapsed()),
        }
    }
    assert!(started.elapsed() < Duration::from_secs(25), "{:?}", started.elapsed());
}

#[test]
fn a_profile_file_named_like_a_built_in_but_different_is_refused() {
    let dir = std::env::temp_dir().join(format!("passbild-serve-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // `base` without a `name`: the file's profile would answer to "de-live" with a looser bound.
    let looser = dir.join("studio.toml");
    std::fs::write(&looser, "base = \"de-live\"\n[pose.yaw]\nmax = 6\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_passbild"))
        .args(["serve", "--bind", "127.0.0.1:0", "--profile"])
        .arg(&looser)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("\"de-live\"") && said.contains("`name`"), "{said}");
}

#[test]
fn a_body_that_does_not_arrive_in_time_is_answered_408_and_closed() {
    use std::io::{Read, Write};
    let service = Service::start(&["--workers", "1", "--timeout-secs", "1"]);
    let address = service.url.strip_prefix("http://").unwrap();
    let mut slow = std::net::TcpStream::connect(address).unwrap();
    let head = format!("POST /v1/check HTTP/1.1\r\nHost: {address}\r\nContent-Length: 1000\r\n\r\n");
    slow.write_all(head.as_bytes()).unwrap();
    slow.write_all(&[0xFF; 10]).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
}

#[test]
fn a_connection_waiting_for_no_request_is_closed_after_ten_seconds() {
    use std::io::Read;
    // Within a request it could stay silent for a minute (twice the time limit).
    let service = Service::start(&["--workers", "1", "--timeout-secs", "30"]);
    let address = service.url.strip_prefix("http://").unwrap();
    let started = Instant::now();
    let mut silent = std::net::TcpStream::connect(address).unwrap();
    silent.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    let mut rest = Vec::new();
    let closed = silent.read_to_end(&mut rest);
    assert!(
        closed.as_ref().is_ok_and(|&n| n == 0) || closed.is_err_and(|e| e.kind() != std::io::ErrorKind::WouldBlock)
    );
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(9) && waited < Duration::from_secs(20), "closed after {waited:?}");
}

#[test]
fn sigterm_stops_the_service_as_ctrl_c_does() {
    let mut service = Service::start(&["--workers", "1"]);
    let status = Command::new("kill").args(["-TERM", &service.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = service.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "still running 30 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    // Ended by itself, not killed by the signal.
    assert_eq!(exit.code(), Some(0), "{exit:?}");
}

#[test]
fn limits_outside_their_range_are_refused_at_start() {
    for (option, value, said) in [("--timeout-secs", "0", "time limit"), ("--max-body-mib", "0", "body limit")] {
        let output = Command::new(env!("CARGO_BIN_EXE_passbild"))
            .args(["serve", "--bind", "127.0.0.1:0", option, value])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{option} {value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(said), "{option} {value}: {stderr}");
    }
}

#[test]
fn a_refused_client_that_waits_to_send_is_answered_before_it_sends() {
    use std::io::{Read, Write};
    let service = Service::start(&["--workers", "1", "--token", "s3cret"]);
    let address = service.url.strip_prefix("http://").unwrap();
    // Without the token, and to no endpoint.
    for (path, status) in [("/v1/check", "401"), ("/v1/nothing", "404")] {
        let mut client = std::net::TcpStream::connect(address).unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
        );
        client.write_all(head.as_bytes()).unwrap();
        client.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut answer = String::new();
        client.read_to_string(&mut answer).unwrap();
        // No "100 Continue" first: the refusal itself.
        assert!(answer.starts_with(&format!("HTTP/1.1 {status}")), "{path}: {answer}");
    }
}
