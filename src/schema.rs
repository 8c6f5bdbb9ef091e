//! The language's blocks and keys: what each block allows, the type and
//! meaning of each key, and which ini settings a key ends up in. One table,
//! read by the checker (the keys a block allows, the words a key takes) and
//! by the editor support in [`crate::ide`] (hover, completion).
//!
//! A block is a [`Block`] static; a spec's top level is [`SPEC`], a
//! module's is [`MODULE`]. Adding a block means writing its static and
//! naming it among its parent's [`Block::blocks`].

use crate::release::settings::Setting;

/// What a key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A string in double quotes.
    Text,
    /// An absolute path, in double quotes.
    Path,
    /// A TCP port, 1 to 65535.
    Port,
    /// A whole number.
    Number,
    /// A duration: `30s`, `2m`, `1500ms`.
    Duration,
    /// An IP address without a prefix.
    Address,
    /// An IP address with its prefix length (`10.0.0.11/24`).
    Cidr,
    /// `vip.NAME`, an IP address, or a DNS name in double quotes.
    Host,
    /// A list of hosts (`[vip.internal]`), or one.
    Hosts,
    /// A reference `KIND.NAME` to a declared block of that kind, or a list
    /// of them.
    Refs(&'static str),
    /// One of these bare words.
    Word(&'static [&'static str]),
    /// One of these strings (in double quotes).
    TextOneOf(&'static [&'static str]),
    /// A password: `secret env "NAME"`, `secret file "/path"`, or a string
    /// (allowed, with warning W0111).
    Secret,
    /// A resource agent: `ocf "PROVIDER" "TYPE"`, `systemd "UNIT"`, `lsb "NAME"`.
    Agent,
    /// A fencing agent: `stonith "fence_…"`.
    StonithAgent,
    /// `waived "reason"`.
    Waiver,
    /// `external "how"`: something set up outside the spec.
    External,
    /// A list of strings.
    Strings,
}

impl Type {
    /// How the type is written, for hover text.
    pub fn describe(self) -> String {
        match self {
            Type::Text => "a string".into(),
            Type::Path => "an absolute path (a string)".into(),
            Type::Port => "a port number (1 to 65535)".into(),
            Type::Number => "a number".into(),
            Type::Duration => "a duration (`30s`, `2m`, `1500ms`)".into(),
            Type::Address => "an IP address".into(),
            Type::Cidr => "an IP address with a prefix (`10.0.0.11/24`)".into(),
            Type::Host => "`vip.NAME`, an IP address or a DNS name in quotes".into(),
            Type::Hosts => "a list of hosts (`vip.NAME`, addresses, DNS names)".into(),
            Type::Refs(kind) => format!("`{kind}.NAME`, or a list of them"),
            Type::Word(words) => format!("one of {}", words.join(", ")),
            Type::TextOneOf(texts) => format!("one of \"{}\"", texts.join("\", \"")),
            Type::Secret => {
                "`secret env \"NAME\"`, `secret file \"/path\"` or a string (W0111)".into()
            }
            Type::Agent => {
                "an agent: `ocf \"PROVIDER\" \"TYPE\"`, `systemd \"UNIT\"`, `lsb \"NAME\"`".into()
            }
            Type::StonithAgent => "a fencing agent: `stonith \"fence_…\"`".into(),
            Type::Waiver => "`waived \"reason\"`".into(),
            Type::External => "`external \"how it is set up\"`".into(),
            Type::Strings => "a list of strings".into(),
        }
    }

    /// The bare words the type takes (for completion), if it is a choice.
    pub fn words(self) -> &'static [&'static str] {
        match self {
            Type::Word(w) => w,
            _ => &[],
        }
    }
}

/// One `key = value` a block allows.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The key.
    pub name: &'static str,
    /// What it takes.
    pub ty: Type,
    /// What it means, and its default when the checker supplies one.
    pub doc: &'static str,
    /// The ini settings its value is written to (their names depend on the
    /// release, see [`crate::release::settings`]).
    pub settings: &'static [Setting],
}

