//! HAProxy, started from the section glha writes, in front of a small HTTP
//! server standing in for glance-api (it answers every GET with the
//! request's headers as JSON). Everything listens on 127.0.0.0/8 and every
//! process started here is ended here.
//!
//! - TLS round trip (active/passive, HAProxy in the group): `curl
//!   --cacert` over https gets 200 through the VIP's TLS bind with a PEM
//!   openssl made for the test (in a directory whose name has a space and
//!   a `'`); the backend sees `X-Forwarded-Proto: https`, one
//!   `X-Forwarded-For`, and none of the forwarding headers the client
//!   tried to set; the plain bind on the same VIP says `http`.
//! - A glance-api that dies (active/active, two backends): every request
//!   through HAProxy in the seconds before the health checks mark it down
//!   succeeds (`retries`, `option redispatch 1`); the same section without
//!   those two lines fails some, so the check can fail.
//!
//! Missing tools skip loudly; with GLHA_REQUIRE_TOOLS=1 (CI) they fail.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The stand-in for glance-api: the request's headers as JSON, plus the
/// port it listens on (`x-backend`).
const ECHO: &str = r#"
import http.server, json, sys
port = int(sys.argv[1])
class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        seen = {}
        for k, v in self.headers.items():
            seen.setdefault(k.lower(), []).append(v)
        seen["x-backend"] = [str(port)]
        body = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Echo).serve_forever()
"#;

/// A process ended when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tools() -> bool {
    ["haproxy", "openssl", "curl", "python3"]
        .iter()
        .all(|t| common::tool(t))
}

/// A port no one listens on now, on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn echo(dir: &Path, port: u16) -> Running {
    let script = dir.join("echo.py");
    std::fs::write(&script, ECHO).unwrap();
    Running(
        Command::new("python3")
            .arg(&script)
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs"),
    )
}

/// haproxy in the foreground on `global` + `section`; its log in
/// `dir/haproxy.log`. Every address in the file must be a loopback one.
fn haproxy(dir: &Path, section: &str) -> Running {
    for word in section.split(|c: char| c.is_whitespace() || c == '[' || c == ']') {
        if let Some((addr, _)) = word.rsplit_once(':') {
            if let Ok(ip) = addr.parse::<std::net::IpAddr>() {
                assert!(
                    ip.is_loopback(),
                    "{ip} in the section is not loopback:\n{section}"
                );
            }
        }
    }
    let cfg = dir.join("haproxy.cfg");
    std::fs::write(
        &cfg,
        format!("global\n    log stdout format raw local0\n\n{section}"),
    )
    .unwrap();
    let (ok, out) = common::pcmk::run(Command::new("haproxy").arg("-c").arg("-f").arg(&cfg));
    assert!(
        ok && !out.contains("[WARNING]"),
        "haproxy -c:\n{out}\n{section}"
    );
    let log = std::fs::File::create(dir.join("haproxy.log")).unwrap();
    Running(
        Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&cfg)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("haproxy runs"),
    )
}

