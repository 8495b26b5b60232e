//! One diagnostic type for every stage, printed once at the end of a run.
//!
//! Each stage reports its own typed error (see each stage's `Error` enum) with where it
//! happened: a [`Place`], the line and column and, where the stage knows it, the exact
//! byte range ([`Span`]) of the offending text, so the caret under it has the right
//! width. A [`Diagnostic`] keeps the typed error (for tests and tools, through
//! [`Diagnostic::error`]) beside the stage it came from. This module must not decide what
//! is an error: it carries, sorts and prints what stages collected.

use std::error::Error as StdError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::text_file::floor_char_boundary;
pub use crate::text_file::Location;

/// The bytes of a file's text that a problem is about: `start..end` (UTF-8, in the text
/// as read, after a byte-order mark is dropped and line ends are made LF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// This span moved right by `bytes` (for text embedded in a larger file).
    pub fn shifted(self, bytes: usize) -> Self {
        Span::new(self.start + bytes, self.end + bytes)
    }
}

/// Where in a file a problem is: its line and column, and its exact bytes when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// Where it starts.
    pub location: Location,
    /// Its bytes, when the stage knows them (else the caret covers the word there).
    pub span: Option<Span>,
}

impl Place {
    /// A place known by its start only.
    pub fn at(location: Location) -> Self {
        Place {
            location,
            span: None,
        }
    }

    /// The place of the bytes `span` of `text`.
    pub fn of_span(text: &str, span: Span) -> Self {
        Place {
            location: Location::of_offset(text, span.start),
            span: Some(span),
        }
    }

    /// The start of a file.
    pub fn start() -> Self {
        Place::at(Location::start())
    }
}

impl From<Location> for Place {
    fn from(location: Location) -> Self {
        Place::at(location)
    }
}

/// What went wrong, broadly: decides the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// `site.yaml`, command-line values, the output folder: exit code 2.
    Config,
    /// Content files, templates, rendered pages: exit code 1.
    Content,
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The run fails.
    Error,
    /// The run goes on; printed and counted.
    Warning,
}

/// The stage that found a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Reading `site.yaml` and the command line.
    Config,
    /// Reading `content/`.
    Load,
    /// Checking front matter against the schemas.
    Model,
    /// Resolving references and links, editorial rules.
    Resolve,
    /// Templates and static files.
    Render,
    /// Checking the rendered pages (`casefile check`).
    Audit,
    /// The output folder.
    Write,
}

impl Stage {
    /// Problems of `site.yaml`, the command line and the output folder exit with 2.
    pub fn category(self) -> Category {
        match self {
            Stage::Config | Stage::Write => Category::Config,
            _ => Category::Content,
        }
    }
}

/// One problem, located in a file.
#[derive(Debug, Clone)]
pub struct Diagnostic(Box<Problem>);

/// What a [`Diagnostic`] holds (boxed: diagnostics travel in `Result`s on every path).
#[derive(Debug, Clone)]
struct Problem {
    path: PathBuf,
    place: Option<Place>,
    stage: Stage,
    severity: Severity,
    error: Arc<dyn StdError + Send + Sync>,
    message: String,
    hint: Option<String>,
}

impl Diagnostic {
    /// An error of `stage` about the file (or folder) `path`, with no place in it yet.
    pub(crate) fn new(
        stage: Stage,
        path: impl Into<PathBuf>,
        error: impl StdError + Send + Sync + 'static,
    ) -> Self {
        Diagnostic(Box::new(Problem {
            path: path.into(),
            place: None,
            stage,
            severity: Severity::Error,
            message: error.to_string(),
            error: Arc::new(error),
            hint: None,
        }))
    }

    /// The same problem at `place` (nothing changes for `None`).
    pub(crate) fn at(mut self, place: Option<impl Into<Place>>) -> Self {
        if let Some(place) = place {
            self.0.place = Some(place.into());
        }
        self
    }

    /// The same problem as a warning: printed and counted, the run goes on.
    pub(crate) fn warning(mut self) -> Self {
        self.0.severity = Severity::Warning;
        self
    }

    /// The same problem as an error (`--deny warnings` makes warnings fail the run).
    pub(crate) fn denied(mut self) -> Self {
        if self.0.severity == Severity::Warning {
            self.0.severity = Severity::Error;
            self.0
                .message
                .push_str(" (a warning, denied by `--deny warnings`)");
        }
        self
    }

