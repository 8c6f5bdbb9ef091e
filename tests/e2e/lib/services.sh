# shellcheck shell=bash
# Starting the real services of Debian 12 (OpenStack Zed) on our loopback
# block, each with its data and logs in the run's state directory. Nothing
# here touches the host's own service data (/var/lib/mysql, /etc/keystone,
# /etc/glance, /var/lib/glance, /var/lib/pacemaker): what a service must
# see at a fixed path it sees through a bind mount in a mount namespace of
# its own (see view_prefix).

# Keystone's admin: the seed example (the HA guide) has glance-api
# authenticate as admin with this password, and its copy keeps it.
E2E_ADMIN_PASSWORD=secretsecret
E2E_REGION=RegionOne

# ---------------------------------------------------------------- MariaDB

mariadb_start() {
    local dir=$E2E_STATE/mysql
    mkdir -p "$dir"
    chown mysql:mysql "$dir"
    if ! mariadb-install-db --no-defaults --user=mysql --datadir="$dir/data" \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$E2E_STATE/logs/mariadb-install.log" 2>&1; then
        fail_soft "mariadb-install-db failed"
        show_tail "$E2E_STATE/logs/mariadb-install.log"
        bail
    fi
    start_proc mariadb "$E2E_STATE/logs/mariadb.log" \
        mariadbd --no-defaults --user=mysql --datadir="$dir/data" \
        --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" \
        --bind-address="$E2E_VIP" --port=3306 --skip-name-resolve
    wait_ready mariadb 60 "MariaDB answers on its socket" sql -e 'SELECT 1'
}

# sql ARGS...: the mariadb client as root over the run's socket.
sql() { mariadb --no-defaults -S "$E2E_STATE/mysql/mysqld.sock" -u root "$@"; }

