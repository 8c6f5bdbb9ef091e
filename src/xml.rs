//! A small XML tree, enough for a CIB: the reader for live ones
//! (`cibadmin -Q`, `crm configure show xml`) and the writer for the ones
//! glha makes ([`crate::emit::cib`]).
//!
//! The reader handles elements, attributes, comments, processing
//! instructions, CDATA and the predefined and numeric entities; text
//! content is skipped (a CIB carries everything in attributes). Comments
//! inside the root element are kept, as [`COMMENT`] elements, and written
//! back: crmsh keeps an object's comments as XML comments in the CIB, and a
//! candidate CIB made from a live one must not drop the operator's notes
//! (patching the live CIB with it would delete them). It reads
//! live input, so it is bounded: at most [`MAX_BYTES`] of text and
//! [`MAX_DEPTH`] levels of nesting, and nothing in this module recurses
//! over the tree (parsing, searching and dropping use explicit stacks), so
//! no input can overflow the stack.

use std::fmt::Write as _;

/// The largest document read: a CIB with its status section is a few
/// megabytes even on big clusters.
pub const MAX_BYTES: usize = 64 << 20;

/// The deepest nesting read: a CIB's configuration is about ten levels
/// deep, rules nest a few more.
pub const MAX_DEPTH: usize = 128;

/// The name of the pseudo-element that holds a comment; its text is its
/// one attribute, `text`. No real element has this name (it is not a
/// valid XML name), so a search for an element never finds a comment.
pub const COMMENT: &str = "!--";

/// One element with its attributes and child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Elem {
    /// The tag name.
    pub name: String,
    /// Attributes in document order.
    pub attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Elem>,
}

impl Drop for Elem {
    /// Frees the tree with a stack of its own: the default drop would
    /// recurse once per level.
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.children);
        while let Some(mut e) = stack.pop() {
            stack.append(&mut e.children);
        }
    }
}

impl Elem {
    /// An element without attributes or children.
    pub fn new(name: &str) -> Elem {
        Elem {
            name: name.to_string(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds an attribute (builder style).
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Elem {
        self.attrs.push((name.to_string(), value.into()));
        self
    }

    /// Adds a child (builder style).
    pub fn child(mut self, c: Elem) -> Elem {
        self.children.push(c);
        self
    }

    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets attribute `name`, replacing its value if it has one.
    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        match self.attrs.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value.into(),
            None => self.attrs.push((name.to_string(), value.into())),
        }
    }

    /// A comment, as [`parse`] keeps it.
    pub fn comment(text: &str) -> Elem {
        Elem::new(COMMENT).with("text", text)
    }

    /// Whether this is a comment.
    pub fn is_comment(&self) -> bool {
        self.name == COMMENT
    }

    /// The child elements named `name`.
    pub fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Elem> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first element named `name`, this one or a descendant, in
    /// document order.
    pub fn find(&self, name: &str) -> Option<&Elem> {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            if e.name == name {
                return Some(e);
            }
            stack.extend(e.children.iter().rev());
        }
        None
    }

    /// Like [`Elem::find`], mutably.
    pub fn find_mut(&mut self, name: &str) -> Option<&mut Elem> {
        self.find_mut_by(|e| e.name == name)
    }

    /// The first element, this one or a descendant in document order, for
    /// which `pred` holds, mutably.
    pub fn find_mut_by(&mut self, pred: impl Fn(&Elem) -> bool) -> Option<&mut Elem> {
        // Search immutably, noting each visited element's parent and place,
        // then walk the found path mutably.
        let mut seen: Vec<(&Elem, usize, usize)> = vec![(self, usize::MAX, 0)];
        let mut stack = vec![0];
        let mut found = None;
        while let Some(k) = stack.pop() {
            let e = seen[k].0;
            if pred(e) {
                found = Some(k);
                break;
            }
            for (i, c) in e.children.iter().enumerate().rev() {
                seen.push((c, k, i));
                stack.push(seen.len() - 1);
            }
        }
        let mut path = Vec::new();
        let mut k = found?;
        while k != 0 {
            path.push(seen[k].2);
            k = seen[k].1;
        }
        let mut cur = self;
        for i in path.into_iter().rev() {
            cur = &mut cur.children[i];
        }
        Some(cur)
    }

