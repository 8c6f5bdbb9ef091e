//! `glhac lsp` over stdio, spoken to as an editor does: Content-Length
//! framed JSON-RPC on the process's stdin and stdout.

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How long a reply may take before the test gives up (the server is a
/// debug build, sharing the machine with other tests).
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    /// Taken by a writer thread while it sends.
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Notifications read while waiting for something else.
    pending: Vec<Value>,
    next_id: i64,
}

/// Reads framed messages until the stream ends.
fn read_frames(out: impl Read, tx: mpsc::Sender<Value>) {
    let mut r = BufReader::new(out);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = Some(v.parse::<usize>().expect("a length"));
            }
        }
        let mut body = vec![0; length.expect("the server sends Content-Length")];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let v: Value = serde_json::from_slice(&body).expect("the server sends JSON");
        assert_eq!(v["jsonrpc"], "2.0", "{v}");
        if tx.send(v).is_err() {
            return;
        }
    }
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_glhac"))
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("glhac lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || read_frames(stdout, tx));
        Client {
            child,
            stdin: Some(stdin),
            messages,
            pending: Vec::new(),
            next_id: 0,
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("no writer thread has it");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        self.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    fn ask(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(PATIENCE)
            .expect("the server answers in time")
    }

    /// The response with this id (notifications before it are kept).
    fn response(&mut self, id: &Value) -> Value {
        loop {
            let m = self.next();
            if m.get("method").is_some() {
                self.pending.push(m);
            } else if &m["id"] == id {
                return m;
            } else {
                panic!("an unexpected response: {m}");
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.ask(method, params);
        let r = self.response(&json!(id));
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// The next notification of `method`.
    fn notification(&mut self, method: &str) -> Value {
        if let Some(i) = self.pending.iter().position(|m| m["method"] == method) {
            return self.pending.remove(i);
        }
        loop {
            let m = self.next();
            if m["method"] == method {
                return m;
            }
            assert!(m["method"] != "window/logMessage", "{m}");
            self.pending.push(m);
        }
    }

    fn initialize(&mut self) -> Value {
        let r = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        r
    }

    /// Shuts down and exits; the exit status.
    fn finish(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(start.elapsed() < PATIENCE, "the server does not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const URI: &str = "file:///tmp/glha-lsp-test/spec%20one.glha";

/// The LSP position (line, UTF-16 column) of the `nth` `needle` in `text`.
fn pos(text: &str, needle: &str, nth: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).expect("in the text").0;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({
        "line": text[..at].matches('\n').count(),
        "character": text[line_start..at].encode_utf16().count(),
    })
}

fn at(text: &str, needle: &str, nth: usize) -> Value {
    json!({"textDocument": {"uri": URI}, "position": pos(text, needle, nth)})
}

fn open(c: &mut Client, text: &str) -> Value {
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "glha", "version": 1, "text": text}}),
    );
    c.notification("textDocument/publishDiagnostics")["params"].clone()
}

/// A spec with two errors after non-ASCII text on their line.
const BROKEN: &str = r#"release "2024.1"
cluster {
  node c1 { address = 10.0.0.12 }
  node c2 { address = 10.0.0.13 }
  fencing = waived "lab"
}
store = waived "lab"
vip internal { address = 10.0.0.11/24 }
database glance { driver = "mysql+pymysql"  user = "glänce𝄞"  host = vip.internl  password = secret env "DB_PW"  port = 99999 }
service glance-api { agent = systemd "glance-api"  config = "/etc/glance/glance-api.conf"  vip = vip.internal }
"#;

#[test]
fn diagnostics_have_codes_and_utf16_ranges() {
    let mut c = Client::start();
    let init = c.initialize();
    let caps = &init["capabilities"];
    for cap in [
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "referencesProvider",
        "documentFormattingProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap}: {init}");
    }
    let p = open(&mut c, BROKEN);
    assert_eq!(p["uri"], URI);
    assert_eq!(p["version"], 1);
    let diags = p["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0004", "E0106"], "{p}");
    let typo = &diags[0];
    assert_eq!(typo["severity"], 1);
    assert_eq!(typo["range"]["start"], pos(BROKEN, "internl", 0));
    let mut end = pos(BROKEN, "internl", 0);
    end["character"] = json!(end["character"].as_u64().unwrap() + 7);
    assert_eq!(typo["range"]["end"], end);
    let msg = typo["message"].as_str().unwrap();
    assert!(msg.starts_with("no vip named `internl`"), "{msg}");
    assert!(msg.contains("did you mean `vip.internal`?"), "{msg}");
    assert!(msg.contains("help: declared: vip.internal"), "{msg}");
    assert_eq!(diags[1]["range"]["start"], pos(BROKEN, "99999", 0));

    // The same as `glhac check` (with the same name for the file).
    let path = "/tmp/glha-lsp-test/spec one.glha";
    let comp = glha::check_text(path, None, BROKEN.to_string(), &glha::Options::default());
    let want: Vec<&str> = comp.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, want);

    // An incremental change with a range after non-ASCII text fixes the typo.
    let mut fix = pos(BROKEN, "internl", 0);
    fix["character"] = json!(fix["character"].as_u64().unwrap() + 6);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2},
               "contentChanges": [{"range": {"start": fix, "end": fix}, "text": "a"}]}),
    );
    let p = c.notification("textDocument/publishDiagnostics")["params"].clone();
    assert_eq!(p["version"], 2);
    let codes: Vec<&str> = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E0106"], "{p}");
    assert_eq!(c.finish(), 0);
}

