//! Markdown with link resolution: body and inline rendering (through
//! `casefile::fuzzing`) with a resolver that knows a few entries. Nothing may panic;
//! every position must be inside the text; and with raw HTML off (the default), the HTML must hold no markup a payload could
//! make: no event handlers, no script URLs, no `<script>`, every `&` a full reference.

#![no_main]

use casefile::Location;
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/adversarial/html.rs"]
mod html;

fn within(text: &str, at: Location) -> bool {
    let lines = text.matches('\n').count() + 1;
    at.line >= 1 && at.line <= lines && at.col >= 1
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let unsafe_html = flags & 1 == 1;
    let out = casefile::fuzzing::markdown(text, unsafe_html, flags & 2 == 2);
    for (at, _) in &out.problems {
        assert!(within(text, *at), "{at:?} outside the text");
    }
    for (at, key) in &out.links {
        assert!(within(text, *at), "{at:?} outside the text");
        assert!(*key <= 1);
    }
    let mut ids = std::collections::HashSet::new();
    for id in &out.ids {
        assert!(ids.insert(id.clone()), "heading id `{id}` used twice");
    }
    if unsafe_html {
        return;
    }
    let problems = html::unsafe_markup(&out.html);
    // Refused links are reported (and stop the build); the rest must be safe.
    let refused = out
        .problems
        .iter()
        .any(|(_, message)| message.contains("scheme that is not allowed"));
    assert!(
        problems.is_empty() || refused,
        "unsafe HTML from {text:?}:\n{problems:?}\n{}",
        out.html
    );
    let pieces = html::pieces(&out.html).expect("the HTML scans");
    for piece in pieces {
        if let html::Piece::Tag(tag) = piece {
            for name in ["href", "src"] {
                if let Some(scheme) = tag.attr(name).and_then(browser_scheme) {
                    assert!(
                        matches!(scheme.as_str(), "http" | "https" | "mailto") || refused,
                        "{name} with scheme `{scheme}` from {text:?}"
                    );
                }
            }
        }
    }
});

/// The scheme a browser reads in `url`: after dropping leading C0 controls and spaces
/// and every tab and newline, `[a-z][a-z0-9+.-]*` before a `:` (so `%7Fhttps://x` has
/// none: it is a relative path).
fn browser_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}