/// What follows a block's keyword before its `{`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// Nothing: `rabbitmq { … }`.
    None,
    /// A name the spec chooses: `vip internal { … }`.
    Name,
    /// One of these words: `consumer nova { … }`.
    OneOf(&'static [&'static str]),
    /// A block kind (`defaults service { … }`), then optionally its label.
    Kind,
}

/// A block: its keyword, label, keys and nested blocks.
#[derive(Debug)]
pub struct Block {
    /// The keyword.
    pub name: &'static str,
    /// What it is called in messages when it has no name (`rabbitmq`).
    pub label: Label,
    /// What it is for.
    pub doc: &'static str,
    /// The keys it allows, in the order messages list them.
    pub keys: &'static [Key],
    /// The blocks it allows, in the order messages list them.
    pub blocks: &'static [&'static Block],
    /// It holds free `key = value` settings of its own (meta attributes,
    /// cluster properties, agent parameters) rather than [`Block::keys`].
    pub free: bool,
}

impl Block {
    /// The names of its keys, in order.
    pub fn key_names(&self) -> Vec<&'static str> {
        self.keys.iter().map(|k| k.name).collect()
    }
    /// The names of its nested blocks, in order.
    pub fn block_names(&self) -> Vec<&'static str> {
        self.blocks.iter().map(|b| b.name).collect()
    }
    /// A key by name.
    pub fn key(&'static self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }
    /// A nested block by keyword.
    pub fn block(&'static self, name: &str) -> Option<&'static Block> {
        self.blocks.iter().copied().find(|b| b.name == name)
    }
}

/// The words of `mode`.
pub const MODES: &[&str] = &["active_passive", "active_active"];
/// The words of `scheme`.
pub const SCHEMES: &[&str] = &["http", "https"];
/// The words of a consumer's `discovery`.
pub const DISCOVERY: &[&str] = &["catalog", "api_servers"];
/// HAProxy's balancing algorithms glha writes.
pub const BALANCE: &[&str] = &["roundrobin", "leastconn", "source"];
/// `true` and `false`.
pub const BOOLEAN: &[&str] = &["true", "false"];
/// The resource operations an `op` block may name.
pub const OPS: &[&str] = &["monitor", "start", "stop", "promote", "demote", "reload"];
/// The services glha configures as consumers of the Image API.
pub const CONSUMERS: &[&str] = &["nova", "cinder"];
/// The image store backends glha writes.
pub const STORE_BACKENDS: &[&str] = &["file", "rbd", "swift"];
/// The database drivers glha knows (SQLAlchemy dialects).
pub const DRIVERS: &[&str] = &[
    "mysql",
    "mysql+pymysql",
    "postgresql",
    "postgresql+psycopg2",
];

const fn key(name: &'static str, ty: Type, doc: &'static str) -> Key {
    Key {
        name,
        ty,
        doc,
        settings: &[],
    }
}

const fn ini(name: &'static str, ty: Type, doc: &'static str, settings: &'static [Setting]) -> Key {
    Key {
        name,
        ty,
        doc,
        settings,
    }
}

const fn block(
    name: &'static str,
    label: Label,
    doc: &'static str,
    keys: &'static [Key],
    blocks: &'static [&'static Block],
) -> Block {
    Block {
        name,
        label,
        doc,
        keys,
        blocks,
        free: false,
    }
}

const fn free(name: &'static str, doc: &'static str) -> Block {
    Block {
        name,
        label: Label::None,
        doc,
        keys: &[],
        blocks: &[],
        free: true,
    }
}

use Setting::*;

/// The agent key of every block that runs a Pacemaker resource.
const AGENT: Key = key(
    "agent",
    Type::Agent,
    "The resource agent that runs it under Pacemaker.",
);

