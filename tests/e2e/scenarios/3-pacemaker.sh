# shellcheck shell=bash
# Scenario 3: the bundle's Pacemaker configuration in a live one-node
# cluster, glance-api run by Pacemaker (ocf:heartbeat:anything), its image
# store a bind mount that Pacemaker's Filesystem agent makes.
# Spec: tests/e2e/specs/pacemaker.glha (VIP 127.77.0.21 on lo, store
# /run/glha-e2e/store/pcmk on /srv/glance).
#
# First the reviewed way: `glhac diff --cib` with the live CIB (status
# included, so crm_simulate predicts the transition) and the catalog, then
# `glhac apply --pacemaker --endpoints`; a CIB changed after the review is
# refused. Then the pcs script, as an operator without glhac on the
# cluster would run it.

S3_MOUNT=/srv/glance
S3_RESOURCES="p_fs_glance-api p_ip_glance-api p_glance-api"

scenario_pacemaker() {
    local spec=$E2E_DIR/specs/pacemaker.glha
    local dir=$E2E_STATE/s3
    local bundle=$dir/bundle url="http://$E2E_PCMK_VIP:9292"
    mkdir -p "$dir"
    secrets_init
    admin_env

    must "glhac build writes the bundle" glhac build "$spec" -o "$bundle"
    local root
    root=$(node_root pcmk-node1)
    # The files first (apply's parts): db_sync needs the applied file
    # before Pacemaker starts glance-api.
    must "glhac diff against the package's glance-api.conf reports changes (exit 1)" \
        exits_with 1 glhac diff "$spec" --root "$root" --save-plan "$dir/plan-files.json"
    must "glhac apply writes node1's files" glhac apply "$dir/plan-files.json" --root "$root"
    S3_STORE=$(store_dir pcmk)
    ensure_dir "$S3_MOUNT"
    glance_accounts
    must "glance-manage db_sync with the applied file" glance_manage "$root" db_sync

    check "the VIP is not on lo before the cluster runs" not_on_lo "$E2E_PCMK_VIP"
    cluster_start "$root"
    pass "one-node cluster: corosync quorate, Pacemaker has a DC"

    # ------------------------------------------------------------ diff --cib, apply --pacemaker
    s3_stale_cib_refused "$spec" "$dir" "$root"
    # The review of the CIB and of the catalog (which still points at an
    # earlier scenario's glance-api, if one ran), then one apply.
    in_cluster cibadmin -Q >"$dir/cib-0.xml"
    ks endpoint-list-json >"$dir/endpoints-0.json"
    must "glhac diff --cib (the live CIB, status included) --endpoints: the resources to add (exit 1)" \
        exits_with 1 glhac diff "$spec" --root "$root" --cib "$dir/cib-0.xml" \
        --endpoints "$dir/endpoints-0.json" --save-plan "$dir/plan-cib.json"
    cp "$E2E_STATE/last.out" "$dir/diff-cib.txt"
    check "crm_simulate's predicted transition starts the mount, then the VIP, then glance-api" \
        s3_predicted_starts "$dir/plan-cib.json"
    local mark
    mark=$(s3_log_mark)
    must "glhac apply --pacemaker --endpoints against the live cluster and Keystone" \
        glhac apply "$dir/plan-cib.json" --root "$root" --pacemaker --endpoints
    s3_started "apply --pacemaker" "$mark"
    check "apply --pacemaker: glance-api started only once it was in the group with the mount and the VIP" \
        s3_started_in_group "$mark"
    in_cluster cibadmin -Q >"$dir/cib-applied.xml"
    ks endpoint-list-json >"$dir/endpoints-applied.json"
    check "a second diff --cib --endpoints: no Pacemaker, file or catalog change (exit 0)" \
        exits_with 0 glhac diff "$spec" --root "$root" --cib "$dir/cib-applied.xml" \
        --endpoints "$dir/endpoints-applied.json"
    check "... and the live glance-api is the spec's agent (ocf:heartbeat:anything)" \
        s3_agent_is "$dir/cib-applied.xml" p_glance-api ocf heartbeat anything

    must "apply --endpoints pointed the catalog at the cluster's VIP: one endpoint per interface, each $url" \
        expect_endpoints "$url"
    random_file "$E2E_STATE/images/s3.raw" 4
    must "an image through the catalog (glance-api under Pacemaker)" \
        ks image-create e2e-s3 "$E2E_STATE/images/s3.raw"
    local id
    id=$(tail -n 1 "$E2E_STATE/last.out")
    check "... downloads byte-equal" s3_download_equal
    check "... its location is in the mounted store, its data in the persistent directory" \
        s3_image_in_store "$id"

    s3_restart "$url"
    s3_stop_in_order "apply --pacemaker"

    # ------------------------------------------------------------ pcs
    # shellcheck disable=SC2086 # the resources' ids
    must "the objects deleted" in_cluster crm configure delete g_glance-api $S3_RESOURCES
    mark=$(s3_log_mark)
    must "sh pacemaker/glance-api.pcs.sh" in_cluster sh "$bundle/pacemaker/glance-api.pcs.sh"
    s3_started "pcs" "$mark"
    check "pcs: glance-api started only once it was in the group with the mount and the VIP" \
        s3_started_in_group "$mark"
    check "... the image, in the persistent store since the first run, downloads byte-equal" \
        s3_download_equal
    s3_stop_in_order "pcs"
}

