//! The counter's page in a real browser: headless Chromium (Debian's `chromium`, installed by
//! scripts/test) driven over the DevTools protocol uploads a photo and reads the verdict and the
//! table; a file that is not a photo shows the service's error.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use common::*;
use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a process and returns the first line of the stream that `find` accepts.
fn start(command: &mut Command, from_stderr: bool, find: impl Fn(&str) -> Option<String>) -> (Process, String) {
    let mut child = command.spawn().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let stream: Box<dyn std::io::Read + Send> =
        if from_stderr { Box::new(child.stderr.take().unwrap()) } else { Box::new(child.stdout.take().unwrap()) };
    let mut lines = BufReader::new(stream).lines();
    let found = lines.by_ref().map_while(Result::ok).find_map(|line| find(&line));
    let found = found.unwrap_or_else(|| panic!("{command:?} did not start"));
    // Keep reading the rest, so the process never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (Process(child), found)
}

struct Browser {
    _service: Process,
    _chromium: Process,
    _profile_dir: tempdir::Dir,
    page: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    url: String,
}

mod tempdir {
    /// A directory removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Browser {
    fn open(name: &str) -> Browser {
        let (service, url) = start(
            Command::new(env!("CARGO_BIN_EXE_passbild"))
                .args(["serve", "--bind", "127.0.0.1:0", "--workers", "2"])
                .stdout(Stdio::piped()),
            false,
            |line| line.strip_prefix("passbild: listening on ").map(str::to_string),
        );
        let found = Command::new("sh").arg("-c").arg("command -v chromium").output().unwrap();
        assert!(found.status.success(), "chromium is missing: install it (Debian: chromium); scripts/test does");
        let profile_dir = tempdir::Dir(Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("chromium-{name}")));
        let _ = std::fs::remove_dir_all(&profile_dir.0);
        let (chromium, devtools) = start(
            Command::new("chromium")
                .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"])
                .args(["--remote-debugging-port=0", "--window-size=1280,1400"])
                .arg(format!("--user-data-dir={}", profile_dir.0.display()))
                .arg("about:blank")
                .stderr(Stdio::piped()),
            true,
            |line| line.split_once("DevTools listening on ").map(|(_, url)| url.trim().to_string()),
        );
        let port = devtools.split(':').nth(2).and_then(|rest| rest.split('/').next()).unwrap().to_string();
        let targets: Value = serde_json::from_str(
            &ureq::get(&format!("http://127.0.0.1:{port}/json/list"))
                .call()
                .unwrap()
                .body_mut()
                .read_to_string()
                .unwrap(),
        )
        .unwrap();
        let page_url =
            targets.as_array().unwrap().iter().find(|t| t["type"] == "page").unwrap()["webSocketDebuggerUrl"]
                .as_str()
                .unwrap()
                .to_string();
        let (page, _) = tungstenite::connect(page_url).unwrap();
        let mut browser =
            Browser { _service: service, _chromium: chromium, _profile_dir: profile_dir, page, next_id: 1, url };
        browser.call("Page.enable", json!({}));
        let url = format!("{}/", browser.url);
        browser.call("Page.navigate", json!({ "url": url }));
        browser.wait_for("document.readyState === 'complete' && document.getElementById('profile').options.length > 0");
        browser
    }

    /// Sends one DevTools command and returns its result (events in between are skipped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.page.send(Message::text(json!({"id": id, "method": method, "params": params}).to_string())).unwrap();
        loop {
            let Message::Text(text) = self.page.read().unwrap() else { continue };
            let message: Value = serde_json::from_str(&text).unwrap();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true}));
        result["result"]["value"].clone()
    }

    fn wait_for(&mut self, condition: &str) {
        let started = Instant::now();
        while self.evaluate(condition) != Value::Bool(true) {
            assert!(started.elapsed() < Duration::from_secs(90), "waited 90 s for {condition}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn upload(&mut self, path: &Path) {
        let root = self.call("DOM.getDocument", json!({}))["root"]["nodeId"].clone();
        let input = self.call("DOM.querySelector", json!({"nodeId": root, "selector": "#file"}))["nodeId"].clone();
        self.call("DOM.setFileInputFiles", json!({"files": [path.display().to_string()], "nodeId": input}));
    }
}

#[test]
fn an_uploaded_photo_shows_its_verdict_table_and_overlay() {
    let mut browser = Browser::open("photo");
    browser.evaluate("document.getElementById('profile').value = 'de-live'");
    browser.upload(&fixture("frll_034_de.jpg"));
    browser.wait_for("document.getElementById('verdict').dataset.verdict !== ''");
    let expected = checker("de-live").check_bytes(&fixture_bytes("frll_034_de.jpg")).unwrap();
    assert_eq!(browser.evaluate("document.getElementById('verdict').dataset.verdict"), expected.verdict.as_str());
    assert_eq!(
        browser.evaluate("document.getElementById('verdict').textContent"),
        "Das Foto erfüllt die Anforderungen",
        "the page speaks German first"
    );
    let rows =
        browser.evaluate("[...document.querySelectorAll('#checks tbody tr')].map(r => [r.dataset.id, r.className])");
    let expected_rows: Vec<Value> = expected.checks.iter().map(|c| json!([c.id, c.status.as_str()])).collect();
    assert_eq!(rows, Value::Array(expected_rows));
    assert_eq!(
        browser.evaluate("[document.getElementById('overlay').width, document.getElementById('overlay').height]"),
        json!([1244, 1600])
    );

    let screenshot = browser.call("Page.captureScreenshot", json!({"format": "png"}));
    let png = base64::engine::general_purpose::STANDARD.decode(screenshot["data"].as_str().unwrap()).unwrap();
    let image = image::load_from_memory(&png).unwrap().to_rgb8();
    let viewport = browser.evaluate("[innerWidth * devicePixelRatio, innerHeight * devicePixelRatio]");
    assert_eq!(json!([image.width(), image.height()]), viewport, "the screenshot is the page's viewport");
    assert!(image.width() >= 1000 && image.height() >= 800, "{}x{}", image.width(), image.height());
    image.save(Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-page.png")).unwrap();
    // The verdict banner is drawn: some pixels carry its green.
    let green = image.pixels().filter(|p| p[0] < 80 && p[1] > 100 && p[1] < 140 && p[2] < 80).count();
    assert!(green > 2000, "{green} green pixels");
}

#[test]
fn a_file_that_is_not_a_photo_shows_the_error() {
    let mut browser = Browser::open("error");
    let not_a_photo = Path::new(env!("CARGO_TARGET_TMPDIR")).join("not-a-photo.jpg");
    std::fs::write(&not_a_photo, "this is a letter, not a photo").unwrap();
    browser.upload(&not_a_photo);
    browser.wait_for("!document.getElementById('error').hidden");
    let message = browser.evaluate("document.getElementById('error').textContent");
    assert!(message.as_str().unwrap().contains("(not_a_photo)"), "{message}");
    assert_eq!(browser.evaluate("document.getElementById('result').hidden"), Value::Bool(true));
}

#[test]
fn the_last_photo_chosen_is_the_one_shown() {
    // A large photo, then at once a small one: on two workers the large one's answer comes last,
    // and must not replace the small one's.
    let mut browser = Browser::open("race");
    let large = Path::new(env!("CARGO_TARGET_TMPDIR")).join("large-photo.jpg");
    let photo = image::load_from_memory(&fixture_bytes("frll_034_de.jpg")).unwrap();
    photo.resize_exact(3732, 4800, image::imageops::FilterType::Triangle).to_rgb8().save(&large).unwrap();
    browser.upload(&large);
    browser.upload(&fixture("lisa3.jpg"));
    browser.wait_for("document.getElementById('verdict').dataset.verdict !== ''");
    // Long enough for the large photo's check to have come back.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(
        browser.evaluate("[document.getElementById('overlay').width, document.getElementById('overlay').height]"),
        json!([600, 800]),
        "the earlier, larger photo's late answer replaced the last one's"
    );
}