# A string literal for SQL: MariaDB reads `\` as an escape and `'` ends
# the literal.
sql_quote() {
    local s=${1//\\/\\\\}
    printf "'%s'" "${s//\'/\'\'}"
}

# db_user DB USER PASSWORD: a database and a user that owns it, from any
# address (the services reach MariaDB on the VIP).
db_user() {
    local db=$1 user=$2 pw
    pw=$(sql_quote "$3")
    sql -e "
CREATE DATABASE IF NOT EXISTS \`$db\`;
CREATE OR REPLACE USER '$user'@'%' IDENTIFIED BY $pw;
GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'%';"
}

# ---------------------------------------------------------------- RabbitMQ

# The one broker listens on the VIP and, for the IPMI example's copy whose
# transport_url names three brokers, on its other two broker addresses
# (one broker, three addresses: failover between brokers is not what runs).
E2E_RABBIT_ADDRS=("$E2E_VIP" "$E2E_NET.12" "$E2E_NET.13")

# Erlang's own ports stay on loopback too: epmd on 127.0.0.1 (started by
# us, not by Erlang, so that it is recorded), the distribution port on
# 127.0.0.1, the node name on localhost.
rabbit_env_init() {
    local dir=$E2E_STATE/rabbitmq
    RABBIT_ENV=(env HOME="$dir"

        RABBITMQ_NODENAME=rabbit@localhost
        ERL_EPMD_ADDRESS=127.0.0.1
        RABBITMQ_DIST_PORT=25672
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
        RABBITMQ_MNESIA_BASE="$dir/mnesia"
        RABBITMQ_LOG_BASE="$dir/log"
        RABBITMQ_LOGS=-
        RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
        RABBITMQ_CONFIG_FILE="$dir/rabbitmq"
        RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
        setpriv --reuid rabbitmq --regid rabbitmq --init-groups)
}

rabbitmqctl() { "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl "$@"; }

# Boots RabbitMQ in the background; rabbitmq_wait finishes the job, so
# that Keystone can be set up meanwhile.
rabbitmq_start() {
    local dir=$E2E_STATE/rabbitmq
    rabbit_env_init
    mkdir -p "$dir/mnesia" "$dir/log"
    : >"$dir/enabled_plugins"
    local i
    for i in "${!E2E_RABBIT_ADDRS[@]}"; do
        echo "listeners.tcp.$((i + 1)) = ${E2E_RABBIT_ADDRS[i]}:5672"
    done >"$dir/rabbitmq.conf"
    chown -R rabbitmq:rabbitmq "$dir"
    if tcp_open 127.0.0.1 4369; then
        abort "epmd (port 4369) is already running; stop it first"
    fi
    start_proc epmd "$E2E_STATE/logs/epmd.log" \
        "${AS_RABBITMQ[@]}" epmd -address 127.0.0.1 -port 4369
    wait_ready epmd 10 "epmd listens" tcp_open 127.0.0.1 4369
    start_proc rabbitmq "$E2E_STATE/logs/rabbitmq.log" \
        "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server
}

rabbitmq_wait() {
    wait_ready rabbitmq 90 "RabbitMQ accepts AMQP on $E2E_VIP:5672" tcp_open "$E2E_VIP" 5672
    wait_ready rabbitmq 60 "RabbitMQ has booted" rabbitmqctl -q await_startup
}

# rabbit_user USER PASSWORD: the broker user a spec's transport_url names.
rabbit_user() {
    rabbitmqctl -q add_user "$1" "$2" >/dev/null 2>&1 ||
        rabbitmqctl -q change_password "$1" "$2" >/dev/null
    rabbitmqctl -q set_permissions -p / "$1" '.*' '.*' '.*' >/dev/null
}

# ---------------------------------------------------------------- Keystone

keystone_conf() { printf '%s\n' "$E2E_STATE/keystone/keystone.conf"; }

keystone_manage() {
    keystone-manage --config-file "$(keystone_conf)" \
        --log-file "$E2E_STATE/logs/keystone-manage.log" "$@"
}

# Creates Keystone's database, keys and admin (the Debian package's steps,
# by hand), with its config in the state directory.
keystone_setup() {
    local dir=$E2E_STATE/keystone
    mkdir -p "$dir/fernet-keys" "$dir/credential-keys"
    # keystone-manage writes the keys as the keystone user.
    chown -R keystone:keystone "$dir"
    chmod 0700 "$dir/fernet-keys" "$dir/credential-keys"
    db_user keystone keystone keystone-db-pw
    cat >"$(keystone_conf)" <<EOF
[DEFAULT]
use_stderr = true
[database]
connection = mysql+pymysql://keystone:keystone-db-pw@$E2E_VIP/keystone
[token]
provider = fernet
[identity]
# bcrypt's cheapest cost: every openstack call checks a password, and the
# default cost makes that most of a second on this host's cores.
password_hash_rounds = 4
[fernet_tokens]
key_repository = $dir/fernet-keys
[fernet_receipts]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
EOF
    local step
    for step in db_sync \
        "fernet_setup --keystone-user keystone --keystone-group keystone" \
        "credential_setup --keystone-user keystone --keystone-group keystone"; do
        # shellcheck disable=SC2086 # the step's words
        if ! keystone_manage $step >>"$E2E_STATE/logs/keystone-manage.out" 2>&1; then
            fail_soft "keystone-manage $step failed"
            show_tail "$E2E_STATE/logs/keystone-manage.log"
            bail
        fi
    done
    if ! keystone_manage bootstrap --bootstrap-password "$E2E_ADMIN_PASSWORD" \
        --bootstrap-admin-url "http://$E2E_VIP:5000/v3/" \
        --bootstrap-internal-url "http://$E2E_VIP:5000/v3/" \
        --bootstrap-public-url "http://$E2E_VIP:5000/v3/" \
        --bootstrap-region-id "$E2E_REGION" >>"$E2E_STATE/logs/keystone-manage.out" 2>&1; then
        fail_soft "keystone-manage bootstrap failed"
        show_tail "$E2E_STATE/logs/keystone-manage.log"
        bail
    fi
    # keystone-manage ran as root; the service reads all of it as keystone.
    chown -R keystone:keystone "$dir"
}

# Serves Keystone with uWSGI. `Connection: close`: without it the client
# reuses connections uWSGI has closed and sometimes sees a reset.
keystone_start() {
    # Shared by every scenario, even when one restarts it (start_proc
    # records the scope).
    # shellcheck disable=SC2034
    local E2E_SCOPE=infra
    start_proc keystone "$E2E_STATE/logs/keystone.log" \
        env OS_KEYSTONE_CONFIG_FILES="$(keystone_conf)" \
        uwsgi_python3 --http-socket "$E2E_VIP:5000" \
        --wsgi-file /usr/bin/keystone-wsgi-public \
        --processes 2 --threads 2 --uid keystone --gid keystone \
        --master --die-on-term --add-header "Connection: close"
    wait_ready keystone 60 "Keystone answers on $E2E_VIP:5000" \
        http_ok "http://$E2E_VIP:5000/v3"
}

keystone_stop() { stop_proc keystone; }

# admin_env: the admin's credentials for the openstack CLI, in this shell.
admin_env() {
    export OS_AUTH_URL="http://$E2E_VIP:5000/v3" OS_USERNAME=admin \
        OS_PASSWORD="$E2E_ADMIN_PASSWORD" OS_PROJECT_NAME=admin \
        OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
        OS_IDENTITY_API_VERSION=3 OS_REGION_NAME="$E2E_REGION" \
        OS_INTERFACE=public
}

# glance_identity PASSWORD: the service project and the glance user, an
# admin in it, as the install guide makes them.
glance_identity() {
    (
        admin_env
        ks ensure-user service glance "$1" admin
    )
}

# ---------------------------------------------------------------- the services' hosts

# A node's root: a copy of the host's /etc/glance with the package's
# shipped glance-api.conf (6,850 lines) as the live file, a nova.conf and
# a cinder.conf that still name a fixed glance server (as an old
# deployment's do), and Debian's shipped /etc/haproxy.
node_root() { # NODE
    local root=$E2E_STATE/nodes/$1
    [[ -d $root ]] && { printf '%s\n' "$root"; return; }
    mkdir -p "$root/etc" "$root/etc/nova" "$root/etc/cinder" "$root/etc/sysctl.d"
    cp -a /etc/glance "$root/etc/glance"
    install -m 0640 -o root -g glance /usr/share/glance-common/glance-api.conf \
        "$root/etc/glance/glance-api.conf"
    printf '[DEFAULT]\nstate_path = /var/lib/nova\n\n[glance]\napi_servers = http://%s:9292\n' \
        "$E2E_VIP" >"$root/etc/nova/nova.conf"
    printf '[DEFAULT]\nstate_path = /var/lib/cinder\nglance_api_servers = http://%s:9292\n' \
        "$E2E_VIP" >"$root/etc/cinder/cinder.conf"
    chmod 0640 "$root/etc/nova/nova.conf" "$root/etc/cinder/cinder.conf"
    cp -a /etc/haproxy "$root/etc/haproxy"
    printf '%s\n' "$root"
}

# store_dir NAME: a persistent directory of the run's state that stands in
# for a shared file system (an NFS export): the committed specs name it
# /run/glha-e2e/store/NAME. glance creates the images, staging and tasks
# directories in it.
store_dir() {
    local dir=$E2E_STATE/store/$1
    mkdir -p "$dir"
    chown glance:glance "$dir"
    chmod 0750 "$dir"
    printf '%s\n' "$dir"
}

# bundle_mount BUNDLE: "DEVICE DIRECTORY" of the bundle's store mount
# (p_fs_glance-api in its crm script), for a node view that mounts what
# Pacemaker's Filesystem agent would; only a bind mount can be made here.
bundle_mount() {
    awk '
        $1 == "primitive" { fs = ($3 == "ocf:heartbeat:Filesystem") }
        fs { for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2) {
                 gsub(/"/, "", kv[2]); p[kv[1]] = kv[2] } }
        END {
            if (p["fstype"] != "none" || p["options"] != "bind") exit 1
            print p["device"], p["directory"]
        }' "$1/pacemaker/glance-api.crm"
}

# view_of SRC DST [SRC DST...]: sets VIEW to a command prefix that runs a
# command (by exec, so the pid stays the command's) in a private mount
# namespace where each DST shows SRC: how a node of the cluster sees its
# files, on this one host.
view_of() {
    local i
    for ((i = 2; i <= $#; i += 2)); do
        ensure_dir "${!i}"
    done
    # shellcheck disable=SC2016 # expanded by the inner shell
    VIEW=(unshare --mount --propagation private -- /bin/sh -c '
        set -e
        while [ "$1" != -- ]; do
            mount --bind "$1" "$2"
            shift 2
        done
        shift
        exec "$@"' node-view "$@" --)
}

# view_prefix ROOT [SRC DST...]: the view glance-api has on a node:
# /etc/glance is ROOT's, and /var/lib/glance, /run/lock and /tmp are the
# node's own (glance's lock_path is /var/lock/glance); each SRC is mounted
# on DST, as the node mounts its shared file systems.
view_prefix() {
    local root=$1
    shift
    local lib=$root/var/lib/glance lock=$root/run-lock tmp=$root/tmp
    mkdir -p "$lib" "$lock/glance" "$tmp"
    chown glance:glance "$lib" "$lock/glance"
    chmod 1777 "$tmp"
    view_of "$root/etc/glance" /etc/glance "$lib" /var/lib/glance "$lock" /run/lock \
        "$tmp" /tmp "$@"
}

AS_GLANCE=(setpriv --reuid glance --regid glance --init-groups)
AS_RABBITMQ=(setpriv --reuid rabbitmq --regid rabbitmq --init-groups)

# glance_spawn NAME ROOT [SRC DST...]: glance-api as Debian's init script
# runs it, from the node's view of the files (glance_wait waits for it).
glance_spawn() {
    local name=$1 root=$2
    shift 2
    local log=$E2E_STATE/logs/$name.log
    : >"$log"
    chown glance:glance "$log"
    view_prefix "$root" "$@"
    start_proc "$name" "$E2E_STATE/logs/$name.out" "${VIEW[@]}" "${AS_GLANCE[@]}" \
        glance-api --config-file /etc/glance/glance-api.conf --log-file "$log"
}

# glance_wait NAME ADDRESS: until /healthcheck answers on ADDRESS:9292.
glance_wait() {
    wait_ready "$1" 90 "$1 answers /healthcheck on $2:9292" \
        http_ok "http://$2:9292/healthcheck"
}

glance_start() { # NAME ADDRESS ROOT [SRC DST...]
    local name=$1 address=$2
    shift 2
    glance_spawn "$name" "$@"
    glance_wait "$name" "$address"
}

# The glance accounts a spec's secrets name, on every service
# (idempotent: a scenario may run alone).
glance_accounts() {
    must "MariaDB: glance database and user (the spec's password)" \
        db_user glance glance "$GLHA_E2E_DB_PASSWORD"
    must "RabbitMQ: user glance (the spec's password)" \
        rabbit_user glance "$GLHA_E2E_RABBIT_PASSWORD"
    must "Keystone: user glance in project service (the spec's password)" \
        glance_identity "$E2E_KS_PASSWORD"
}

# The RabbitMQ user the examples name (`openstack`), with their password.
openstack_rabbit_user() {
    must "RabbitMQ: user openstack (the example's password)" \
        rabbit_user openstack "$RABBIT_PASSWORD"
}

# glance_manage ROOT ARGS...: glance-manage with the node's files.
glance_manage() {
    local root=$1
    shift
    view_prefix "$root"
    "${VIEW[@]}" "${AS_GLANCE[@]}" glance-manage --config-file /etc/glance/glance-api.conf "$@"
}

# The versions of everything the run used, for the report.
service_versions() {
    local p
    for p in mariadb-server rabbitmq-server keystone glance-api python3-glance-store \
        python3-oslo.messaging python3-openstackclient uwsgi-plugin-python3 haproxy \
        corosync pacemaker crmsh pcs resource-agents; do
        printf '%s %s\n' "$p" "$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo '(not installed)')"
    done
}

# ---------------------------------------------------------------- HAProxy

# haproxy_start NAME ROOT: HAProxy in the foreground (-db overrides the
# file's `daemon`) with ROOT's /etc/haproxy, its stats socket
# (/run/haproxy/admin.sock in Debian's file) in the state directory.
haproxy_start() {
    local name=$1 root=$2 run=$E2E_STATE/haproxy-run/$1
    mkdir -p "$run"
    chown haproxy:haproxy "$run"
    view_of "$root/etc/haproxy" /etc/haproxy "$run" /run/haproxy
    start_proc "$name" "$E2E_STATE/logs/$name.log" "${VIEW[@]}" \
        haproxy -db -f /etc/haproxy/haproxy.cfg
    wait_ready "$name" 30 "$name's stats socket answers" haproxy_cmd "$name" "show info"
}

# haproxy_cmd NAME COMMAND: a command on HAProxy's stats socket.
haproxy_cmd() {
    /usr/bin/python3 - "$E2E_STATE/haproxy-run/$1/admin.sock" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while chunk := s.recv(65536):
    out += chunk
sys.stdout.write(out.decode())
PY
}

# haproxy_status NAME PROXY SERVER: the server's status (UP, DOWN, ...)
# from `show stat`.
haproxy_status() {
    haproxy_cmd "$1" "show stat" |
        awk -F, -v p="$2" -v s="$3" '$1 == p && $2 == s { print $18 }'
}

# A CA and a server certificate for each ADDRESS (an IP or DNS SAN), both
# self-signed material made here: CA.pem for clients (--os-cacert,
# OS_CACERT), PEM for HAProxy (certificate then key, as `bind ... ssl crt`
# reads it).
tls_material() { # DIR ADDRESS...
    local dir=$1
    shift
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=glha e2e CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName = %s\n' \
        "$(printf '%s\n' "$@" | awk '{ print (/^[0-9.]+$/ ? "IP:" : "DNS:") $0 }' | paste -sd,)" \
        >"$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 2 -extfile "$dir/san.ext" -out "$dir/server.crt" 2>/dev/null
    cat "$dir/server.crt" "$dir/server.key" >"$dir/server.pem"
    chmod 0600 "$dir/server.pem" "$dir/ca.key" "$dir/server.key"
    openssl verify -CAfile "$dir/ca.pem" "$dir/server.crt" >/dev/null
}

# bundle_tls BUNDLE: "ADDRESS PEM" for each `bind ADDRESS:PORT ssl crt
# PEM` of the bundle's HAProxy section (HAProxy's quotes removed).
bundle_tls() {
    awk '$1 == "bind" { for (i = 3; i < NF; i++) if ($i == "crt") {
             pem = $(i + 1); gsub(/\047|"/, "", pem)
             addr = $2; sub(/:[0-9]+$/, "", addr)
             print addr, pem } }' "$1/files/etc/haproxy/haproxy.cfg"
}

# tls_for_bundle DIR BUNDLE ROOT... [-- NAME...]: a CA and one certificate
# for every address the bundle's HAProxy serves with TLS (and each DNS
# NAME), installed in each node's ROOT at the path the section names
# (HAProxy's view of /etc/haproxy is ROOT's); fails if the bundle has no
# TLS bind.
tls_for_bundle() {
    local dir=$1 bundle=$2 addrs pems pem root roots=()
    shift 2
    while (($# > 0)) && [[ $1 != -- ]]; do
        roots+=("$1")
        shift
    done
    (($# == 0)) || shift
    addrs=$(bundle_tls "$bundle" | awk '{ print $1 }' | sort -u)
    pems=$(bundle_tls "$bundle" | awk '{ print $2 }' | sort -u)
    [[ -n $addrs ]] || return 1
    # shellcheck disable=SC2086 # one word per address
    tls_material "$dir" $addrs "$@" || return 1
    for root in "${roots[@]}"; do
        for pem in $pems; do
            install -D -m 0600 "$dir/server.pem" "$root$pem" || return 1
        done
    done
}

# bundle_endpoint BUNDLE INTERFACE: the URL endpoints.sh registers for it.
bundle_endpoint() {
    awk -v i="'$2'" '$1 == "ensure_endpoint" && $2 == i { gsub(/\047/, "", $3); print $3 }' \
        "$1/keystone/endpoints.sh"
}

# bundle_vips BUNDLE: ADDRESS/CIDR of each IPaddr2 resource of the bundle.
bundle_vips() {
    awk '$1 == "primitive" { vip = ($3 == "ocf:heartbeat:IPaddr2") }
         vip { for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2) {
                   gsub(/"/, "", kv[2]); p[kv[1]] = kv[2] }
               if (p["ip"] != "" && p["cidr_netmask"] != "") {
                   print p["ip"] "/" p["cidr_netmask"]; delete p; vip = 0 } }' \
        "$1/pacemaker/glance-api.crm"
}

# resolve_public BUNDLE: when the public endpoint is a name, maps it to the
# public VIP for the harness's clients (E2E_RESOLVE, curl --resolve), so
# that it is never looked up.
resolve_public() {
    local host
    host=$(bundle_endpoint "$1" public | sed -E 's|^[a-z]+://||; s|[:/].*||')
    [[ $host =~ ^[0-9.]+$ ]] && return 0
    E2E_RESOLVE=$host=$(awk '$1 == "primitive" { pub = ($2 == "p_ip_glance-api_public") }
         pub && / ip="/ { sub(/.* ip="/, ""); sub(/".*/, ""); print; exit }' \
        "$1/pacemaker/glance-api.crm")
    export E2E_RESOLVE
}
