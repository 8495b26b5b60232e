//! The one policy for URL schemes: which addresses may reach an `href` or a `src`.
//!
//! Only schemes that run code or read local data are refused: `javascript:`,
//! `vbscript:`, `file:`, and `data:` except a `data:image/...` image. Every other
//! syntactically valid scheme (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`)
//! is accepted (`tel:`, `sms:`, `irc:`, `geo:`...), in a Markdown link, an image and a
//! `url` field alike; `site.yaml` narrows the list (`links: { refuse_schemes: [ftp] }`)
//! or widens it (`links: { allow_schemes: [data] }`). Text before a `:` that is not a
//! valid scheme (`foo):`, `/a:b`) makes a relative address, as browsers read it.

/// Refused unless `site.yaml` allows them: they run code or read local files.
pub(crate) const REFUSED_SCHEMES: [&str; 4] = ["javascript", "vbscript", "file", "data"];

/// Where an address is used: the refusals differ for images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    /// A Markdown link (`[x](url)`, `<url>`).
    Link,
    /// A Markdown image: `data:image/...` is allowed there.
    Image,
    /// A `url` field, which must be an absolute address.
    Field,
}

/// The site's changes to the refused schemes, from `site.yaml` (`links:`), lowercase.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemePolicy {
    /// Refused schemes the site accepts after all.
    pub allow: Vec<String>,
    /// Further schemes the site refuses.
    pub refuse: Vec<String>,
}

impl SchemePolicy {
    /// The scheme of `url` when this policy refuses it where it is `used`.
    pub(crate) fn refused(&self, url: &str, used: Use) -> Option<String> {
        let cleaned = cleaned(url);
        let scheme = scheme_of(&cleaned)?;
        let refused = self.refuse.contains(&scheme)
            || (REFUSED_SCHEMES.contains(&scheme.as_str()) && !self.allow.contains(&scheme));
        let image_data =
            used == Use::Image && scheme == "data" && cleaned[5..].starts_with("image/");
        (refused && !image_data).then_some(scheme)
    }

    /// Whether `url` is an address a `url` field takes: absolute (it has a scheme), no
    /// whitespace or control characters, and a scheme this policy does not refuse.
    pub(crate) fn accepts_field(&self, url: &str) -> bool {
        !url.chars().any(|c| c.is_whitespace() || c.is_control())
            && scheme_of(&url.to_ascii_lowercase()).is_some()
            && self.refused(url, Use::Field).is_none()
    }
}

/// Whether `name` is a valid scheme name (RFC 3986 section 3.1).
pub(crate) fn is_scheme_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `url` lowercased without whitespace and control characters, which browsers drop
/// before reading a scheme, so `JAVA&#9;SCRIPT:` is caught.
fn cleaned(url: &str) -> String {
    url.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The scheme of a cleaned address, or `None` for a relative one.
fn scheme_of(cleaned: &str) -> Option<String> {
    let (scheme, _) = cleaned.split_once(':')?;
    is_scheme_name(scheme).then(|| scheme.to_string())
}

/// http(s) and mailto only, with no whitespace or control characters: the addresses
/// `site.yaml` takes for the site itself (`base_url`, `publisher.url`).
pub(crate) fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_are_safe_for_the_site_itself() {
        assert!(is_safe_url("https://example.org/a"));
        assert!(is_safe_url("mailto:a@example.org"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url("tel:+15550100"));
        assert!(!is_safe_url("https://exa mple.org"));
    }

    #[test]
    fn only_code_and_local_schemes_are_refused() {
        let p = SchemePolicy::default();
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "\u{7f}java\tscript:alert(1)",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "data:text/html,<script>",
        ] {
            assert!(p.refused(url, Use::Link).is_some(), "{url}");
            assert!(p.refused(url, Use::Field).is_some(), "{url}");
        }
        for url in [
            "https://a.org/x:y",
            "tel:+15550100",
            "sms:+15550100",
            "irc://irc.example.org/news",
            "geo:37.786971,-122.399677",
            "made-up-scheme://foo,bar",
            "a+b+c:d",
            "/a/b:c",
            "foo):",
            "#x",
            "",
        ] {
            assert_eq!(p.refused(url, Use::Link), None, "{url}");
        }
        assert_eq!(p.refused("data:image/png;base64,AAAA", Use::Image), None);
        assert!(p.refused("data:image/png;base64,AAAA", Use::Link).is_some());
        assert!(p.refused("data:text/html,x", Use::Image).is_some());
    }

    #[test]
    fn a_site_narrows_or_widens_the_list() {
        let p = SchemePolicy {
            allow: vec!["data".into()],
            refuse: vec!["ftp".into()],
        };
        assert_eq!(p.refused("data:text/plain,hi", Use::Link), None);
        assert_eq!(p.refused("ftp://a.org/", Use::Link), Some("ftp".into()));
        assert!(p.refused("javascript:x", Use::Link).is_some());
    }

    #[test]
    fn a_url_field_is_absolute() {
        let p = SchemePolicy::default();
        assert!(p.accepts_field("https://example.org/"));
        assert!(p.accepts_field("tel:+15550100"));
        assert!(!p.accepts_field("/relative/path"));
        assert!(!p.accepts_field("example.org"));
        assert!(!p.accepts_field("javascript:alert(1)"));
        assert!(!p.accepts_field("https://exa mple.org"));
    }
}
