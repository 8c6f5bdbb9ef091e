//! The registry of diagnostic codes. A code, once published, keeps its
//! meaning; `glhac explain CODE` prints the explanation.

/// A diagnostic code and what it means.
#[derive(Debug)]
pub struct Code {
    /// The stable identifier, `E….` for errors, `W….` for warnings, `N….` for notes.
    pub id: &'static str,
    /// A short title.
    pub title: &'static str,
    /// What it means and how to fix it.
    pub explain: &'static str,
}

macro_rules! codes {
    ($( $name:ident = $id:literal, $title:literal, $explain:literal; )*) => {
        $(
            #[doc = $title]
            pub const $name: Code = Code { id: $id, title: $title, explain: $explain };
        )*
        /// Every code, in order.
        pub static CODES: &[&Code] = &[$(&$name),*];
    };
}

codes! {
    IO = "E0000", "a file could not be read",
        "glhac could not read the spec or one of its imports. Check the path and permissions.";
    SYNTAX = "E0001", "syntax error",
        "The spec does not follow the .glha grammar. A spec is a list of `key = value` attributes, `key \"text\"` directives and `key label { ... }` blocks. Values are strings in double quotes, numbers, durations (30s, 2m), addresses (10.0.0.11/24), lists [a, b], references (vip.internal), secrets (secret env \"NAME\") and agents (ocf \"openstack\" \"glance-api\").";
    UNKNOWN_IMPORT = "E0002", "unknown stdlib module",
        "`import` names a module of glha's standard library (std/glance-api, std/nova, std/cinder, std/fence). Run `glhac explain E0002` for the list, or remove the import.";
    DUPLICATE = "E0003", "declared twice",
        "A name, block or attribute is declared more than once in the same scope. Names must be unique per kind (two `vip internal` blocks are an error); remove or rename one.";
    UNKNOWN_REFERENCE = "E0004", "unknown reference",
        "A reference such as `vip.internal` must name something declared in the spec. Declare it, or fix the spelling.";
    UNKNOWN_KEY = "E0005", "unknown key or block",
        "The key or block is not part of the .glha language at this place. The help lists the keys that are allowed.";
    WRONG_TYPE = "E0006", "wrong kind of value",
        "The value is of the wrong kind for this key, e.g. a number where a string is expected, or a duration without a unit.";
    MISSING = "E0007", "missing required setting",
        "A required key or block is absent. Add it; the help says what it is for.";
    BAD_ADDRESS = "E0101", "invalid IP address",
        "An address must be a valid IPv4 (10.0.0.11) or IPv6 (2001:db8::11) address. Each IPv4 part is 0 to 255.";
    BAD_PREFIX = "E0102", "invalid prefix length",
        "A VIP needs a prefix length (10.0.0.11/24): 1 to 32 for IPv4, 1 to 128 for IPv6. IPaddr2 uses it as cidr_netmask.";
    VIP_IS_NODE = "E0103", "VIP equals a node address",
        "A virtual IP moves between nodes; if it equals a node's own address, taking it down on failover cuts the node off. Pick a free address in the nodes' subnet.";
    VIP_SUBNET = "W0104", "VIP outside every node's subnet",
        "IPaddr2 brings the VIP up on an interface whose subnet contains it. If no node address lies in the VIP's subnet, the VIP needs an explicit nic, and clients may not reach it. A VIP with a `nic` is not warned about: that is how a VIP on a network the nodes join without an address of their own is declared.";
    FEW_NODES = "W0105", "fewer than two nodes",
        "High availability needs at least two nodes; with one, failover has nowhere to go.";
    BAD_PORT = "E0106", "port out of range",
        "A TCP port is 1 to 65535.";
    BAD_DURATION = "E0107", "invalid duration",
        "Durations need a unit (ms, s, m, h) and must be positive; Pacemaker reads a bare number as seconds and an invalid one as 0.";
    SHORT_TIMEOUT = "W0108", "timeout shorter than the agent advises",
        "The resource agent's metadata advises a minimum timeout for this operation. A shorter timeout makes Pacemaker treat a slow but healthy start, stop or monitor as a failure and fence or move the service.";
    NO_FENCING = "E0109", "no fencing and no waiver",
        "Pacemaker refuses to start resources while stonith-enabled is true and no fencing device exists, and a cluster without fencing risks data corruption. Declare a device (`fencing ipmi_c1 { agent = stonith \"fence_ipmilan\" ... }`) or waive it explicitly: `fencing = waived \"reason\"`.";
    UNSAFE_VALUE = "E0110", "value cannot be written safely",
        "The value contains characters that cannot be represented in one of the files it goes into (crm script, shell script, ini file), e.g. a newline or a control character. glha refuses rather than risk a value that adds a resource, a command or an ini key.";
    PLAINTEXT_SECRET = "W0111", "plaintext password",
        "The password is written into the spec, so it lands in the bundle and in version control. Use `secret env \"NAME\"` or `secret file \"/path\"`; the bundle then carries a placeholder and MANIFEST.json lists what must be supplied.";
    UNKNOWN_RELEASE = "E0112", "unknown OpenStack release",
        "glha knows the releases from Ocata to 2026.2 by their series names (ocata, pike, ..., zed, 2023.1, ..., 2026.2).";
    NO_RELEASE = "N0113", "no release given",
        "The spec has no `release` directive, so glha uses the newest release it knows. Add `release \"NAME\"` to pin it.";
    BAD_VALUE = "E0114", "invalid value",
        "The value is not one of those allowed for this key; the help lists them.";
    ID_COLLISION = "E0115", "name collides with a Pacemaker id",
        "Every Pacemaker object needs an id of its own. A fencing device's name is used as its id as is; the other ids are made from the spec's names: `p_ip_SERVICE` (or `p_ip_SERVICE_VIP` with several VIPs), `p_SERVICE`, `g_SERVICE`, `cl_SERVICE`, `p_haproxy` and `cl_haproxy`, the image store's mount `p_fs_SERVICE` (with `cl_fs_SERVICE`, `o_fs_before_SERVICE` and `c_SERVICE_with_fs` in active/active), `l_DEVICE_avoid_NODE`, `c_VIPID_with_haproxy`, `o_haproxy_before_VIPID`; inside an object, crmsh names its attribute sets `ID-instance_attributes` and `ID-meta_attributes` and its operations `ID-OP-INTERVAL`. Two objects with one id would overwrite each other, so a name that would give an id twice is refused. A device name must also not contain `_avoid_`, which separates the device from the node in its location's id. Rename the device (or service, or VIP) the error points at.";
    SECRET_UNREADABLE = "E0116", "secret cannot be read",
        "A secret is read from its source when its value is needed (`glhac build --embed-secrets`, `glhac apply`): the environment variable must be set, or the file must be readable (its first line is the value). Set the variable or fix the path; the message names the secret by id, never by value.";
    SEED_DIFFERENCE = "W0201", "glha writes a different setting than the seed guide",
        "The OpenStack HA guide's settings are stale for most releases. glha writes what the selected release really reads and says here what it wrote instead, and why.";
    RELEASE_REMOVED = "E0202", "not available in this release",
        "The spec asks for something the selected OpenStack release no longer has (or does not have yet). The help names the replacement.";
    RELEASE_DEPRECATED = "W0203", "deprecated in this release",
        "The spec asks for a form that the selected release still reads but has deprecated. The help names the replacement.";
    RETIRED_AGENT = "W0204", "retired resource agent",
        "ocf:openstack:glance-api comes from openstack-resource-agents, retired in 2019; no distribution packages it, and its monitor only checks that the process runs. Prefer `agent = systemd \"glance-api\"` (Debian, Ubuntu) or `systemd \"openstack-glance-api\"` (RHEL family).";
    UNKNOWN_PARAM = "E0205", "unknown agent parameter",
        "crmsh and pcs reject parameters the agent's metadata does not declare. The help lists the agent's parameters.";
    MODE_CONFLICT = "E0301", "setting conflicts with the mode",
        "Active/passive runs one glance-api behind a VIP; active/active clones it on every node behind HAProxy. Some settings only make sense in one of them.";
    MYSQLDB_DRIVER = "W0206", "`mysql` driver on a Python-3-only release",
        "`driver = \"mysql\"` makes the URL `mysql://`, which SQLAlchemy serves with MySQLdb (the mysqlclient C extension). From Ussuri on OpenStack runs on Python 3 only and its requirements install and test PyMySQL, not mysqlclient: an install from pip or upstream requirements may lack MySQLdb and glance-api then fails when it opens the database, and under eventlet a C driver blocks every green thread of the worker while a query runs. Some distribution packages (Debian's) do pull in python3-mysqldb, so the URL can work; write `driver = \"mysql+pymysql\"` to get the driver OpenStack tests.";
    NO_OPTION_DATA = "N0207", "no option data for this release",
        "glha checks the option names it writes for each release against option dumps of real releases (tests/data/openstack-options). For a release without a dump of a service, the names were interpolated from the nearest releases that have one and from the projects' release notes; they have not been validated against that release itself.";
    NO_STORE = "E0401", "no image store and no waiver",
        "A highly available Image API is only as available as the place its images live. With two or more nodes the spec must say where images are stored so that every node serving glance-api can read them: `store { backend = file  path = \"…\"  mount { … } }` (a shared file system Pacemaker mounts), `shared = external \"…\"` (one the nodes mount themselves), `backend = rbd` (Ceph) or `backend = swift`. A lab that accepts losing images on failover says so in writing: `store = waived \"reason\"`.";
    LOCAL_STORE = "E0402", "file store on one node's disk",
        "A `file` store keeps images in a directory; glance records each image's location as a `file://` URL of that path. Unless the directory is the same shared file system on every node, an image uploaded on one node is listed as active but cannot be downloaded once glance-api runs elsewhere (\"Unable to download image\"). Give the store a `mount { device fstype options }` that Pacemaker manages, or say how the nodes share it: `shared = external \"CephFS mounted by /etc/fstab\"`.";
    DEFAULT_DIR_SHARED = "W0403", "glance's default local directory declared shared",
        "`/var/lib/glance/images` is where the distributions' packages put images on the node's own disk; `shared = external` says it is a shared file system on every node. That is possible (an NFS export mounted over it), but it is also what a forgotten mount looks like: glance-api starts happily on the empty local directory. Prefer a path of its own for the shared file system (e.g. /srv/glance/images), or check on every node that the directory really is the shared mount (`findmnt /var/lib/glance/images`).";
    STORE_PATH = "E0404", "store path not absolute",
        "The store's directories (`path`, `staging`, `tasks`, the mount's `directory`) and an rbd store's `ceph_conf` must be absolute, normalised paths (no `.` or `..` component, no doubled or trailing `/`) of letters, digits and `. _ - + @ ~ ,`: glance writes them into `file://` URLs and compares them across nodes, and the Filesystem agent passes them to mount(8).";
    STORE_LAYOUT = "E0405", "store directories overlap or lie outside the mount",
        "glance keeps images, staged imports and task data in three directories, and its documentation warns that two stores on one directory may lose data: they must be distinct and none may lie inside another. With a `mount`, all three must lie under the mount point (`directory`, by default the parent of `path`), or they would be on the node's own disk. By default staging is DIRECTORY/staging and tasks DIRECTORY/tasks.";
    MOUNT_DEVICE = "E0406", "mount does not fit its file system type",
        "The Filesystem agent passes `device`, `fstype` and `options` to mount(8). An NFS device (fstype nfs or nfs4) is `host:/export` (an IPv6 host in brackets); a bind mount is `fstype = \"none\"` with `options` containing `bind` and an absolute path as `device`; options are one comma-separated word.";
    STORE_NAME = "E0407", "reserved store name",
        "From Ussuri on glha configures glance's multiple stores: the store's name (the `store` block's label, `images` by default) becomes an entry of `[DEFAULT] enabled_backends` and the name of the section holding the backend's options. glance refuses to start with a name starting with `os_glance_` (reserved for its staging and tasks stores), and a name equal to one of glance-api.conf's option groups (`file`, `cinder`, `database`, `task`, …) would mix the backend's options into that group. Names are lower-case letters, digits, `_` and `-` because oslo.config lower-cases section names.";
    NOT_CLONABLE = "E0408", "file system cannot be mounted on every node",
        "In active/active glance-api runs on every node, so the store's file system is mounted on every node at once (a cloned Filesystem resource). ext3, ext4, xfs, jfs and reiserfs are not cluster file systems: mounting one block device on several nodes corrupts it, and the Filesystem agent refuses to run such a clone. Use a shared file system (nfs, nfs4, cifs, glusterfs, ceph, gfs2, ocfs2) or active/passive.";
    LOCAL_STAGING = "W0409", "image import staging is node-local in active/active",
        "Interoperable image import stages an image's data on the node that received the upload and finishes on whichever node gets the import call. glha writes `worker_self_reference_url` (which lets glance-api forward the call to the node holding the data) from Zed on; before that the staging directory must be shared by every node. With an rbd or swift store, set `staging` and `tasks` to directories of a file system all nodes share, or expect imports (glance-direct, web-download) to fail when the two calls reach different nodes. Plain uploads (`openstack image create --file`) are not affected.";
    NOT_HELD = "E0501", "endpoint on an address this bundle does not serve",
        "Every URL glha registers in the catalog (keystone/endpoints.sh) or writes for a consumer (nova's and cinder's API servers, glance-api's public_endpoint) must be served by a listener the bundle configures: glance-api's own bind or HAProxy's `bind`, on a VIP that a Pacemaker resource of this bundle holds. The service holds the VIPs of its `vip` list; a VIP that is only declared is held by nothing, so its address answers nowhere. Add the VIP to the service (`vip = [vip.internal, vip.public]`), or point the endpoint at a VIP the service holds. An endpoint whose host is a DNS name says which VIP the name resolves to: `public { host = \"images.example.com\"  vip = vip.public }`.";
    PORT_NOT_SERVED = "E0502", "endpoint on a port nothing listens on",
        "In active/passive without HAProxy, glance-api itself listens on its VIPs at the service's `port`: an endpoint on another port is registered but nothing answers there. Write the service's port in the endpoint, or set the service's `port` to the endpoint's. (With HAProxy in front, HAProxy listens on each endpoint's port.)";
    SCHEME_CONFLICT = "E0503", "one address and port with two schemes",
        "A listener speaks either plain HTTP or TLS. Two endpoints on the same VIP and port with different schemes cannot both be served: give them different ports or VIPs, or the same scheme.";
    NO_CERTIFICATE = "E0504", "https endpoint without a certificate",
        "glha terminates TLS in HAProxy, which needs the PEM file (certificate chain and private key) to serve on an `https` endpoint. Say where it is on the nodes: `tls { certificate = \"/etc/haproxy/certs/glance.pem\"  ca = \"/etc/ssl/certs/cloud-ca.pem\" }`. The bundle names the path; it never holds key material. (glance-api's own cert_file/key_file exist only up to Train and work only on Python 2, so glha does not use them.)";
    DUPLICATE_INTERFACE = "E0505", "two endpoints of one interface",
        "The catalog holds one endpoint per interface of the image service in a region, and glha registers one: an interface written twice (`public = …` and a `public { … }` block, or two blocks) would silently lose one of them. Keep one.";
    ONE_MACHINE_FENCE = "E0506", "fencing device for one machine with several targets",
        "Management-board agents (fence_ipmilan and its aliases fence_idrac, fence_ilo3/4/5, fence_imm, fence_ipmilanplus; fence_ilo, fence_ilo_ssh, fence_redfish, fence_drac, fence_amt, …; glha's table std/fence) power-cycle the one machine whose board `ip` names: told to fence another node, they fence that machine, or report success for a node they never touched. Declare one device per node, each with that node's board as `ip` and `targets = [node.NAME]`. One device may serve several nodes only when every node's board takes the same credentials and the device sets `port_as_ip = \"1\"` with a `pcmk_host_map` that maps every target to its board (`node1:10.0.9.1;node2:10.0.9.2`): the mapped value then replaces `ip`. `pcmk_host_map` without `port_as_ip` still fences the one `ip`.";
    UNFENCED_NODE = "E0507", "node without a fencing device",
        "With fencing enabled, Pacemaker must be able to fence every node: a node that no device targets cannot be fenced when it hangs, so the cluster stops recovering its resources (they stay blocked). Add the node to a device's `targets`, or declare a device for it.";
    CA_IS_KEY = "E0508", "the consumers' CA file is the certificate PEM",
        "`ca` is the file nova and cinder are told to trust, and it is copied to every compute and volume node; `certificate` is the PEM HAProxy serves, which holds the private key. Naming the same file for both would spread the key. Point `ca` at the CA certificate alone (e.g. /etc/ssl/certs/cloud-ca.pem).";
    TLS_UNUSED = "W0509", "`tls` without an https endpoint",
        "The spec gives a certificate, but no endpoint is `https`, so nothing uses it: HAProxy serves plain HTTP. Write `scheme = \"https\"` on the endpoints that clients should reach over TLS, or remove the `tls` block.";
}
