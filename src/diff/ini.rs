//! Live ini files: a reader that keeps every line (comments, order, repeated
//! keys, continuation lines) and the merge of a plan's [`IniFile`] into one.
//!
//! Values follow oslo.config's parser: surrounding whitespace and one pair of
//! matching quotes are stripped, `$` starts a substitution and `$$` is a
//! literal `$`. Values are compared in that raw form, so a plan value is
//! `$`-escaped before it is compared.

use super::stale::StaleKey;
use super::{ChangeKind, IniChange, SENSITIVE};
use crate::plan::{IniFile, IniSetting, Value};
use crate::release::Release;
use crate::secret::{is_sensitive_name, Carrier, SecretValues};
use std::collections::{BTreeMap, BTreeSet};

/// One physical line of an ini file, newline included.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub text: String,
    pub kind: Kind,
}

/// What a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Blank, comment or something oslo ignores.
    Other,
    /// `[name]`.
    Section(String),
    /// `key = value`; `value_start` is the byte offset of the value.
    Key {
        section: String,
        key: String,
        value_start: usize,
    },
    /// A continuation of the previous key's value (starts with whitespace).
    Cont { value_start: usize },
}

/// Splits a file into lines, each classified.
pub(crate) fn parse(text: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut section = String::new();
    for raw in text.split_inclusive('\n') {
        let body = raw.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        let prev_is_key = matches!(
            out.last().map(|l| &l.kind),
            Some(Kind::Key { .. } | Kind::Cont { .. })
        );
        let kind = if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            Kind::Other
        } else if body.starts_with(char::is_whitespace) && prev_is_key {
            Kind::Cont {
                value_start: body.len() - body.trim_start().len(),
            }
        } else if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_string();
            Kind::Section(section.clone())
        } else if let Some(sep) = body.find(['=', ':']) {
            let after = &body[sep + 1..];
            Kind::Key {
                section: section.clone(),
                key: body[..sep].trim().to_string(),
                value_start: sep + 1 + (after.len() - after.trim_start().len()),
            }
        } else {
            Kind::Other
        };
        out.push(Line {
            text: raw.to_string(),
            kind,
        });
    }
    out
}

/// The first line oslo.config's parser refuses (1-based) and why, in its
/// own words: a key line with neither `=` nor `:`, an empty key, an
/// indented line with no key before it, a section header without its `]`
/// or without a name, a key before any section. [`parse`] reads on past
/// such lines; a reader that must not guess (`glhac import`) asks here
/// first.
pub(crate) fn syntax_error(text: &str) -> Option<(usize, &'static str)> {
    let (mut in_key, mut in_section) = (false, false);
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.trim_end();
        let problem = if line.is_empty() {
            in_key = false;
            None
        } else if line.starts_with([' ', '\t']) {
            (!in_key).then_some("Unexpected continuation line")
        } else if line.starts_with('[') {
            in_key = false;
            in_section = true;
            if !line.ends_with(']') {
                Some("Invalid section (must end with ])")
            } else if line.len() <= 2 {
                Some("Empty section name")
            } else {
                None
            }
        } else if line.starts_with(['#', ';']) {
            in_key = false;
            None
        } else {
            in_key = true;
            match line.find(['=', ':']) {
                None => Some("No ':' or '=' found in assignment"),
                Some(0) => Some("Key cannot be empty"),
                Some(sep) if line[..sep].trim().is_empty() => Some("Key cannot be empty"),
                Some(_) if !in_section => Some("Section must be started before assignment"),
                Some(_) => None,
            }
        };
        if let Some(p) = problem {
            return Some((i + 1, p));
        }
    }
    None
}

/// oslo.config treats `-` and `_` in option names alike.
fn norm_key(k: &str) -> String {
    k.replace('-', "_")
}

/// The value of a key line and its continuation lines, as oslo reads it
/// before substitution: whitespace and one pair of matching quotes stripped.
pub(crate) fn live_value(lines: &[Line], at: usize) -> String {
    unquote(&raw_value(lines, at))
}