/// A secret written into the spec is masked in `glhac check`'s excerpts;
/// the server's messages carry no value either.
#[test]
fn diagnostics_never_carry_a_secret() {
    let mut c = Client::start();
    c.initialize();
    let text = BROKEN.replace("secret env \"DB_PW\"", "\"hunter2-s3cr3t\"");
    let p = open(&mut c, &text);
    let all = p.to_string();
    assert!(all.contains("W0111"), "{all}");
    assert!(!all.contains("hunter2"), "{all}");
    assert_eq!(c.finish(), 0);
}

const SEED_LIKE: &str = r#"import "std/glance-api"
release "ocata"
cluster {
  node c1 { address = 10.0.0.12 }
  node c2 { address = 10.0.0.13 }
  fencing = waived "lab"
}
vip internal { address = 10.0.0.11/24 }
service glance-api {
  vip  = vip.internal
  port = 9292
  mode = active_passive
}
endpoints image { public = vip.internal  internal = vip.internal  region = "RegionOne" }
"#;

#[test]
fn hover_completion_definition_references() {
    let mut c = Client::start();
    c.initialize();
    open(&mut c, SEED_LIKE);

    let h = c.request("textDocument/hover", at(SEED_LIKE, "port", 1));
    let md = h["contents"]["value"].as_str().unwrap();
    assert_eq!(h["contents"]["kind"], "markdown");
    assert!(md.contains("The Image API port"), "{md}");
    assert!(md.contains("`9292`"), "{md}");
    assert!(md.contains("glance-api.conf `[DEFAULT] bind_port`"), "{md}");
    assert_eq!(h["range"]["start"], pos(SEED_LIKE, "port", 1));

    // After `mode = `: the modes.
    let mut p = at(SEED_LIKE, "active_passive", 0);
    let items = c.request("textDocument/completion", p.clone());
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["active_passive", "active_active"]);
    // In `vip.i|nternal`: the VIPs, replacing what is typed.
    p = at(SEED_LIKE, "vip.internal", 0);
    p["position"]["character"] = json!(p["position"]["character"].as_u64().unwrap() + 5);
    let items = c.request("textDocument/completion", p);
    assert_eq!(items[0]["label"], "vip.internal");
    assert_eq!(items[0]["textEdit"]["newText"], "vip.internal");
    assert_eq!(
        items[0]["textEdit"]["range"]["start"],
        pos(SEED_LIKE, "vip.internal", 0)
    );

    let d = c.request("textDocument/definition", at(SEED_LIKE, "vip.internal", 1));
    assert_eq!(d["uri"], URI);
    assert_eq!(d["range"]["start"], pos(SEED_LIKE, "internal", 0));

    let mut p = at(SEED_LIKE, "internal {", 0);
    p["context"] = json!({"includeDeclaration": true});
    let refs = c.request("textDocument/references", p);
    let starts: Vec<Value> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["range"]["start"].clone())
        .collect();
    assert_eq!(
        starts,
        [
            pos(SEED_LIKE, "internal", 0),
            pos(SEED_LIKE, "internal", 1),
            pos(SEED_LIKE, "internal", 2),
            pos(SEED_LIKE, "internal", 4),
        ]
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn formatting_is_the_formatters() {
    let mut c = Client::start();
    c.initialize();
    let messy = SEED_LIKE.replace("  vip  = vip.internal", "vip=vip.internal");
    open(&mut c, &messy);
    let params =
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}});
    let edits = c.request("textDocument/formatting", params.clone());
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits}");
    assert_eq!(edits[0]["newText"], glha::fmt::format(&messy).unwrap());
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    // A canonical spec: no edit.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": SEED_LIKE}]}),
    );
    c.notification("textDocument/publishDiagnostics");
    assert_eq!(
        c.request("textDocument/formatting", params.clone()),
        json!([])
    );
    // A syntax error: refused, with where.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": "vip x { address = }\n"}]}),
    );
    c.notification("textDocument/publishDiagnostics");
    let id = c.ask("textDocument/formatting", params);
    let r = c.response(&json!(id));
    assert_eq!(r["error"]["code"], -32803, "{r}");
    assert!(
        r["error"]["message"].as_str().unwrap().contains("1:"),
        "{r}"
    );
    assert_eq!(c.finish(), 0);
}

