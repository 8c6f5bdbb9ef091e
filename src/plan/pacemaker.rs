//! The Pacemaker model: what the plan configures, and what `diff` reads
//! from a live CIB (`cibadmin -Q` XML or `crm configure show` text) into the
//! same types. One serialiser per object and output language renders it:
//! [`crate::emit::crm`], [`crate::emit::pcs`], [`crate::emit::cib`].
//!
//! A live configuration can hold more than glha writes (rules, resource
//! sets, operation attributes, …). The reader does not drop that: whatever
//! an object has beyond this model is listed in [`Live::unmodelled`], so a
//! comparison can say so, and an import can warn about it.

use super::{AgentRef, Duration, OrderKind, Score, Value};
use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// The Pacemaker configuration.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Pacemaker {
    /// Primitive resources, fencing devices included, in dependency order.
    pub primitives: Vec<Primitive>,
    /// Groups: members start in order and run together.
    pub groups: Vec<Group>,
    /// Clones: a resource (or group) running on every node.
    pub clones: Vec<Clone>,
    /// Location constraints.
    pub locations: Vec<Location>,
    /// Colocation constraints.
    pub colocations: Vec<Colocation>,
    /// Order constraints.
    pub orders: Vec<Order>,
    /// Cluster properties (crm_config).
    pub properties: Vec<(String, String)>,
    /// Lines of explanation written as comments at the top of scripts.
    pub comments: Vec<Comment>,
    /// What a live configuration has beyond this model; empty in a plan
    /// lowered from a spec.
    #[serde(skip_serializing_if = "Live::is_empty")]
    pub live: Live,
}

/// A comment at the top of the scripts: a lead-in, then a text that is
/// shared rather than copied. A waiver's reason is the spec's own string
/// and can be as long as the spec; a copy here was a third one in memory
/// (with the source text and the checked spec's). Written, and
/// serialised, as the one string `lead` + `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// What the comment starts with (`fencing waived: `), or nothing.
    pub lead: &'static str,
    /// The rest of it.
    pub text: Arc<String>,
}

impl From<String> for Comment {
    fn from(text: String) -> Self {
        Comment {
            lead: "",
            text: Arc::new(text),
        }
    }
}

impl From<&str> for Comment {
    fn from(text: &str) -> Self {
        Comment::from(text.to_string())
    }
}

impl fmt::Display for Comment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.lead, self.text)
    }
}

impl Serialize for Comment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One primitive resource.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Primitive {
    /// Resource id.
    pub id: String,
    /// The agent that runs it.
    pub agent: AgentRef,
    /// Instance attributes, in spec order.
    pub params: Vec<(String, Value)>,
    /// Meta attributes.
    pub meta: Vec<(String, String)>,
    /// Operations, exactly as given (no defaults added).
    pub ops: Vec<Op>,
}

/// A resource operation.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Op {
    /// `monitor`, `start`, `stop`.
    pub name: String,
    /// How often a recurring operation runs; zero for start and stop.
    pub interval: Duration,
    /// How long it may take, if given.
    pub timeout: Option<Duration>,
}

/// A group.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Group {
    /// Group id.
    pub id: String,
    /// Member resource ids, in start order.
    pub members: Vec<String>,
    /// Meta attributes.
    pub meta: Vec<(String, String)>,
}

/// A clone.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Clone {
    /// Clone id.
    pub id: String,
    /// The cloned resource or group.
    pub resource: String,
    /// Meta attributes (e.g. interleave).
    pub meta: Vec<(String, String)>,
}

/// A location constraint: a score for one resource on one node. (A live
/// location placed by rules is listed in [`Live::unmodelled`] instead.)
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Location {
    /// Constraint id.
    pub id: String,
    /// The resource.
    pub resource: String,
    /// The node.
    pub node: String,
    /// How much it wants (or must not) run there.
    pub score: Score,
}

/// `resource` runs where `with` runs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Colocation {
    /// Constraint id.
    pub id: String,
    /// The dependent resource.
    pub resource: String,
    /// The resource it follows.
    pub with: String,
    /// How strongly (`INFINITY`: only where `with` runs).
    pub score: Score,
}