/// The value of a key line and its continuation lines (joined by `\n`),
/// whitespace stripped, quotes kept: what every ini dialect starts from.
pub(crate) fn raw_value(lines: &[Line], at: usize) -> String {
    let Kind::Key { value_start, .. } = lines[at].kind else {
        return String::new();
    };
    let mut v = lines[at].text.trim_end_matches(['\n', '\r'])[value_start..].to_string();
    for l in &lines[at + 1..] {
        match l.kind {
            Kind::Cont { .. } => {
                v.push('\n');
                v.push_str(l.text.trim());
            }
            _ => break,
        }
    }
    v.trim().to_string()
}

fn unquote(v: &str) -> String {
    let b = v.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

/// The line range (key line plus continuations) of the entry at `at`.
fn entry_end(lines: &[Line], at: usize) -> usize {
    let mut end = at + 1;
    while end < lines.len() && matches!(lines[end].kind, Kind::Cont { .. }) {
        end += 1;
    }
    end
}

/// Indices of the key lines for `section`/`key`, in file order.
pub(crate) fn entries(lines: &[Line], section: &str, key: &str) -> Vec<usize> {
    let key = norm_key(key);
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(&l.kind, Kind::Key { section: s, key: k, .. } if s == section && norm_key(k) == key))
        .map(|(i, _)| i)
        .collect()
}

/// The value oslo.config reads for `[section] key` (the last one), before
/// substitution.
pub(crate) fn value_of(lines: &[Line], section: &str, key: &str) -> Option<String> {
    entries(lines, section, key)
        .last()
        .map(|&i| live_value(lines, i))
}

/// Escapes `$` as `$$` (oslo.config substitution).
fn escape_dollar(s: &str) -> String {
    s.replace('$', "$$")
}

/// Renders a plan value as it is written after `key = ` in an ini file.
///
/// Errors name the problem (a missing secret by id, or a character an ini
/// value cannot hold); they never contain a secret value.
pub fn ini_value(v: &Value, secrets: &SecretValues) -> Result<String, String> {
    let r = v.render(secrets);
    if let Some(id) = r.missing.first() {
        return Err(format!("secret `{id}` is needed but was not supplied"));
    }
    if let Some(c) = Carrier::Ini.unrepresentable(&r.text) {
        return Err(if v.is_sensitive() {
            format!("a sensitive value contains {}", c.escape_debug())
        } else {
            format!("value {:?} contains {}", r.text, c.escape_debug())
        });
    }
    Ok(crate::emit::ini::quote(&r.text))
}

const BOOL_TRUE: [&str; 5] = ["true", "yes", "on", "t", "y"];
const BOOL_FALSE: [&str; 5] = ["false", "no", "off", "f", "n"];