/// `op NAME { interval timeout }`.
pub static OP: Block = block(
    "op",
    Label::OneOf(OPS),
    "A Pacemaker operation of the resource: `op monitor { interval = 30s  timeout = 30s }`. Timeouts shorter than the agent advises are warned about (W0205).",
    &[
        key("interval", Type::Duration, "How often the operation runs (a monitor needs one)."),
        key("timeout", Type::Duration, "How long Pacemaker waits for the operation before it counts as failed."),
    ],
    &[],
);

/// `meta { key = "value" }`.
pub static META: Block = free(
    "meta",
    "Pacemaker meta attributes of the resource (`resource-stickiness = \"100\"`); clone meta attributes need active/active.",
);

/// `params { key = value }`.
pub static PARAMS: Block = free(
    "params",
    "Parameters passed to the resource agent; crmsh and pcs reject one the agent does not declare (E0114). A key that names a password takes a secret.",
);

/// `property { key = "value" }`.
pub static PROPERTY: Block = free(
    "property",
    "Pacemaker cluster properties (`no-quorum-policy = \"stop\"`).",
);

/// `node NAME { address }`.
pub static NODE: Block = block(
    "node",
    Label::Name,
    "A cluster node; its name is its Pacemaker node name (`uname -n`), referred to as `node.NAME`.",
    &[key("address", Type::Address, "The node's own address on the cluster network. In active/active glance-api binds it and HAProxy balances to it.")],
    &[],
);

/// `fencing NAME { agent targets monitor params }`.
pub static FENCE_DEVICE: Block = block(
    "fencing",
    Label::Name,
    "A fencing (stonith) device: `fencing ipmi_c1 { agent = stonith \"fence_ipmilan\" params { … } targets = [node.controller1] }`.",
    &[
        key("agent", Type::StonithAgent, "The fencing agent."),
        key("targets", Type::Refs("node"), "The nodes this device fences."),
        key("monitor", Type::Duration, "How often Pacemaker monitors the device. Default 60s."),
    ],
    &[&PARAMS],
);

/// `cluster { node … fencing … property … }`.
pub static CLUSTER: Block = block(
    "cluster",
    Label::None,
    "The Pacemaker cluster: its nodes, fencing and properties. A spec has one.",
    &[key("fencing", Type::Waiver, "`fencing = waived \"reason\"` runs without fencing devices (stonith-enabled=false), saying why; otherwise declare `fencing NAME { … }` blocks.")],
    &[&NODE, &FENCE_DEVICE, &PROPERTY],
);

/// `vip NAME { address nic }`.
pub static VIP: Block = block(
    "vip",
    Label::Name,
    "A virtual IP address that moves between the nodes (an IPaddr2 resource), referred to as `vip.NAME`.",
    &[
        ini("address", Type::Cidr, "The VIP with its prefix length (IPaddr2's ip and cidr_netmask).", &[BindHost, RegistryHost]),
        key("nic", Type::Text, "The interface IPaddr2 puts the VIP on (\"eth0\"); needed when no node has an address in the VIP's subnet."),
    ],
    &[],
);

/// `database NAME { driver host port user password }`.
pub static DATABASE: Block = block(
    "database",
    Label::Name,
    "The database glance-api uses; its name is the database's name in the connection URL.",
    &[
        ini(
            "driver",
            Type::TextOneOf(DRIVERS),
            "The SQLAlchemy dialect of the connection URL.",
            &[DbConnection],
        ),
        ini(
            "host",
            Type::Host,
            "Where the database server listens.",
            &[DbConnection],
        ),
        ini(
            "port",
            Type::Port,
            "The database server's port; without it the driver's default.",
            &[DbConnection],
        ),
        ini("user", Type::Text, "The database user.", &[DbConnection]),
        ini(
            "password",
            Type::Secret,
            "The database user's password.",
            &[DbConnection],
        ),
    ],
    &[],
);

