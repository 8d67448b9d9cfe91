//! The exported site's wizard in a real browser: headless Chromium over WebDriver opens the
//! site `fieldfix export --format html` writes, from file://, at phone (360x740) and desktop
//! (1280x800) size. Without Chromium these tests print that they were skipped; in CI (`CI`
//! set) they fail instead.

#[path = "../support/mod.rs"]
mod support;

mod actions;
mod driver;
mod risky;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use driver::{Browser, fieldfix};
use fieldfix::guides::Library;
use support::{GuideDir, assert_has, builtin_ids, minimal_guide};

const PHONE: (u32, u32) = (360, 740);
const DESKTOP: (u32, u32) = (1280, 800);

/// A company guide with markup, a script link and control characters in its text.
fn hostile_guide() -> String {
    minimal_guide("crane-log")
        .replace(
            "title: Test problem",
            "title: \"<script>window.pwned=1</script> & crane\"",
        )
        .replace(
            "summary: A problem used in tests.",
            "summary: \"Summary <img src=x onerror=window.pwned=2> [link](javascript:window.pwned=3)\"",
        )
        .replace(
            "ask: Which one is it?",
            "ask: \"Which <b onclick=window.pwned=4>one</b> is it?\"",
        )
        .replace(
            "do: [Do the first thing.]",
            "do: [\"Tap <img src=x onerror=window.pwned=5> then javascript:alert(1)\"]",
        )
}

/// A site exported with the built-in guides and the hostile company guide.
struct Site {
    _company: GuideDir,
    dir: tempfile::TempDir,
}

impl Site {
    fn export() -> Site {
        let company = GuideDir::new();
        company.write("crane-log.yaml", &hostile_guide());
        let dir = tempfile::tempdir().unwrap();
        driver::export(Some(company.path()), dir.path());
        Site {
            _company: company,
            dir,
        }
    }

    fn index(&self) -> PathBuf {
        self.dir.path().join("index.html")
    }

    fn company(&self) -> &Path {
        self._company.path()
    }

    /// Opens the front page in a new browser and waits for the wizard.
    fn open(&self, size: (u32, u32)) -> Browser {
        let b = Browser::open(size.0, size.1);
        b.goto(&self.index());
        b.ready();
        b
    }
}

/// The exported site; `None` (the test skips, or fails in CI) without Chromium.
fn site(test: &str) -> Option<Site> {
    driver::available(test).then(Site::export)
}

/// The built-in guides, the exported site and a phone-sized browser on it; `None` (the test
/// skips, or fails in CI) without Chromium. Keep the site bound while the browser runs.
fn on_phone(test: &str) -> Option<(Library, Site, Browser)> {
    let site = site(test)?;
    let b = site.open(PHONE);
    Some((fieldfix::guides::load(None).unwrap(), site, b))
}

/// Starts a walk on `guide` from the full list.
fn start(b: &Browser, guide: &str) {
    b.click("button[data-action=all]");
    b.click(&format!("button[data-guide=\"{guide}\"]"));
}

/// Types `words` on the first screen and presses Find.
fn find(b: &Browser, words: &str) {
    b.js_with(
        "document.getElementById('words').value = arguments[0];",
        json!([words]),
    );
    b.click("button[data-action=find]");
}

/// Types `words` and opens `guide`: at once when the words clearly point to it (as in the
/// terminal), else from the guides they offer.
fn find_and_open(b: &Browser, words: &str, guide: &str) {
    find(b, words);
    if matches!(b.screen().0.as_str(), "home" | "switch") {
        b.click(&format!("button[data-guide=\"{guide}\"]"));
    }
}

/// On the hand-over screen: types the company and the project, picks the `when` choice, and
/// makes the ticket.
fn make_ticket(b: &Browser, company: &str, project: &str, when: usize) {
    b.js_with(
        "document.querySelector('input[data-detail=company]').value = arguments[0];\
         document.querySelector('input[data-detail=project]').value = arguments[1];",
        json!([company, project]),
    );
    b.click(&format!("input[data-detail=when][value=\"{when}\"]"));
    b.click("button[data-action=ticket]");
    assert_eq!(b.screen().0, "ticket");
}

/// Hands over from a step and makes the ticket with no details given; its Markdown.
fn hand_over(b: &Browser) -> String {
    b.click("button[data-action=hand-over]");
    assert_eq!(b.screen().0, "handover");
    b.click("button[data-action=ticket]");
    assert_eq!(b.screen().0, "ticket");
    b.ticket()
}