/// Unknown methods, broken frames and wrong parameters get JSON-RPC errors
/// and the server goes on serving.
#[test]
fn bad_messages_get_errors_and_the_server_serves_on() {
    let mut c = Client::start();
    // Before initialize.
    let id = c.ask("textDocument/hover", at(SEED_LIKE, "port", 1));
    assert_eq!(c.response(&json!(id))["error"]["code"], -32002);
    c.initialize();
    open(&mut c, SEED_LIKE);

    let id = c.ask("glha/nonsense", json!({}));
    assert_eq!(c.response(&json!(id))["error"]["code"], -32601);
    let id = c.ask("textDocument/hover", json!({"nope": 1}));
    assert_eq!(c.response(&json!(id))["error"]["code"], -32602);
    let id = c.ask(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///not/open.glha"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(c.response(&json!(id))["error"]["code"], -32602);

    let parse_error = |c: &mut Client| {
        let m = c.next();
        assert_eq!(m["id"], Value::Null, "{m}");
        m["error"]["code"].as_i64().unwrap()
    };
    c.raw(b"Content-Length: 9\r\n\r\n{not json");
    assert_eq!(parse_error(&mut c), -32700);
    c.raw(b"Content-Type: nothing else\r\n\r\n");
    assert_eq!(parse_error(&mut c), -32700);
    c.raw(b"Content-Length: 2\r\n\r\n[]");
    assert_eq!(parse_error(&mut c), -32600);
    c.raw(b"Content-Length: 23\r\n\r\n{\"jsonrpc\":\"2.0\",\"x\":1}");
    assert_eq!(parse_error(&mut c), -32600);
    // A notification with wrong parameters has no reply to carry an
    // error: it is logged.
    c.notify("textDocument/didOpen", json!({"textDocument": 5}));
    let m = c.next();
    assert_eq!(m["method"], "window/logMessage", "{m}");

    // Still serving.
    let h = c.request("textDocument/hover", at(SEED_LIKE, "port", 1));
    assert!(h["contents"]["value"].as_str().unwrap().contains("port"));
    assert_eq!(c.finish(), 0);
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let mut c = Client::start();
    c.initialize();
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

/// The requests sent with each document of the corpus.
const REQUESTS: i64 = 4;

/// Every text of the corpus: the case files, the examples, and every
/// prefix and one-character deletion of each example.
fn corpus() -> Vec<String> {
    let root = common::root();
    let mut docs = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir(root.join("tests/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "glha"))
        .collect();
    cases.sort();
    for p in cases {
        docs.push(std::fs::read_to_string(p).unwrap());
    }
    for ex in common::examples() {
        let text = std::fs::read_to_string(&ex).unwrap();
        for (i, ch) in text.char_indices() {
            docs.push(text[..i].to_string());
            docs.push(format!("{}{}", &text[..i], &text[i + ch.len_utf8()..]));
        }
        docs.push(text);
    }
    docs
}

/// The server survives every text of the corpus: each change is checked
/// (one publishDiagnostics per version), and a completion, a hover, a
/// definition and a references request at the place of the edit get an
/// answer that is no error. One server takes them all, the requests
/// pipelined.
#[test]
fn replays_the_corpus_without_failing() {
    let docs = corpus();
    assert!(docs.len() > 5000, "{}", docs.len());
    let mut c = Client::start();
    c.initialize();
    open(&mut c, "");
    let start = Instant::now();
    let total = docs.len();
    // A writer thread, so that the replies are read while it sends.
    let mut stdin = c.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let frame = |v: Value| {
            let body = v.to_string();
            format!("Content-Length: {}\r\n\r\n{body}", body.len())
        };
        for (n, text) in docs.iter().enumerate() {
            let version = n as i64 + 2;
            let line = text.matches('\n').count();
            let character = text[text.rfind('\n').map_or(0, |i| i + 1)..]
                .encode_utf16()
                .count();
            let position = json!({"line": line, "character": character});
            let doc = json!({"uri": URI});
            let id = |k: i64| REQUESTS * version + k;
            let out = [
                frame(json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                    "params": {"textDocument": {"uri": URI, "version": version},
                               "contentChanges": [{"text": text}]}})),
                frame(
                    json!({"jsonrpc": "2.0", "id": id(0), "method": "textDocument/completion",
                    "params": {"textDocument": doc, "position": position}}),
                ),
                frame(
                    json!({"jsonrpc": "2.0", "id": id(1), "method": "textDocument/hover",
                    "params": {"textDocument": doc, "position": position}}),
                ),
                frame(
                    json!({"jsonrpc": "2.0", "id": id(2), "method": "textDocument/definition",
                    "params": {"textDocument": doc, "position": position}}),
                ),
                frame(
                    json!({"jsonrpc": "2.0", "id": id(3), "method": "textDocument/references",
                    "params": {"textDocument": doc, "position": position,
                               "context": {"includeDeclaration": true}}}),
                ),
            ]
            .concat();
            stdin.write_all(out.as_bytes()).unwrap();
        }
        stdin.flush().unwrap();
        stdin
    });
    let (mut published, mut answered) = (0, 0);
    while published < total || answered < REQUESTS as usize * total {
        let m = c.next();
        match m["method"].as_str() {
            Some("textDocument/publishDiagnostics") => {
                published += 1;
                assert_eq!(m["params"]["version"], published as i64 + 1, "{m}");
            }
            Some(other) => panic!("{other}: {m}"),
            None => {
                assert!(m.get("error").is_none(), "{m}");
                answered += 1;
            }
        }
    }
    c.stdin = Some(writer.join().unwrap());
    eprintln!(
        "replayed {total} documents (a check and {REQUESTS} requests each) in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    assert_eq!(c.finish(), 0);
}

/// How long a re-check takes, from didChange to publishDiagnostics, for
/// each example: printed, not judged (the target is 5 ms; `cargo bench`
/// times the library's part in a release build).
#[test]
fn recheck_time_is_reported() {
    let mut c = Client::start();
    c.initialize();
    open(&mut c, "");
    let mut version = 1;
    for ex in common::examples() {
        let text = std::fs::read_to_string(&ex).unwrap();
        let mut times = Vec::new();
        for _ in 0..20 {
            version += 1;
            let t = Instant::now();
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]}),
            );
            let p = c.notification("textDocument/publishDiagnostics");
            times.push(t.elapsed());
            assert_eq!(p["params"]["version"], version);
        }
        times.sort();
        eprintln!(
            "re-check {} over stdio: median {:.2} ms (debug build)",
            ex.file_name().unwrap(),
            times[times.len() / 2].as_secs_f64() * 1e3
        );
    }
    assert_eq!(c.finish(), 0);
}