/// `curl` with `args`; the HTTP status and the body.
fn curl(args: &[&str]) -> (String, String) {
    let out = Command::new("curl")
        .args(["-s", "--max-time", "10", "-w", "\n%{http_code}"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (code.to_string(), body.to_string())
}

/// Polls until `args` gets 200 (the first request after a start may get
/// 503 while the first health check is pending); the body.
fn until_ok(args: &[&str], log: &Path) -> String {
    let start = Instant::now();
    loop {
        let (code, body) = curl(args);
        if code == "200" {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "curl {args:?}: still {code} after 20 s\nhaproxy said:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn compile(name: &str, text: &str) -> glha::Compilation {
    let c = glha::compile_str(name, text, &glha::Options::default());
    assert!(
        !c.diagnostics.has_errors(),
        "{name}:\n{}",
        glha::diagnostic::render(&c.diagnostics, &c.sources, false)
    );
    c
}

/// The header values the backend saw.
fn header(body: &str, name: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v.get(name)
        .and_then(|h| h.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn tls_round_trip_through_the_bundles_section() {
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let vip = "127.77.0.10";
    let certs = common::tls::self_signed(&dir.join("it's certs"), &[&format!("IP:{vip}")]);
    let (back, tls_port, plain_port) = (free_port(), free_port(), free_port());
    let pem = certs
        .pem
        .to_str()
        .unwrap()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    // Active/passive: an https endpoint puts HAProxy in the group; glance-api
    // (here the stand-in) listens on 127.0.0.1 at the service's port.
    let spec = format!(
        r#"import "std/glance-api"
release "2025.2"
cluster {{
  node a {{ address = 127.77.0.12 }}
  node b {{ address = 127.77.0.13 }}
  fencing = waived "test"
}}
vip api {{ address = {vip}/24 }}
store = waived "test"
service glance-api {{ agent = systemd "glance-api"  vip = vip.api  port = {back} }}
endpoints image {{
  region   = "RegionOne"
  public   {{ host = vip.api  scheme = "https"  port = {tls_port} }}
  internal {{ host = vip.api  port = {plain_port} }}
}}
tls {{ certificate = "{pem}" }}
"#
    );
    let comp = compile("tls.glha", &spec);
    let plan = comp.plan.as_ref().unwrap();
    let b = plan.balancer.as_ref().expect("HAProxy in front");
    assert_eq!(b.servers[0].address.to_string(), "127.0.0.1");
    let file = comp
        .bundle
        .as_ref()
        .unwrap()
        .get(&glha::emit::ini::files_path(None, &b.target))
        .unwrap()
        .to_string();
    let section: String = file
        .lines()
        .skip_while(|l| !l.starts_with("listen "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(section.contains(" ssl crt '"), "{section}");

    let _backend = echo(dir, back);
    let _proxy = haproxy(dir, &section);
    let log = dir.join("haproxy.log");
    let ca = certs.ca.to_str().unwrap();
    let https = format!("https://{vip}:{tls_port}/v2/images");
    // A client that tries to pass its own forwarding headers.
    let spoof = [
        "-H",
        "X-Forwarded-For: 192.0.2.66",
        "-H",
        "X-Forwarded-Host: evil.example",
        "-H",
        "Forwarded: for=192.0.2.66;proto=http;host=evil.example",
        "-H",
        "X-Forwarded-Prefix: /evil",
    ];
    let mut args = vec!["--cacert", ca, https.as_str()];
    args.extend(spoof);
    let body = until_ok(&args, &log);
    assert_eq!(header(&body, "x-forwarded-proto"), ["https"], "{body}");
    let xff = header(&body, "x-forwarded-for");
    assert!(
        matches!(xff.as_slice(), [one] if one.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())),
        "X-Forwarded-For {xff:?}: {body}"
    );
    for gone in ["forwarded", "x-forwarded-host", "x-forwarded-prefix"] {
        assert!(
            header(&body, gone).is_empty(),
            "{gone} reached glance-api: {body}"
        );
    }
    assert_eq!(header(&body, "x-backend"), [back.to_string()]);
    // The certificate is checked: without the CA, curl refuses.
    let (code, _) = curl(&[https.as_str()]);
    assert_eq!(code, "000", "an unknown CA must fail the handshake");
    // The plain bind of the same VIP: http, whatever the client says.
    let plain = format!("http://{vip}:{plain_port}/v2/images");
    let body = until_ok(&["-H", "X-Forwarded-Proto: https", plain.as_str()], &log);
    assert_eq!(header(&body, "x-forwarded-proto"), ["http"], "{body}");
    eprintln!("TLS round trip through {vip}:{tls_port} (ssl) and {vip}:{plain_port}: ok");
}

/// Requests to `url` through HAProxy while one of two backends is dead
/// and not yet marked down: (requests, failures).
fn during_failover(
    dir: &Path,
    section: &str,
    ports: [u16; 2],
    url: &str,
    window: Duration,
) -> (usize, usize) {
    let first = echo(dir, ports[0]);
    let _second = echo(dir, ports[1]);
    let _proxy = haproxy(dir, section);
    let log = dir.join("haproxy.log");
    // Both backends up, and long enough for every health to be full: then
    // it takes `fall` failed checks to mark one down.
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 2 {
        seen.insert(header(&until_ok(&[url], &log), "x-backend"));
    }
    std::thread::sleep(window);
    drop(first);
    let start = Instant::now();
    let (mut requests, mut failures) = (0, 0);
    while start.elapsed() < window {
        let (code, _) = curl(&[url]);
        requests += 1;
        failures += usize::from(code != "200");
    }
    (requests, failures)
}

#[test]
fn requests_survive_a_dead_glance_api() {
    if !tools() {
        return;
    }
    let front = free_port();
    // Active/active with the nodes' addresses of a real cluster; the test
    // moves the binds and servers to loopback addresses in the plan and
    // renders the section with glha's own writer.
    let spec = format!(
        r#"import "std/glance-api"
release "2025.2"
cluster {{
  node a {{ address = 10.77.0.12 }}
  node b {{ address = 10.77.0.13 }}
  fencing = waived "test"
}}
vip api {{ address = 10.77.0.10/24 }}
store = waived "test"
service glance-api {{ agent = systemd "glance-api"  mode = active_active  vip = vip.api  port = {front} }}
haproxy {{ check_interval = 500ms  fall = 8 }}
"#
    );
    let comp = compile("aa.glha", &spec);
    let mut b = comp.plan.unwrap().balancer.unwrap();
    let ports = [free_port(), free_port()];
    b.binds[0].address = "127.77.0.20".parse().unwrap();
    for (s, port) in b.servers.iter_mut().zip(ports) {
        s.address = "127.0.0.1".parse().unwrap();
        s.port = port;
    }
    let section = glha::emit::haproxy::section(&b);
    assert!(section.contains("    retries 3\n") && section.contains("    option redispatch 1\n"));
    // fall × check_interval: the health checks need this long to see it.
    let window = Duration::from_millis(8 * 500);

    let url = format!("http://127.77.0.20:{front}/healthcheck");

    let tmp = tempfile::tempdir().unwrap();
    let (n, failed) = during_failover(tmp.path(), &section, ports, &url, window);
    assert!(n >= 10, "only {n} requests in the window");
    assert_eq!(
        failed, 0,
        "{failed} of {n} requests failed while a backend was dead"
    );
    eprintln!("a dead backend, glha's section: {failed} of {n} requests failed");

    // Control: without retries to another server, some fail.
    let control: String = section
        .lines()
        .filter(|l| !l.contains("retries") && !l.contains("redispatch"))
        .map(|l| format!("{l}\n"))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let (n, failed) = during_failover(tmp.path(), &control, ports, &url, window);
    assert!(
        failed > 0,
        "without redispatch no request failed ({n} sent): the test cannot fail"
    );
    eprintln!("a dead backend, without retries and redispatch: {failed} of {n} requests failed");
}
