//! A small, strict scanner for the HTML and XML that casefile writes, shared by
//! `tests/escaping.rs` and the fuzz targets (`fuzz/fuzz_targets/*.rs` include it with
//! `#[path]`). It is not a browser's parser: it reads tags the way a browser would start
//! to, which is what matters when checking that no payload turned into markup.

#![allow(dead_code)]

/// One start or end tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lowercased name: `a`, `script`.
    pub name: String,
    /// Attributes, names lowercased, values with character references decoded.
    pub attrs: Vec<(String, String)>,
    /// `</name>`.
    pub closing: bool,
    /// Byte offset of the `<`.
    pub offset: usize,
}

impl Tag {
    /// The decoded value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A piece of an HTML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A start or end tag.
    Tag(Tag),
    /// Text between tags (still escaped), with its offset.
    Text(&'a str, usize),
    /// The raw contents of a `<script>` or `<style>` element.
    Raw {
        /// `script` or `style`.
        element: String,
        /// The start tag's attributes.
        attrs: Vec<(String, String)>,
        /// Everything up to the closing tag.
        contents: &'a str,
    },
}

/// Splits `html` into tags, text and raw-text elements; comments and `<!doctype>` are
/// skipped. Errors name the offset of markup that no browser would read as intended.
pub fn pieces(html: &str) -> Result<Vec<Piece<'_>>, String> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied().unwrap_or(b' ');
        let starts_markup =
            next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?';
        if !starts_markup {
            i += 1;
            continue;
        }
        if text_start < i {
            out.push(Piece::Text(&html[text_start..i], text_start));
        }
        if html[i..].starts_with("<!--") {
            let end = html[i + 4..]
                .find("-->")
                .ok_or_else(|| format!("unclosed comment at {i}"))?;
            i = i + 4 + end + 3;
            text_start = i;
            continue;
        }
        if next == b'!' || next == b'?' {
            let end = html[i..]
                .find('>')
                .ok_or_else(|| format!("unclosed declaration at {i}"))?;
            i += end + 1;
            text_start = i;
            continue;
        }
        let (tag, end) = tag_at(html, i)?;
        i = end;
        text_start = i;
        if !tag.closing && (tag.name == "script" || tag.name == "style") {
            let close = format!("</{}", tag.name);
            let rest = &html[i..];
            let len = find_ascii_case_insensitive(rest, &close)
                .ok_or_else(|| format!("<{}> at {} is never closed", tag.name, tag.offset))?;
            out.push(Piece::Raw {
                element: tag.name.clone(),
                attrs: tag.attrs.clone(),
                contents: &rest[..len],
            });
            out.push(Piece::Tag(tag));
            i += len;
            text_start = i;
            continue;
        }
        out.push(Piece::Tag(tag));
    }
    if text_start < html.len() {
        out.push(Piece::Text(&html[text_start..], text_start));
    }
    Ok(out)
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.to_ascii_lowercase();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Reads the tag starting at `start` (a `<`): the tag and the offset after its `>`.
fn tag_at(html: &str, start: usize) -> Result<(Tag, usize), String> {
    let bytes = html.as_bytes();
    let mut i = start + 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/'
    {
        i += 1;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return Err(format!("tag <{name}> at {start} is never closed"));
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        let attr_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'>' | b'/' | b'=')
        {
            i += 1;
        }
        let attr = html[attr_start..i].to_ascii_lowercase();
        if attr.contains(['"', '\'', '<']) {
            return Err(format!(
                "malformed attribute name `{attr}` in <{name}> at {start}"
            ));
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = html[i + 1..].find(q as char).ok_or_else(|| {
                        format!("unclosed attribute `{attr}` in <{name}> at {start}")
                    })?;
                    value = decode(&html[i + 1..i + 1 + end]);
                    i = i + 1 + end + 1;
                }
                _ => {
                    let value_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = decode(&html[value_start..i]);
                }
            }
        }
        attrs.push((attr, value));
    }
    Ok((
        Tag {
            name,
            attrs,
            closing,
            offset: start,
        },
        i,
    ))
}

/// Decodes character references (`&amp;`, `&#39;`, `&#x3c;`) the way a browser reads an
/// attribute value; unknown named references are left as they are.
pub fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match char_ref(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
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

/// The character a reference at the start of `text` stands for, and its length.
fn char_ref(text: &str) -> Option<(char, usize)> {
    let end = text.find(';')?;
    let body = &text[1..end];
    let c = if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
    } else if let Some(dec) = body.strip_prefix('#') {
        char::from_u32(dec.parse().ok()?)?
    } else {
        match body {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// Every `&` in `text` starts a complete character reference (`&amp;`, `&#39;`).
pub fn entities_are_complete(text: &str) -> Result<(), String> {
    for (i, _) in text.match_indices('&') {
        let rest = &text[i..];
        let ok = rest.find(';').is_some_and(|end| {
            let body = &rest[1..end];
            !body.is_empty()
                && end <= 12
                && (body.chars().all(|c| c.is_ascii_alphanumeric())
                    || body.strip_prefix('#').is_some_and(|n| {
                        !n.is_empty()
                            && (n.chars().all(|c| c.is_ascii_digit())
                                || n.strip_prefix(['x', 'X']).is_some_and(|h| {
                                    !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit())
                                }))
                    }))
        });
        if !ok {
            let shown: String = rest.chars().take(16).collect();
            return Err(format!("bare `&` at {i}: `{shown}`"));
        }
    }
    Ok(())
}

/// True when a browser would run `url` as script or data rather than follow it:
/// `javascript:`, `vbscript:`, `data:` (ignoring case, whitespace and control characters).
pub fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| cleaned.starts_with(scheme))
}

