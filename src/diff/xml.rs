//! A small XML reader, enough for a CIB (`cibadmin -Q`, `crm configure show
//! xml`): elements, attributes, comments, processing instructions and the
//! predefined and numeric entities. Text content is ignored (a CIB carries
//! everything in attributes).

/// One element with its attributes and child elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Elem {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Elem>,
}

impl Elem {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// The child elements named `name`.
    pub fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Elem> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// The first element named `name`, this one or a descendant, depth first.
    pub fn find(&self, name: &str) -> Option<&Elem> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }
}

/// Parses a document and returns its root element.
pub(crate) fn parse(text: &str) -> Result<Elem, String> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &text[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").ok_or("unterminated comment")? + 3;
        } else if rest.starts_with("<?") {
            i += rest
                .find("?>")
                .ok_or("unterminated processing instruction")?
                + 2;
        } else if rest.starts_with("<![CDATA[") {
            i += rest.find("]]>").ok_or("unterminated CDATA")? + 3;
        } else if rest.starts_with("<!") {
            i += rest.find('>').ok_or("unterminated declaration")? + 1;
        } else if let Some(close) = rest.strip_prefix("</") {
            let end = close.find('>').ok_or("unterminated end tag")?;
            let name = close[..end].trim();
            let elem = stack.pop().ok_or_else(|| format!("unexpected </{name}>"))?;
            if elem.name != name {
                return Err(format!("</{name}> closes <{}>", elem.name));
            }
            i += 2 + end + 1;
            attach(&mut stack, &mut root, elem)?;
        } else {
            let (elem, len, selfclosing) = start_tag(&rest[1..])?;
            i += 1 + len;
            if selfclosing {
                attach(&mut stack, &mut root, elem)?;
            } else {
                stack.push(elem);
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{}> is never closed", open.name));
    }
    root.ok_or_else(|| "no element".to_string())
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
}
