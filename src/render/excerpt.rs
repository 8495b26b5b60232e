//! `page.excerpt`: the first sentences of a page's text, for a description when the
//! front matter has no `summary`.
//!
//! Reads the body's rendered HTML (so `[[links]]` read as their titles) with lol_html,
//! keeping the text of paragraphs only: headings, lists, tables, code and footnote marks
//! are not sentences of the text. It does not decide where the excerpt is shown: the
//! theme does (`page.summary or page.excerpt`).

use std::cell::RefCell;

use lol_html::{element, rewrite_str, text, RewriteStrSettings};

/// About how long a description may be before search engines cut it.
pub(crate) const EXCERPT_CHARS: usize = 160;

/// Paragraph text read before the excerpt is made: four times what it can hold, in
/// bytes of HTML text (references and markup-free spaces shrink it).
const ENOUGH_BYTES: usize = 4 * 4 * EXCERPT_CHARS;

/// The first sentences of the paragraphs of `html`, up to [`EXCERPT_CHARS`]: whole
/// sentences while they fit, else the first one cut at a word with `…`. Empty when
/// the body has no paragraph text.
pub(crate) fn excerpt(html: &str) -> String {
    let text = paragraph_text(html);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= EXCERPT_CHARS {
        return text;
    }
    let mut whole = String::new();
    for sentence in sentences(&text) {
        if whole.chars().count() + sentence.chars().count() > EXCERPT_CHARS {
            break;
        }
        whole.push_str(sentence);
    }
    let whole = whole.trim_end();
    if !whole.is_empty() {
        return whole.to_string();
    }
    let mut cut = String::new();
    for word in text.split(' ') {
        // One character is kept for the ellipsis.
        if cut.chars().count() + word.chars().count() + 1 > EXCERPT_CHARS - 1 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        // One word longer than the limit (a URL): cut inside it.
        cut = text.chars().take(EXCERPT_CHARS - 1).collect();
    }
    let cut = cut.trim_end_matches([',', ';', ':', ' ']);
    format!("{cut}…")
}

/// Sentences of `text` with the space after each: a sentence ends at `.`, `!` or `?`
/// (with closing quotes or brackets after it) followed by a space.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let bytes: Vec<(usize, char)> = rest.char_indices().collect();
        let mut end = rest.len();
        for (n, &(i, c)) in bytes.iter().enumerate() {
            if c != ' ' || n == 0 {
                continue;
            }
            let before = rest[..i].trim_end_matches(['"', '\'', '”', '’', ')', ']']);
            if before.ends_with(['.', '!', '?']) {
                end = i + 1;
                break;
            }
        }
        let (sentence, after) = rest.split_at(end);
        rest = after;
        Some(sentence)
    })
}

/// The decoded text of the `<p>` elements of `html`, paragraphs separated by spaces,
/// without footnote references.
fn paragraph_text(html: &str) -> String {
    let out = RefCell::new(String::new());
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("p", |el| {
            // Paragraphs are separated by a space (the text of each ends without one).
            let _ = el;
            out.borrow_mut().push(' ');
            Ok(())
        }))
        .append_element_content_handler(text!("p", |t| {
            let mut text = out.borrow_mut();
            text.push_str(t.as_str());
            // Enough for any excerpt: stop reading a long body here (the rewriter stops
            // at the first handler error).
            if text.len() > ENOUGH_BYTES {
                return Err("enough text".into());
            }
            Ok(())
        }))
        .append_element_content_handler(text!("p sup, p sup *", |t| {
            // Footnote marks: their digits were just added; take them back out.
            let mut text = out.borrow_mut();
            let keep = text.len() - t.as_str().len();
            text.truncate(keep);
            Ok(())
        }));
    // An error is the stop above (or HTML the renderer did not write): what was read
    // by then is the text.
    let _ = rewrite_str(html, settings);
    decode_entities(&out.into_inner())
}

/// The text of HTML with character references decoded: the ones the Markdown renderer
/// writes (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`) and numeric ones. Others are rare
/// in generated HTML and stay as written; the template escapes the result again.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // A reference is short: look for its `;` among the next few bytes only.
        let window = crate::text_file::floor_char_boundary(rest, rest.len().min(12));
        let Some(end) = rest[..window].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(
            excerpt("<h2 id=\"a\">Heading</h2><p>One &amp; <a href=\"/x/\">two</a>.</p><ul><li>list</li></ul><p>Three.</p>"),
            "One & two. Three."
        );
    }

    #[test]
    fn whole_sentences_while_they_fit() {
        let first = "The committee met on Tuesday to hear from the minister.";
        let second = "It asked about the contract, the tender and the advisory board, and about who knew what when.";
        let third = "A third sentence would be one too many for a description of this length.";
        let html = format!("<p>{first} {second}</p><p>{third}</p>");
        let got = excerpt(&html);
        assert_eq!(got, format!("{first} {second}"));
        assert!(got.chars().count() <= EXCERPT_CHARS);
    }

    #[test]
    fn a_long_first_sentence_is_cut_at_a_word() {
        let long = "word ".repeat(60);
        let got = excerpt(&format!("<p>{long}</p>"));
        assert!(got.ends_with("word…"), "{got}");
        assert!(
            got.chars().count() <= EXCERPT_CHARS,
            "{}",
            got.chars().count()
        );
        let url = "x".repeat(400);
        assert_eq!(
            excerpt(&format!("<p>{url}</p>")).chars().count(),
            EXCERPT_CHARS
        );
        // A long body is read only as far as an excerpt needs.
        let body = "<p>A sentence of the text. </p>".repeat(100_000);
        assert!(paragraph_text(&body).len() < 2 * ENOUGH_BYTES);
    }

    #[test]
    fn footnote_marks_and_code_are_not_text() {
        assert_eq!(
            excerpt("<p>Said so.<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup> Then left.</p><pre><code>x</code></pre>"),
            "Said so. Then left."
        );
        assert_eq!(excerpt("<pre><code>only code</code></pre>"), "");
    }

    #[test]
    fn references_are_decoded_once() {
        assert_eq!(
            decode_entities("a &lt;b&gt; &#39;c&#x27; &amp;amp; &unknown; & d"),
            "a <b> 'c' &amp; &unknown; & d"
        );
        assert_eq!(decode_entities("&amp; ‘q’ “q”"), "& ‘q’ “q”");
        assert_eq!(decode_entities("&‘’“”‘’“”"), "&‘’“”‘’“”");
    }
}