# A plan whose CIB changed between diff and apply is refused, and the CIB
# is left as it was.
s3_stale_cib_refused() { # SPEC DIR ROOT
    local spec=$1 dir=$2 root=$3
    in_cluster cibadmin -Q >"$dir/cib-stale.xml"
    must "glhac diff --cib, plan saved (to be outdated)" \
        exits_with 1 glhac diff "$spec" --root "$root" --cib "$dir/cib-stale.xml" \
        --save-plan "$dir/plan-stale-cib.json"
    # Someone changes the cluster meanwhile.
    must "the CIB changes after the review (a cluster property)" \
        in_cluster crm_attribute --type crm_config --name cluster-recheck-interval --update 14min
    in_cluster cibadmin -Q -o configuration >"$dir/config-before.xml"
    check "glhac apply --pacemaker refuses the plan of an older CIB (exit 2)" \
        exits_with 2 glhac apply "$dir/plan-stale-cib.json" --root "$root" --pacemaker
    check "... saying the CIB changed since the review" \
        grep -qi 'cib' "$E2E_STATE/prev.out"
    in_cluster cibadmin -Q -o configuration >"$dir/config-after.xml"
    check "... and leaves the CIB as it was" cmp "$dir/config-before.xml" "$dir/config-after.xml"
}

# The plan's predicted transition (crm_simulate on the live CIB with the
# plan applied) starts the group's members in their order.
s3_predicted_starts() { # PLAN
    /usr/bin/python3 - "$1" "$S3_RESOURCES" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
impact = plan["pacemaker"]["impact"]
print("impact:", impact.get("status"))
actions = impact.get("transition", {}).get("resources", [])
for a in actions:
    print(" ", a["action"], a["resource"], a.get("to") or a.get("from") or "")
starts = [a["resource"] for a in actions if a["action"] == "start"]
sys.exit(0 if starts == sys.argv[2].split() else 1)
PY
}

# The CIB's primitive RSC is CLASS:PROVIDER:TYPE.
s3_agent_is() { # CIB RSC CLASS PROVIDER TYPE
    /usr/bin/python3 - "$@" <<'PY'
import sys
import xml.etree.ElementTree as ET
cib, rsc, want = sys.argv[1], sys.argv[2], sys.argv[3:]
p = ET.parse(cib).find(f".//configuration//primitive[@id='{rsc}']")
got = [p.get("class"), p.get("provider"), p.get("type")] if p is not None else None
print(rsc, got)
sys.exit(0 if got == want else 1)
PY
}

