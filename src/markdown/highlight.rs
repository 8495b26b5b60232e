//! Fenced code highlighting with syntect, as CSS classes (the theme owns the colours).
//!
//! Highlighting is the costliest part of rendering Markdown (a sixth of a 10,000-entry
//! build with 2,000 code blocks), and a block's markup depends on nothing but its
//! language and text. [`HighlightMemo`] keeps what was drawn, by a hash of both, for
//! the next build (the caller stores it in the cache folder); markup read back is used
//! only if it is nothing but class spans around exactly the block's text, so a cache
//! someone else wrote can change colours but never what a page says or runs.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use sha2::{Digest, Sha256};

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

/// What made the markup [`HighlightMemo`] keeps: part of every key, so that another
/// syntect or syntax set draws every block again, and the name of the cache file (so a
/// file name: no `/`).
pub(crate) const HIGHLIGHTER: &str = "casefile-highlight-1.syntect-5.3.0.default-newlines.hl";

/// Highlighted blocks kept from one build for the next: the class spans of a block, by a
/// hash of its language and text.
#[derive(Debug, Default)]
pub(crate) struct HighlightMemo {
    /// Read back from the last build.
    kept: HashMap<String, Arc<str>>,
    /// Drawn in this run.
    made: Mutex<HashMap<String, Arc<str>>>,
    /// The keys this run asked for.
    used: Mutex<HashSet<String>>,
}

impl HighlightMemo {
    /// The memo stored by [`HighlightMemo::take_changes`]; empty when `stored` is not one.
    pub(crate) fn from_json(stored: &[u8]) -> HighlightMemo {
        let kept: HashMap<String, String> = serde_json::from_slice(stored).unwrap_or_default();
        HighlightMemo {
            kept: kept.into_iter().map(|(k, v)| (k, v.into())).collect(),
            ..HighlightMemo::default()
        }
    }

    /// What to store for the next build, when it differs from what was read back: every
    /// block drawn or read back, or with `prune` (a run that rendered every text) only
    /// those this run used. The memo then holds that, for a next run in this process.
    pub(crate) fn take_changes(&mut self, prune: bool) -> Option<Vec<u8>> {
        let made = std::mem::take(self.made.get_mut().expect("not poisoned"));
        let used = std::mem::take(self.used.get_mut().expect("not poisoned"));
        let unused = prune && used.len() != self.kept.len();
        if made.is_empty() && !unused {
            return None;
        }
        self.kept.extend(made);
        if prune {
            self.kept.retain(|key, _| used.contains(key));
        }
        let sorted: std::collections::BTreeMap<&String, &str> =
            self.kept.iter().map(|(k, v)| (k, &**v)).collect();
        serde_json::to_vec(&sorted).ok()
    }

    /// The spans of `code` in `lang`: kept, or drawn by `draw` (`None` when it fails).
    fn spans(
        &self,
        lang: &str,
        code: &str,
        draw: impl FnOnce() -> Option<String>,
    ) -> Option<Arc<str>> {
        let mut hasher = Sha256::new();
        hasher.update(HIGHLIGHTER.as_bytes());
        hasher.update(lang.as_bytes());
        hasher.update([0]);
        hasher.update(code.as_bytes());
        let key = crate::images::hex(&hasher.finalize()[..16]);
        let kept = self
            .kept
            .get(&key)
            .filter(|spans| is_only_spans_of(spans, code))
            .cloned();
        let spans = match kept {
            Some(spans) => spans,
            None => {
                let spans: Arc<str> = draw()?.into();
                self.made
                    .lock()
                    .expect("not poisoned")
                    .insert(key.clone(), Arc::clone(&spans));
                spans
            }
        };
        self.used.lock().expect("not poisoned").insert(key);
        Some(spans)
    }
}

/// How much larger than its code a block's markup may be when read back (syntect's
/// spans for dense code are a few times the code; a cache someone else wrote could hold
/// a flood of empty spans).
const MAX_SPANS_PER_CODE_BYTE: usize = 64;

