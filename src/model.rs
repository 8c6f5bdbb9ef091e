//! The checked spec: every reference resolved, every value validated. Spans
//! are kept so later phases can still point at the spec.

use crate::plan::{AgentRef, Duration, Scheme, Url, UrlHost};
use crate::release::Release;
use crate::source::Span;
use std::net::IpAddr;
use std::sync::Arc;

/// A string from the spec with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The text.
    pub value: String,
    /// Where it was written.
    pub span: Span,
}

/// The free text of `waived "reason"` or `external "how"`, with its place.
/// The string is the syntax tree's own, shared rather than copied (and
/// shared again by the plan's comment): a reason can be as long as the
/// spec, and three copies of it at once were most of a big spec's peak
/// memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The text.
    pub value: Arc<String>,
    /// Where it was written.
    pub span: Span,
}

/// A password: a reference to where it lives, or (warned) the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    /// Written into the spec.
    Literal(Text),
    /// `secret env "NAME"`.
    Env(Text),
    /// `secret file "/path"`.
    File(Text),
}

/// A host: an address (often a VIP's) or a DNS name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// The address or name as it goes into a URL host (IPv6 without brackets).
    pub name: String,
    /// The parsed address, if it is one.
    pub ip: Option<IpAddr>,
    /// The VIP it is: the one it names, or (an endpoint's DNS name) the one
    /// the name resolves to.
    pub vip: Option<String>,
    /// Where it was written.
    pub span: Span,
}

impl Host {
    /// The host as written in a URL authority (IPv6 in brackets).
    pub fn url_host(&self) -> String {
        self.url().to_string()
    }
    /// The host of a URL.
    pub fn url(&self) -> UrlHost {
        match self.ip {
            Some(ip) => UrlHost::Ip(ip),
            None => UrlHost::Name(self.name.clone()),
        }
    }
}

/// A cluster node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Its name in the cluster (uname).
    pub name: Text,
    /// Its address.
    pub address: IpAddr,
    /// Where the address was written.
    pub address_span: Span,
}

/// A virtual IP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vip {
    /// Its name in the spec.
    pub name: Text,
    /// The address.
    pub address: IpAddr,
    /// The prefix length.
    pub prefix: u8,
    /// The interface IPaddr2 should use, if fixed.
    pub nic: Option<Text>,
    /// Where the address was written.
    pub address_span: Span,
}

/// A value of a resource parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// Plain text.
    Text(Text),
    /// A secret.
    Secret(Secret),
}

/// How the cluster is fenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fencing {
    /// Explicitly waived, with the operator's reason.
    Waived(Reason),
    /// Fencing devices.
    Devices(Vec<FenceDevice>),
}

/// A fencing device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FenceDevice {
    /// Resource id.
    pub name: Text,
    /// The stonith agent (`stonith:fence_ipmilan`).
    pub agent: Agent,
    /// Its parameters.
    pub params: Vec<(String, Param)>,
    /// The nodes it fences (pcmk_host_list); it is kept off them.
    pub targets: Vec<String>,
    /// Where `targets` was written (the device's name if it was not).
    pub targets_span: Span,
    /// Whether every target was read (no unknown node, `targets` given).
    pub targets_complete: bool,
    /// Monitor interval.
    pub monitor_interval: Duration,
}

/// The database glance-api uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    /// Database name.
    pub name: Text,
    /// SQLAlchemy driver (`mysql`, `mysql+pymysql`).
    pub driver: Text,
    /// Server.
    pub host: Host,
    /// Port, if not the driver's default.
    pub port: Option<u16>,
    /// User.
    pub user: Text,
    /// Password.
    pub password: Secret,
}

/// The RabbitMQ cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rabbit {
    /// Brokers.
    pub hosts: Vec<Host>,
    /// Port.
    pub port: u16,
    /// User, if not the broker default.
    pub user: Option<Text>,
    /// Password.
    pub password: Option<Secret>,
    /// Virtual host.
    pub vhost: Option<Text>,
    /// Where the block starts.
    pub span: Span,
}

