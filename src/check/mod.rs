//! Phase 3, check: turn the resolved syntax tree into a typed [`Spec`],
//! reporting every problem at its span (never just the first).

mod catalog;
mod cluster;
mod fencing;
mod fields;
mod ids;
pub(crate) mod mode;
mod release;
mod resource;
mod served;
mod service;
mod services;
mod store;
mod tls;
mod values;

/// glance's documented node-local staging and tasks directories (an
/// import compares a live store's with them).
pub(crate) use store::{LOCAL_STAGING, LOCAL_TASKS};
pub use values::unsafe_char;

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::{Node, Spec, Vip};
use crate::release::Release;
use crate::resolve::Resolved;
use crate::source::{SourceMap, Span};
use crate::syntax::{Item, ItemKind, Value, ValueKind};
use fields::{suggest, Fields};

/// What references can name.
pub(crate) struct Scope {
    pub(crate) vips: Vec<Vip>,
    pub(crate) nodes: Vec<Node>,
    /// Declared names whose declaration has an error: references to them
    /// fail quietly, the declaration's own error says it all.
    pub(crate) broken: Vec<String>,
    /// Kinds (`vip`, `node`) whose declarations a syntax error may have
    /// cut: a name of these kinds that is not found is not reported, the
    /// syntax error explains it.
    pub(crate) incomplete: Vec<&'static str>,
}

