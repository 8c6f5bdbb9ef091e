//! Which release a live glance-api.conf was written for, guessed from the
//! option names it holds (`glhac import`).
//!
//! Two kinds of evidence, from the option data of every release that has
//! some (src/release/known.rs):
//!
//! - **The option names commented out**, as in a sample file
//!   (`#name = default` under each section): distributions ship
//!   oslo-config-generator's sample, so these names are the release's own
//!   list. The release whose options agree best with them wins.
//! - **The keys set.** Without a sample's comments, the newest release
//!   that knows every key set (as a current option, an option deprecated
//!   for removal or a deprecated alias) wins; failing that, the newest
//!   that knows the most. A key no release knows says nothing (the HA
//!   guide's `notifier_strategy`), nor does a section no release has (a
//!   store's own section): only the releases' data can rule one out.
//!
//! Only releases with data can be told apart, so the guess is one of them;
//! the evidence says so, and `--release` overrides it.

use super::known::{Entry, Known, KNOWN};
use super::stale::{norm_key, norm_section};
use super::Release;
use std::collections::BTreeSet;

/// Fewer commented names than this are not a sample file's.
const SAMPLE_MIN: usize = 50;

/// The service whose file the guess reads.
const SERVICE: &str = "glance-api";

/// A guessed release and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    /// The release.
    pub release: Release,
    /// The evidence, one sentence each.
    pub evidence: Vec<String>,
}

type Key = (String, String);

fn normalized(keys: &[(String, String)]) -> BTreeSet<Key> {
    keys.iter()
        .map(|(s, k)| (norm_section(s), norm_key(k)))
        .collect()
}

fn release_of(k: &Known) -> Option<Release> {
    Release::parse(k.release)
}

