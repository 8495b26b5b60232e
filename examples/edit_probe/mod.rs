//! The entry the serve benchmarks edit, and the edits they make: shared by
//! `serve-bench.rs` and `serve-latency.rs` (a folder without `main.rs`, so Cargo does not
//! take it for an example of its own).

use std::path::{Path, PathBuf};

/// The site from the command line, and the entry to edit in it (by default the middle
/// one of `content/people/`), with its text as it was.
pub struct EditTarget {
    /// The site folder.
    pub root: PathBuf,
    /// The entry, relative to the site: `content/people/<slug>.md`.
    pub entry: PathBuf,
    /// The entry's full path.
    pub path: PathBuf,
    /// The entry's text before any edit, to restore at the end.
    pub original: String,
}

impl EditTarget {
    /// Reads `SITE [ENTRY]` from the command line; `usage` names the program.
    pub fn from_args(usage: &str) -> EditTarget {
        let mut args = std::env::args().skip(1);
        let root = PathBuf::from(args.next().unwrap_or_else(|| panic!("usage: {usage}")));
        let entry = args
            .next()
            .map(PathBuf::from)
            .unwrap_or_else(|| middle_person(&root));
        let path = root.join(&entry);
        let original = std::fs::read_to_string(&path).expect("the entry is readable");
        EditTarget {
            root,
            entry,
            path,
            original,
        }
    }

    /// The entry with `line` added as the first paragraph of its body.
    pub fn with_body_line(&self, line: &str) -> String {
        self.original
            .replacen("\n---\n", &format!("\n---\n{line}\n\n"), 1)
    }

    /// The entry with its title replaced by `title`.
    pub fn with_title(&self, title: &str) -> String {
        self.original
            .lines()
            .map(|l| match l.starts_with("title: ") {
                true => format!("title: {title}"),
                false => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    }
}

fn middle_person(root: &Path) -> PathBuf {
    let mut names: Vec<String> = std::fs::read_dir(root.join("content/people"))
        .expect("content/people")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".md") && !n.starts_with('_'))
        .collect();
    names.sort();
    PathBuf::from("content/people").join(&names[names.len() / 2])
}