    /// The same diagnostic with a hint.
    pub(crate) fn with_hint(mut self, hint: Option<String>) -> Self {
        self.0.hint = hint;
        self
    }

    /// The file, relative to the site root where possible.
    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// Where in the file; `None` for problems with a whole file or folder.
    pub fn location(&self) -> Option<Location> {
        self.0.place.map(|p| p.location)
    }

    /// The bytes of the file it is about, when known.
    pub fn span(&self) -> Option<Span> {
        self.0.place.and_then(|p| p.span)
    }

    /// The stage that found it.
    pub fn stage(&self) -> Stage {
        self.0.stage
    }

    /// Config or content: decides the exit code.
    pub fn category(&self) -> Category {
        self.0.stage.category()
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.0.severity
    }

    /// One line saying what is wrong.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// A suggestion, such as "did you mean `han-dong`?".
    pub fn hint(&self) -> Option<&str> {
        self.0.hint.as_deref()
    }

    /// The stage's typed error, when it is an `E`.
    pub fn error<E: StdError + 'static>(&self) -> Option<&E> {
        let error: &(dyn StdError + 'static) = &*self.0.error;
        error.downcast_ref::<E>()
    }

    fn sort_key(&self) -> (&Path, Option<Location>, Severity, &str, Option<&str>) {
        (
            &self.0.path,
            self.location(),
            self.0.severity,
            &self.0.message,
            self.hint(),
        )
    }

    fn label(&self) -> &'static str {
        match self.0.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl PartialEq for Diagnostic {
    fn eq(&self, other: &Self) -> bool {
        self.sort_key() == other.sort_key() && self.0.stage == other.0.stage
    }
}

impl Eq for Diagnostic {}

impl PartialOrd for Diagnostic {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Diagnostic {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key()
            .cmp(&other.sort_key())
            .then(self.0.stage.cmp(&other.0.stage))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.path.display())?;
        if let Some(loc) = self.location() {
            write!(f, ":{}:{}", loc.line, loc.col)?;
        }
        write!(f, ": {}: {}", self.label(), self.0.message)?;
        if let Some(hint) = &self.0.hint {
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

    /// How many problems were reported (errors and warnings).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// How many of them are errors.
    pub fn errors(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }

    /// How many of them are warnings.
    pub fn warnings(&self) -> usize {
        self.len() - self.errors()
    }

    /// Splits off the warnings, keeping the errors.
    pub(crate) fn take_warnings(&mut self) -> Diagnostics {
        let (warnings, errors) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|d| d.severity() == Severity::Warning);
        self.0 = errors;
        Diagnostics(warnings)
    }

    /// Every warning made an error, for `--deny warnings`.
    pub(crate) fn denied(self) -> Diagnostics {
        Diagnostics(self.0.into_iter().map(Diagnostic::denied).collect())
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
        if self.0.iter().any(|d| d.category() == Category::Config) {
            2
        } else {
            1
        }
    }
}

impl Diagnostics {
    /// The last line of a failed run: `error: 2 problems found`, with `(and 1 warning)`
    /// when there are warnings too.
    fn tally(&self) -> String {
        let (errors, warnings) = (self.errors(), self.warnings());
        let mut line = format!(
            "error: {errors} problem{} found",
            if errors == 1 { "" } else { "s" }
        );
        if warnings > 0 {
            line.push_str(&format!(" (and {})", count_warnings(warnings)));
        }
        line
    }
}

/// `1 warning`, `2 warnings`.
pub(crate) fn count_warnings(n: usize) -> String {
    format!("{n} warning{}", if n == 1 { "" } else { "s" })
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
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
        write!(f, "{}", self.tally())
    }
}

/// How many problems one file reports in one stage; the rest are summed up in one line.
pub(crate) const MAX_PER_FILE: usize = 100;

/// The line that stands for a file's problems beyond [`MAX_PER_FILE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} more problems in this file are not listed")]
pub(crate) struct MoreProblems(pub usize);

/// Keeps the first [`MAX_PER_FILE`] of one file's problems by position (in the order
/// found where positions tie) and adds one problem at the first one dropped saying how
/// many more there are. Each problem carries `T`, so that what is costly to work out
/// (a did-you-mean search over every slug) can be done for the kept ones only.
pub(crate) fn first_problems_of_file<T>(mut problems: Vec<(Diagnostic, T)>) -> Vec<(Diagnostic, T)>
where
    T: Default,
{
    if problems.len() <= MAX_PER_FILE {
        return problems;
    }
    problems.sort_by_key(|(d, _)| d.location());
    let dropped = problems.len() - MAX_PER_FILE;
    let first_dropped = &problems[MAX_PER_FILE].0;
    let more = Diagnostic::new(
        first_dropped.stage(),
        first_dropped.path().to_path_buf(),
        MoreProblems(dropped),
    )
    .at(first_dropped.0.place)
    .with_hint(Some("fix these first".into()));
    problems.truncate(MAX_PER_FILE);
    problems.push((more, T::default()));
    problems
}