/// `rabbitmq { hosts port user password vhost }`.
pub static RABBITMQ: Block = block(
    "rabbitmq",
    Label::None,
    "The RabbitMQ brokers glance-api sends notifications through.",
    &[
        ini(
            "hosts",
            Type::Hosts,
            "The brokers: `[vip.internal]` or one address per node.",
            &[TransportUrl],
        ),
        ini(
            "port",
            Type::Port,
            "The brokers' port. Default 5672.",
            &[TransportUrl],
        ),
        ini(
            "user",
            Type::Text,
            "The RabbitMQ user (no `/`).",
            &[TransportUrl],
        ),
        ini(
            "password",
            Type::Secret,
            "The RabbitMQ user's password (no `/`).",
            &[TransportUrl],
        ),
        ini(
            "vhost",
            Type::Text,
            "The virtual host (no `?` or `#`). Default `/`.",
            &[TransportUrl],
        ),
    ],
    &[],
);

/// `keystone { auth_url region username password project … }`.
pub static KEYSTONE: Block = block(
    "keystone",
    Label::None,
    "The Identity service glance-api authenticates against (keystone_authtoken, password plugin).",
    &[
        ini(
            "auth_url",
            Type::Text,
            "The identity URL (`http://10.0.0.11:5000/v3`); written without its version suffix.",
            &[WwwAuthenticateUri, AuthUri, AuthUrl],
        ),
        ini(
            "region",
            Type::Text,
            "The region of the identity service and of the endpoints (\"RegionOne\").",
            &[AuthRegionName],
        ),
        ini(
            "username",
            Type::Text,
            "The service user glance-api authenticates as.",
            &[Username],
        ),
        ini(
            "password",
            Type::Secret,
            "The service user's password.",
            &[Password],
        ),
        ini(
            "project",
            Type::Text,
            "The service project (\"service\").",
            &[ProjectName],
        ),
        ini(
            "tenant",
            Type::Text,
            "Keystone v2's word for `project`; give one of the two.",
            &[ProjectName],
        ),
        ini(
            "user_domain",
            Type::Text,
            "The service user's domain. Default \"Default\".",
            &[UserDomainName],
        ),
        ini(
            "project_domain",
            Type::Text,
            "The service project's domain. Default \"Default\".",
            &[ProjectDomainName],
        ),
    ],
    &[],
);

/// `service NAME { agent config vip mode port op … meta … params … }`.
pub static SERVICE: Block = block(
    "service",
    Label::Name,
    "glance-api as a Pacemaker resource; its name is the resource's base name (`service glance-api { vip = vip.internal }`).",
    &[
        AGENT,
        key("config", Type::Path, "Where glance-api.conf is on the nodes (\"/etc/glance/glance-api.conf\")."),
        ini("vip", Type::Refs("vip"), "The VIP (or VIPs) clients reach glance-api on.", &[BindHost, RegistryHost]),
        ini("mode", Type::Word(MODES), "active_passive (the default): one glance-api in a group with its VIPs; active_active: glance-api and HAProxy cloned on every node.", &[PublicEndpoint, WorkerSelfReferenceUrl, ProxyHeadersParsing]),
        ini("port", Type::Port, "The Image API port. Default 9292.", &[BindPort]),
    ],
    &[&OP, &META, &PARAMS],
);

/// The keys of `public { host scheme port }` and its siblings.
static ENDPOINT_KEYS: [Key; 3] = [
    key("host", Type::Host, "The host of the endpoint URL."),
    key(
        "scheme",
        Type::Word(SCHEMES),
        "http or https for this interface.",
    ),
    key("port", Type::Port, "The port of this interface's URL."),
];

/// One interface's block in `endpoints`.
const fn endpoint(name: &'static str) -> Block {
    block(
        name,
        Label::None,
        "One catalog interface, when it differs from the block's scheme or port.",
        &ENDPOINT_KEYS,
        &[],
    )
}