/// Attributes that hold URLs.
pub const URL_ATTRIBUTES: [&str; 6] = ["href", "src", "action", "formaction", "poster", "srcset"];

/// Checks a whole HTML document for markup a payload could have made: event-handler
/// attributes, script URLs, frames, a `<script>` holding a payload (every payload of the
/// tests calls `alert(`), incomplete character references in text, and JSON-LD that is
/// not valid JSON or could close its element. Returns every problem found.
pub fn unsafe_markup(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let pieces = match pieces(html) {
        Ok(p) => p,
        Err(e) => return vec![e],
    };
    for piece in &pieces {
        match piece {
            Piece::Tag(tag) => {
                for (name, value) in &tag.attrs {
                    if name.starts_with("on") {
                        problems.push(format!(
                            "<{}> at {} has an event handler `{name}`",
                            tag.name, tag.offset
                        ));
                    }
                    if URL_ATTRIBUTES.contains(&name.as_str()) && is_script_url(value) {
                        problems.push(format!(
                            "<{}> at {} has a script URL `{name}={value}`",
                            tag.name, tag.offset
                        ));
                    }
                }
                if matches!(
                    tag.name.as_str(),
                    "iframe" | "frame" | "object" | "embed" | "base"
                ) {
                    problems.push(format!("unexpected <{}> at {}", tag.name, tag.offset));
                }
            }
            Piece::Text(text, offset) => {
                if let Err(e) = entities_are_complete(text) {
                    problems.push(format!("text at {offset}: {e}"));
                }
            }
            Piece::Raw {
                element,
                attrs,
                contents,
            } => {
                let kind = attrs
                    .iter()
                    .find(|(n, _)| n == "type")
                    .map(|(_, v)| v.as_str());
                let has_src = attrs.iter().any(|(n, _)| n == "src");
                if element == "script" && kind == Some("application/ld+json") {
                    if let Err(e) = json_in_script(contents) {
                        problems.push(format!("JSON-LD: {e}"));
                    }
                } else if element == "script" && (has_src || contents.contains("alert(")) {
                    // A theme's own scripts are fine; one that carries a payload is not.
                    if contents.contains("alert(") {
                        problems.push(format!(
                            "<script> with a payload: `{}`",
                            contents.chars().take(60).collect::<String>()
                        ));
                    }
                }
            }
        }
    }
    problems
}

/// JSON inside a `<script>` element: parses, and cannot end the element or open a
/// comment that changes how the browser finds the end.
pub fn json_in_script(contents: &str) -> Result<serde_json::Value, String> {
    let lower = contents.to_ascii_lowercase();
    if lower.contains("</script") || lower.contains("<!--") || lower.contains("<script") {
        return Err(format!(
            "raw `</script`, `<script` or `<!--` in `{}`",
            contents.chars().take(80).collect::<String>()
        ));
    }
    serde_json::from_str(contents).map_err(|e| format!("not valid JSON: {e}"))
}

/// Checks that `xml` is well-formed as far as escaping goes: every tag closes, every
/// `&` starts a reference, `]]>` appears only to end a CDATA section, and elements nest.
pub fn xml_problems(xml: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    let bytes = xml.as_bytes();
    let mut text_start = 0;
    let check_text = |text: &str, at: usize, problems: &mut Vec<String>| {
        if let Err(e) = entities_are_complete(text) {
            problems.push(format!("text at {at}: {e}"));
        }
        if text.contains("]]>") {
            problems.push(format!("text at {at} contains `]]>` outside CDATA"));
        }
        if text.contains('<') {
            problems.push(format!("text at {at} contains a raw `<`"));
        }
    };
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        check_text(&xml[text_start..i], text_start, &mut problems);
        let rest = &xml[i..];
        let end = if rest.starts_with("<![CDATA[") {
            match rest.find("]]>") {
                Some(e) => e + 3,
                None => {
                    problems.push(format!("unclosed CDATA at {i}"));
                    return problems;
                }
            }
        } else if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(e) => e + 3,
                None => {
                    problems.push(format!("unclosed comment at {i}"));
                    return problems;
                }
            }
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            match rest.find('>') {
                Some(e) => e + 1,
                None => {
                    problems.push(format!("unclosed declaration at {i}"));
                    return problems;
                }
            }
        } else {
            match tag_at(xml, i) {
                Ok((tag, after)) => {
                    if xml[i + 1..after].contains('<') {
                        problems.push(format!("raw `<` inside the tag <{}> at {i}", tag.name));
                    }
                    if let Err(e) = entities_are_complete(&xml[i..after]) {
                        problems.push(format!("tag at {i}: {e}"));
                    }
                    let self_closing = xml[..after].ends_with("/>");
                    if tag.closing {
                        match stack.pop() {
                            Some(open) if open == tag.name => {}
                            other => {
                                problems.push(format!("</{}> at {i} closes {:?}", tag.name, other))
                            }
                        }
                    } else if !self_closing {
                        stack.push(tag.name.clone());
                    }
                    after - i
                }
                Err(e) => {
                    problems.push(e);
                    return problems;
                }
            }
        };
        i += end;
        text_start = i;
    }
    check_text(&xml[text_start..], text_start, &mut problems);
    if !stack.is_empty() {
        problems.push(format!("elements never closed: {stack:?}"));
    }
    problems
}