/// Whether `class` is one of the highlighting classes: [`CLASS_PREFIX`] and the letters
/// of a scope name (`hl-c++`, `hl-begin`).
fn is_highlight_class(class: &str) -> bool {
    class.strip_prefix(CLASS_PREFIX).is_some_and(|name| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'#'))
    })
}

/// Whether `html` is `code`, escaped as syntect escapes it, inside nothing but
/// `<span class="...">` (with highlighting classes) and `</span>`, and not many times
/// larger than the code.
fn is_only_spans_of(html: &str, code: &str) -> bool {
    if html.len() > MAX_SPANS_PER_CODE_BYTE * code.len() + 1024 {
        return false;
    }
    let mut rest = html;
    let mut text = code;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<span class=\"") {
            let Some(end) = after.find('"') else {
                return false;
            };
            // Highlighting classes only: a theme's own class (`skip-link`) could move or
            // hide words.
            if !after[..end].split(' ').all(is_highlight_class) {
                return false;
            }
            let Some(after) = after[end..].strip_prefix("\">") else {
                return false;
            };
            rest = after;
        } else if let Some(after) = rest.strip_prefix("</span>") {
            rest = after;
        } else if rest.starts_with('&') {
            let escaped = [
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&amp;", '&'),
                ("&#39;", '\''),
                ("&quot;", '"'),
            ]
            .into_iter()
            .find(|(entity, _)| rest.starts_with(entity));
            let Some((entity, c)) = escaped else {
                return false;
            };
            let Some(after) = text.strip_prefix(c) else {
                return false;
            };
            text = after;
            rest = &rest[entity.len()..];
        } else {
            let run = rest.find(['<', '&']).unwrap_or(rest.len());
            if run == 0 || rest[..run].contains(['>', '"', '\'']) {
                return false;
            }
            let Some(after) = text.strip_prefix(&rest[..run]) else {
                return false;
            };
            text = after;
            rest = &rest[run..];
        }
    }
    text.is_empty()
}