/// `public { … }` in `endpoints`.
pub static PUBLIC: Block = endpoint("public");
/// `internal { … }` in `endpoints`.
pub static INTERNAL: Block = endpoint("internal");
/// `admin { … }` in `endpoints`.
pub static ADMIN: Block = endpoint("admin");

/// `endpoints image { … }`.
pub static ENDPOINTS: Block = block(
    "endpoints",
    Label::OneOf(&["image"]),
    "The Image API's Keystone catalog entries, created or fixed by keystone/endpoints.sh.",
    &[
        ini(
            "region",
            Type::Text,
            "The catalog region; default the keystone block's.",
            &[NovaRegionName],
        ),
        ini(
            "service",
            Type::Text,
            "The catalog service name. Default \"glance\".",
            &[CinderCatalogInfo],
        ),
        key(
            "scheme",
            Type::Word(SCHEMES),
            "http or https. Default http.",
        ),
        key(
            "port",
            Type::Port,
            "The port in the URLs; default the service's.",
        ),
        ini(
            "public",
            Type::Host,
            "The public interface's host (`vip.public`).",
            &[PublicEndpoint],
        ),
        ini(
            "internal",
            Type::Host,
            "The internal interface's host; consumers use it.",
            &[NovaApiServers, CinderApiServers],
        ),
        key(
            "admin",
            Type::Host,
            "The admin interface's host (optional).",
        ),
    ],
    &[&PUBLIC, &INTERNAL, &ADMIN],
);

/// `consumer nova|cinder { config discovery }`.
pub static CONSUMER: Block = block(
    "consumer",
    Label::OneOf(CONSUMERS),
    "A service that calls the Image API; glha writes where it finds glance.",
    &[
        key("config", Type::Path, "Its config file (\"/etc/nova/nova.conf\")."),
        ini("discovery", Type::Word(DISCOVERY), "catalog (the default where the release has it): look glance up in the Keystone catalog; api_servers: a fixed URL.", &[NovaApiServers, NovaValidInterfaces, CinderApiServers, CinderCatalogInfo]),
    ],
    &[],
);

/// `haproxy { … }` (active/active).
pub static HAPROXY: Block = block(
    "haproxy",
    Label::None,
    "HAProxy in active/active: cloned on every node, listening on the VIPs and balancing to each node's glance-api.",
    &[
        key("agent", Type::Agent, "The agent of the cloned load balancer. Default systemd \"haproxy\"."),
        key("config", Type::Path, "The haproxy.cfg its `listen` section is merged into. Default \"/etc/haproxy/haproxy.cfg\"."),
        key("balance", Type::Word(BALANCE), "The balancing algorithm. Default roundrobin."),
        key("check_interval", Type::Duration, "How often HAProxy checks each glance-api. Default 2s."),
        key("rise", Type::Number, "Good checks before a server counts as up (1 to 100). Default 2."),
        key("fall", Type::Number, "Failed checks before a server counts as down (1 to 100). Default 5."),
        key("monitor_interval", Type::Duration, "Pacemaker's monitor of HAProxy. Default 10s."),
    ],
    &[],
);

/// `mount { device fstype options directory op … }`: the file store's
/// file system, mounted by Pacemaker (`ocf:heartbeat:Filesystem`).
pub static MOUNT: Block = block(
    "mount",
    Label::None,
    "The file store's shared file system, mounted by Pacemaker before glance-api (an `ocf:heartbeat:Filesystem` resource; cloned in active/active).",
    &[
        key("device", Type::Text, "What to mount: `host:/export` for NFS, a block device, or (fstype `none`, options `bind`) a directory to bind."),
        key("fstype", Type::Text, "The file system type (`nfs4`, `cephfs`, `none` for a bind mount, …)."),
        key("options", Type::Text, "Mount options, one word (`vers=4.2,hard`)."),
        key("directory", Type::Path, "The mount point. Default: the parent of the store's `path`."),
    ],
    &[&OP],
);