/// "did you mean `x`?" for the closest candidate, when one is close enough.
pub(crate) fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to `input`, if any is similar enough to be a likely typo.
pub(crate) fn closest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(input, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `path` relative to `root` when it is inside it, for shorter messages.
pub(crate) fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Prints diagnostics for a terminal: the plain `path:line:col: error: message` line,
/// then the offending source line with a caret under the problem's bytes, then the hint.
///
/// The first line of each diagnostic is exactly its [`Display`](fmt::Display) first line
/// (colours aside), so scripts that read `path:line:col:` keep working. Source lines are
/// read from `root`-relative paths; a file that cannot be read just has no snippet.
#[derive(Debug, Clone)]
pub struct Printer {
    root: PathBuf,
    color: bool,
}

/// Longest source line shown whole; longer lines are cut to a window around the column.
const SNIPPET_WIDTH: usize = 120;

impl Printer {
    /// A printer reading sources below `root`, with ANSI colours when `color` is on.
    pub fn new(root: impl Into<PathBuf>, color: bool) -> Self {
        Printer {
            root: root.into(),
            color,
        }
    }

    /// Every warning of a run that went on, each line ending in `\n` (nothing for none).
    pub fn format_warnings(&self, warnings: &Diagnostics) -> String {
        let mut files = std::collections::HashMap::new();
        let mut out = String::new();
        for d in warnings.iter() {
            self.format_into(d, &mut files, &mut out);
        }
        out
    }

    /// Every diagnostic, then the `error: N problems found` line, each line ending in `\n`.
    pub fn format_all(&self, diagnostics: &Diagnostics) -> String {
        let mut out = self.format_each(diagnostics);
        let (error, bold) = self.styles_error();
        let tally = diagnostics.tally();
        out.push_str(&format!(
            "{}error{}: {}{}{}\n",
            error.render(),
            error.render_reset(),
            bold.render(),
            tally.trim_start_matches("error: "),
            bold.render_reset()
        ));
        out
    }

    /// Every diagnostic with its snippet and hint, and no closing line (the warnings of
    /// a run that succeeded).
    pub fn format_each(&self, diagnostics: &Diagnostics) -> String {
        let mut files = std::collections::HashMap::new();
        let mut out = String::new();
        for d in diagnostics.iter() {
            self.format_into(d, &mut files, &mut out);
        }
        out
    }

    /// One diagnostic with its snippet and hint, ending in `\n`.
    pub fn format(&self, diagnostic: &Diagnostic) -> String {
        let mut out = String::new();
        self.format_into(diagnostic, &mut std::collections::HashMap::new(), &mut out);
        out
    }

    fn styles_error(&self) -> (anstyle::Style, anstyle::Style) {
        if self.color {
            (
                anstyle::AnsiColor::Red.on_default().bold(),
                anstyle::Style::new().bold(),
            )
        } else {
            (anstyle::Style::new(), anstyle::Style::new())
        }
    }

    fn format_into(
        &self,
        d: &Diagnostic,
        files: &mut std::collections::HashMap<PathBuf, Option<String>>,
        out: &mut String,
    ) {
        use std::fmt::Write;
        let plain = anstyle::Style::new();
        let (error, bold) = self.styles_error();
        let (gutter, caret, help) = if self.color {
            (
                anstyle::AnsiColor::Blue.on_default().bold(),
                anstyle::AnsiColor::Red.on_default().bold(),
                anstyle::AnsiColor::Cyan.on_default().bold(),
            )
        } else {
            (plain, plain, plain)
        };
        let mut place = d.path().display().to_string();
        if let Some(loc) = d.location() {
            let _ = write!(place, ":{}:{}", loc.line, loc.col);
        }
        let label = match d.severity() {
            Severity::Error => error,
            Severity::Warning if self.color => anstyle::AnsiColor::Yellow.on_default().bold(),
            Severity::Warning => plain,
        };
        let _ = writeln!(
            out,
            "{}{place}{}: {}{}{}: {}{}{}",
            bold.render(),
            bold.render_reset(),
            label.render(),
            d.label(),
            label.render_reset(),
            bold.render(),
            d.message(),
            bold.render_reset()
        );
        if let Some(loc) = d.location() {
            let path = if d.path().is_absolute() {
                d.path().to_path_buf()
            } else {
                self.root.join(d.path())
            };
            let text = files
                .entry(path.clone())
                .or_insert_with(|| read_small_text(&path));
            let snippet = text
                .as_deref()
                .and_then(|t| snippet(t, loc, d.span().map(|s| span_chars(t, s))));
            if let Some((line, pad, width)) = snippet {
                let number = loc.line.to_string();
                let blank = " ".repeat(number.len());
                let g = |s: &str| format!("{}{s}{}", gutter.render(), gutter.render_reset());
                let _ = writeln!(out, "{blank} {}", g("|"));
                let _ = writeln!(out, "{} {} {line}", g(&number), g("|"));
                let _ = writeln!(
                    out,
                    "{blank} {} {}{}{}{}",
                    g("|"),
                    " ".repeat(pad),
                    caret.render(),
                    "^".repeat(width),
                    caret.render_reset()
                );
            }
        }
        if let Some(hint) = d.hint() {
            let _ = writeln!(
                out,
                "  = {}help{}: {hint}",
                help.render(),
                help.render_reset()
            );
        }
        // A file that is missing, or a command-line option, needs no word on lines.
        // Output-folder paths are as given on the command line; others are the site's.
        let shown = match d.stage() {
            Stage::Write => d.path().to_path_buf(),
            _ => self.root.join(d.path()),
        };
        let exists = shown.symlink_metadata().is_ok();
        if let Some(why) = no_line_because(d).filter(|_| exists) {
            let _ = writeln!(out, "  = note: {why}");
        }
    }
}

/// Why a diagnostic names a file without a line: every first line is `path:line:col`
/// unless this says what the problem is about instead.
fn no_line_because(d: &Diagnostic) -> Option<&'static str> {
    if d.location().is_some() || d.path().as_os_str().is_empty() {
        return None;
    }
    Some(match d.stage() {
        Stage::Write => "about the output folder as a whole, so there is no line to show",
        Stage::Audit => {
            "found in the rendered page, which no line of a source file holds: it comes from the theme's templates or from the entry published at this address"
        }
        _ => "about the file as a whole, so there is no line to show",
    })
}