    /// The document as text: an XML declaration-free tree, two spaces per
    /// level, attributes in order, values escaped.
    pub fn to_xml(&self) -> String {
        let mut out = String::new();
        // (element, depth, whether its children are written yet)
        let mut stack: Vec<(&Elem, usize, bool)> = vec![(self, 0, false)];
        while let Some((e, depth, closing)) = stack.pop() {
            let indent = "  ".repeat(depth);
            if e.is_comment() {
                let _ = writeln!(out, "{indent}<!--{}-->", e.attr("text").unwrap_or(""));
                continue;
            }
            if closing {
                let _ = writeln!(out, "{indent}</{}>", e.name);
                continue;
            }
            let _ = write!(out, "{indent}<{}", e.name);
            for (k, v) in &e.attrs {
                let _ = write!(out, " {k}=\"{}\"", escape(v));
            }
            if e.children.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            stack.push((e, depth, true));
            for c in e.children.iter().rev() {
                stack.push((c, depth + 1, false));
            }
        }
        out
    }
}

/// An attribute value escaped for double quotes: markup characters and
/// every control character as references, so a value keeps its exact text
/// (a raw newline would be normalised to a space by a reader).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Parses a document and returns its root element.
pub fn parse(text: &str) -> Result<Elem, String> {
    parse_located(text).map_err(|e| e.message)
}

/// Why a document could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The byte offset of the construct that could not be read (its `<`),
    /// or of the end of the text for what is missing there.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    /// The 1-based line of [`ParseError::offset`] in `text`.
    pub fn line(&self, text: &str) -> usize {
        let end = self.offset.min(text.len());
        text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }
}

/// [`parse`], with the place of the error: for messages that name the
/// line of a live file.
pub fn parse_located(text: &str) -> Result<Elem, ParseError> {
    let at = |offset: usize| move |message: String| ParseError { offset, message };
    if text.len() > MAX_BYTES {
        return Err(at(0)(format!(
            "the document is {} bytes; glha reads at most {MAX_BYTES}",
            text.len()
        )));
    }
    let b = text.as_bytes();
    let mut i = 0;
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let here = at(i);
        let missing = |what: &str| here(what.to_string());
        let rest = &text[i..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body
                .find("-->")
                .ok_or_else(|| missing("unterminated comment"))?;
            // Outside the root element, a comment belongs to no element.
            if let Some(parent) = stack.last_mut() {
                parent.children.push(Elem::comment(&body[..end]));
            }
            i += 4 + end + 3;
        } else if rest.starts_with("<?") {
            i += rest
                .find("?>")
                .ok_or_else(|| missing("unterminated processing instruction"))?
                + 2;
        } else if rest.starts_with("<![CDATA[") {
            i += rest
                .find("]]>")
                .ok_or_else(|| missing("unterminated CDATA"))?
                + 3;
        } else if rest.starts_with("<!") {
            i += rest
                .find('>')
                .ok_or_else(|| missing("unterminated declaration"))?
                + 1;
        } else if let Some(close) = rest.strip_prefix("</") {
            let end = close
                .find('>')
                .ok_or_else(|| missing("unterminated end tag"))?;
            let name = close[..end].trim();
            let elem = stack
                .pop()
                .ok_or_else(|| here(format!("unexpected </{name}>")))?;
            if elem.name != name {
                return Err(here(format!("</{name}> closes <{}>", elem.name)));
            }
            i += 2 + end + 1;
            attach(&mut stack, &mut root, elem).map_err(here)?;
        } else {
            let (elem, len, selfclosing) = start_tag(&rest[1..]).map_err(here)?;
            i += 1 + len;
            if selfclosing {
                attach(&mut stack, &mut root, elem).map_err(here)?;
            } else if stack.len() >= MAX_DEPTH {
                return Err(here(format!(
                    "elements are nested more than {MAX_DEPTH} deep; a CIB is not"
                )));
            } else {
                stack.push(elem);
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(at(text.len())(format!("<{}> is never closed", open.name)));
    }
    root.ok_or_else(|| at(text.len())("no element".to_string()))
}

fn attach(stack: &mut [Elem], root: &mut Option<Elem>, elem: Elem) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(elem),
        None if root.is_none() => *root = Some(elem),
        None => return Err("more than one root element".into()),
    }
    Ok(())
}

