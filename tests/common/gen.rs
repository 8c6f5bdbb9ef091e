//! Generators of `.glha`-like text for property tests, shared by the
//! integration tests (`mod common`) and the parser's own unit tests (which
//! include this file by path): mutations of a spec and token soup.

use proptest::prelude::*;

/// Characters that matter to the grammar, mixed with arbitrary ones.
pub fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            '{', '}', '[', ']', '"', '\\', '=', '\n', '#', '.', '/', ':', ' ', '0', '9', 'a',
            'z', '_', '-', 's', '\'', '\t', '\r', '$', ',', 'é', '日', '\u{0}', '\u{2028}',
        ]),
        1 => any::<char>(),
    ]
}

/// One edit at a character position (taken modulo the text's length).
#[derive(Debug, Clone)]
pub enum Edit {
    /// Insert a character.
    Insert(usize, char),
    /// Delete the character there.
    Delete(usize),
    /// Replace the character there.
    Replace(usize, char),
}

/// Any one edit.
pub fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), interesting_char()).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), interesting_char()).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

/// Applies edits in order.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match *e {
            Edit::Insert(i, c) => chars.insert(i % (chars.len() + 1), c),
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i % chars.len());
            }
            Edit::Replace(i, c) if !chars.is_empty() => {
                let at = i % chars.len();
                chars[at] = c;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Fragments of .glha, so generated text reaches the checker, not only
/// the parser.
pub fn token_soup() -> impl Strategy<Value = String> {
    let tokens = vec![
        "release \"ocata\"",
        "release \"2025.2\"",
        "import \"std/glance-api\"",
        "import \"std/nova\"",
        "import \"./x\"",
        "cluster",
        "node",
        "controller1",
        "vip",
        "internal",
        "service",
        "glance-api",
        "database",
        "rabbitmq",
        "keystone",
        "endpoints",
        "consumer",
        "nova",
        "fencing",
        "defaults",
        "agent",
        "op",
        "monitor",
        "params",
        "meta",
        "property",
        "address",
        "hosts",
        "password",
        "{",
        "}",
        "[",
        "]",
        "=",
        ",",
        "10.0.0.11",
        "10.0.0.11/24",
        "10.0.0.300",
        "2001:db8::11/64",
        "::",
        "/0",
        "vip.internal",
        "node.controller1",
        "30s",
        "0s",
        "9292",
        "0",
        "99999999999999999999999",
        "\"text\"",
        "\"a\\nb\"",
        "\"\"",
        "secret env \"X\"",
        "secret file \"/x\"",
        "waived \"lab\"",
        "external \"nfs\"",
        "store",
        "mount",
        "backend = file",
        "ocf \"openstack\" \"glance-api\"",
        "systemd \"glance-api\"",
        "stonith \"fence_ipmilan\"",
        "active_active",
        "\n",
        "# comment\n",
    ];
    prop::collection::vec(prop::sample::select(tokens), 0..60).prop_map(|t| t.join(" "))
}