not_on_lo() { ! ip -o -4 addr show dev lo | grep -q " $1/"; }
on_lo() { ip -o -4 addr show dev lo | grep -q " $1/32 "; }

s3_download_equal() {
    rm -f "$E2E_STATE/images/s3.out"
    ks image-save e2e-s3 "$E2E_STATE/images/s3.out" &&
        cmp "$E2E_STATE/images/s3.raw" "$E2E_STATE/images/s3.out"
}

# The image's location is under the mounted store, and its bytes are in
# the persistent directory Pacemaker mounted (not on the mount point's own
# disk).
s3_image_in_store() { # IMAGE_ID
    local loc
    loc=$(image_locations "$1")
    echo "image_locations: $loc"
    [[ $loc == "file://$S3_MOUNT/images/$1" ]] &&
        cmp "$E2E_STATE/images/s3.raw" "$S3_STORE/images/$1" &&
        [[ -z $(find "$S3_MOUNT" -mindepth 1 -maxdepth 1) ]]
}

# glance-api's pid as the agent recorded it (in the cluster's view).
s3_glance_pid() { in_cluster cat /var/lib/glance/glance-api.pid 2>/dev/null || true; }

# rsc_running RSC: crm_resource says it runs on our node.
rsc_running() {
    in_cluster crm_resource --locate --resource "$1" 2>/dev/null |
        grep -q "is running on: $E2E_CLUSTER_NODE"
}

all_running() {
    local r
    for r in $S3_RESOURCES; do
        rsc_running "$r" || return 1
    done
}

none_running() {
    local r
    for r in $S3_RESOURCES; do
        ! rsc_running "$r" || return 1
    done
}

# The call-id of RSC's last start: the executor numbers its calls in the
# order it makes them.
start_call_id() { # RSC
    in_cluster cibadmin -Q --xpath \
        "//lrm_resource[@id='$1']/lrm_rsc_op[@operation='start']" 2>/dev/null |
        grep -o 'call-id="[0-9]*"' | head -n 1 | grep -o '[0-9]*'
}

# The start call-ids of the group's members, in the group's order.
start_call_ids() {
    local r ids=()
    for r in $S3_RESOURCES; do
        ids+=("$(start_call_id "$r")")
    done
    echo "${ids[*]}"
}

# Increasing numbers.
increasing() { # N...
    local prev=-1 n
    for n in "$@"; do
        [[ $n =~ ^[0-9]+$ ]] && ((n > prev)) || return 1
        prev=$n
    done
}

# The store is mounted in the cluster's view, from the spec's device.
s3_mounted() {
    local src
    src=$(in_cluster findmnt -n -o SOURCE --mountpoint "$S3_MOUNT") ||
        { echo "$S3_MOUNT is not a mount point in the cluster's view"; return 1; }
    echo "findmnt $S3_MOUNT: $src"
    # A bind mount's source shows as DEVICE[/PATH], PATH from the root of
    # the file system that holds the store's directory.
    local fsroot
    fsroot=$(findmnt -n -o TARGET --target "$S3_STORE")
    [[ $src == *"${S3_STORE#"${fsroot%/}"}]" ]]
}

s3_not_mounted() {
    ! in_cluster findmnt -n --mountpoint "$S3_MOUNT" >/dev/null
}

s3_started() { # BACKEND LOG_MARK
    wait_ready "" 90 "$1: $S3_RESOURCES run on $E2E_CLUSTER_NODE" all_running
    pass "$1: the group's resources run on $E2E_CLUSTER_NODE"
    local ids
    ids=$(start_call_ids)
    # shellcheck disable=SC2086 # the ids
    check "$1: started in order: the mount, the VIP, glance-api (start call-ids $ids)" \
        increasing $ids
    check "$1: glance-api's start began after the mount's had succeeded (pacemaker.log)" \
        s3_mount_before_glance "$2"
    check "$1: $S3_MOUNT is the store's persistent directory, bind-mounted (findmnt)" s3_mounted
    check "$1: the VIP $E2E_PCMK_VIP/32 is on lo (IPaddr2)" on_lo "$E2E_PCMK_VIP"
    wait_ready "" 90 "$1: glance-api answers /healthcheck on the VIP" \
        http_ok "http://$E2E_PCMK_VIP:9292/healthcheck"
    pass "$1: glance-api, run by Pacemaker, answers /healthcheck on the VIP"
    check "$1: it runs as the user the spec names (glance)" \
        test "$(ps -o user= -p "$(s3_glance_pid)")" = glance
}

