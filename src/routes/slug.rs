//! The rules for the names that become parts of addresses: entry and page slugs,
//! collection and field names, tag slugs and heading ids; and the suggestions made when
//! a name breaks them.

/// True for `[a-z0-9]+(-[a-z0-9]+)*`: the slug of an entry or a standalone page.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `Han Dong` -> `han-dong`: the slug closest to a name, for hints.
pub fn suggest_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// For a name with a character outside ASCII (a Cyrillic `а` that looks like a Latin
/// `a`) or a control character: which one, by code point.
pub fn odd_character(text: &str) -> Option<String> {
    text.chars()
        .find(|c| !c.is_ascii() || c.is_ascii_control())
        .map(|c| {
            format!(
                "`{}` (U+{:04X}) is not an ASCII letter or digit",
                c.escape_debug(),
                c as u32
            )
        })
}

/// Lowercase ASCII letters, digits, `-` and `_`, starting with a letter: the name of a
/// collection (an address segment) or of a field.
pub fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `What Dong said` -> `what-dong-said`: the slug of free text, for tag addresses and
/// heading ids. Letters of any script are kept (lowercased); anything else separates.
pub fn text_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The slug of a tag's page.
pub fn tag_slug(tag: &str) -> String {
    text_slug(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("han-dong"));
        assert!(is_slug("2019-election"));
        assert!(!is_slug("Han-Dong"));
        assert!(!is_slug("han--dong"));
        assert!(!is_slug("-x"));
        assert!(!is_slug(".."));
        assert_eq!(suggest_slug("Han Dong"), "han-dong");
    }

    #[test]
    fn names_and_text_slugs() {
        assert!(is_name("reported_by"));
        assert!(!is_name("People"));
        assert_eq!(text_slug("What Dong said"), "what-dong-said");
        assert_eq!(text_slug("Ça va"), "ça-va");
        assert_eq!(text_slug("?!"), "section");
    }
}
