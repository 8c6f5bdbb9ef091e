//! Values that may embed secrets, and the one renderer that splices secret
//! values (or their placeholders) into them.

use crate::secret::{percent_encode_userinfo, placeholder, SecretValues};
use crate::source::Span;
use serde::{Deserialize, Serialize};

/// A value that may embed secrets. Emitters decide how to quote the whole;
/// [`Value::render`] decides what each secret becomes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "parts", rename_all = "lowercase")]
pub enum Value {
    /// Plain text.
    Plain(String),
    /// Text with secrets spliced in.
    Template(Vec<Part>),
}

/// A piece of a [`Value::Template`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Part {
    /// Literal text.
    Lit(String),
    /// A secret by id, written as is.
    Secret(String),
    /// A secret by id, percent-encoded as URL userinfo.
    UrlSecret(String),
    /// A secret by id, percent-encoded as the userinfo of an oslo.messaging
    /// transport URL: like [`Part::UrlSecret`], and it may not hold `/`
    /// ([`crate::secret::Carrier::TransportUrl`]).
    TransportSecret(String),
}

/// How a secret is written into its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedding {
    /// As is.
    Raw,
    /// Percent-encoded, as URL userinfo.
    Userinfo,
    /// Percent-encoded, as the userinfo of an oslo.messaging transport URL.
    TransportUserinfo,
}

/// A value rendered with the secret values at hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The text: secrets filled in, or their placeholders.
    pub text: String,
    /// Ids whose value was written.
    pub filled: Vec<String>,
    /// Ids written as placeholders (no value supplied).
    pub missing: Vec<String>,
}

impl Rendered {
    /// Whether every secret was filled in.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}

impl Value {
    /// A plain value.
    pub fn plain(s: impl Into<String>) -> Self {
        Value::Plain(s.into())
    }
    /// A whole value that is one secret.
    pub fn secret(id: impl Into<String>) -> Self {
        Value::Template(vec![Part::Secret(id.into())])
    }
    /// Whether any part is a secret.
    pub fn is_sensitive(&self) -> bool {
        !self.secret_parts().is_empty()
    }
    /// The ids of the secrets in the value.
    pub fn secret_ids(&self) -> Vec<&str> {
        self.secret_parts().into_iter().map(|(id, _)| id).collect()
    }
    /// The secrets in the value: id, and how it is written.
    pub fn secret_parts(&self) -> Vec<(&str, Embedding)> {
        match self {
            Value::Plain(_) => Vec::new(),
            Value::Template(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    Part::Lit(_) => None,
                    Part::Secret(id) => Some((id.as_str(), Embedding::Raw)),
                    Part::UrlSecret(id) => Some((id.as_str(), Embedding::Userinfo)),
                    Part::TransportSecret(id) => Some((id.as_str(), Embedding::TransportUserinfo)),
                })
                .collect(),
        }
    }
    /// The literal text around the secrets: one more piece than there are
    /// secrets (the first before the first secret, the last after the last).
    pub fn literal_pieces(&self) -> Vec<String> {
        let mut out = vec![String::new()];
        match self {
            Value::Plain(s) => out[0].push_str(s),
            Value::Template(parts) => {
                for p in parts {
                    match p {
                        Part::Lit(s) => out.last_mut().expect("never empty").push_str(s),
                        _ => out.push(String::new()),
                    }
                }
            }
        }
        out
    }
    /// The value's text: each secret's value from `values` (percent-encoded
    /// where it is URL userinfo), or its placeholder `<<glha-secret:ID>>`
    /// where `values` has none. The one renderer every output uses.
    pub fn render(&self, values: &SecretValues) -> Rendered {
        let mut r = Rendered {
            text: String::new(),
            filled: Vec::new(),
            missing: Vec::new(),
        };
        match self {
            Value::Plain(s) => r.text.push_str(s),
            Value::Template(parts) => {
                for p in parts {
                    let (id, url) = match p {
                        Part::Lit(s) => {
                            r.text.push_str(s);
                            continue;
                        }
                        Part::Secret(id) => (id, false),
                        Part::UrlSecret(id) | Part::TransportSecret(id) => (id, true),
                    };
                    match values.get(id) {
                        Some(v) if url => r.text.push_str(&percent_encode_userinfo(v)),
                        Some(v) => r.text.push_str(v),
                        None => {
                            r.text.push_str(&placeholder(id));
                            if !values.placeholders_are_values() {
                                r.missing.push(id.clone());
                            }
                            continue;
                        }
                    }
                    r.filled.push(id.clone());
                }
            }
        }
        r
    }
}

/// Where a secret's value comes from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "from", content = "name", rename_all = "lowercase")]
pub enum SecretSource {
    /// An environment variable at apply time.
    Env(String),
    /// A file at apply time (first line, trailing newline removed).
    File(String),
    /// Written in the spec (the checker warned about it).
    Literal(#[serde(skip)] String),
}

/// A secret a plan refers to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SecretRef {
    /// Stable id, e.g. `keystone.password`.
    pub id: String,
    /// Where its value comes from.
    pub source: SecretSource,
    /// Where the spec refers to it (for diagnostics about its value).
    #[serde(skip)]
    pub span: Option<Span>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_values_and_placeholders() {
        let v = Value::Template(vec![
            Part::Lit("mysql+pymysql://glance:".into()),
            Part::UrlSecret("db".into()),
            Part::Lit("@h/glance".into()),
        ]);
        let none = v.render(&SecretValues::none());
        assert_eq!(
            none.text,
            "mysql+pymysql://glance:<<glha-secret:db>>@h/glance"
        );
        assert_eq!(none.missing, vec!["db"]);
        assert!(!none.complete());
        let some = v.render(&SecretValues::from_map(
            [("db".to_string(), "p/w@x".to_string())].into(),
        ));
        assert_eq!(some.text, "mysql+pymysql://glance:p%2Fw%40x@h/glance");
        assert!(some.complete());
        assert_eq!(
            v.literal_pieces(),
            vec!["mysql+pymysql://glance:", "@h/glance"]
        );
        assert_eq!(
            Value::secret("k").render(&SecretValues::none()).text,
            "<<glha-secret:k>>"
        );
    }
}
