//! The rules for the names that become parts of addresses: entry and page slugs,
//! collection and field names, tag slugs and heading ids; and the suggestions made when
//! a name breaks them.

/// True for `[a-z0-9]+(-[a-z0-9]+)*` that is not a Windows device name: the slug of an
/// entry or a standalone page.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !is_device_name(s)
}

/// `con`, `nul`, `aux`, `prn`, `com0`..`com9`, `lpt0`..`lpt9` (any case): names Windows
/// keeps for devices, so a folder of that name cannot be checked out there, and a site
/// with one cannot be edited or built by a newsroom colleague on Windows.
pub(crate) fn is_device_name(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    matches!(s.as_str(), "con" | "nul" | "aux" | "prn")
        || (s.len() == 4
            && (s.starts_with("com") || s.starts_with("lpt"))
            && s.as_bytes()[3].is_ascii_digit())
}

/// Why `s` cannot be a slug although its characters could: it names a device.
pub(crate) fn device_name_note(s: &str) -> Option<String> {
    is_device_name(s).then(|| {
        format!("`{s}` is a device name on Windows (like `con`, `nul`, `aux`, `com1`), so a folder of that name cannot be checked out there: choose another slug, such as `{s}-1`")
    })
}

/// `Han Dong` -> `han-dong`: the slug closest to a name, for hints.
pub(crate) fn suggest_slug(text: &str) -> String {
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
pub(crate) fn odd_character(text: &str) -> Option<String> {
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
pub(crate) fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `What Dong said` -> `what-dong-said`: the slug of free text, for tag addresses and
/// heading ids. Letters of any script are kept (lowercased); anything else separates.
pub(crate) fn text_slug(text: &str) -> String {
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

/// The slug of a tag's page: its text's slug, with `-tag` added to a Windows device
/// name (`con` -> `con-tag`), since a tag is free text and not refused for its name.
pub(crate) fn tag_slug(tag: &str) -> String {
    let slug = text_slug(tag);
    if is_device_name(&slug) {
        format!("{slug}-tag")
    } else {
        slug
    }
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
        for device in ["con", "nul", "aux", "prn", "com1", "lpt9"] {
            assert!(!is_slug(device), "{device}");
            assert!(device_name_note(device).is_some());
        }
        assert!(is_slug("console"));
        assert!(is_slug("com10"));
        assert_eq!(tag_slug("CON"), "con-tag");
        assert_eq!(tag_slug("Nul"), "nul-tag");
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