/// Keystone settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keystone {
    /// The identity URL (`http://10.0.0.11:5000/v3`).
    pub auth_url: Text,
    /// Region.
    pub region: Text,
    /// User for the service and the agent's monitor.
    pub username: Text,
    /// Its password.
    pub password: Secret,
    /// Project (tenant).
    pub project: Text,
    /// User domain (v3).
    pub user_domain: Text,
    /// Project domain (v3).
    pub project_domain: Text,
}

/// Active/passive or active/active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One instance that follows the VIP (the seed's mode).
    ActivePassive,
    /// Cloned on every node behind HAProxy on the VIP.
    ActiveActive,
}

/// Meta attributes that belong to a clone, not to the resource it clones:
/// in active/active they go on the clone, in active/passive they are an
/// error (nothing is cloned).
pub const CLONE_META: &[&str] = &[
    "clone-max",
    "clone-node-max",
    "clone-min",
    "interleave",
    "ordered",
    "notify",
    "globally-unique",
];

/// A resource agent, e.g. `ocf:openstack:glance-api`, and where the spec
/// names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// The agent.
    pub value: AgentRef,
    /// Where it was written.
    pub span: Span,
}

/// What the stdlib (or spec) says about an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentInfo {
    /// Parameters its metadata declares.
    pub params: Vec<String>,
    /// Advised (operation, timeout, interval).
    pub advise: Vec<(String, Option<Duration>, Option<Duration>)>,
    /// Whether upstream retired it.
    pub retired: bool,
    /// A fence agent that controls one machine (`controls = one`): the
    /// management board its `ip` names. Its metadata does not say so.
    pub one_machine: bool,
}

/// A resource operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// `monitor`, `start`, `stop`.
    pub name: String,
    /// Interval, if given.
    pub interval: Option<Duration>,
    /// Timeout, if given.
    pub timeout: Option<Duration>,
    /// Where the op block starts.
    pub span: Span,
}

/// A Pacemaker resource as a spec block describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The agent.
    pub agent: Agent,
    /// Facts about the agent, if known.
    pub agent_info: Option<AgentInfo>,
    /// Operations.
    pub ops: Vec<Op>,
    /// Meta attributes.
    pub meta: Vec<(String, Text)>,
    /// Agent parameters written in the spec.
    pub params: Vec<(String, Param)>,
}

/// The glance-api service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Its name; the Pacemaker ids derive from it (`p_glance-api`).
    pub name: Text,
    /// The resource that runs it.
    pub resource: Resource,
    /// glance-api.conf path.
    pub config: Text,
    /// The VIPs it follows (indexes into [`Spec::vips`]).
    pub vips: Vec<usize>,
    /// Whether a VIP reference of its `vip` list could not be resolved
    /// (reported): checks that need the whole list stay quiet.
    pub vips_incomplete: bool,
    /// Mode.
    pub mode: Mode,
    /// API port.
    pub port: u16,
}

/// HAProxy in front of glance-api: always in active/active (it balances to
/// every node's glance-api), and in active/passive when an endpoint is
/// `https` or the spec has a `haproxy` block (it runs in the group, in
/// front of the one glance-api). It listens on the service's VIPs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Haproxy {
    /// The agent that runs it (`systemd:haproxy`).
    pub agent: Agent,
    /// Facts about the agent, if known.
    pub agent_info: Option<AgentInfo>,
    /// The haproxy.cfg the generated section is merged into.
    pub config: Text,
    /// The balancing algorithm (`roundrobin`, `leastconn`, `source`).
    pub balance: String,
    /// Health check interval.
    pub check_interval: Duration,
    /// Successful checks before a server is up again.
    pub rise: u32,
    /// Failed checks before a server is down.
    pub fall: u32,
    /// Pacemaker monitor interval of HAProxy's resource.
    pub monitor_interval: Duration,
    /// Inactivity timeout on the client side (`timeout client`).
    pub timeout_client: Duration,
    /// Inactivity timeout on the server side (`timeout server`).
    pub timeout_server: Duration,
    /// Time to connect to a glance-api (`timeout connect`).
    pub timeout_connect: Duration,
    /// The `haproxy` block, if the spec has one (else what put HAProxy in
    /// front: the service's name, or an https endpoint's scheme).
    pub span: Span,
}