/// `then` starts after `first`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Order {
    /// Constraint id.
    pub id: String,
    /// Started first.
    pub first: String,
    /// Started after.
    pub then: String,
    /// How it binds.
    pub kind: OrderKind,
}

/// What a live configuration has beyond the model (never set by lowering).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Live {
    /// Objects, or parts of objects, the model cannot hold.
    pub unmodelled: Vec<Unmodelled>,
    /// Parameters whose value the source hid (`crm configure show` prints
    /// `******` for passwords): resource id and parameter name.
    pub masked: Vec<(String, String)>,
}

impl Live {
    /// Whether there is nothing beyond the model.
    pub fn is_empty(&self) -> bool {
        self.unmodelled.is_empty() && self.masked.is_empty()
    }
}

/// Something live that the model cannot hold, said in words.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Unmodelled {
    /// The object's kind as crm names it (`primitive`, `location`, `bundle`,
    /// …).
    pub object: String,
    /// Its id.
    pub id: String,
    /// What glha cannot represent, never holding a parameter's value.
    pub what: String,
}

impl Pacemaker {
    /// The primitive with this id.
    pub fn primitive(&self, id: &str) -> Option<&Primitive> {
        self.primitives.iter().find(|p| p.id == id)
    }
    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }
    /// The clone with this id.
    pub fn clone_of(&self, id: &str) -> Option<&Clone> {
        self.clones.iter().find(|c| c.id == id)
    }
    /// The location constraint with this id.
    pub fn location(&self, id: &str) -> Option<&Location> {
        self.locations.iter().find(|c| c.id == id)
    }
    /// The colocation constraint with this id.
    pub fn colocation(&self, id: &str) -> Option<&Colocation> {
        self.colocations.iter().find(|c| c.id == id)
    }
    /// The order constraint with this id.
    pub fn order(&self, id: &str) -> Option<&Order> {
        self.orders.iter().find(|c| c.id == id)
    }
    /// The last value of a cluster property (a later set wins).
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every object id with its kind as crm names it, in the order objects
    /// are written (resources, then constraints).
    pub fn objects(&self) -> Vec<(&'static str, &str)> {
        let mut out: Vec<(&'static str, &str)> = Vec::new();
        out.extend(self.primitives.iter().map(|p| ("primitive", p.id.as_str())));
        out.extend(self.groups.iter().map(|g| ("group", g.id.as_str())));
        out.extend(self.clones.iter().map(|c| ("clone", c.id.as_str())));
        out.extend(self.locations.iter().map(|c| ("location", c.id.as_str())));
        out.extend(
            self.colocations
                .iter()
                .map(|c| ("colocation", c.id.as_str())),
        );
        out.extend(self.orders.iter().map(|c| ("order", c.id.as_str())));
        out
    }

    /// The kind of the object with this id: one of the model's, or one
    /// listed as unmodelled.
    pub fn kind_of(&self, id: &str) -> Option<&str> {
        self.objects()
            .into_iter()
            .find(|(_, i)| *i == id)
            .map(|(k, _)| k)
            .or_else(|| {
                self.live
                    .unmodelled
                    .iter()
                    .find(|u| u.id == id)
                    .map(|u| u.object.as_str())
            })
    }

    /// What the live object with this id has beyond the model.
    pub fn unmodelled(&self, id: &str) -> impl Iterator<Item = &Unmodelled> + '_ {
        let id = id.to_string();
        self.live.unmodelled.iter().filter(move |u| u.id == id)
    }

    /// Whether the source hid this parameter's value.
    pub fn is_masked(&self, resource: &str, param: &str) -> bool {
        self.live
            .masked
            .iter()
            .any(|(r, p)| r == resource && p == param)
    }
}

#[cfg(test)]
mod tests {
    use super::Comment;
    use std::sync::Arc;

    /// A comment is written and serialised as the one string it was
    /// before it shared its text: `lead` then `text`.
    #[test]
    fn a_comment_is_its_lead_then_its_text() {
        let c = Comment {
            lead: "fencing waived: ",
            text: Arc::new("lab".to_string()),
        };
        assert_eq!(c.to_string(), "fencing waived: lab");
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            "\"fencing waived: lab\""
        );
        assert_eq!(Comment::from("x").to_string(), "x");
    }
}