impl Scope {
    /// Resolves `kind.NAME` against the declared `names` (in order); the
    /// list is only collected to say what is declared when the name is
    /// not, so a reference costs no allocation.
    fn lookup<'s>(
        &self,
        v: &Value,
        kind: &str,
        names: impl Iterator<Item = &'s str> + Clone,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        let ValueKind::Ref(parts) = &v.kind else {
            diags.push(fields::wrong(
                v.span,
                kind,
                &format!("a reference such as {kind}.NAME"),
                &v.kind,
            ));
            return None;
        };
        let shown: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        if parts.len() != 2 || parts[0].name != kind {
            diags.push(
                Diagnostic::error(
                    &codes::UNKNOWN_REFERENCE,
                    v.span,
                    format!("`{}` is not a {kind} reference", shown.join(".")),
                )
                .help(format!(
                    "write `{kind}.NAME` with the name of a declared {kind}"
                )),
            );
            return None;
        }
        let name = &parts[1];
        if let Some(i) = names.clone().position(|n| n == name.name) {
            return Some(i);
        }
        let names: Vec<&str> = names.collect();
        if self.broken.contains(&format!("{kind}.{}", name.name)) || self.incomplete.contains(&kind)
        {
            return None;
        }
        let mut d = Diagnostic::error(
            &codes::UNKNOWN_REFERENCE,
            name.span,
            format!("no {kind} named `{}`", name.name),
        );
        if let Some(s) = suggest(&name.name, &names) {
            d = d.label(format!("did you mean `{kind}.{s}`?"));
        }
        d = if names.is_empty() {
            d.help(format!("declare it: `{kind} {} {{ … }}`", name.name))
        } else {
            d.help(format!(
                "declared: {}",
                names
                    .iter()
                    .map(|n| format!("{kind}.{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        };
        diags.push(d);
        None
    }

    /// Resolves `vip.NAME` to an index into `vips`.
    pub(crate) fn vip(&self, v: &Value, diags: &mut Diagnostics) -> Option<usize> {
        self.lookup(
            v,
            "vip",
            self.vips.iter().map(|x| x.name.value.as_str()),
            diags,
        )
    }

    /// Resolves `node.NAME` to an index into `nodes`.
    pub(crate) fn node(&self, v: &Value, diags: &mut Diagnostics) -> Option<usize> {
        self.lookup(
            v,
            "node",
            self.nodes.iter().map(|x| x.name.value.as_str()),
            diags,
        )
    }
}

/// Checks a resolved spec. Returns the model when it could be built; the
/// caller must still look at `diags` for errors. Takes the tree by value:
/// the top level is filtered without copying it (it holds every string of
/// the spec).
pub fn check(
    resolved: Resolved,
    sources: &mut SourceMap,
    release_override: Option<Release>,
    diags: &mut Diagnostics,
) -> Option<Spec> {
    let Resolved {
        items,
        agents,
        incomplete,
        ..
    } = resolved;
    let whole = items
        .first()
        .map(|i| Span {
            end: items.last().map_or(i.span.end, |l| l.span.end),
            ..i.span
        })
        .unwrap_or(Span::new(crate::source::FileId(0), 0, 0));

    let (release, release_span) = release_of(&items, release_override, whole, incomplete, diags);
    let rest: Vec<Item> = items
        .into_iter()
        .filter(|i| !is_release(i) && !misplaced_directive(i, diags))
        .collect();
    let top = Fields::spec(whole, &rest, incomplete, diags);

    let (vips, declared) = cluster::vips(&top, diags);
    let cluster = cluster::cluster(&top, &vips, diags, sources);
    let nodes = cluster
        .as_ref()
        .map(|c| c.nodes.clone())
        .unwrap_or_default();
    let valid: std::collections::HashSet<&str> =
        vips.iter().map(|v| v.name.value.as_str()).collect();
    let mut broken: Vec<String> = declared
        .iter()
        .filter(|d| !valid.contains(d.value.as_str()))
        .map(|d| format!("vip.{}", d.value))
        .collect();
    broken.extend(cluster.iter().flat_map(|c| c.broken.iter().cloned()));
    // VIPs are declared at the top level, nodes in the cluster block.
    let mut incomplete = Vec::new();
    if top.incomplete {
        incomplete.push("vip");
    }
    if top
        .blocks("cluster")
        .next()
        .map_or(top.incomplete, |(_, _, c)| c.incomplete)
    {
        incomplete.push("node");
    }
    let scope = Scope {
        vips,
        nodes,
        broken,
        incomplete,
    };
    let agents = resource::agents(&agents, diags);

    let database = services::database(&top, &scope, sources, diags);
    let rabbit = services::rabbit(&top, &scope, sources, diags);
    let keystone = services::keystone(&top, sources, diags);
    let service = service::service(&top, &scope, &agents, sources, diags);
    let endpoints = catalog::endpoints(&top, &scope, keystone.as_ref(), service.as_ref(), diags);
    let consumers = catalog::consumers(&top, diags);
    let tls = tls::tls(&top, diags);
    let store_cx = store::Context {
        root: resolved.root,
        release,
        keystone: keystone.as_ref(),
        agents: &agents,
    };
    let store = store::store(&top, &store_cx, sources, diags);
    store::required(&top, store.is_some(), diags);

    let cluster = cluster?;
    let service = service?;
    let mut spec = Spec {
        release,
        release_span,
        nodes: scope.nodes,
        vips: scope.vips,
        fencing: cluster.fencing,
        properties: cluster.properties,
        database,
        rabbit,
        keystone,
        service,
        endpoints,
        consumers,
        haproxy: None,
        tls,
        store,
    };
    cluster::cross_check(&spec, diags);
    fencing::one_machine(&spec, &agents, diags);
    service::cross_check(&spec, diags);
    release::check(&spec, diags);
    mode::check(&top, &agents, &mut spec, diags);
    served::check(&spec, top.blocks("tls").next().is_some(), diags);
    store::cross_check(&spec, diags);
    ids::check(&spec, diags);
    Some(spec)
}

/// Reports top-level directives other than `release`/`import` (typos) and
/// `release = …`/`import = …` written as attributes; returns whether it did.
fn misplaced_directive(i: &Item, diags: &mut Diagnostics) -> bool {
    use crate::schema::DIRECTIVES;
    let name = i.key.name.as_str();
    match &i.kind {
        ItemKind::Directive(arg, _) => {
            let mut d = Diagnostic::error(
                &codes::UNKNOWN_KEY,
                i.key.span,
                format!("unknown directive `{name}`"),
            );
            d = match suggest(name, DIRECTIVES) {
                Some(s) => d.label(format!("did you mean `{s}`?")).help(format!("write `{s} \"{arg}\"`")),
                None => d.help("the directives are `release \"NAME\"` and `import \"MODULE\"`; blocks are written `NAME { … }`"),
            };
            diags.push(d);
            true
        }
        ItemKind::Attribute(v) if DIRECTIVES.contains(&name) => {
            let shown = match &v.kind {
                ValueKind::Str(s) => format!("{name} \"{s}\""),
                _ => format!("{name} \"…\""),
            };
            diags.push(
                Diagnostic::error(
                    &codes::UNKNOWN_KEY,
                    i.key.span,
                    format!("`{name}` is a directive, not a key"),
                )
                .label("no `=` here")
                .help(format!("write `{shown}`")),
            );
            true
        }
        _ => false,
    }
}

fn is_release(i: &Item) -> bool {
    i.key.name == "release" && matches!(i.kind, ItemKind::Directive(..))
}

/// The release: `--release`, else the spec's `release`, else the newest
/// (with a note, unless a syntax error may have lost the `release`).
fn release_of(
    items: &[Item],
    over: Option<Release>,
    whole: Span,
    incomplete: bool,
    diags: &mut Diagnostics,
) -> (Release, Option<Span>) {
    let mut found: Option<(Release, Span)> = None;
    for i in items.iter().filter(|i| is_release(i)) {
        let ItemKind::Directive(name, span) = &i.kind else {
            continue;
        };
        if let Some((_, first)) = found {
            diags.push(
                Diagnostic::error(&codes::DUPLICATE, i.key.span, "`release` is given twice")
                    .with_secondary(first, "first given here")
                    .help(
                        "keep one `release`; `glhac build --release R` overrides it for one build",
                    ),
            );
            continue;
        }
        match Release::parse(name) {
            Some(r) => found = Some((r, *span)),
            None => {
                let names: Vec<&str> = Release::ALL.iter().map(|r| r.name()).collect();
                let mut d = Diagnostic::error(
                    &codes::UNKNOWN_RELEASE,
                    *span,
                    format!("unknown release `{name}`"),
                );
                if let Some(s) = suggest(&name.to_ascii_lowercase(), &names) {
                    d = d.label(format!("did you mean `{s}`?"));
                }
                diags.push(d.help(format!("glha knows {}", names.join(", "))));
                found = Some((Release::NEWEST, *span));
            }
        }
    }
    match (over, found) {
        (Some(r), f) => (r, f.map(|(_, s)| s)),
        (None, Some((r, s))) => (r, Some(s)),
        (None, None) => {
            if !items.is_empty() && !incomplete {
                diags.push(
                    Diagnostic::note(
                        &codes::NO_RELEASE,
                        Span {
                            end: whole.start,
                            ..whole
                        },
                        format!("no `release` given; using the newest, {}", Release::NEWEST),
                    )
                    .help(format!(
                        "pin it with `release \"{}\"` so a newer glha does not change the output",
                        Release::NEWEST
                    )),
                );
            }
            (Release::NEWEST, None)
        }
    }
}
