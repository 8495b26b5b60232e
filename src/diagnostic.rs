//! One diagnostic type for every stage, rendered once at the end of a run.
//!
//! Stages report their own typed errors (see each stage's `Error` enum); this module
//! only turns them into `path:line:col: error: message` lines with an optional hint.
//! It must not decide what is an error: it formats and sorts what stages collected.

use std::fmt;
use std::path::{Path, PathBuf};

/// A 1-based line and column in a source file (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl Location {
    /// A location at `line`, `col` (both 1-based).
    pub fn new(line: usize, col: usize) -> Self {
        Location { line, col }
    }

    /// The start of a file.
    pub fn start() -> Self {
        Location { line: 1, col: 1 }
    }

    /// The location of byte `offset` within `text`, with columns counted in characters.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Location { line, col }
    }

    /// This location moved down by `lines` lines (for text embedded in a larger file).
    pub fn shifted(self, lines: usize) -> Self {
        Location {
            line: self.line + lines,
            col: self.col,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// What went wrong, broadly: decides the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// `site.yaml`, command-line values: exit code 2.
    Config,
    /// Content files, templates, output: exit code 1.
    Content,
}

/// A single problem, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// Where in the file; `None` for problems with a whole file or folder.
    pub location: Option<Location>,
    /// Config or content: decides the exit code.
    pub category: Category,
    /// One line saying what is wrong.
    pub message: String,
    /// A suggestion, such as "did you mean `han-dong`?".
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A content error at `path:location`.
    pub fn content(
        path: impl Into<PathBuf>,
        location: Option<Location>,
        message: impl fmt::Display,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            location,
            category: Category::Content,
            message: message.to_string(),
            hint: None,
        }
    }

    /// A configuration error at `path:location`.
    pub fn config(
        path: impl Into<PathBuf>,
        location: Option<Location>,
        message: impl fmt::Display,
    ) -> Self {
        Diagnostic {
            category: Category::Config,
            ..Diagnostic::content(path, location, message)
        }
    }

    /// The same diagnostic with a hint.
    pub fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(loc) = self.location {
            write!(f, ":{}:{}", loc.line, loc.col)?;
        }
        write!(f, ": error: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = help: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in a run, reported together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds every problem from `other`.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems were reported.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems, sorted by file, line and column.
    pub fn sorted(mut self) -> Self {
        self.0.sort();
        self.0.dedup();
        self
    }

    /// Iterates over the problems.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was reported, else the sorted problems.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self.sorted())
        }
    }

    /// 2 when any problem is in the configuration, else 1.
    pub fn exit_code(&self) -> i32 {
        if self.0.iter().any(|d| d.category == Category::Config) {
            2
        } else {
            1
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "error: {n} problem{} found",
            if n == 1 { "" } else { "s" }
        )
    }
}

/// "did you mean `x`?" for the closest candidate, when one is close enough.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to `input`, if any is similar enough to be a likely typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(input, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `path` relative to `root` when it is inside it, for shorter messages.
pub fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_characters_not_bytes() {
        let text = "a: 1\nbé: [[x]]";
        let offset = text.find("[[").unwrap();
        assert_eq!(Location::of_offset(text, offset), Location::new(2, 5));
    }

    #[test]
    fn display_has_path_line_col_and_hint() {
        let d = Diagnostic::content(
            "content/a.md",
            Some(Location::new(3, 7)),
            "unknown entry `han-dng`",
        )
        .with_hint(did_you_mean("han-dng", ["han-dong", "han-tao"]));
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error: unknown entry `han-dng`\n  = help: did you mean `han-dong`?"
        );
    }

    #[test]
    fn no_hint_for_distant_names() {
        assert_eq!(did_you_mean("zzz", ["han-dong"]), None);
    }

    #[test]
    fn config_problems_exit_with_2() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::content("a.md", None, "x"));
        assert_eq!(all.exit_code(), 1);
        all.push(Diagnostic::config("site.yaml", None, "y"));
        assert_eq!(all.exit_code(), 2);
    }
}