/// The releases of glance-api with data, oldest first.
fn candidates() -> Vec<(Release, &'static Known)> {
    let mut v: Vec<(Release, &'static Known)> = KNOWN
        .iter()
        .filter(|k| k.service == SERVICE)
        .filter_map(|k| Some((release_of(k)?, k)))
        .collect();
    v.sort_by_key(|(r, _)| *r);
    v
}

/// Every option a release registers (current or deprecated for removal):
/// what its sample file lists.
fn options(k: &Known) -> BTreeSet<Key> {
    k.sections
        .iter()
        .filter(|s| s.registered)
        .flat_map(|s| {
            s.keys
                .iter()
                .filter(|(_, e)| matches!(e, Entry::Current | Entry::Deprecated(_)))
                .map(move |(key, _)| (s.name.to_string(), key.to_string()))
        })
        .collect()
}

/// Whether a release reads `[section] key` at all.
fn knows(k: &Known, (section, key): &Key) -> bool {
    k.sections
        .binary_search_by(|s| s.name.cmp(section))
        .ok()
        .is_some_and(|i| {
            k.sections[i]
                .keys
                .binary_search_by(|(n, _)| n.cmp(&key.as_str()))
                .is_ok()
        })
}

/// Guesses the release of a glance-api.conf from the keys it sets and the
/// option names it has commented out; `None` when neither says anything.
pub fn guess(set: &[(String, String)], commented: &[(String, String)]) -> Option<Guess> {
    let cands = candidates();
    let commented = normalized(commented);
    let mut g = if commented.len() >= SAMPLE_MIN {
        by_sample(&cands, &commented)
    } else {
        by_keys(&cands, &normalized(set))?
    };
    if commented.len() >= SAMPLE_MIN {
        let unknown: Vec<String> = informative(&cands, &normalized(set))
            .into_iter()
            .filter(|k| {
                cands
                    .iter()
                    .find(|(r, _)| *r == g.release)
                    .is_some_and(|(_, d)| !knows(d, k))
            })
            .map(|(s, k)| format!("[{s}] {k}"))
            .collect();
        if !unknown.is_empty() {
            g.evidence.push(format!(
                "keys set that {} does not know (left over from an older release?): {}",
                g.release,
                unknown.join(", ")
            ));
        }
    }
    Some(g)
}

/// The release whose options agree best with the commented names (size of
/// the intersection over the union); the newer one on a tie.
fn by_sample(cands: &[(Release, &Known)], commented: &BTreeSet<Key>) -> Guess {
    let mut scored: Vec<(Release, f64)> = cands
        .iter()
        .map(|(r, k)| {
            let opts = options(k);
            let both = opts.intersection(commented).count() as f64;
            let either = opts.union(commented).count() as f64;
            (*r, if either == 0.0 { 0.0 } else { both / either })
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
    let (best, score) = scored[0];
    let mut evidence = vec![format!(
        "{} option names are commented out in glance-api.conf, as in a sample file; they agree with {best}'s options at {:.0}%",
        commented.len(),
        score * 100.0
    )];
    if let Some((next, s)) = scored.get(1) {
        evidence.push(format!("next best: {next} at {:.0}%", s * 100.0));
    }
    Guess {
        release: best,
        evidence,
    }
}

/// The keys some release with data knows and another does not: the only
/// ones that tell releases apart.
fn informative(cands: &[(Release, &Known)], set: &BTreeSet<Key>) -> Vec<Key> {
    set.iter()
        .filter(|k| {
            let n = cands.iter().filter(|(_, d)| knows(d, k)).count();
            n > 0 && n < cands.len()
        })
        .cloned()
        .collect()
}

/// The newest release that knows the most of the keys set.
fn by_keys(cands: &[(Release, &Known)], set: &BTreeSet<Key>) -> Option<Guess> {
    let keys = informative(cands, set);
    if keys.is_empty() {
        return None;
    }
    let misses = |d: &Known| keys.iter().filter(|k| !knows(d, k)).count();
    let (best, data) = cands.iter().rev().min_by_key(|(_, d)| misses(d)).copied()?;
    let mut evidence = vec![format!(
        "{best} is the newest release with option data that knows {} of the {} telling keys set in glance-api.conf",
        keys.len() - misses(data),
        keys.len()
    )];
    let (first, last) = (cands[0].0, cands[cands.len() - 1].0);
    for k in &keys {
        let known: Vec<Release> = cands
            .iter()
            .filter(|(_, d)| knows(d, k))
            .map(|(r, _)| *r)
            .collect();
        let (from, to) = (known[0], known[known.len() - 1]);
        let span = match (from == first, to == last) {
            (true, false) => format!("known up to {to}"),
            (false, true) => format!("known from {from}"),
            _ => format!("known from {from} to {to}"),
        };
        let missed = if knows(data, k) {
            ""
        } else {
            "; not in the guess"
        };
        evidence.push(format!("[{}] {}: {span}{missed}", k.0, k.1));
    }
    Some(Guess {
        release: best,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(s, k)| (s.to_string(), k.to_string()))
            .collect()
    }

    fn sample_of(r: Release) -> Vec<(String, String)> {
        let (_, k) = candidates().into_iter().find(|(x, _)| *x == r).unwrap();
        options(k).into_iter().collect()
    }

    #[test]
    fn a_sample_file_names_its_release() {
        for (r, _) in candidates() {
            let g = guess(&[], &sample_of(r)).unwrap();
            assert_eq!(g.release, r, "{:?}", g.evidence);
            assert!(g.evidence[0].contains("100%"), "{:?}", g.evidence);
        }
    }

    #[test]
    fn without_comments_the_newest_release_that_knows_the_keys() {
        // worker_self_reference_url arrived after Victoria; registry_host
        // left in Victoria: nothing knows both, so the newest that knows
        // the most (ties go to the newer).
        let g = guess(&keys(&[("DEFAULT", "worker_self_reference_url")]), &[]).unwrap();
        assert!(g.release >= Release::Zed, "{:?}", g.evidence);
        let g = guess(&keys(&[("DEFAULT", "registry_host")]), &[]).unwrap();
        assert_eq!(g.release, Release::Ussuri, "{:?}", g.evidence);
        assert!(
            g.evidence
                .iter()
                .any(|e| e.contains("registry_host: known up to ussuri")),
            "{:?}",
            g.evidence
        );
    }

    #[test]
    fn keys_that_say_nothing_give_no_guess() {
        // Known to none (notifier_strategy) or to all (bind_port till
        // 2026.1 is not all: it left in 2026.2).
        assert_eq!(
            guess(
                &keys(&[("DEFAULT", "notifier_strategy"), ("images", "x")]),
                &[]
            ),
            None
        );
    }

    #[test]
    fn a_stale_key_beside_a_sample_is_named() {
        let mut set = keys(&[("DEFAULT", "registry_host")]);
        set.extend(keys(&[("database", "connection")]));
        let g = guess(&set, &sample_of(Release::Zed)).unwrap();
        assert_eq!(g.release, Release::Zed);
        assert!(
            g.evidence
                .iter()
                .any(|e| e.contains("[DEFAULT] registry_host")),
            "{:?}",
            g.evidence
        );
    }
}