fn bool_word(s: &str) -> Option<bool> {
    let l = s.to_ascii_lowercase();
    if BOOL_TRUE.contains(&l.as_str()) {
        Some(true)
    } else if BOOL_FALSE.contains(&l.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// Whether two raw values mean the same: equal text, or the same boolean
/// written in a different case or word.
fn same_raw(a: &str, b: &str) -> bool {
    a == b || matches!((bool_word(a), bool_word(b)), (Some(x), Some(y)) if x == y)
}

/// What the plan wants for one value, as far as it is known.
enum Want {
    /// The raw value.
    Known(String),
    /// A secret is missing: the literal pieces around the secrets, raw.
    Unknown(Vec<String>),
}

fn want(v: &Value, secrets: &SecretValues) -> Want {
    let r = v.render(secrets);
    if r.complete() {
        Want::Known(escape_dollar(&r.text))
    } else {
        Want::Unknown(
            v.literal_pieces()
                .iter()
                .map(|l| escape_dollar(l))
                .collect(),
        )
    }
}

/// Whether `live` could be the template whose literal pieces are `lits`.
pub(crate) fn skeleton_matches(live: &str, lits: &[String]) -> bool {
    let (first, last) = (&lits[0], &lits[lits.len() - 1]);
    if !live.starts_with(first.as_str())
        || live.len() < first.len() + last.len()
        || !live.ends_with(last.as_str())
    {
        return false;
    }
    let mut rest = &live[first.len()..live.len() - last.len()];
    for mid in &lits[1..lits.len() - 1] {
        match rest.find(mid.as_str()) {
            Some(at) => rest = &rest[at + mid.len()..],
            None => return false,
        }
    }
    true
}

/// A line of the merged file.
#[derive(Debug, Clone)]
pub(crate) struct OutLine {
    pub text: String,
    /// For a sensitive key or continuation: where its value starts, and
    /// whether the merge wrote it.
    pub mask: Option<(usize, bool)>,
}

/// The merge of a plan file into a live file.
#[derive(Debug, Clone)]
pub(crate) struct Merge {
    pub changes: Vec<IniChange>,
    pub lines: Vec<OutLine>,
    /// The live file with sensitive values masked.
    pub live_display: String,
    /// The live file's stale keys (those removed are also `Remove` changes).
    pub stale: Vec<StaleKey>,
}

impl Merge {
    /// The merged file.
    pub fn text(&self) -> String {
        self.lines.iter().map(|l| l.text.as_str()).collect()
    }
    /// The merged file with sensitive values masked.
    pub fn display(&self) -> String {
        self.lines
            .iter()
            .map(|l| {
                mask_line(
                    &l.text,
                    l.mask.map(|(at, fresh)| {
                        (
                            at,
                            if fresh {
                                "changed (sensitive)"
                            } else {
                                SENSITIVE
                            },
                        )
                    }),
                )
            })
            .collect()
    }
}

/// The live lines with the masked values replaced by `(sensitive)`.
pub(crate) fn display_masked(lines: &[Line], mask: &[Option<usize>]) -> String {
    lines
        .iter()
        .zip(mask)
        .map(|(l, m)| mask_line(&l.text, m.map(|at| (at, SENSITIVE))))
        .collect()
}

fn mask_line(text: &str, mask: Option<(usize, &str)>) -> String {
    match mask {
        None => text.to_string(),
        Some((at, word)) => {
            let nl = if text.ends_with('\n') { "\n" } else { "" };
            let at = at.min(text.trim_end_matches(['\n', '\r']).len());
            format!("{}{word}{nl}", &text[..at])
        }
    }
}

fn show(vals: &[String], sensitive: bool) -> Option<String> {
    if vals.is_empty() {
        None
    } else if sensitive {
        Some(SENSITIVE.to_string())
    } else {
        Some(vals.join(", "))
    }
}

/// Which live lines hold a sensitive value, and where the value starts:
/// a key line whose key is sensitive, and its continuation lines.
pub(crate) fn live_masks(
    lines: &[Line],
    is_sens: &dyn Fn(&str, &str) -> bool,
) -> Vec<Option<usize>> {
    let mut owner_sensitive = false;
    lines
        .iter()
        .map(|l| match &l.kind {
            Kind::Key {
                section,
                key,
                value_start,
            } => {
                owner_sensitive = is_sens(section, key);
                owner_sensitive.then_some(*value_start)
            }
            Kind::Cont { value_start } => owner_sensitive.then_some(*value_start),
            _ => None,
        })
        .collect()
}

/// How the planned values of one setting compare with the live ones.
fn compare_values(live_vals: &[String], wants: &[Want], exists: bool) -> Option<ChangeKind> {
    if !exists {
        return Some(ChangeKind::Add);
    }
    let mut unknown = false;
    let mut equal = live_vals.len() == wants.len();
    if equal {
        for (l, w) in live_vals.iter().zip(wants) {
            match w {
                Want::Known(raw) => equal &= same_raw(l, raw),
                Want::Unknown(lits) => {
                    unknown = true;
                    equal &= skeleton_matches(l, lits);
                }
            }
        }
    }
    match (equal, unknown) {
        (true, true) => Some(ChangeKind::Unknown),
        (true, false) => None,
        (false, _) => Some(ChangeKind::Change),
    }
}

/// The edits a merge makes to the live lines, collected before the merged
/// file is assembled.
pub(crate) struct Edits {
    /// Live lines dropped (a replaced or removed key and its continuations).
    deleted: Vec<bool>,
    /// New lines to insert before a live line (`lines.len()`: at the end).
    before: BTreeMap<usize, Vec<OutLine>>,
    /// Sections the live file lacks, with their new lines, in plan order.
    new_sections: Vec<(String, Vec<OutLine>)>,
}

impl Edits {
    /// No edits yet to a file of `n` lines.
    pub(crate) fn new(n: usize) -> Self {
        Edits {
            deleted: vec![false; n],
            before: BTreeMap::new(),
            new_sections: Vec::new(),
        }
    }

    fn delete_entries(&mut self, lines: &[Line], at: &[usize]) {
        for &i in at {
            for d in &mut self.deleted[i..entry_end(lines, i)] {
                *d = true;
            }
        }
    }

    /// Puts `new` where the setting was (`at`), else at the end of its
    /// section, else in a new section.
    pub(crate) fn place(&mut self, lines: &[Line], section: &str, at: &[usize], new: Vec<OutLine>) {
        if let Some(&first) = at.first() {
            self.delete_entries(lines, at);
            self.before.entry(first).or_default().extend(new);
        } else if let Some(pos) = section_end(lines, section) {
            self.before.entry(pos).or_default().extend(new);
        } else if let Some((_, v)) = self.new_sections.iter_mut().find(|(n, _)| n == section) {
            v.extend(new);
        } else {
            self.new_sections.push((section.to_string(), new));
        }
    }

    /// The merged file: live lines kept, new lines in place.
    pub(crate) fn assemble(mut self, lines: &[Line], live_mask: &[Option<usize>]) -> Vec<OutLine> {
        let mut out: Vec<OutLine> = Vec::new();
        let push = |out: &mut Vec<OutLine>, l: OutLine| {
            if let Some(last) = out.last_mut() {
                if !last.text.ends_with('\n') {
                    last.text.push('\n');
                }
            }
            out.push(l);
        };
        for (i, l) in lines.iter().enumerate() {
            for n in self.before.remove(&i).unwrap_or_default() {
                push(&mut out, n);
            }
            if !self.deleted[i] {
                let mask = live_mask[i].map(|at| (at, false));
                push(
                    &mut out,
                    OutLine {
                        text: l.text.clone(),
                        mask,
                    },
                );
            }
        }
        for n in self.before.remove(&lines.len()).unwrap_or_default() {
            push(&mut out, n);
        }
        for (section, new_lines) in self.new_sections {
            if !out.is_empty() {
                push(
                    &mut out,
                    OutLine {
                        text: "\n".into(),
                        mask: None,
                    },
                );
            }
            push(
                &mut out,
                OutLine {
                    text: format!("[{section}]\n"),
                    mask: None,
                },
            );
            for n in new_lines {
                push(&mut out, n);
            }
        }
        out
    }
}

/// The lines that write a setting's values.
fn setting_lines(s: &IniSetting, secrets: &SecretValues, sensitive: bool) -> Vec<OutLine> {
    s.values
        .iter()
        .map(|v| {
            // Spec text and secret values are checked before they get
            // here (E0110, secret::check_values); a line break is still
            // never written, so a value cannot add a key.
            let text = v.render(secrets).text;
            let raw = crate::emit::ini::quote(&text.replace(['\n', '\r'], " "));
            let prefix = format!("{} = ", s.key);
            OutLine {
                mask: sensitive.then_some((prefix.len(), true)),
                text: format!("{prefix}{raw}\n"),
            }
        })
        .collect()
}

/// Merges `file` into the live text (`None`: the file does not exist) for
/// the plan's release: glha's settings, the plan's removals, and the live
/// file's stale keys ([`super::stale`]), removed where what replaces them
/// is written. `secrets` fills sensitive values; without them a setting
/// whose live value could match is left alone and reported
/// [`ChangeKind::Unknown`].
pub(crate) fn merge_live(
    live: Option<&str>,
    file: &IniFile,
    release: Release,
    secrets: &SecretValues,
) -> Merge {
    let lines = parse(live.unwrap_or(""));
    let stale = super::stale::find(file, release, &lines);
    let extra = super::stale::removals(&stale);
    let mut m = merge_lines(&lines, file, &extra, secrets);
    m.stale = stale;
    m
}

/// [`merge_live`] without the stale keys: only the plan's settings and
/// removals.
#[cfg(test)]
pub(crate) fn merge(live: Option<&str>, file: &IniFile, secrets: &SecretValues) -> Merge {
    merge_lines(&parse(live.unwrap_or("")), file, &[], secrets)
}

fn merge_lines(
    lines: &[Line],
    file: &IniFile,
    extra_removals: &[(String, String, String)],
    secrets: &SecretValues,
) -> Merge {
    let sensitive_keys: BTreeSet<(String, String)> = file
        .settings
        .iter()
        .filter(|s| s.values.iter().any(Value::is_sensitive) || is_sensitive_name(&s.key))
        .map(|s| (s.section.clone(), norm_key(&s.key)))
        .collect();
    let is_sens = |section: &str, key: &str| {
        is_sensitive_name(key) || sensitive_keys.contains(&(section.to_string(), norm_key(key)))
    };
    let live_mask = live_masks(lines, &is_sens);
    let live_display = display_masked(lines, &live_mask);

    let mut changes = Vec::new();
    let mut edits = Edits::new(lines.len());
    for s in &file.settings {
        let at = entries(lines, &s.section, &s.key);
        let live_vals: Vec<String> = at.iter().map(|&i| live_value(lines, i)).collect();
        let wants: Vec<Want> = s.values.iter().map(|v| want(v, secrets)).collect();
        let Some(kind) = compare_values(&live_vals, &wants, !at.is_empty()) else {
            continue;
        };
        let sensitive = is_sens(&s.section, &s.key);
        let planned: Vec<String> = s.values.iter().map(|v| v.render(secrets).text).collect();
        changes.push(IniChange {
            section: s.section.clone(),
            key: s.key.clone(),
            kind,
            live: show(&live_vals, sensitive),
            planned: (kind != ChangeKind::Unknown)
                .then(|| show(&planned, sensitive))
                .flatten(),
            why: None,
        });
        if kind != ChangeKind::Unknown {
            edits.place(lines, &s.section, &at, setting_lines(s, secrets, sensitive));
        }
    }
    for (section, key, why) in file.remove.iter().chain(extra_removals) {
        let at = entries(lines, section, key);
        if at.is_empty() {
            continue;
        }
        let vals: Vec<String> = at.iter().map(|&i| live_value(lines, i)).collect();
        edits.delete_entries(lines, &at);
        changes.push(IniChange {
            section: section.clone(),
            key: key.clone(),
            kind: ChangeKind::Remove,
            live: show(&vals, is_sens(section, key)),
            planned: None,
            why: Some(why.clone()),
        });
    }
    Merge {
        changes,
        lines: edits.assemble(lines, &live_mask),
        live_display,
        stale: Vec::new(),
    }
}

/// Where a new key of `section` goes: after the last key of its last
/// occurrence, or right after its header; `None` when there is no such
/// section.
fn section_end(lines: &[Line], section: &str) -> Option<usize> {
    let header = lines
        .iter()
        .rposition(|l| matches!(&l.kind, Kind::Section(s) if s == section))?;
    let mut pos = header + 1;
    for (i, l) in lines.iter().enumerate().skip(header + 1) {
        match &l.kind {
            Kind::Section(_) => break,
            Kind::Key { .. } | Kind::Cont { .. } => pos = i + 1,
            Kind::Other => {}
        }
    }
    Some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Part, ServiceKind};

    fn file(settings: Vec<(&str, &str, Value)>, remove: Vec<(&str, &str)>) -> IniFile {
        IniFile {
            service: ServiceKind::GlanceApi,
            node: None,
            target: "/etc/glance/glance-api.conf".into(),
            settings: settings
                .into_iter()
                .map(|(s, k, v)| IniSetting {
                    section: s.into(),
                    key: k.into(),
                    values: vec![v],
                })
                .collect(),
            remove: remove
                .into_iter()
                .map(|(s, k)| (s.into(), k.into(), "renamed".into()))
                .collect(),
        }
    }

    #[test]
    fn unchanged_despite_case_quotes_spacing_and_comments() {
        let live = "# top\n[DEFAULT]\n# c\ndebug=True\nbind_host =   \"10.0.0.11\"  \nfoo = bar\n";
        let f = file(
            vec![
                ("DEFAULT", "debug", Value::plain("true")),
                ("DEFAULT", "bind_host", Value::plain("10.0.0.11")),
            ],
            vec![],
        );
        let m = merge(Some(live), &f, &SecretValues::none());
        assert!(m.changes.is_empty(), "{:?}", m.changes);
        assert_eq!(m.text(), live);
    }

    #[test]
    fn adds_changes_and_removes() {
        let live = "[DEFAULT]\nsql_connection = mysql://g:pw@db/glance\nbind_host = 1.2.3.4\n\n[x]\na = 1\n";
        let f = file(
            vec![
                ("DEFAULT", "bind_host", Value::plain("10.0.0.11")),
                ("DEFAULT", "registry_host", Value::plain("10.0.0.11")),
                ("database", "connection", Value::plain("cost $5")),
            ],
            vec![("DEFAULT", "sql_connection")],
        );
        let m = merge(Some(live), &f, &SecretValues::none());
        assert_eq!(
            m.text(),
            "[DEFAULT]\nbind_host = 10.0.0.11\nregistry_host = 10.0.0.11\n\n[x]\na = 1\n\n[database]\nconnection = cost $$5\n"
        );
        assert!(!m.display().contains("pw@db"));
        assert!(!m.live_display.contains("pw@db"));
        assert_eq!(m.changes.len(), 4);
    }

    #[test]
    fn sensitive_template_is_unknown_without_secrets() {
        let v = Value::Template(vec![
            Part::Lit("mysql+pymysql://glance:".into()),
            Part::UrlSecret("db.password".into()),
            Part::Lit("@10.0.0.11/glance".into()),
        ]);
        let f = file(vec![("database", "connection", v)], vec![]);
        let live = "[database]\nconnection = mysql+pymysql://glance:p%40ss@10.0.0.11/glance\n";
        let m = merge(Some(live), &f, &SecretValues::none());
        assert_eq!(m.changes[0].kind, ChangeKind::Unknown);
        let other = "[database]\nconnection = mysql+pymysql://glance:x@10.9.9.9/glance\n";
        assert_eq!(
            merge(Some(other), &f, &SecretValues::none()).changes[0].kind,
            ChangeKind::Change
        );
        let secrets = SecretValues::from_map(BTreeMap::from([(
            "db.password".to_string(),
            "p@ss".to_string(),
        )]));
        assert!(merge(Some(live), &f, &secrets).changes.is_empty());
    }

    #[test]
    fn repeated_keys_are_one_multi_valued_setting() {
        let live = "[DEFAULT]\nx = 1\n# between\nx = 2\n  continued\ny = 3\n";
        let mut f = file(vec![], vec![]);
        f.settings.push(IniSetting {
            section: "DEFAULT".into(),
            key: "x".into(),
            values: vec![Value::plain("1"), Value::plain("2\ncontinued")],
        });
        assert!(merge(Some(live), &f, &SecretValues::none())
            .changes
            .is_empty());
        f.settings[0].values.pop();
        let m = merge(Some(live), &f, &SecretValues::none());
        assert_eq!(m.changes[0].kind, ChangeKind::Change);
        assert_eq!(m.text(), "[DEFAULT]\nx = 1\n# between\ny = 3\n");
    }

    #[test]
    fn ini_value_quotes_and_escapes() {
        let none = SecretValues::none();
        assert_eq!(ini_value(&Value::plain(" a"), &none).unwrap(), "\" a\"");
        assert_eq!(ini_value(&Value::plain("'x'"), &none).unwrap(), "\"'x'\"");
        assert_eq!(ini_value(&Value::plain("a$b"), &none).unwrap(), "a$$b");
        assert!(ini_value(&Value::secret("k"), &none)
            .unwrap_err()
            .contains("`k`"));
    }
}