/// The file's text, if it is a readable UTF-8 file of reasonable size.
fn read_small_text(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 16 * 1024 * 1024 {
        return None;
    }
    let text = String::from_utf8(std::fs::read(path).ok()?).ok()?;
    // Spans count bytes of the text as the stages read it.
    Some(crate::text_file::normalise(text))
}

/// How many characters of `span` are on its first line (at least one).
fn span_chars(text: &str, span: Span) -> usize {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len()));
    let bytes = &text[start..end.max(start)];
    let first_line = bytes.split('\n').next().unwrap_or("");
    first_line.chars().count().max(1)
}

/// The line at `loc` made printable (tabs expanded, control characters replaced, cut to a
/// window around the column when long), the caret's offset in columns, and its width:
/// `span_len` characters when the problem's bytes are known, else the word starting at
/// the column, or one character.
fn snippet(text: &str, loc: Location, span_len: Option<usize>) -> Option<(String, usize, usize)> {
    use unicode_width::UnicodeWidthChar;
    let line = text.lines().nth(loc.line.checked_sub(1)?)?;
    let chars: Vec<char> = line.trim_end_matches('\r').chars().collect();
    let col = loc.col.max(1) - 1;
    let col = col.min(chars.len());
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/');
    let rest = &chars[col..];
    let len = if let Some(len) = span_len {
        len.min(rest.len()).max(1)
    } else if rest.starts_with(&['[', '[']) {
        // A wiki link: underline it up to its closing brackets.
        rest.windows(2)
            .position(|w| w == [']', ']'])
            .map_or(1, |end| end + 2)
    } else if rest.first().is_some_and(|&c| word(c)) {
        rest.iter().take_while(|&&c| word(c)).count()
    } else {
        1
    };
    let (start, cut_start) = if chars.len() > SNIPPET_WIDTH && col > SNIPPET_WIDTH / 2 {
        (col - SNIPPET_WIDTH / 2, true)
    } else {
        (0, false)
    };
    let end = (start + SNIPPET_WIDTH).min(chars.len());
    let cut_end = end < chars.len();
    let mut shown = String::new();
    let mut pad = 0;
    let mut width = 0;
    if cut_start {
        shown.push('…');
        pad += 1;
    }
    for (i, &c) in chars[start..end].iter().enumerate() {
        let i = start + i;
        let (piece, w) = match c {
            '\t' => ("    ".to_string(), 4),
            c if c.is_control() => ("\u{fffd}".to_string(), 1),
            c => (c.to_string(), c.width().unwrap_or(0)),
        };
        if i < col {
            pad += w;
        } else if i < col + len {
            width += w;
        }
        shown.push_str(&piece);
    }
    if cut_end {
        shown.push('…');
    }
    Some((shown, pad, width.clamp(1, SNIPPET_WIDTH)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stage error for these tests.
    #[derive(Debug, thiserror::Error)]
    #[error("{0}")]
    struct Problem(&'static str);

    fn content(path: &str, at: Option<Location>, message: &'static str) -> Diagnostic {
        Diagnostic::new(Stage::Load, path, Problem(message)).at(at)
    }

    #[test]
    fn a_files_problems_are_cut_to_the_first_by_position() {
        let at = |line| content("f.md", Some(Location::new(line, 1)), "x");
        // Found in reverse order of position, as a schema's order may find them.
        let problems: Vec<(Diagnostic, u32)> = (1..=150)
            .rev()
            .map(|line| (at(line), line as u32))
            .collect();
        let kept = first_problems_of_file(problems);
        assert_eq!(kept.len(), MAX_PER_FILE + 1);
        assert_eq!(kept[0].1, 1);
        assert_eq!(kept[99].1, 100);
        assert_eq!(kept[100].0.location(), Some(Location::new(101, 1)));
        assert_eq!(
            kept[100].0.message(),
            "50 more problems in this file are not listed"
        );
        assert_eq!(
            kept[100].1, 0,
            "the summary line carries nothing to work out"
        );
        let few = first_problems_of_file(vec![(at(9), 9), (at(2), 2)]);
        assert_eq!(
            few.iter().map(|p| p.1).collect::<Vec<_>>(),
            [9, 2],
            "untouched"
        );
    }

    #[test]
    fn location_counts_characters_not_bytes() {
        let text = "a: 1\nbé: [[x]]";
        let offset = text.find("[[").unwrap();
        assert_eq!(Location::of_offset(text, offset), Location::new(2, 5));
    }

    #[test]
    fn display_has_path_line_col_and_hint() {
        let d = content(
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
        all.push(content("a.md", None, "x"));
        assert_eq!(all.exit_code(), 1);
        all.push(Diagnostic::new(Stage::Config, "site.yaml", Problem("y")));
        assert_eq!(all.exit_code(), 2);
    }
    #[test]
    fn printer_shows_the_line_and_a_caret() {
        let dir = std::env::temp_dir().join(format!("casefile-diag-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::write(dir.join("content/a.md"), "---\nsubjects: [han-dng]\n---\n").unwrap();
        let d = content(
            "content/a.md",
            Some(Location::new(2, 12)),
            "`han-dng` does not exist",
        )
        .with_hint(Some("did you mean `han-dong`?".into()));
        let plain = Printer::new(&dir, false).format(&d);
        assert_eq!(
            plain,
            "content/a.md:2:12: error: `han-dng` does not exist\n  |\n2 | subjects: [han-dng]\n  |            ^^^^^^^\n  = help: did you mean `han-dong`?\n"
        );
        let coloured = Printer::new(&dir, true).format(&d);
        assert!(coloured.contains("\u{1b}["));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn snippet_handles_tabs_wide_characters_and_long_lines() {
        let (line, pad, width) = snippet("\tx: 漢字 y", Location::new(1, 8), None).unwrap();
        assert_eq!(line, "    x: 漢字 y");
        assert_eq!((pad, width), (12, 1));
        let long = format!("{}target{}", "a ".repeat(200), " b".repeat(200));
        let (line, pad, width) = snippet(&long, Location::new(1, 401), None).unwrap();
        assert!(line.starts_with('…') && line.ends_with('…'));
        assert_eq!(
            &line[line.char_indices().nth(pad).unwrap().0..][..6],
            "target"
        );
        assert_eq!(width, 6);
        assert_eq!(snippet("one line", Location::new(5, 1), None), None);
    }
}