/// [`hand_over`], then Back twice to the step.
fn hand_over_and_back(b: &Browser) -> String {
    let ticket = hand_over(b);
    b.click("button[data-action=back]");
    b.click("button[data-action=back]");
    assert_eq!(b.screen().0, "step");
    ticket
}

/// "I don't know" to every question and `action` ("skip", "didnt-help": asking nothing more)
/// at every step, until a step for which `wanted` holds; its id. `what` names it for messages.
fn to_step(b: &Browser, action: &str, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    for _ in 0..40 {
        match b.screen() {
            (kind, _) if kind == "question" => b.click("button[data-action=dont-know]"),
            (kind, id) if kind == "step" => {
                if wanted(&id) {
                    return id;
                }
                b.click(&format!("button[data-action={action}]"));
                assert_ne!(
                    b.screen().0,
                    "confirm",
                    "{id} can lose nothing: no question"
                );
            }
            other => panic!("no {what} before {other:?}"),
        }
    }
    panic!("no {what} in 40 screens");
}

/// "I don't know" to every question until another screen shows; how many were answered.
fn dont_know_to_the_end(b: &Browser) -> usize {
    let mut asked = 0;
    while b.screen().0 == "question" {
        b.click("button[data-action=dont-know]");
        asked += 1;
    }
    asked
}

/// Says `action` ("fixed", "didnt-help") of the step `id` shown; a step that can lose
/// unsynced work on the `device` answered asks "Did you do this step?" first (and only such
/// a step), answered "Yes, I did it".
fn say_of_step(b: &Browser, guide: &str, id: &str, device: Option<&str>, action: &str) {
    let library = fieldfix::guides::load(None).unwrap();
    let risky = library
        .guide(guide)
        .and_then(|g| g.step(id))
        .and_then(|step| fieldfix_engine::walk::card::at_risk(step, device))
        .is_some();
    b.click(&format!("button[data-action={action}]"));
    if risky {
        assert_eq!(b.screen(), ("confirm".to_owned(), id.to_owned()), "{guide}");
        b.click("button[data-action=done]");
    }
    assert_ne!(b.screen().0, "confirm", "{guide}: {id} asks nothing");
}

/// What the user said so far, as `diagnose` flags take it.
#[derive(Default)]
struct Said {
    answers: BTreeMap<String, String>,
    tried: Vec<String>,
    skipped: Vec<String>,
}