/// TLS, terminated by HAProxy: the PEM it serves on every `https`
/// endpoint, and the CA file consumers trust. Both are paths on the
/// nodes, supplied by the operator; the bundle never holds key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    /// The PEM HAProxy loads (`bind … ssl crt PATH`): the certificate
    /// chain and its private key. Absolute.
    pub certificate: Text,
    /// The CA certificate(s) that signed it, as the consumers (nova,
    /// cinder) are told to trust; `None` leaves them the system's store.
    pub ca: Option<Text>,
    /// Where the `tls` block is.
    pub span: Span,
}

/// One Image API endpoint. Its host's [`Host::vip`] is the VIP it is
/// served on: the VIP it names, or (for a DNS name) the one the spec says
/// the name resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `http` or `https`.
    pub scheme: Scheme,
    /// Where the scheme was given (the endpoint's own block, the
    /// `endpoints` block, or the stdlib's default).
    pub scheme_span: Span,
    /// Host.
    pub host: Host,
    /// Port.
    pub port: u16,
    /// Where the port was given (as for `scheme_span`).
    pub port_span: Span,
}

impl Endpoint {
    /// The URL.
    pub fn url(&self) -> Url {
        Url::new(self.scheme, self.host.url(), self.port)
    }
}

impl Endpoints {
    /// Every endpoint with its interface, in catalog order.
    pub fn all(&self) -> Vec<(crate::plan::Interface, &Endpoint)> {
        use crate::plan::Interface;
        [
            (Interface::Public, Some(&self.public)),
            (Interface::Internal, Some(&self.internal)),
            (Interface::Admin, self.admin.as_ref()),
        ]
        .into_iter()
        .filter_map(|(i, e)| e.map(|e| (i, e)))
        .collect()
    }
}

/// The Image API in the Keystone catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Service name (`glance`).
    pub service_name: String,
    /// Region.
    pub region: Text,
    /// Public endpoint.
    pub public: Endpoint,
    /// Internal endpoint.
    pub internal: Endpoint,
    /// Admin endpoint (Keystone v3 no longer needs one; the seed has it).
    pub admin: Option<Endpoint>,
}

/// A service that calls the Image API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsumerKind {
    /// nova.
    Nova,
    /// cinder.
    Cinder,
}

/// How a consumer finds the Image API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discovery {
    /// A fixed list of URLs (`api_servers`, `glance_api_servers`).
    ApiServers,
    /// The Keystone catalog, internal interface first.
    Catalog,
}

/// A consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumer {
    /// Which service.
    pub kind: ConsumerKind,
    /// Its config file.
    pub config: Text,
    /// How it finds glance; `None` lets the release decide.
    pub discovery: Option<(Discovery, Span)>,
    /// Where the block starts.
    pub span: Span,
}

/// Where images live: a store, or the operator's written waiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreDecl {
    /// `store = waived "reason"`: images may be lost on failover.
    Waived(Reason),
    /// A `store { … }` block.
    Store(Box<Store>),
}

/// The image store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    /// Its name as a glance backend (`enabled_backends = NAME:TYPE`), from
    /// the block's label or the stdlib's default.
    pub name: Text,
    /// The backend and its settings.
    pub backend: Backend,
    /// Where import data is staged (`node_staging_uri`, or the reserved
    /// `os_glance_staging_store`).
    pub staging: Text,
    /// Where tasks keep their data (`[task] work_dir`, or the reserved
    /// `os_glance_tasks_store`).
    pub tasks: Text,
    /// Whether `staging` and `tasks` are on a file system every node
    /// shares (a file store's mount or external share, or paths the spec
    /// says are shared).
    pub staging_shared: bool,
    /// Where the block's keyword is.
    pub span: Span,
}

/// The backend of a store, with its own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// Images in a directory (`file`).
    File(FileStore),
    /// Images in a Ceph pool (`rbd`).
    Rbd(RbdStore),
    /// Images in Swift containers (`swift`).
    Swift(SwiftStore),
}

impl Backend {
    /// The store type.
    pub fn kind(&self) -> crate::release::store::StoreType {
        use crate::release::store::StoreType;
        match self {
            Backend::File(_) => StoreType::File,
            Backend::Rbd(_) => StoreType::Rbd,
            Backend::Swift(_) => StoreType::Swift,
        }
    }
}