/// The VS Code extension (editors/textmate/extension.js) starts
/// `glhac lsp` for glha documents: run in node with the two modules it
/// loads from VS Code and npm replaced by recorders.
#[test]
fn the_vscode_extension_runs_glhac_lsp() {
    if !common::tool("node") {
        return;
    }
    let ext = common::root().join("editors/textmate/extension.js");
    let script = r#"
const Module = require('module');
const seen = {};
const load = Module._load;
Module._load = function (name, ...rest) {
  if (name === 'vscode') {
    return { workspace: { getConfiguration: (s) => ({ get: (k) => (seen.config = s + '.' + k, undefined) }) } };
  }
  if (name === 'vscode-languageclient/node') {
    return {
      TransportKind: { stdio: 0 },
      LanguageClient: class {
        constructor(id, name, server, client) { Object.assign(seen, { id, server, selector: client.documentSelector }); }
        start() { seen.started = true; return Promise.resolve(); }
        stop() { seen.stopped = true; }
        dispose() {}
      },
    };
  }
  return load.call(this, name, ...rest);
};
const ext = require(process.argv[1]);
const context = { subscriptions: [] };
ext.activate(context);
ext.deactivate();
seen.subscriptions = context.subscriptions.length;
console.log(JSON.stringify(seen));
"#;
    let out = common::run_ok(
        Command::new("node").args(["-e", script, ext.as_str()]),
        "node extension.js",
    );
    let seen: Value = serde_json::from_str(out.trim()).expect("the recorded calls");
    assert_eq!(
        seen,
        json!({
            "config": "glha.server.path",
            "id": "glha",
            "server": {"command": "glhac", "args": ["lsp"], "transport": 0},
            "selector": [{"language": "glha"}],
            "started": true,
            "stopped": true,
            "subscriptions": 1,
        })
    );
    // The language client adds `--stdio` for the stdio transport.
    let mut c = Client::start();
    c.initialize();
    assert_eq!(c.finish(), 0);
}