const STORE_BACKEND: Key = key(
    "backend",
    Type::Word(STORE_BACKENDS),
    "Where images live: `file` (a directory shared by every node), `rbd` (Ceph) or `swift`.",
);
const STORE_STAGING: Key = ini(
    "staging",
    Type::Path,
    "Where interoperable image import stages data (must be shared in active/active before Zed). Default: next to the images on the shared file system, else /var/lib/glance/staging.",
    &[NodeStagingUri, StagingStoreDatadir],
);
const STORE_TASKS: Key = ini(
    "tasks",
    Type::Path,
    "glance's task work directory. Default: next to the images on the shared file system, else /var/lib/glance/tasks_work_dir.",
    &[TaskWorkDir, TasksStoreDatadir],
);
const STORE_PATH: Key = ini(
    "path",
    Type::Path,
    "The images directory, the same on every node.",
    &[FileDatadir, BackendFileDatadir],
);
const STORE_SHARED: Key = key(
    "shared",
    Type::External,
    "How the file store's directory is shared when Pacemaker does not mount it: `external \"CephFS mounted by fstab on every node\"`.",
);
const STORE_POOL: Key = ini(
    "pool",
    Type::Text,
    "The Ceph pool. Default `images`.",
    &[RbdPool, BackendRbdPool],
);
const STORE_RBD_USER: Key = ini(
    "user",
    Type::Text,
    "rbd: the Ceph client name without `client.` (default `glance`); swift: the Keystone user.",
    &[RbdUser, BackendRbdUser],
);
const STORE_CEPH_CONF: Key = ini(
    "ceph_conf",
    Type::Path,
    "ceph.conf on every node. Default /etc/ceph/ceph.conf.",
    &[RbdCephConf, BackendRbdCephConf],
);
const STORE_CHUNK: Key = ini(
    "chunk_size",
    Type::Number,
    "RBD object size in MiB, a power of two.",
    &[RbdChunkSize, BackendRbdChunkSize],
);
const STORE_CONTAINER: Key = ini(
    "container",
    Type::Text,
    "The Swift container. Default `glance`.",
    &[SwiftContainer, BackendSwiftContainer],
);
const STORE_SWIFT_KEYS: [Key; 8] = [
    key(
        "auth_url",
        Type::Text,
        "Keystone (v3) for Swift. Default: the keystone block's.",
    ),
    key(
        "user",
        Type::Text,
        "The Keystone user glance stores images as.",
    ),
    key(
        "password",
        Type::Secret,
        "Its password (written to glance-swift.conf only).",
    ),
    key("project", Type::Text, "Its project."),
    key(
        "user_domain",
        Type::Text,
        "Its user domain. Default `Default`.",
    ),
    key(
        "project_domain",
        Type::Text,
        "Its project domain. Default `Default`.",
    ),
    key(
        "region",
        Type::Text,
        "The Swift region, if the catalog has several.",
    ),
    key(
        "create_container",
        Type::Word(BOOLEAN),
        "Create the container on first upload. Default false.",
    ),
];

/// `store [NAME] { backend … }` with a file backend's keys.
pub static STORE_FILE: Block = block(
    "store",
    Label::Name,
    "A file store: a directory every node sees, mounted by Pacemaker (`mount`) or shared by other means (`shared`).",
    &[STORE_BACKEND, STORE_PATH, STORE_SHARED, STORE_STAGING, STORE_TASKS],
    &[&MOUNT],
);

/// `store [NAME] { backend = rbd … }`.
pub static STORE_RBD: Block = block(
    "store",
    Label::Name,
    "A Ceph RBD store.",
    &[
        STORE_BACKEND,
        STORE_POOL,
        STORE_RBD_USER,
        STORE_CEPH_CONF,
        STORE_CHUNK,
        STORE_STAGING,
        STORE_TASKS,
    ],
    &[],
);

