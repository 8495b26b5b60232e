//! Front matter: a content file's text split and its YAML read, as `load` reads every
//! file (through `casefile::fuzzing`). Nothing may panic, run away with memory, or
//! report a position outside the file.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(read) = casefile::fuzzing::front_matter(text) else {
        return;
    };
    let lines = read.text.matches('\n').count() + 1;
    assert!(read.body_line >= 1 && read.body_line <= lines + 1);
    assert!(read.text.ends_with(&read.body));
    match read.keys {
        Ok(keys) => {
            for (_, at) in keys.into_iter() {
                if let Some(at) = at {
                    assert!(
                        at.line >= read.yaml_line && at.line < read.body_line,
                        "{at:?}"
                    );
                }
            }
        }
        Err(problems) => {
            for (_, at) in problems {
                if let Some(at) = at {
                    assert!(
                        at.line >= 1 && at.line <= lines + 1,
                        "{at:?} in {lines} lines"
                    );
                    assert!(at.col >= 1);
                }
            }
        }
    }
});
