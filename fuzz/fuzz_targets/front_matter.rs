//! Front matter: a content file's text through `load::normalise`, `load::split` and
//! `load::parse_yaml`, as `load_content` reads every file. Nothing may panic, run away
//! with memory, or report a position outside the file.

#![no_main]

use casefile::load::{normalise, parse_yaml, split};
use casefile::yaml_spans::{self, SpanIndex};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The YAML parsers alone, on the whole text.
    let _ = SpanIndex::scan(text);
    if let Err(e) = yaml_spans::parse_value(text) {
        let _ = yaml_spans::describe(&e);
    }

    let text = normalise(text.to_string());
    let lines = text.matches('\n').count() + 1;
    let parts = match split(&text) {
        Ok(parts) => parts,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    assert!(parts.body_line >= 1 && parts.body_line <= lines + 1);
    assert!(text.ends_with(parts.body));
    match parse_yaml(parts.yaml, parts.yaml_line) {
        Ok((front, spans)) => {
            for key in front.keys() {
                if let Some(name) = key.as_str() {
                    if let Some(at) = spans.key(&[name.into()]) {
                        assert!(
                            at.line >= parts.yaml_line && at.line < parts.body_line,
                            "{at:?}"
                        );
                    }
                }
            }
        }
        Err((error, at)) => {
            let _ = error.to_string();
            let _ = error.hint();
            if let Some(at) = at {
                assert!(
                    at.line >= 1 && at.line <= lines + 1,
                    "{at:?} in {lines} lines"
                );
                assert!(at.col >= 1);
            }
        }
    }
});
