//! Fenced code highlighting with syntect, as CSS classes (the theme owns the colours).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Loaded once, on first use, and shared by every thread: loading costs milliseconds.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// The prefix of every highlighting class, e.g. `hl-keyword`.
pub(crate) const CLASS_PREFIX: &str = "hl-";

/// Code blocks larger than this are not highlighted (plain, escaped code is written):
/// highlighting time and the markup it adds grow with the code, and hostile input
/// could otherwise make one block cost minutes and gigabytes.
pub(super) const MAX_HIGHLIGHT_BYTES: usize = 256 * 1024;

/// Nor are blocks with a line longer than this (a very long line is slow to match).
pub(super) const MAX_HIGHLIGHT_LINE: usize = 4096;

/// How much code one content file (its body and Markdown fields together) may have
/// highlighted. The cap per block alone let one file of many blocks just under it
/// cost seconds per block and tens of megabytes of markup; past this budget, blocks
/// are plain. A byte count, not a time, so that the output stays the same every build.
pub(super) const MAX_HIGHLIGHT_BYTES_PER_FILE: usize = MAX_HIGHLIGHT_BYTES;

/// What is left of one file's highlighting budget ([`MAX_HIGHLIGHT_BYTES_PER_FILE`]).
/// Blocks draw on it in document order; a block that does not fit is left plain, and a
/// later, smaller one may still fit.
#[derive(Debug)]
pub(crate) struct HighlightBudget {
    left: AtomicUsize,
}

impl HighlightBudget {
    /// A full budget, for one file.
    pub(crate) fn per_file() -> Self {
        HighlightBudget {
            left: AtomicUsize::new(MAX_HIGHLIGHT_BYTES_PER_FILE),
        }
    }

    /// Takes `bytes` from the budget, if that many are left.
    fn take(&self, bytes: usize) -> bool {
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(bytes)
            })
            .is_ok()
    }
}

/// A `<pre>` block for `code` in `lang`; an unknown language, a block too large, or one
/// past what is left of `budget`, gives plain, escaped code.
pub(crate) fn highlight_block(code: &str, lang: &str, budget: &HighlightBudget) -> String {
    let lang = lang
        .split(|c: char| c == ',' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim();
    let mut out = String::with_capacity(code.len() * 2 + 64);
    let too_big = code.len() > MAX_HIGHLIGHT_BYTES
        || code.split('\n').any(|line| line.len() > MAX_HIGHLIGHT_LINE);
    let syntax = match lang.is_empty() || too_big {
        true => None,
        false => SYNTAXES
            .find_syntax_by_token(lang)
            .filter(|_| budget.take(code.len())),
    };
    let Some(syntax) = syntax else {
        out.push_str("<pre><code");
        if !lang.is_empty() {
            out.push_str(" class=\"language-");
            escape_into(&mut out, lang);
            out.push('"');
        }
        out.push('>');
        escape_into(&mut out, code);
        out.push_str("</code></pre>\n");
        return out;
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        &SYNTAXES,
        ClassStyle::SpacedPrefixed {
            prefix: CLASS_PREFIX,
        },
    );
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            // syntect gives up on pathological input; plain code is still correct output.
            return highlight_block(code, "", budget);
        }
    }
    out.push_str("<pre class=\"highlight\"><code class=\"language-");
    escape_into(&mut out, lang);
    out.push_str("\">");
    out.push_str(&generator.finalize());
    out.push_str("</code></pre>\n");
    out
}

fn escape_into(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut *out, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = highlight_block("fn main() {}\n", "rust", &HighlightBudget::per_file());
        assert!(html.contains("hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"highlight\"><code class=\"language-rust\">"));
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let html = highlight_block("<b>x</b>\n", "nosuchlang", &HighlightBudget::per_file());
        assert_eq!(
            html,
            "<pre><code class=\"language-nosuchlang\">&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn huge_blocks_and_lines_are_left_plain() {
        let big = "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES / 10);
        let budget = HighlightBudget::per_file();
        let html = highlight_block(&big, "rust", &budget);
        assert!(html.starts_with("<pre><code class=\"language-rust\">let x"));
        assert!(!html.contains("hl-"));
        let long_line = format!("let x = \"{}\";\n", "a".repeat(MAX_HIGHLIGHT_LINE));
        assert!(!highlight_block(&long_line, "rust", &budget).contains("hl-"));
        // Neither took anything from the file's budget.
        assert!(highlight_block("fn a() {}\n", "rust", &budget).contains("hl-"));
    }

    #[test]
    fn a_files_budget_is_shared_by_its_blocks() {
        let budget = HighlightBudget::per_file();
        // Plain text: a syntax that is quick to apply, and costs the same bytes.
        let block = "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES_PER_FILE / 11 / 3);
        for _ in 0..3 {
            assert!(highlight_block(&block, "txt", &budget).contains("hl-"));
        }
        let plain = highlight_block(&block, "txt", &budget);
        assert!(plain.starts_with("<pre><code class=\"language-txt\">let x"));
        // A small block still fits in what is left; an unknown language takes nothing.
        assert!(highlight_block("let y = 2;\n", "nosuchlang", &budget).starts_with("<pre><code"));
        assert!(highlight_block("let y = 2;\n", "rust", &budget).contains("hl-"));
    }
}
