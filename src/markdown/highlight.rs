//! Fenced code highlighting with syntect, as CSS classes (the theme owns the colours).

use std::sync::LazyLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Loaded once, on first use, and shared by every thread: loading costs milliseconds.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// The prefix of every highlighting class, e.g. `hl-keyword`.
pub const CLASS_PREFIX: &str = "hl-";

/// Code blocks larger than this are not highlighted (plain, escaped code is written):
/// highlighting time and the markup it adds grow with the code, and hostile input
/// could otherwise make one block cost minutes and gigabytes.
pub const MAX_HIGHLIGHT_BYTES: usize = 256 * 1024;

/// Nor are blocks with a line longer than this (a very long line is slow to match).
pub const MAX_HIGHLIGHT_LINE: usize = 4096;

/// A `<pre>` block for `code` in `lang`; an unknown language gives plain, escaped code.
pub fn highlight_block(code: &str, lang: &str) -> String {
    let lang = lang
        .split(|c: char| c == ',' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim();
    let mut out = String::with_capacity(code.len() * 2 + 64);
    let too_big = code.len() > MAX_HIGHLIGHT_BYTES
        || code.split('\n').any(|line| line.len() > MAX_HIGHLIGHT_LINE);
    let syntax = if lang.is_empty() || too_big {
        None
    } else {
        SYNTAXES.find_syntax_by_token(lang)
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
            return highlight_block(code, "");
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
        let html = highlight_block("fn main() {}\n", "rust");
        assert!(html.contains("hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"highlight\"><code class=\"language-rust\">"));
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let html = highlight_block("<b>x</b>\n", "nosuchlang");
        assert_eq!(
            html,
            "<pre><code class=\"language-nosuchlang\">&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn huge_blocks_and_lines_are_left_plain() {
        let big = "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES / 10);
        let html = highlight_block(&big, "rust");
        assert!(html.starts_with("<pre><code class=\"language-rust\">let x"));
        assert!(!html.contains("hl-"));
        let long_line = format!("let x = \"{}\";\n", "a".repeat(MAX_HIGHLIGHT_LINE));
        assert!(!highlight_block(&long_line, "rust").contains("hl-"));
    }
}