s3_log() { printf '%s\n' "$(cluster_dir)/log-pacemaker/pacemaker.log"; }
s3_log_mark() { wc -l <"$(s3_log)"; }

# Since line MARK of pacemaker.log, the mount's start succeeded before
# Pacemaker initiated glance-api's.
s3_mount_before_glance() { # MARK
    local seen
    seen=$(tail -n +"$(($1 + 1))" "$(s3_log)" |
        grep -o -e 'Result of start operation for p_fs_glance-api[^:]*: ok' \
            -e 'Initiating start operation p_glance-api_start_0' |
        sed 's/ on .*: ok/: ok/' | paste -sd'|')
    echo "in order: $seen"
    [[ $seen == "Result of start operation for p_fs_glance-api: ok|Initiating start operation p_glance-api_start_0"* ]]
}

# Since line MARK of pacemaker.log, the group g_glance-api entered the CIB
# before Pacemaker first started p_glance-api: until then nothing orders
# glance-api after the mount and the VIP or keeps it on their node.
s3_started_in_group() { # MARK
    local first
    first=$(tail -n +"$(($1 + 1))" "$(s3_log)" |
        grep -o -e '<group id="g_glance-api"' -e 'Initiating start operation p_glance-api_start_0' |
        head -n 1)
    echo "first: $first"
    [[ $first == '<group id="g_glance-api"' ]]
}

# `crm resource restart` of the whole group: glance-api stops, the store
# is unmounted, and both come back; the image is still there.
s3_restart() { # URL
    local url=$1 before after fs_before fs_after
    before=$(s3_glance_pid)
    fs_before=$(start_call_id p_fs_glance-api)
    must "crm resource restart g_glance-api (the mount, the VIP and glance-api)" \
        in_cluster crm resource restart g_glance-api
    wait_ready "" 90 "glance-api answers on the VIP after the restart" \
        http_ok "$url/healthcheck"
    after=$(s3_glance_pid)
    fs_after=$(start_call_id p_fs_glance-api)
    check "... it is a new glance-api process (pid $before -> $after)" \
        test -n "$after" -a "$after" != "$before"
    check "... the store was mounted anew (the mount's start call-id $fs_before -> $fs_after)" \
        test "${fs_after:-0}" -gt "${fs_before:-0}"
    check "... $S3_MOUNT is mounted again (findmnt)" s3_mounted
    check "... the image survived and downloads byte-equal" s3_download_equal
}

# Stops the group: glance-api, then the VIP, then the mount.
s3_stop_in_order() { # BACKEND
    local log mark
    log=$(s3_log)
    mark=$(s3_log_mark)
    must "$1: crm resource stop g_glance-api" in_cluster crm resource stop g_glance-api
    wait_ready "" 90 "$1: the group has stopped" none_running
    check "$1: glance-api stopped before the VIP, the VIP before the mount (pacemaker.log)" \
        s3_stopped_in_order "$log" "$mark"
    check "$1: the VIP is gone from lo" not_on_lo "$E2E_PCMK_VIP"
    check "$1: $S3_MOUNT is unmounted" s3_not_mounted
}

s3_stopped_in_order() { # LOG FROM_LINE
    local seen
    seen=$(tail -n +"$(($2 + 1))" "$1" |
        grep -o 'Result of stop operation for p_[a-z_-]*' | awk '{ print $NF }' | paste -sd' ')
    echo "stopped: $seen"
    [[ $seen == "p_glance-api p_ip_glance-api p_fs_glance-api" ]]
}