/// `store [NAME] { backend = swift … }`.
pub static STORE_SWIFT: Block = block(
    "store",
    Label::Name,
    "A Swift store; its credentials go to glance-swift.conf.",
    &[
        STORE_BACKEND,
        STORE_CONTAINER,
        STORE_SWIFT_KEYS[0],
        STORE_SWIFT_KEYS[1],
        STORE_SWIFT_KEYS[2],
        STORE_SWIFT_KEYS[3],
        STORE_SWIFT_KEYS[4],
        STORE_SWIFT_KEYS[5],
        STORE_SWIFT_KEYS[6],
        STORE_SWIFT_KEYS[7],
        STORE_STAGING,
        STORE_TASKS,
    ],
    &[],
);

/// `store [NAME] { … }` whatever its backend (what an editor offers; the
/// checker reads a block by its backend's own schema).
pub static STORE: Block = block(
    "store",
    Label::Name,
    "Where glance-api keeps images: required with two or more nodes (E0401), or `store = waived \"reason\"`. The label names the glance backend (default `images`).",
    &[
        STORE_BACKEND,
        STORE_PATH,
        STORE_SHARED,
        STORE_POOL,
        STORE_RBD_USER,
        STORE_CEPH_CONF,
        STORE_CHUNK,
        STORE_CONTAINER,
        STORE_SWIFT_KEYS[0],
        STORE_SWIFT_KEYS[2],
        STORE_SWIFT_KEYS[3],
        STORE_SWIFT_KEYS[4],
        STORE_SWIFT_KEYS[5],
        STORE_SWIFT_KEYS[6],
        STORE_SWIFT_KEYS[7],
        STORE_STAGING,
        STORE_TASKS,
    ],
    &[&MOUNT],
);

/// `rbd { … }` in a module's `defaults store`: what an rbd store gets.
pub static RBD_DEFAULTS: Block = block(
    "rbd",
    Label::None,
    "In a module's `defaults store`: the defaults of an rbd store.",
    &[STORE_POOL, STORE_RBD_USER, STORE_CEPH_CONF, STORE_CHUNK],
    &[],
);

/// `swift { … }` in a module's `defaults store`: what a swift store gets.
pub static SWIFT_DEFAULTS: Block = block(
    "swift",
    Label::None,
    "In a module's `defaults store`: the defaults of a swift store.",
    &[
        STORE_CONTAINER,
        STORE_SWIFT_KEYS[0],
        STORE_SWIFT_KEYS[4],
        STORE_SWIFT_KEYS[5],
        STORE_SWIFT_KEYS[6],
        STORE_SWIFT_KEYS[7],
    ],
    &[],
);

/// `defaults store { … }` in a module: a store's keys, the backend name a
/// store without a label gets, and per-backend defaults.
pub static STORE_DEFAULTS: Block = block(
    "store",
    Label::Name,
    "Defaults of every spec's store.",
    &[
        key(
            "name",
            Type::Text,
            "The glance backend name of a store written without a label.",
        ),
        STORE_BACKEND,
        STORE_PATH,
        STORE_STAGING,
        STORE_TASKS,
    ],
    &[&MOUNT, &RBD_DEFAULTS, &SWIFT_DEFAULTS],
);

/// The top level of a spec.
pub static SPEC: Block = block(
    "",
    Label::None,
    "A glha spec.",
    &[key(
        "store",
        Type::Waiver,
        "`store = waived \"reason\"`: the images may live on one node's disk (they are lost on failover).",
    )],
    &[
        &CLUSTER, &VIP, &DATABASE, &RABBITMQ, &KEYSTONE, &SERVICE, &ENDPOINTS, &CONSUMER, &HAPROXY,
        &STORE,
    ],
);

