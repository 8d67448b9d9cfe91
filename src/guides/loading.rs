//! Which guides a command loads, and what a broken company folder does to it: the read
//! commands and the wizard go on with every guide that is fine (lenient), `export` publishes
//! the folder and needs all of it (strict), `validate` checks it file by file ([`super::check_all`]).

use std::path::PathBuf;

use super::model::Library;
use super::{Folder, LoadError, Problem, embedded, load};

/// How a command loads the guides: the one place that says what each command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading<'a> {
    /// The built-in guides and the whole company folder, or an error listing its problems.
    Strict,
    /// Every guide that is fine; what was left out comes back to be shown once.
    Lenient,
    /// [`Loading::Lenient`], but with no company folder only the guide this name picks is read
    /// (all that `diagnose` needs).
    Guide(&'a str),
}

/// A library loaded leniently, and what was left out of it.
#[derive(Debug)]
pub struct Lenient {
    pub library: Library,
    pub left_out: Option<LeftOut>,
}

/// Why some or all of a company folder was left out, and what is used instead.
#[derive(Debug)]
pub struct LeftOut {
    pub dir: PathBuf,
    pub reason: Reason,
    /// Whether any company guide is used.
    pub company_guides_used: bool,
}

#[derive(Debug)]
pub enum Reason {
    /// The folder itself could not be read.
    Folder(String),
    /// These problems were found in its files.
    Problems(Vec<Problem>),
}

/// The library `loading` asks for, from the built-in guides and the folder `dir`
/// ([`Loading::Strict`]: the whole folder or an error listing every problem; it never leaves
/// anything out).
pub fn library(loading: Loading, dir: Option<&Folder>) -> Result<Lenient, LoadError> {
    match (loading, dir) {
        (Loading::Strict, _) => Ok(Lenient {
            library: dir.map_or_else(|| Ok(embedded::library()), super::load_folder)?,
            left_out: None,
        }),
        (Loading::Guide(name), None) => match embedded::library_with(name) {
            Ok(library) => Ok(Lenient {
                library,
                left_out: None,
            }),
            // The whole library, whose `find` reports the name as every command does.
            Err(_) => Ok(lenient(None)),
        },
        (Loading::Lenient | Loading::Guide(_), _) => Ok(lenient(dir)),
    }
}

/// The built-in guides and every guide in `dir` that is fine: a company folder that is
/// missing, unreadable or partly broken never stops the commands that read guides.
pub fn lenient(folder: Option<&Folder>) -> Lenient {
    let Some(folder) = folder else {
        return Lenient {
            library: embedded::library(),
            left_out: None,
        };
    };
    let dir = folder.dir;
    let built_in = |reason: Reason| Lenient {
        library: embedded::library(),
        left_out: Some(LeftOut {
            dir: dir.to_owned(),
            reason,
            company_guides_used: false,
        }),
    };
    let problems = match super::load_folder(folder) {
        Ok(library) => {
            return Lenient {
                library,
                left_out: None,
            };
        }
        Err(LoadError::Invalid(problems)) => problems,
        Err(e @ LoadError::Folder { .. }) => return built_in(Reason::Folder(e.to_string())),
    };
    // The files without a problem, assembled again; a problem between files can show up only
    // then, so a few rounds.
    let Ok((mut sources, _)) = load::folder_sources(dir) else {
        return built_in(Reason::Problems(problems));
    };
    let mut bad: Vec<String> = problems.iter().map(|p| p.file.clone()).collect();
    for _ in 0..3 {
        sources.retain(|s| !bad.contains(&s.name));
        let checked = load::assemble(embedded::library(), sources.clone(), Vec::new());
        match checked.library {
            Some(library) if checked.problems.is_empty() => {
                return Lenient {
                    library,
                    left_out: Some(LeftOut {
                        dir: dir.to_owned(),
                        reason: Reason::Problems(problems),
                        company_guides_used: !sources.is_empty(),
                    }),
                };
            }
            _ => bad.extend(checked.problems.into_iter().map(|p| p.file)),
        }
    }
    built_in(Reason::Problems(problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/data/guides/crane-log-frozen.yaml");

    /// A company folder with the fixture guide and a file that does not parse.
    fn partly_broken() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("crane-log-frozen.yaml"), FIXTURE).expect("write");
        std::fs::write(dir.path().join("broken.yaml"), "id: [").expect("write");
        dir
    }

    #[test]
    fn lenient_keeps_the_good_company_guides_and_says_what_was_left_out() {
        let dir = partly_broken();
        let loaded =
            library(Loading::Lenient, Some(&Folder::new(dir.path()))).expect("never fails");
        assert!(loaded.library.guide("crane-log-frozen").is_some());
        assert!(loaded.library.guide("photos-not-uploading").is_some());
        let left_out = loaded.left_out.expect("the broken file is reported");
        assert!(left_out.company_guides_used);
        match left_out.reason {
            Reason::Problems(problems) => {
                assert!(problems.iter().all(|p| p.file.ends_with("broken.yaml")));
            }
            Reason::Folder(message) => panic!("not a folder problem: {message}"),
        }
    }

    #[test]
    fn strict_refuses_a_partly_broken_folder() {
        let dir = partly_broken();
        assert!(matches!(
            library(Loading::Strict, Some(&Folder::new(dir.path()))),
            Err(LoadError::Invalid(_))
        ));
    }

    #[test]
    fn a_missing_folder_leaves_the_built_in_guides() {
        let dir = tempfile::tempdir().expect("temp dir");
        let loaded = lenient(Some(&Folder::new(&dir.path().join("missing"))));
        assert_eq!(
            loaded.library.guides.len(),
            embedded::library().guides.len()
        );
        let left_out = loaded.left_out.expect("reported");
        assert!(matches!(left_out.reason, Reason::Folder(_)));
        assert!(!left_out.company_guides_used);
    }

    #[test]
    fn one_guide_is_read_only_without_a_company_folder() {
        let one = library(Loading::Guide("photos"), None).expect("loads");
        let ids: Vec<&str> = one.library.guides.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["photos-not-uploading"]);
        // A name that picks no guide: the whole library, whose lookup says why.
        let all = library(Loading::Guide("nope"), None).expect("loads");
        assert!(all.library.guides.len() > 1);
        let dir = partly_broken();
        let company =
            library(Loading::Guide("crane"), Some(&Folder::new(dir.path()))).expect("loads");
        assert!(company.library.guide("crane-log-frozen").is_some());
        assert!(company.library.guides.len() > 1);
    }
}