/// A `file` store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStore {
    /// The images directory (`filesystem_store_datadir`).
    pub path: Text,
    /// How every node sees the same directory.
    pub sharing: Sharing,
}

/// How the nodes share a file store's directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sharing {
    /// A file system Pacemaker mounts (`ocf:heartbeat:Filesystem`).
    Mount(Box<Mount>),
    /// Mounted by the nodes themselves; the text says how.
    External(Reason),
}

/// A file system Pacemaker mounts where glance-api runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// What is mounted (`nfs.example.com:/export/glance`, a block device, a
    /// bind mount's source).
    pub device: Text,
    /// The mount point: the parent of the store's directories.
    pub directory: Text,
    /// The file system type (`nfs4`, `none` for a bind mount).
    pub fstype: Text,
    /// Mount options, if any.
    pub options: Option<Text>,
    /// Operations (the agent's advice fills in the ones not given).
    pub ops: Vec<Op>,
    /// Facts about the Filesystem agent, if known.
    pub agent_info: Option<AgentInfo>,
    /// Where the `mount` block is.
    pub span: Span,
}

/// An `rbd` (Ceph) store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RbdStore {
    /// The pool (`rbd_store_pool`).
    pub pool: Text,
    /// The cephx user, without `client.` (`rbd_store_user`).
    pub user: Text,
    /// ceph.conf on every node (`rbd_store_ceph_conf`).
    pub ceph_conf: Text,
    /// Object size in MiB (`rbd_store_chunk_size`), if given.
    pub chunk_size: Option<u64>,
}

/// A `swift` store; its credentials go into glance-swift.conf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwiftStore {
    /// The container (`swift_store_container`).
    pub container: Text,
    /// Keystone v3 URL, ending in `/v3` (`auth_address`).
    pub auth_url: Text,
    /// The Swift user.
    pub user: Text,
    /// Its password.
    pub password: Secret,
    /// Its project.
    pub project: Text,
    /// The user's domain.
    pub user_domain: Text,
    /// The project's domain.
    pub project_domain: Text,
    /// The Swift region, if several (`swift_store_region`).
    pub region: Option<Text>,
    /// Whether glance creates the container on first upload.
    pub create_container: bool,
}

impl Spec {
    /// The index (into [`Spec::vips`]) of the VIP an endpoint is served
    /// on: the VIP its host names or resolves to, else the VIP with its
    /// address.
    pub fn vip_of(&self, ep: &Endpoint) -> Option<usize> {
        match (&ep.host.vip, ep.host.ip) {
            (Some(name), _) => self.vips.iter().position(|v| v.name.value == *name),
            (None, Some(ip)) => self.vips.iter().position(|v| v.address == ip),
            (None, None) => None,
        }
    }

    /// Whether any endpoint is `https`.
    pub fn has_https(&self) -> bool {
        self.endpoints.as_ref().is_some_and(|e| {
            e.all()
                .iter()
                .any(|(_, ep)| ep.scheme == crate::plan::Scheme::Https)
        })
    }
}

/// A whole checked spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The release, and where it was given.
    pub release: Release,
    /// Where `release` was written, if it was.
    pub release_span: Option<Span>,
    /// Cluster nodes.
    pub nodes: Vec<Node>,
    /// VIPs.
    pub vips: Vec<Vip>,
    /// Fencing.
    pub fencing: Fencing,
    /// Extra cluster properties.
    pub properties: Vec<(String, Text)>,
    /// Database.
    pub database: Option<Database>,
    /// RabbitMQ.
    pub rabbit: Option<Rabbit>,
    /// Keystone.
    pub keystone: Option<Keystone>,
    /// glance-api.
    pub service: Service,
    /// Catalog entries.
    pub endpoints: Option<Endpoints>,
    /// Consumers.
    pub consumers: Vec<Consumer>,
    /// HAProxy, when it is in front of glance-api.
    pub haproxy: Option<Haproxy>,
    /// TLS for the `https` endpoints.
    pub tls: Option<Tls>,
    /// Where images live; `None` only for a spec with fewer than two nodes
    /// that says nothing about it.
    pub store: Option<StoreDecl>,
}