/// Reads `name attr="v" ...>` or `.../>`; returns the element, the bytes
/// consumed and whether it closed itself.
fn start_tag(s: &str) -> Result<(Elem, usize, bool), String> {
    let b = s.as_bytes();
    let mut i = 0;
    let name_end = s
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .ok_or("unterminated start tag")?;
    let name = s[..name_end].to_string();
    if name.is_empty() {
        return Err("empty element name".into());
    }
    i += name_end;
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i) {
            None => return Err(format!("unterminated <{name}>")),
            Some(b'>') => {
                let elem = Elem {
                    name,
                    attrs,
                    children: Vec::new(),
                };
                return Ok((elem, i + 1, false));
            }
            Some(b'/') if b.get(i + 1) == Some(&b'>') => {
                let elem = Elem {
                    name,
                    attrs,
                    children: Vec::new(),
                };
                return Ok((elem, i + 2, true));
            }
            Some(_) => {
                let eq = s[i..]
                    .find('=')
                    .ok_or_else(|| format!("bad attribute in <{name}>"))?;
                let key = s[i..i + eq].trim().to_string();
                i += eq + 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                let quote = *b.get(i).ok_or("unterminated attribute")?;
                if quote != b'"' && quote != b'\'' {
                    return Err(format!("unquoted attribute {key} in <{name}>"));
                }
                let end = s[i + 1..]
                    .find(quote as char)
                    .ok_or("unterminated attribute value")?;
                attrs.push((key, unescape(&s[i + 1..i + 1 + end])?));
                i += end + 2;
            }
        }
    }
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';').ok_or("bad entity")?;
        let ent = &rest[amp + 1..amp + semi];
        let c = match ent {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(h) = ent.strip_prefix("#x").or(ent.strip_prefix("#X")) {
                    u32::from_str_radix(h, 16).ok()
                } else if let Some(d) = ent.strip_prefix('#') {
                    d.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity &{ent};"))?
            }
        };
        out.push(c);
        rest = &rest[amp + semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_elements_and_entities() {
        let doc =
            r#"<?xml version="1.0"?><!-- c --><a x="1 &amp; 2"><b y='&quot;&#65;'/><c></c></a>"#;
        let a = parse(doc).unwrap();
        assert_eq!(a.attr("x"), Some("1 & 2"));
        assert_eq!(a.children[0].attr("y"), Some("\"A"));
        assert_eq!(a.children[1].name, "c");
        assert!(parse("<a><b></a>").is_err());
    }

    #[test]
    fn comments_inside_the_root_are_kept_and_written_back() {
        let doc = "<!-- outside --><a><!-- note: keep --><b/><!--x--></a>";
        let a = parse(doc).unwrap();
        assert_eq!(a.children.len(), 3);
        assert!(a.children[0].is_comment());
        assert_eq!(a.children[0].attr("text"), Some(" note: keep "));
        assert!(a.find(COMMENT).is_some_and(Elem::is_comment));
        assert_eq!(a.kids("b").count(), 1);
        let text = a.to_xml();
        assert_eq!(
            text,
            "<a>\n  <!-- note: keep -->\n  <b/>\n  <!--x-->\n</a>\n"
        );
        assert_eq!(parse(&text).unwrap(), a);
    }

    #[test]
    fn deep_input_is_an_error_not_a_stack_overflow() {
        let n = 100_000;
        let doc = format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        let err = parse(&doc).unwrap_err();
        assert!(err.contains("nested more than"), "{err}");
        // Just inside the limit it reads, and a deep tree built by hand is
        // searched, written and dropped without recursion.
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let mut deep = Elem::new("leaf");
        for _ in 0..n {
            deep = Elem::new("a").child(deep);
        }
        assert!(deep.find("leaf").is_some());
        assert!(deep.find_mut("leaf").is_some());
        assert!(deep.find("nothing").is_none());
        drop(deep);
        let mut tall = Elem::new("leaf");
        for _ in 0..2_000 {
            tall = Elem::new("a").child(tall);
        }
        assert!(tall.to_xml().contains("<leaf/>"));
    }

    #[test]
    fn too_large_is_an_error() {
        let doc = format!("<a>{}</a>", " ".repeat(MAX_BYTES));
        assert!(parse(&doc).unwrap_err().contains("at most"));
    }

    #[test]
    fn written_text_reads_back_exactly() {
        let v = "a\"b<c>&d'e\nf\tg";
        let e = Elem::new("nvpair").with("value", v).child(Elem::new("x"));
        let text = e.to_xml();
        assert_eq!(
            text,
            "<nvpair value=\"a&quot;b&lt;c&gt;&amp;d'e&#10;f&#9;g\">\n  <x/>\n</nvpair>\n"
        );
        let back = parse(&text).unwrap();
        assert_eq!(back.attr("value"), Some(v));
        assert_eq!(back, e);
    }

    #[test]
    fn an_error_says_where() {
        let text = "<cib>\n  <a>\n  </b>\n</cib>\n";
        let e = parse_located(text).unwrap_err();
        assert_eq!((e.line(text), e.message.as_str()), (3, "</b> closes <a>"));
        let text = "<cib>\n<a x=1/>\n</cib>";
        assert_eq!(parse_located(text).unwrap_err().line(text), 2);
        let text = "<cib>\n<a>\n";
        let e = parse_located(text).unwrap_err();
        assert_eq!(
            (e.line(text), e.message.as_str()),
            (3, "<a> is never closed")
        );
        assert_eq!(parse("<cib><a></b></cib>").unwrap_err(), "</b> closes <a>");
    }
}