/// `advise OP { timeout interval }` in an agent description.
pub static ADVISE: Block = block(
    "advise",
    Label::OneOf(OPS),
    "What the agent's metadata advises for one operation.",
    &[
        key(
            "timeout",
            Type::Duration,
            "The advised timeout; shorter ones are warned about.",
        ),
        key("interval", Type::Duration, "The advised interval."),
    ],
    &[],
);

/// `agent NAME { type params retired advise … }` in a module.
pub static AGENT_INFO: Block = block(
    "agent",
    Label::Name,
    "What a resource agent's metadata says: its parameters and advised timeouts.",
    &[
        key("type", Type::Agent, "The agent described."),
        key("params", Type::Strings, "The parameters it declares."),
        key(
            "retired",
            Type::Word(BOOLEAN),
            "Retired upstream (W0204). Default false.",
        ),
    ],
    &[&ADVISE],
);

/// `defaults KIND [LABEL] { … }` in a module: the keys of block KIND.
pub static DEFAULTS: Block = block(
    "defaults",
    Label::Kind,
    "Values every spec block KIND (with that label, if given) gets unless it says otherwise.",
    &[],
    &[],
);

/// The top level of a module (`import "./NAME"` or the stdlib).
pub static MODULE: Block = block(
    "",
    Label::None,
    "A glha module.",
    &[],
    &[&DEFAULTS, &AGENT_INFO],
);

/// The directives a file may hold at its top level.
pub const DIRECTIVES: &[&str] = &["release", "import"];

/// The block of kind `name` a spec may have at its top level (what a
/// `defaults` block's first label names).
pub fn top_block(name: &str) -> Option<&'static Block> {
    match name {
        // A module's store defaults also name the backend and hold
        // per-backend blocks, which a spec's store may not.
        "store" => Some(&STORE_DEFAULTS),
        _ => SPEC.block(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every(b: &'static Block, out: &mut Vec<&'static Block>) {
        out.push(b);
        for c in b.blocks {
            every(c, out);
        }
    }

    /// Every block and key says what it is, and no block lists a key or a
    /// nested block twice.
    #[test]
    fn documented_and_unique() {
        let mut all = Vec::new();
        every(&SPEC, &mut all);
        every(&MODULE, &mut all);
        for b in all {
            assert!(!b.doc.is_empty(), "{}", b.name);
            let keys = b.key_names();
            let blocks = b.block_names();
            for (i, k) in keys.iter().enumerate() {
                assert!(!keys[..i].contains(k), "{}: key {k} twice", b.name);
            }
            for (i, k) in blocks.iter().enumerate() {
                assert!(!blocks[..i].contains(k), "{}: block {k} twice", b.name);
            }
            for k in b.keys {
                assert!(k.doc.ends_with('.'), "{}.{}", b.name, k.name);
            }
        }
    }

    /// The stdlib's `defaults` blocks set only keys the schema has.
    #[test]
    fn stdlib_defaults_are_in_the_schema() {
        use crate::syntax::ItemKind;
        let mut seen = 0;
        for (name, text) in crate::stdlib::MODULES {
            let mut diags = crate::diagnostic::Diagnostics::default();
            let items = crate::syntax::parse(crate::source::FileId(0), text, &mut diags).unwrap();
            for item in &items {
                let ItemKind::Block { labels, items } = &item.kind else {
                    continue;
                };
                assert!(MODULE.block(&item.key.name).is_some(), "{name}");
                if item.key.name != "defaults" {
                    continue;
                }
                let kind = top_block(&labels[0].name).expect("a known block");
                for i in items {
                    let known = match i.kind {
                        ItemKind::Attribute(_) => kind.key(&i.key.name).is_some(),
                        _ => kind.block(&i.key.name).is_some(),
                    };
                    assert!(known, "{name}: {} {}", kind.name, i.key.name);
                    seen += 1;
                }
            }
        }
        assert!(seen > 10, "{seen}");
    }
}
