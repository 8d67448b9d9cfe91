//! A headless Chromium driven over WebDriver (chromedriver, plain HTTP on localhost): just the
//! calls the tests need. `Browser::open` says when Chromium is missing: the tests skip with a
//! clear line on a developer machine, and fail in CI (`CI` set), where it must be there.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// fieldfix, with no outcome log and no company folder from the environment.
pub fn fieldfix() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fieldfix"));
    c.env("FIELDFIX_NO_LOG", "1").env_remove("FIELDFIX_GUIDES");
    c
}

/// Exports the site into `out`: the built-in guides, with the company folder `guides` if given.
pub fn export(guides: Option<&Path>, out: &Path) {
    let mut c = fieldfix();
    if let Some(guides) = guides {
        c.arg("--guides").arg(guides);
    }
    let done = c
        .args(["export", "--format", "html", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}

/// The first of `names` found on PATH.
fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Chromium and its driver, or why the browser tests cannot run.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let chromium = which(&["chromium", "chromium-browser", "google-chrome"])
        .ok_or("no chromium on PATH (apt-get install chromium chromium-driver)")?;
    let driver = which(&["chromedriver"])
        .ok_or("no chromedriver on PATH (apt-get install chromium-driver)")?;
    Ok((chromium, driver))
}

/// True when the browser tests can run; else prints that they were skipped, or panics in CI.
pub fn available(test: &str) -> bool {
    runs(test, tools().map(drop))
}

/// True when what `test` needs is `ready`; else prints why it was skipped, or panics in CI,
/// where everything the browser tests need must be installed.
pub fn runs(test: &str, ready: Result<(), String>) -> bool {
    match ready {
        Ok(()) => true,
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("the browser tests must run in CI, but {why}")
        }
        Err(why) => {
            // Straight to stderr, past the harness's capture, so the skip shows in the run.
            let _ = writeln!(std::io::stderr(), "SKIPPED browser test {test}: {why}");
            false
        }
    }
}

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// A fresh headless Chromium with an empty profile, its window `width` x `height`.
    pub fn open(width: u32, height: u32) -> Browser {
        let (chromium, driver) = tools().expect("checked by `available`");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not answer within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--hide-scrollbars".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
            format!("--window-size={width},{height}"),
        ];
        let mut options = json!({"binary": chromium, "args": args});
        // Headless windows are at least 500 px wide: a phone's width is emulated.
        if width < 500 {
            options["mobileEmulation"] = json!({"deviceMetrics": {
                "width": width, "height": height, "pixelRatio": 2.0, "mobile": true, "touch": true,
            }});
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
        }}});
        let mut browser = Browser {
            driver: child,
            base,
            session: String::new(),
            _profile: profile,
        };
        let made = browser.post("/session", caps);
        browser.session = made["sessionId"]
            .as_str()
            .expect("a WebDriver session")
            .to_owned();
        browser
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let mut response = ureq::post(&url)
            .config()
            .http_status_as_error(false)
            .build()
            .send_json(body)
            .unwrap_or_else(|e| panic!("WebDriver {path}: {e}"));
        let value: Value = response.body_mut().read_json().expect("WebDriver JSON");
        if response.status() != 200 {
            panic!("WebDriver {path} failed: {}", value["value"]);
        }
        value["value"].clone()
    }

    /// Opens a file of the site.
    pub fn goto(&self, file: &Path) {
        let url = format!("file://{}", file.display());
        self.post("/url", json!({ "url": url }));
    }

    pub fn reload(&self) {
        self.post("/refresh", json!({}));
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page; its return value.
    pub fn js_with(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
    }

    /// Runs `script` (a function body) in the page; its return value.
    pub fn js(&self, script: &str) -> Value {
        self.js_with(script, json!([]))
    }

    /// The string `script` returns; empty when it returns none.
    pub fn string(&self, script: &str) -> String {
        self.js(script).as_str().unwrap_or_default().to_owned()
    }

    /// Runs an asynchronous script: it calls its last argument with the result.
    pub fn js_async(&self, script: &str) -> Value {
        self.post("/execute/async", json!({ "script": script, "args": [] }))
    }

    /// Waits until the wizard has rendered (the engine is loaded).
    pub fn ready(&self) {
        let started = Instant::now();
        loop {
            let state = self.js(
                "var w = document.getElementById('wizard'); return w && w.getAttribute('data-ready') === 'true' ? w.getAttribute('data-kind') : (w && w.getAttribute('data-kind') === 'error' ? 'error: ' + w.textContent : null);",
            );
            if let Some(kind) = state.as_str() {
                assert!(!kind.starts_with("error"), "the wizard failed: {kind}");
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the wizard did not start within 20 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Clicks the first element matching `selector` (a real click, at its position).
    pub fn click(&self, selector: &str) {
        let found = self.post(
            "/element",
            json!({"using": "css selector", "value": selector}),
        );
        let id = found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {selector}"))
            .to_owned();
        self.post(&format!("/element/{id}/click"), json!({}));
    }

    /// Presses keys (WebDriver key codes: "\u{E004}" Tab, "\u{E007}" Enter) on the page.
    pub fn keys(&self, keys: &str) {
        let mut actions = Vec::new();
        for key in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": key.to_string()}));
            actions.push(json!({"type": "keyUp", "value": key.to_string()}));
        }
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// The wizard's screen: (kind, id).
    pub fn screen(&self) -> (String, String) {
        let v = self.js(
            "var w = document.getElementById('wizard'); return [w.getAttribute('data-kind'), w.getAttribute('data-id') || ''];",
        );
        (
            v[0].as_str().unwrap_or_default().to_owned(),
            v[1].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// The text of the wizard as shown.
    pub fn text(&self) -> String {
        self.string("return document.getElementById('wizard').innerText;")
    }

    /// The Markdown of the ticket screen.
    pub fn ticket(&self) -> String {
        self.string("return document.getElementById('ticket-text').value;")
    }

    /// A PNG of the window.
    pub fn screenshot(&self, to: &Path) {
        let url = format!("{}/session/{}/screenshot", self.base, self.session);
        let mut response = ureq::get(&url).call().expect("a screenshot");
        let value: Value = response.body_mut().read_json().unwrap();
        let png = base64::engine::general_purpose::STANDARD
            .decode(value["value"].as_str().unwrap())
            .unwrap();
        std::fs::write(to, png).unwrap();
    }
}
