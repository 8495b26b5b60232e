//! Splits a content file into its YAML front matter and Markdown body.
//!
//! Accepts what editors' tools write: a byte-order mark, CRLF line ends (normalised by
//! the caller), trailing spaces after `---`. Knows nothing of YAML or Markdown.

use thiserror::Error;

/// A file split at its `---` fences.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    /// The YAML between the fences (empty when the file has no front matter).
    pub yaml: &'a str,
    /// The 1-based line on which the YAML starts.
    pub yaml_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// The 1-based line on which the body starts.
    pub body_line: usize,
    /// Whether the file had front matter at all.
    pub has_front_matter: bool,
}

/// Why a file cannot be split.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub(crate) enum SplitError {
    /// An opening `---` with no closing one.
    #[error("front matter opened with `---` on line 1 is never closed: add a line `---` after the last key")]
    Unclosed,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `text` (LF line ends, no byte-order mark) at its front-matter fences.
pub(crate) fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body: text,
            body_line: 1,
            has_front_matter: false,
        });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line_no = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line = &text[offset..end];
        if is_fence(line) || line.trim_end() == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
                has_front_matter: true,
            });
        }
        offset = end + 1;
        line_no += 1;
    }
    Err(SplitError::Unclosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: A\n---\nHello\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Hello\n");
        assert_eq!(s.body_line, 4);
        assert!(s.has_front_matter);
    }

    #[test]
    fn accepts_trailing_spaces_after_fences() {
        let s = split("--- \ntitle: A\n---  \nHello").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Hello");
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Hi\n").unwrap();
        assert!(!s.has_front_matter);
        assert_eq!(s.body, "# Hi\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert_eq!(split("---\ntitle: A\n"), Err(SplitError::Unclosed));
    }

    #[test]
    fn empty_body_after_fence() {
        let s = split("---\ntitle: A\n---").unwrap();
        assert_eq!(s.body, "");
    }
}
