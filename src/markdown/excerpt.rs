//! `page.excerpt`: the first sentences of a text's paragraphs, for a description when
//! the front matter has no `summary`.
//!
//! [`ParagraphText`] watches the events the Markdown writer is given, after links are
//! resolved (so `[[links]]` read as their titles), and keeps the text of paragraphs
//! only: headings, lists, tables, code blocks, figures and footnote marks are not
//! sentences of the text. [`excerpt`] then keeps whole sentences while they fit. Reading
//! the events costs nothing more than the render already does; parsing the rendered HTML
//! again for its paragraphs cost 11 % of a 10,000-entry build. This module does not
//! decide where the excerpt is shown: the theme does (`page.summary or page.excerpt`).

use pulldown_cmark::{Event, Tag, TagEnd};

/// About how long a description may be before search engines cut it.
pub(crate) const EXCERPT_CHARS: usize = 160;

/// Paragraph text read before the excerpt is made: four times what it can hold, in
/// bytes (spaces collapse and sentences are kept whole, so it needs more than it keeps).
const ENOUGH_BYTES: usize = 4 * 4 * EXCERPT_CHARS;

/// The first sentences of `text` (paragraph text, [`ParagraphText`]), up to
/// [`EXCERPT_CHARS`]: whole sentences while they fit, else the first one cut at a word
/// with `…`. Empty when there is no text.
fn excerpt(text: &str) -> String {
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
        let mut end = rest.len();
        for (i, c) in rest.char_indices().skip(1) {
            if c != ' ' {
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

/// The text of a Markdown text's paragraphs, gathered from its events as they are
/// written: paragraphs separated by spaces, without footnote marks or image
/// descriptions, and no more than an excerpt can use.
#[derive(Debug, Default)]
pub(crate) struct ParagraphText {
    /// How many paragraphs are open around the current event.
    paragraphs: usize,
    /// How many images are open (their description is not text of the paragraph).
    images: usize,
    text: String,
}

impl ParagraphText {
    /// Takes in the next event to be written.
    pub(crate) fn observe(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Paragraph) => {
                self.paragraphs += 1;
                // Paragraphs are separated by a space (the text of each ends without one).
                self.push(" ");
            }
            Event::End(TagEnd::Paragraph) => self.paragraphs = self.paragraphs.saturating_sub(1),
            Event::Start(Tag::Image { .. }) => self.images += 1,
            Event::End(TagEnd::Image) => self.images = self.images.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => self.push(t),
            Event::SoftBreak | Event::HardBreak => self.push(" "),
            _ => {}
        }
    }

    /// Adds words written as markup (a link's "in French" note) to the current
    /// paragraph.
    pub(crate) fn push(&mut self, words: &str) {
        // Enough for any excerpt: a long body is read no further.
        if self.paragraphs > 0 && self.images == 0 && self.text.len() <= ENOUGH_BYTES {
            self.text.push_str(words);
        }
    }

    /// The excerpt of the text seen.
    pub(crate) fn excerpt(&self) -> String {
        excerpt(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{
        render, LinkProblem, LinkResolver, LinkTarget, RenderOptions, ResolvedLink,
    };

    struct OneEntry;

    impl LinkResolver for OneEntry {
        fn resolve(&self, target: &LinkTarget<'_>) -> Result<ResolvedLink, LinkProblem> {
            match target {
                LinkTarget::Wiki("han-dong") => Ok(ResolvedLink {
                    url: "/people/han-dong/".into(),
                    title: "Han Dong".into(),
                    key: 0,
                    other_language: None,
                }),
                LinkTarget::Wiki("fr") => Ok(ResolvedLink {
                    url: "/fr/".into(),
                    title: "Accueil".into(),
                    key: 1,
                    other_language: Some(("fr".into(), "(in French)".into())),
                }),
                _ => Err(LinkProblem {
                    message: "unknown".into(),
                    hint: None,
                }),
            }
        }
    }

    fn excerpt_of(markdown: &str) -> String {
        render(markdown, &OneEntry, RenderOptions::default()).excerpt
    }

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(
            excerpt_of("## Heading\n\nOne & [[han-dong]] `code`.\n\n- list\n\nThree\nlines.\n"),
            "One & Han Dong code. Three lines."
        );
        assert_eq!(
            excerpt_of("See [[fr]] and <b>bold</b>.\n"),
            "See Accueil (in French) and <b>bold</b>."
        );
    }

    #[test]
    fn whole_sentences_while_they_fit() {
        let first = "The committee met on Tuesday to hear from the minister.";
        let second = "It asked about the contract, the tender and the advisory board, and about who knew what when.";
        let third = "A third sentence would be one too many for a description of this length.";
        let got = excerpt_of(&format!("{first} {second}\n\n{third}\n"));
        assert_eq!(got, format!("{first} {second}"));
        assert!(got.chars().count() <= EXCERPT_CHARS);
        assert_eq!(
            excerpt("“Quoted.” Then (bracketed!) more? Yes."),
            "“Quoted.” Then (bracketed!) more? Yes."
        );
        assert_eq!(
            sentences("“Quoted.” Then (bracketed!) more? Yes.").collect::<Vec<_>>(),
            ["“Quoted.” ", "Then (bracketed!) ", "more? ", "Yes."]
        );
    }

    #[test]
    fn a_long_first_sentence_is_cut_at_a_word() {
        let long = "word ".repeat(60);
        let got = excerpt_of(&long);
        assert!(got.ends_with("word…"), "{got}");
        assert!(
            got.chars().count() <= EXCERPT_CHARS,
            "{}",
            got.chars().count()
        );
        let url = "x".repeat(400);
        assert_eq!(excerpt(&url).chars().count(), EXCERPT_CHARS);
        // A long body is read only as far as an excerpt needs.
        let body = "A sentence of the text.\n\n".repeat(10_000);
        let mut text = ParagraphText::default();
        for event in pulldown_cmark::Parser::new(&body) {
            text.observe(&event);
        }
        assert!(text.text.len() < 2 * ENOUGH_BYTES, "{}", text.text.len());
    }

    #[test]
    fn footnote_marks_code_blocks_and_images_are_not_text() {
        assert_eq!(
            excerpt_of("Said so.[^1] Then left.\n\n```\nx\n```\n\n[^1]: A note.\n"),
            "Said so. Then left. A note."
        );
        assert_eq!(excerpt_of("```\nonly code\n```\n"), "");
        let mut text = ParagraphText::default();
        for event in pulldown_cmark::Parser::new("An ![image of words](x.png) in text.") {
            text.observe(&event);
        }
        assert_eq!(text.excerpt(), "An in text.");
    }
}
