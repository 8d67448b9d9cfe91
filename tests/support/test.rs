//! [`Test`], the one way the tests run the `fieldfix` binary (in the spirit of just's `Test`):
//! a clean environment, a private state folder that is also the working folder, guide files
//! written for the run, and the exit code and output checked before they are returned.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The folder [`Test::guide`] writes guide files to, relative to the state (and working)
/// folder: pass it as `validate guides` or `--guides guides`.
pub const GUIDES: &str = "guides";

/// What a run printed, and how it ended.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// stdout, which must be one JSON document.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// The state folder of a run: a fresh temporary one, or one the test keeps.
enum State {
    Temp(tempfile::TempDir),
    At(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stream {
    Stdout,
    Stderr,
}

/// What stdout or stderr must be.
enum Expect {
    Exactly(String),
    Contains(String),
}

/// One run of `fieldfix`, built up and then [`run`](Test::run).
pub struct Test {
    state: State,
    guides: Vec<(String, String)>,
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Vec<u8>>,
    timeout: Option<Duration>,
    status: i32,
    expects: Vec<(Stream, Expect)>,
}

impl Default for Test {
    fn default() -> Self {
        Self::new()
    }
}

impl Test {
    /// A run in a fresh temporary state folder that must exit 0.
    pub fn new() -> Self {
        Test {
            state: State::Temp(tempfile::tempdir().expect("a temporary state folder")),
            guides: Vec::new(),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            timeout: None,
            status: 0,
            expects: Vec::new(),
        }
    }

    /// Runs with `dir` as the state and working folder (the test looks at it afterwards).
    pub fn state(mut self, dir: &Path) -> Self {
        self.state = State::At(dir.to_owned());
        self
    }

    /// The state (and working) folder.
    pub fn state_path(&self) -> &Path {
        match &self.state {
            State::Temp(dir) => dir.path(),
            State::At(dir) => dir,
        }
    }

    /// Writes the guide file `name` with `text` into [`GUIDES`] before the run.
    pub fn guide(mut self, name: &str, text: &str) -> Self {
        self.guides.push((name.to_owned(), text.to_owned()));
        self
    }

    /// `--guides DIR`: the company guides in `dir`.
    pub fn guides(self, dir: impl AsRef<OsStr>) -> Self {
        self.arg("--guides").arg(dir)
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(mut self, args: I) -> Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.env.push((key.into(), Some(value.as_ref().to_owned())));
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.env.push((key.into(), None));
        self
    }

    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// Kills the run after `limit` (it then fails for want of an exit code).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// The exit code the run must end with (0 unless told).
    pub fn status(mut self, code: i32) -> Self {
        self.status = code;
        self
    }

    /// stdout must be exactly `text`.
    pub fn stdout(self, text: impl Into<String>) -> Self {
        self.expect(Stream::Stdout, Expect::Exactly(text.into()))
    }

    pub fn stdout_contains(self, text: impl Into<String>) -> Self {
        self.expect(Stream::Stdout, Expect::Contains(text.into()))
    }

    /// stderr must be exactly `text`.
    pub fn stderr(self, text: impl Into<String>) -> Self {
        self.expect(Stream::Stderr, Expect::Exactly(text.into()))
    }

    pub fn stderr_contains(self, text: impl Into<String>) -> Self {
        self.expect(Stream::Stderr, Expect::Contains(text.into()))
    }

    fn expect(mut self, stream: Stream, expect: Expect) -> Self {
        self.expects.push((stream, expect));
        self
    }

    /// The command as the run starts it, for a test that must drive the process itself
    /// (closing its pipes, say): the binary in the clean environment, in the state folder,
    /// with the arguments and variables given so far. The guide files are written too.
    pub fn command(&self) -> std::process::Command {
        let state = self.state_path();
        if !self.guides.is_empty() {
            let dir = state.join(GUIDES);
            std::fs::create_dir_all(&dir).expect("create the guides folder");
            for (name, text) in &self.guides {
                std::fs::write(dir.join(name), text).expect("write a guide file");
            }
        }
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fieldfix"));
        cmd.env_remove("FIELDFIX_GUIDES")
            .env_remove("FIELDFIX_NO_LOG")
            .env_remove("COLUMNS")
            .env("NO_COLOR", "1")
            .env("FIELDFIX_STATE_DIR", state)
            .env("FIELDFIX_CACHE_DIR", state.join("cache"))
            .current_dir(state)
            .args(&self.args);
        for (key, value) in &self.env {
            match value {
                Some(value) => cmd.env(key, value),
                None => cmd.env_remove(key),
            };
        }
        cmd
    }

    /// Runs the command with stdout a pipe whose reading end is closed before fieldfix starts,
    /// so its first write fails as it does in `fieldfix list | head -1` once `head` has exited
    /// (a real `head` usually reads everything first: small outputs fit in the pipe's buffer).
    /// Returns how it ended and its stderr; stdin is empty.
    pub fn closed_pipe(self) -> std::process::Output {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let mut cmd = self.command();
        cmd.stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .stdout(writer);
        cmd.output().expect("fieldfix runs")
    }

    /// Runs the command, checks its exit code and output, and returns them.
    #[track_caller]
    pub fn run(self) -> Output {
        let what = format!("fieldfix {:?}", self.args);
        let out = self.output_ref();
        assert_eq!(
            out.code, self.status,
            "{what}: exit code\nstdout:\n{}\nstderr:\n{}",
            out.stdout, out.stderr
        );
        for (stream, expect) in &self.expects {
            let (name, text) = match stream {
                Stream::Stdout => ("stdout", &out.stdout),
                Stream::Stderr => ("stderr", &out.stderr),
            };
            check(&what, name, text, expect);
        }
        out
    }

    /// Runs the command and returns what it printed and its exit code, checking nothing: for
    /// a test that checks the code itself (one exit code of several, say).
    #[track_caller]
    pub fn output(self) -> Output {
        self.output_ref()
    }

    #[track_caller]
    fn output_ref(&self) -> Output {
        let mut cmd = assert_cmd::Command::from_std(self.command());
        if let Some(input) = &self.stdin {
            cmd.write_stdin(input.clone());
        }
        if let Some(limit) = self.timeout {
            cmd.timeout(limit);
        }
        let out = cmd.output().expect("fieldfix runs");
        Output {
            code: out
                .status
                .code()
                .unwrap_or_else(|| panic!("fieldfix {:?} was killed: {:?}", self.args, out.status)),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }
}

#[track_caller]
fn check(what: &str, stream: &str, text: &str, expect: &Expect) {
    match expect {
        Expect::Exactly(want) => assert_eq!(text, want, "{what}: {stream}"),
        Expect::Contains(part) => assert!(
            text.contains(part),
            "{what}: {stream} lacks {part:?}:\n{text}"
        ),
    }
}

/// `fieldfix --guides DIR show GUIDE --format json` in the state folder `state` (whose guide
/// cache it uses), which must succeed, as JSON.
#[track_caller]
pub fn show_json(state: &Path, guides: &Path, guide: &str) -> serde_json::Value {
    Test::new()
        .state(state)
        .guides(guides)
        .args(["show", guide, "--format", "json"])
        .run()
        .json()
}