/// A document on disk imports `./NAME` from its own directory; a problem
/// in the module is shown at the `import` that loads it, with its place.
#[test]
fn diagnostics_of_a_local_module_point_at_its_import() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.glha"),
        "# a site module\nvip stray { address = 10.0.0.99/24 }\n",
    )
    .unwrap();
    let spec = dir.path().join("my spec.glha");
    let text = format!("release \"2024.1\"\nimport \"./site\"\n{}", &BROKEN[17..]);
    let uri = format!("file://{}", spec.to_str().unwrap().replace(' ', "%20"));
    let mut c = Client::start();
    c.initialize();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "glha", "version": 1, "text": text}}),
    );
    let p = c.notification("textDocument/publishDiagnostics")["params"].clone();
    let stray = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("not allowed in a module")
        })
        .unwrap_or_else(|| panic!("no diagnostic of the module: {p}"))
        .clone();
    assert_eq!(stray["code"], "E0005");
    assert_eq!(stray["range"]["start"], json!({"line": 1, "character": 0}));
    // Named as the import resolved it, as `glhac check` names it.
    let site = format!("{}/./site.glha", dir.path().display());
    assert!(
        stray["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{site}:2:1: ")),
        "{stray}"
    );
    assert_eq!(c.finish(), 0);
}