/// A `<pre>` block for `code` in `lang`; an unknown language, a block too large, or one
/// past what is left of `budget`, gives plain, escaped code.
pub(crate) fn highlight_block(
    code: &str,
    lang: &str,
    budget: &HighlightBudget,
    memo: Option<&HighlightMemo>,
) -> String {
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
    let draw = || {
        let mut generator = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            &SYNTAXES,
            ClassStyle::SpacedPrefixed {
                prefix: CLASS_PREFIX,
            },
        );
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    };
    let spans: Option<Arc<str>> = match memo {
        Some(memo) => memo.spans(lang, code, draw),
        None => draw().map(Arc::from),
    };
    let Some(spans) = spans else {
        return highlight_block(code, "", budget, None);
    };
    out.push_str("<pre class=\"highlight\"><code class=\"language-");
    escape_into(&mut out, lang);
    out.push_str("\">");
    out.push_str(&spans);
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
        let html = highlight_block("fn main() {}\n", "rust", &HighlightBudget::per_file(), None);
        assert!(html.contains("hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"highlight\"><code class=\"language-rust\">"));
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let html = highlight_block(
            "<b>x</b>\n",
            "nosuchlang",
            &HighlightBudget::per_file(),
            None,
        );
        assert_eq!(
            html,
            "<pre><code class=\"language-nosuchlang\">&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn huge_blocks_and_lines_are_left_plain() {
        let big = "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES / 10);
        let budget = HighlightBudget::per_file();
        let html = highlight_block(&big, "rust", &budget, None);
        assert!(html.starts_with("<pre><code class=\"language-rust\">let x"));
        assert!(!html.contains("hl-"));
        let long_line = format!("let x = \"{}\";\n", "a".repeat(MAX_HIGHLIGHT_LINE));
        assert!(!highlight_block(&long_line, "rust", &budget, None).contains("hl-"));
        // Neither took anything from the file's budget.
        assert!(highlight_block("fn a() {}\n", "rust", &budget, None).contains("hl-"));
    }

    #[test]
    fn a_files_budget_is_shared_by_its_blocks() {
        let budget = HighlightBudget::per_file();
        // Plain text: a syntax that is quick to apply, and costs the same bytes.
        let block = "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES_PER_FILE / 11 / 3);
        for _ in 0..3 {
            assert!(highlight_block(&block, "txt", &budget, None).contains("hl-"));
        }
        let plain = highlight_block(&block, "txt", &budget, None);
        assert!(plain.starts_with("<pre><code class=\"language-txt\">let x"));
        // A small block still fits in what is left; an unknown language takes nothing.
        assert!(
            highlight_block("let y = 2;\n", "nosuchlang", &budget, None).starts_with("<pre><code")
        );
        assert!(highlight_block("let y = 2;\n", "rust", &budget, None).contains("hl-"));
    }

    fn highlighted(memo: &HighlightMemo, code: &str) -> String {
        highlight_block(code, "rust", &HighlightBudget::per_file(), Some(memo))
    }

    #[test]
    fn kept_blocks_are_read_back_and_not_drawn_again() {
        let code = "fn main() { let s = \"<&'>\"; }\n";
        let fresh = highlight_block(code, "rust", &HighlightBudget::per_file(), None);
        let mut memo = HighlightMemo::default();
        assert_eq!(highlighted(&memo, code), fresh);
        let stored = memo.take_changes(true).expect("a new block is stored");
        // Read back, the block is the kept one: drawing it would fail the test.
        let memo = HighlightMemo::from_json(&stored);
        let spans = memo.spans("rust", code, || panic!("drawn again")).unwrap();
        assert!(fresh.contains(&*spans));
        assert_eq!(highlighted(&memo, code), fresh);
        assert_eq!(HighlightMemo::from_json(b"not json").kept.len(), 0);
    }

    #[test]
    fn kept_markup_that_is_not_the_blocks_text_in_spans_is_drawn_again() {
        let code = "let x = 1;\n";
        let mut memo = HighlightMemo::default();
        let fresh = highlighted(&memo, code);
        let stored = String::from_utf8(memo.take_changes(true).unwrap()).unwrap();
        let key = stored.split('"').nth(1).unwrap().to_string();
        for hostile in [
            "<script>alert(1)</script>let x = 1;\n",
            "<span class=\"a\" onclick=\"x()\">let x = 1;\n</span>",
            "<span class=\"a\">let y = 1;\n</span>",
            "let x = 1;\n<img src=x>",
            "let x = 1;",
            "let x = 1;\n&nbsp;",
            "<span class=\"skip-link\">let x = 1;\n</span>",
            "<span class=\"hl-a skip-link\">let x = 1;\n</span>",
            format!(
                "{}let x = 1;\n",
                "<span class=\"hl-a\"></span>".repeat(1000)
            )
            .as_str(),
        ] {
            let poisoned = serde_json::json!({ &key: hostile }).to_string();
            let memo = HighlightMemo::from_json(poisoned.as_bytes());
            assert_eq!(highlighted(&memo, code), fresh, "{hostile}");
        }
        assert!(is_only_spans_of(
            "<span class=\"hl-a hl-b\">a &lt;b&gt;</span>\n",
            "a <b>\n"
        ));
    }

    #[test]
    fn a_full_run_keeps_only_the_blocks_it_used() {
        let mut memo = HighlightMemo::default();
        highlighted(&memo, "let a = 1;\n");
        highlighted(&memo, "let b = 2;\n");
        let both = memo.take_changes(true).unwrap();
        let mut memo = HighlightMemo::from_json(&both);
        highlighted(&memo, "let a = 1;\n");
        highlighted(&memo, "let b = 2;\n");
        assert_eq!(memo.take_changes(true), None, "nothing changed");
        highlighted(&memo, "let a = 1;\n");
        // A partial run (`serve` after an edit) keeps what it did not use.
        assert_eq!(memo.take_changes(false), None);
        highlighted(&memo, "let a = 1;\n");
        let one = memo.take_changes(true).unwrap();
        assert_eq!(HighlightMemo::from_json(&one).kept.len(), 1);
    }
}
