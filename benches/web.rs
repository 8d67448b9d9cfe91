//! The exported site's wizard against its budgets (`cargo bench --bench web`): the whole wizard
//! (front page, scripts, WebAssembly engine, built-in guides, styles) at most 600 KB gzipped,
//! and the first screen usable within 500 ms of the page starting to load, in headless
//! Chromium at phone size. Figures, not pass/fail: printed, and quoted in README.md. The load
//! time is measured only where Chromium and chromedriver are installed.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/web/driver.rs"]
#[allow(dead_code)]
mod driver;

use std::io::Write;

const SIZE_BUDGET: usize = 600 * 1024;
const LOAD_BUDGET_MS: f64 = 500.0;

fn gzipped(bytes: &[u8]) -> usize {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap().len()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    driver::export(None, dir.path());

    // What the wizard needs: its page and the files that page loads (not the guide pages).
    let files = [
        "index.html",
        "fieldfix.css",
        "fieldfix-guides.js",
        "fieldfix-wasm.js",
        "fieldfix-web.js",
        "wizard.js",
    ];
    println!("The wizard, gzipped (level 9):");
    let mut total = 0;
    for name in files {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        let gz = gzipped(&bytes);
        total += gz;
        println!("  {name:<20} {:>8} B raw {:>8} B gzipped", bytes.len(), gz);
    }
    println!(
        "  total {:>41} B gzipped, budget {} B: {}",
        total,
        SIZE_BUDGET,
        if total <= SIZE_BUDGET {
            "within"
        } else {
            "OVER"
        }
    );

    if !driver::available("load-time benchmark") {
        return;
    }
    let mut times = Vec::new();
    for _ in 0..7 {
        let b = driver::Browser::open(360, 740);
        b.goto(&dir.path().join("index.html"));
        b.ready();
        let ms =
            b.js("return Number(document.getElementById('wizard').getAttribute('data-ready-ms'))");
        times.push(ms.as_f64().unwrap());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "First screen usable (headless Chromium, 360x740, fresh profile, file://): median {median:.0} ms of {} loads (min {:.0}, max {:.0}), budget {LOAD_BUDGET_MS:.0} ms: {}",
        times.len(),
        times[0],
        times[times.len() - 1],
        if median <= LOAD_BUDGET_MS {
            "within"
        } else {
            "OVER"
        }
    );
}
