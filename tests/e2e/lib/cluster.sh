# shellcheck shell=bash
# A one-node corosync + Pacemaker cluster, run in the foreground in a mount
# namespace of its own: /etc/corosync, /var/lib/corosync, /var/lib/pacemaker
# and /var/log/pacemaker are the run's directories, and /etc/glance and
# /var/lib/glance are node1's (what glance-api started by Pacemaker reads).
# The image store is not: Pacemaker's Filesystem agent mounts it, in this
# namespace, as the bundle says. IPC between the cluster daemons and crm, pcs or cibadmin does
# not go through the file system, but the clients run in the same
# namespace anyway (in_cluster), so that they read the same files.

E2E_CLUSTER_NODE=node1

cluster_dir() { printf '%s\n' "$E2E_STATE/cluster"; }

# in_cluster CMD...: CMD in the cluster's mount namespace, for at most
# two minutes.
in_cluster() {
    local pid
    pid=$(proc_pid corosync)
    [[ -n $pid ]] || { echo "in_cluster: the cluster is not running" >&2; return 1; }
    timeout 120 nsenter -t "$pid" -m -- "$@"
}

# cluster_start ROOT: corosync, then pacemakerd; waits for a DC.
cluster_start() {
    local root=$1 c
    c=$(cluster_dir)
    mkdir -p "$c/etc-corosync" "$c/lib-corosync" "$c/log-pacemaker" \
        "$c/lib-pacemaker/"{cib,pengine,blackbox,cores,bundles} "$c/rsctmp" \
        "$E2E_STATE/logs/pcmk-glance"
    chown -R hacluster:haclient "$c/lib-pacemaker" "$c/log-pacemaker"
    chmod -R 0750 "$c/lib-pacemaker"
    chown glance:glance "$E2E_STATE/logs/pcmk-glance"
    # Each key on its own line: corosync's parser rejects several on one.
    # ring0_addr must be an address some interface has: 127.0.0.1, not
    # one of our block's.
    cat >"$c/etc-corosync/corosync.conf" <<EOF
totem {
    version: 2
    cluster_name: glha-e2e
    transport: knet
    crypto_cipher: none
    crypto_hash: none
}
nodelist {
    node {
        ring0_addr: 127.0.0.1
        name: $E2E_CLUSTER_NODE
        nodeid: 1
    }
}
quorum {
    provider: corosync_votequorum
}
logging {
    to_stderr: yes
    to_logfile: no
    to_syslog: no
}
EOF
    # A CIB to start from: no fence device exists here, so this test
    # cluster (and only it) runs without fencing; a short dc-deadtime,
    # since there is no other node to wait for.
    local cib=$c/lib-pacemaker/cib/cib.xml
    cibadmin --empty >"$cib"
    CIB_file=$cib crm_attribute --type crm_config --name stonith-enabled --update false
    CIB_file=$cib crm_attribute --type crm_config --name dc-deadtime --update 2s
    chown hacluster:haclient "$cib"
    chmod 0600 "$cib"
    local d
    for d in /etc/corosync /var/lib/corosync /var/lib/pacemaker /var/log/pacemaker \
        /run/resource-agents /etc/glance /var/lib/glance /run/lock /var/log/glance; do
        ensure_dir "$d"
    done
    local lock=$E2E_STATE/lock/cluster
    mkdir -p "$lock/glance" "$root/var/lib/glance"
    chown glance:glance "$lock/glance" "$root/var/lib/glance"
    # shellcheck disable=SC2016 # expanded by the inner shell
    start_proc corosync "$E2E_STATE/logs/corosync.log" \
        unshare --mount --propagation private -- /bin/sh -c '
            set -e
            c=$1 root=$2 lock=$3 glancelog=$4
            mount --bind "$c/etc-corosync" /etc/corosync
            mount --bind "$c/lib-corosync" /var/lib/corosync
            mount --bind "$c/lib-pacemaker" /var/lib/pacemaker
            mount --bind "$c/log-pacemaker" /var/log/pacemaker
            mount --bind "$c/rsctmp" /run/resource-agents
            mount --bind "$root/etc/glance" /etc/glance
            mount --bind "$root/var/lib/glance" /var/lib/glance
            mount --bind "$lock" /run/lock
            mount --bind "$glancelog" /var/log/glance
            exec corosync -f' cluster-view "$c" "$root" "$lock" "$E2E_STATE/logs/pcmk-glance"
    wait_ready corosync 30 "corosync is quorate" \
        in_cluster corosync-quorumtool -s
    start_proc pacemakerd "$E2E_STATE/logs/pacemakerd.log" \
        nsenter -t "$(proc_pid corosync)" -m -- pacemakerd -f
    wait_ready pacemakerd 90 "Pacemaker has a DC" cluster_has_dc
}

cluster_has_dc() {
    in_cluster crm_mon -1 2>/dev/null | grep -q "Current DC: $E2E_CLUSTER_NODE "
}

cluster_running() { [[ -n $(proc_pid pacemakerd) ]] && proc_alive pacemakerd; }

# Stops the cluster if it runs: every resource first (Pacemaker stops them
# in reverse order of their start), then pacemakerd, then corosync.
cluster_teardown() {
    [[ -n ${E2E_STATE:-} && -f $E2E_STATE/procs ]] || return 0
    if cluster_running; then
        in_cluster crm_attribute --type crm_config --name stop-all-resources \
            --update true >/dev/null 2>&1 || true
        local deadline=$((SECONDS + 60))
        while ((SECONDS < deadline)) && cluster_has_active_resources; do
            sleep 1
        done
        stop_proc pacemakerd 60
    fi
    [[ -n $(proc_pid pacemakerd) ]] && stop_proc pacemakerd 60
    [[ -n $(proc_pid corosync) ]] && stop_proc corosync 30
    return 0
}

# Whether any resource is still active (crm_mon lists it as Started).
cluster_has_active_resources() {
    in_cluster crm_mon -1 -r 2>/dev/null | grep -q 'Started\|Stopping\|Starting'
}