impl Said {
    /// `fieldfix diagnose --format json` for these answers.
    fn diagnose(&self, company: &Path, guide: &str) -> Value {
        let mut c = fieldfix();
        c.arg("--guides").arg(company);
        c.args(["diagnose", guide, "--format", "json"]);
        for (q, v) in &self.answers {
            c.args(["-a", &format!("{q}={v}")]);
        }
        for s in &self.tried {
            c.args(["--tried", s]);
        }
        for s in &self.skipped {
            c.args(["--skip", s]);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// Walks `guide` in the browser, checking every screen against `diagnose`; `variant` picks the
/// answers. Variant 0 says "Fixed it" at the second step, the others go on to the hand-over
/// and make the ticket.
/// Returns the number of screens compared.
fn walk(b: &Browser, site: &Site, guide: &str, variant: usize) -> usize {
    start(b, guide);
    let mut said = Said::default();
    let mut in_steps = false;
    let mut steps_seen = 0;
    for screen in 0..40 {
        let (kind, id) = b.screen();
        let plan = said.diagnose(site.company(), guide);
        let first_question = plan["questions"][0]["id"].as_str().unwrap_or_default();
        let first_step = plan["steps"][0]["id"].as_str().unwrap_or_default();
        let context = format!("{guide} variant {variant} screen {screen}");
        match kind.as_str() {
            "question" => {
                assert!(!in_steps, "{context}: no question once the steps began");
                assert_eq!(
                    id, first_question,
                    "{context}: the question diagnose asks next"
                );
                let value = answer(b, variant + screen);
                said.answers.insert(id, value);
            }
            "step" => {
                if !in_steps {
                    assert_eq!(
                        first_question, "",
                        "{context}: diagnose has no question left"
                    );
                }
                in_steps = true;
                assert_eq!(id, first_step, "{context}: the step diagnose puts first");
                steps_seen += 1;
                let device = said.answers.get("device").map(String::as_str);
                if variant == 0 && steps_seen == 2 {
                    say_of_step(b, guide, &id, device, "fixed");
                    assert_eq!(b.screen().0, "fixed", "{context}: the walk ends fixed");
                    return screen + 1;
                }
                if (variant + steps_seen).is_multiple_of(3) {
                    b.click("button[data-action=skip]");
                    said.skipped.push(id);
                } else {
                    say_of_step(b, guide, &id, device, "didnt-help");
                    said.tried.push(id);
                }
            }
            "handover" => {
                assert_eq!(first_step, "", "{context}: diagnose has no step left");
                check_handover(b, &plan, &id, &context);
                return screen + 2;
            }
            "fixed" => {
                // A guide with a single step: "Fixed it" is never pressed before the second.
                panic!("{context}: fixed without being told");
            }
            other => panic!("{context}: unexpected screen {other}"),
        }
    }
    panic!("{guide}: no end after 40 screens");
}

/// Answers the question shown with its option `pick` (counting "I don't know" after the
/// options, round and round); the value as `diagnose -a` takes it.
fn answer(b: &Browser, pick: usize) -> String {
    let script = "return Array.from(document.querySelectorAll('button[data-action=answer]')).map(function (b) { return b.getAttribute('data-value'); });";
    let values: Vec<String> = serde_json::from_value(b.js(script)).unwrap();
    match values.get(pick % (values.len() + 1)) {
        Some(value) => {
            b.click(&format!(
                "button[data-action=answer][data-value=\"{value}\"]"
            ));
            value.clone()
        }
        None => {
            b.click("button[data-action=dont-know]");
            "unknown".to_owned()
        }
    }
}

/// The hand-over goes to whom `diagnose` says (`plan`), and ends in a ticket for them.
fn check_handover(b: &Browser, plan: &Value, id: &str, context: &str) {
    assert_eq!(
        id,
        plan["escalation"]["to"].as_str().unwrap(),
        "{context}: handed to whom diagnose says"
    );
    let text = b.text();
    let contact = plan["escalation"]["contact"].as_str().unwrap();
    assert!(
        text.contains(contact),
        "{context}: names {contact}:\n{text}"
    );
    // Every hand-over ends in a ticket for that contact.
    b.click("button[data-action=ticket]");
    assert_eq!(
        b.screen(),
        ("ticket".to_owned(), id.to_owned()),
        "{context}: a ticket"
    );
    let ticket = b.ticket();
    assert!(
        ticket.starts_with("# Support ticket: ") && ticket.contains("## Steps tried"),
        "{context}: the ticket:\n{ticket}"
    );
}

#[test]
fn every_screen_is_the_one_diagnose_gives_and_every_guide_ends_fixed_or_in_a_ticket_at_phone_size()
{
    let Some((library, site, b)) = on_phone("same decisions") else {
        return;
    };
    let mut guides = builtin_ids();
    assert_eq!(
        guides.len(),
        library.guides.len(),
        "every built-in guide is walked"
    );
    guides.push("crane-log".to_owned());
    let mut sequences = 0;
    let mut screens = 0;
    for guide in &guides {
        for variant in 0..2 {
            b.goto(&site.index());
            b.ready();
            if b.screen().0 == "home"
                && b.js("return !!document.querySelector('button[data-action=start-over]')")
                    == json!(true)
            {
                b.click("button[data-action=start-over]");
            }
            screens += walk(&b, &site, guide, variant);
            sequences += 1;
        }
    }
    assert!(sequences >= 30, "{sequences} answer sequences");
    assert!(screens >= 100, "{screens} screens compared");
}

#[test]
fn back_resume_after_reload_and_start_over() {
    let Some((_, _site, b)) = on_phone("back, resume, start over") else {
        return;
    };
    start(&b, "photos-not-uploading");
    let first = b.screen();
    assert_eq!(first.0, "question");
    b.click("button[data-action=dont-know]");
    let second = b.screen();
    assert_ne!(second, first, "the answer moved the wizard on");

    b.click("button[data-action=back]");
    assert_eq!(b.screen(), first, "Back shows the question before");
    b.click("button[data-action=dont-know]");
    assert_eq!(b.screen(), second);

    b.reload();
    b.ready();
    assert_eq!(b.screen().0, "home", "a reload starts at the front page");
    let text = b.text();
    assert_has(&text, &["walk in progress: Photos not uploading"]);
    b.click("button[data-action=resume]");
    assert_eq!(b.screen(), second, "resumed where it was left");

    b.click("button[data-action=start-over]");
    assert_eq!(b.screen().0, "home");
    b.reload();
    b.ready();
    assert!(
        !b.text().contains("in progress"),
        "Start over forgot the walk: {}",
        b.text()
    );
}

#[test]
fn a_hostile_company_guide_executes_nothing_and_reads_as_written() {
    let Some((_, _site, b)) = on_phone("hostile guide") else {
        return;
    };
    b.click("button[data-action=all]");
    let listed = b.text();
    assert!(
        listed.contains("<script>window.pwned=1</script> & crane"),
        "the title shows as text: {listed}"
    );
    assert!(listed.contains("Summary <img src=x onerror=window.pwned=2>"));
    b.click("button[data-guide=\"crane-log\"]");
    let asked = b.text();
    assert_has(&asked, &["Which <b onclick=window.pwned=4>one</b> is it?"]);
    assert!(dont_know_to_the_end(&b) > 0);
    assert_eq!(b.screen().0, "step");
    let step = b.text();
    assert_has(
        &step,
        &["Tap <img src=x onerror=window.pwned=5> then javascript:alert(1)"],
    );
    let injected = b.js("return [window.pwned === undefined, document.querySelectorAll('#wizard script, #wizard img, #wizard b, #wizard [onclick], #wizard [onerror]').length, Array.from(document.querySelectorAll('#wizard a')).map(function (a) { return a.getAttribute('href'); })];");
    assert_eq!(injected[0], json!(true), "no guide text ran");
    // The policy itself: an inline script, however it got in, does not run.
    let inline = b.js("var s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); return window.inlineRan === undefined;");
    assert_eq!(
        inline,
        json!(true),
        "the Content-Security-Policy blocks inline scripts"
    );
    assert_eq!(injected[1], json!(0), "no element came from guide text");
    for href in injected[2].as_array().unwrap() {
        let href = href.as_str().unwrap();
        assert!(
            !href.contains(':') && href.ends_with(".html"),
            "links stay in the site: {href}"
        );
    }
}

/// Every control of the wizard's screens: at least 44x44 px, and the page no wider than the
/// window.
fn check_layout(b: &Browser, width: u32, context: &str) {
    let v = b.js_with(
        "var w = arguments[0]; var small = Array.from(document.querySelectorAll('#wizard button, #wizard a, #wizard input')).filter(function (e) { var r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; }).map(function (e) { var r = e.getBoundingClientRect(); return e.textContent + ' ' + Math.round(r.width) + 'x' + Math.round(r.height); }); var wide = Array.from(document.querySelectorAll('body *')).filter(function (e) { return e.getBoundingClientRect().right > w + 0.5; }).map(function (e) { return e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40); }).slice(0, 5); return [small, document.documentElement.scrollWidth, window.innerWidth, wide];",
        json!([width]),
    );
    assert_eq!(v[0], json!([]), "{context}: touch targets under 44 px");
    // A phone widens the page to fit what overflows: the width must stay the screen's.
    let (scroll, inner) = (v[1].as_u64().unwrap(), v[2].as_u64().unwrap());
    assert_eq!(
        (inner, &v[3]),
        (u64::from(width), &json!([])),
        "{context}: the page is wider than the screen"
    );
    assert!(
        scroll <= inner,
        "{context}: horizontal scroll ({scroll} > {inner})"
    );
}

#[test]
fn keyboard_only_walk_with_large_targets_and_no_sideways_scroll() {
    let Some(site) = site("keyboard and layout") else {
        return;
    };
    for (w, h) in [PHONE, DESKTOP] {
        let b = site.open((w, h));
        let context = format!("{w}x{h}");
        check_layout(&b, w, &format!("{context} front page"));
        // Tab to the words, type, Enter: the search runs and the guide the words clearly
        // point to starts (else: Tab on to the best match, Enter).
        b.keys("\u{E004}");
        let focused = b.js("return document.activeElement.id");
        assert_eq!(
            focused,
            json!("words"),
            "{context}: the first Tab reaches the words"
        );
        b.keys("photos stuck on my iPad\u{E007}");
        if b.screen().0 == "home" {
            b.keys("\u{E004}\u{E004}\u{E007}");
        }
        assert_eq!(
            b.screen().0,
            "question",
            "{context}: a question, by keyboard alone"
        );
        let text = b.text();
        assert!(text.contains("Photos not uploading"), "{context}: {text}");
        assert!(
            text.contains("You said iPad"),
            "{context}: the words answered the device"
        );
        check_layout(&b, w, &format!("{context} question"));
        // Tab to the first answer and press it, until the first step.
        while b.screen().0 == "question" {
            b.keys("\u{E004}\u{E007}");
        }
        assert_eq!(b.screen().0, "step", "{context}: a step, by keyboard alone");
        check_layout(&b, w, &format!("{context} step"));
        if std::env::var_os("FIELDFIX_SCREENSHOTS").is_some() {
            screenshots(&b, w);
        }
        b.keys("\u{E004}\u{E004}\u{E004}\u{E007}");
    }
}

/// The README's pictures (`FIELDFIX_SCREENSHOTS=1`): a step on the phone, the ticket on the
/// desktop (the step's menu, then the hand-over with two details typed).
fn screenshots(b: &Browser, width: u32) {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    if width == PHONE.0 {
        b.screenshot(&docs.join("wizard-phone.png"));
        return;
    }
    let at_step = b.screen();
    b.click("button[data-action=hand-over]");
    make_ticket(b, "Acme Builders", "Tower B", 2);
    b.js("window.scrollTo(0, 0); document.activeElement.blur();");
    b.screenshot(&docs.join("wizard-desktop.png"));
    b.click("button[data-action=back]");
    b.click("button[data-action=back]");
    assert_eq!(
        b.screen(),
        at_step,
        "back at the step the keyboard walk goes on from"
    );
}

/// The serious and critical violations axe-core finds on the page; `None` when axe-core is
/// not installed (the axe test fails for that in CI).
fn axe_violations(b: &Browser) -> Option<Value> {
    let axe = axe_source()?;
    b.js(&axe);
    Some(b.js_async(
        "var done = arguments[arguments.length - 1]; axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; }).map(function (v) { return v.id + ': ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); })); });",
    ))
}

/// axe-core, from npm (`npm install axe-core`): where .ci/run puts it, or `AXE_CORE`.
fn axe_source() -> Option<String> {
    let path = std::env::var_os("AXE_CORE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/axe/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(path).ok()
}

#[test]
fn axe_finds_no_serious_or_critical_violation_on_any_screen() {
    let axe = axe_source()
        .map(drop)
        .ok_or("no axe-core (npm install --prefix target/axe axe-core)".to_owned());
    if !driver::available("axe-core") || !driver::runs("axe-core", axe) {
        return;
    }
    let site = Site::export();
    for size in [PHONE, DESKTOP] {
        let b = site.open(size);
        let mut screens = Vec::new();
        let audit = |b: &Browser, name: &str, screens: &mut Vec<String>| {
            let found = axe_violations(b);
            assert_eq!(found, Some(json!([])), "{name} at {size:?}");
            screens.push(name.to_owned());
        };
        audit(&b, "front page", &mut screens);
        start(&b, "photos-not-uploading");
        audit(&b, "question", &mut screens);
        dont_know_to_the_end(&b);
        audit(&b, "step", &mut screens);
        b.click("button[data-action=hand-over]");
        audit(&b, "hand-over", &mut screens);
        assert_eq!(screens.len(), 4);
    }
}

/// A Markdown ticket without what differs by when and where it was made: the "Created" line,
/// the program-and-system line and each step's time.
fn timeless(ticket: &str) -> String {
    ticket
        .lines()
        .filter(|l| !l.starts_with("- Created: ") && !l.starts_with("- fieldfix "))
        .map(|l| {
            let numbered = l
                .split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok());
            match l.rfind(" at ") {
                Some(at) if numbered => &l[..at],
                _ => l,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_hand_over_makes_the_ticket_the_terminal_makes_for_the_same_answers() {
    use fieldfix::wizard::handover::{self, Handover, Record};

    let Some((library, _site, b)) = on_phone("the ticket") else {
        return;
    };
    let id = "photos-not-uploading";
    let guide = library.guide(id).unwrap();
    let words = "photos won't upload on my iPad";
    find_and_open(&b, words, id);

    // What the terminal would have of the same walk: the words, and what they pre-answer.
    let mut record = Record {
        described: words.to_owned(),
        ..Record::default()
    };
    for hint in fieldfix::search::hints(words) {
        record
            .situation
            .answers
            .insert(hint.question.to_owned(), hint.value.to_owned());
        record.asked.push(hint.question.to_owned());
    }
    let steps = walk_to_handover(&b, guide, &mut record);
    assert_eq!(b.screen().0, "handover");
    assert!(steps >= 2, "two steps were tried before the hand-over");
    // Two details typed, the time picked, the rest left out.
    make_ticket(&b, "Acme Builders, ring 555 123 4567", "  Tower B  ", 3);
    // A phone number nobody asked for: offered to be left out, as the terminal offers.
    let offer = b.text();
    assert_has(&offer, &["that has a phone number in it"]);
    b.click("button[data-action=leave-out][data-detail=company]");
    assert_eq!(b.screen().0, "ticket");
    let web = b.ticket();
    for (key, value) in [
        ("company", "Acme Builders, ring [phone number removed]"),
        ("project", "Tower B"),
        ("when", "yesterday"),
    ] {
        record.provided.insert(key.to_owned(), value.to_owned());
    }
    let handover = Handover::new(&library, guide, &record);
    let contact = handover.recipient.name.clone();
    let terminal =
        fieldfix::output::ticket::markdown(&handover::build(&library, guide, &record, handover));
    assert_eq!(timeless(&web), timeless(&terminal), "web:\n{web}");
    assert_has(
        &web,
        &[
            "In their words",
            "unknown (I don't know)",
            "needs an admin",
            "yesterday",
            "(not given)",
            "Acme Builders",
        ],
    );
    let text = b.text();
    assert!(text.contains(&contact), "names {contact}:\n{text}");
    check_sending(&b, &contact, "fieldfix-ticket-photos-not-uploading-");
}

/// Walks to the hand-over ("I don't know" to the first question, the first option to the
/// others; the first step did not help, the second needs an admin, then "Hand it over"),
/// keeping in `record` what the terminal would have of the same walk. The steps answered.
fn walk_to_handover(
    b: &Browser,
    guide: &fieldfix::guides::model::Guide,
    record: &mut fieldfix::wizard::handover::Record,
) -> usize {
    use fieldfix::wizard::handover::Tried;
    use fieldfix::wizard::session::StepResult;

    let mut steps = 0;
    for _ in 0..30 {
        let (kind, shown) = b.screen();
        match kind.as_str() {
            "question" if record.situation.unknown.is_empty() => {
                b.click("button[data-action=dont-know]");
                record.situation.unknown.push(shown.clone());
                record.asked.push(shown);
            }
            "question" => {
                let value = answer(b, 0);
                record.situation.answers.insert(shown.clone(), value);
                record.asked.push(shown);
            }
            "step" => {
                steps += 1;
                let (result, action) = match steps {
                    1 => (StepResult::DidNotHelp, "didnt-help"),
                    2 => (StepResult::NeedsAdmin, "cant"),
                    _ => {
                        b.click("button[data-action=hand-over]");
                        continue;
                    }
                };
                let device = record.situation.answer("device");
                say_of_step(b, &guide.id, &shown, device, action);
                let said = &mut record.situation;
                match result {
                    StepResult::DidNotHelp => said.tried.push(shown.clone()),
                    _ => said.for_admin.push(shown.clone()),
                }
                record.log.push(Tried {
                    guide: guide.id.clone(),
                    title: guide.step(&shown).unwrap().title.clone(),
                    step: shown,
                    outcome: result.label().to_owned(),
                    needs_admin: result == StepResult::NeedsAdmin,
                    at: String::new(),
                });
            }
            "handover" => break,
            other => panic!("unexpected screen {other}"),
        }
    }
    steps
}

/// Copy, Download and (with an address only) the email link are offered on the ticket screen;
/// the download is a file named `file…` made in the page.
fn check_sending(b: &Browser, contact: &str, file: &str) {
    let offered = b.js("return ['copy', 'download', 'email'].map(function (a) { return !!document.querySelector('[data-action=' + a + ']'); });");
    assert_eq!(offered, json!([true, true, contact.contains('@')]));
    let download = b.js("var a = document.querySelector('a[data-action=download]'); return [a.getAttribute('download'), a.href.slice(0, 5)];");
    assert_eq!(download[1], json!("blob:"));
    assert!(download[0].as_str().unwrap().starts_with(file));
}
