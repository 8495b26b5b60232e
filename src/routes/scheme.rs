//! The one policy for URL schemes: which addresses may reach an `href` or a `src`.
//!
//! A `url` field takes only web and mail addresses; a link or image in Markdown may also
//! be a path, but never a scheme that runs code or reads local data.

/// http(s) and mailto only, with no whitespace or control characters: the addresses a
/// `url` field accepts, so `javascript:` and friends never reach an `href`.
pub(crate) fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// True for a Markdown link or image address with a scheme other than http(s) and
/// mailto (`javascript:`, `data:`, `vbscript:`...). Whitespace and control characters
/// are ignored first, as browsers do, so `JAVA&#9;SCRIPT:` is caught.
pub(crate) fn is_refused_link(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let lower = cleaned.to_ascii_lowercase();
    match lower.find(':') {
        Some(colon) => {
            let scheme = &lower[..colon];
            let before_path = !scheme.contains(['/', '?', '#']);
            before_path && !matches!(scheme, "http" | "https" | "mailto")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_are_safe() {
        assert!(is_safe_url("https://example.org/a"));
        assert!(is_safe_url("mailto:a@example.org"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url("JaVaScRiPt:alert(1)"));
        assert!(!is_safe_url("data:text/html,x"));
        assert!(!is_safe_url("https://exa mple.org"));
    }

    #[test]
    fn links_with_code_schemes_are_refused() {
        assert!(is_refused_link("javascript:alert(1)"));
        assert!(is_refused_link("\u{7f}javascript:alert(1)"));
        assert!(!is_refused_link("https://a.org/x:y"));
        assert!(!is_refused_link("/a/b:c"));
        assert!(!is_refused_link("#x"));
    }
}
