# shellcheck shell=bash
# Scenario 3: the bundle's Pacemaker configuration in a live one-node
# cluster, glance-api run by Pacemaker (ocf:heartbeat:anything).
# Spec: tests/e2e/specs/pacemaker.glha (VIP 127.77.0.21 on lo).

scenario_pacemaker() {
    local spec=$E2E_DIR/specs/pacemaker.glha
    local dir=$E2E_STATE/s3
    local bundle=$dir/bundle url="http://$E2E_PCMK_VIP:9292"
    mkdir -p "$dir"
    secrets_init
    admin_env

    must "glhac build writes the bundle" glhac build "$spec" -o "$bundle"
    local root store
    root=$(node_root pcmk-node1)
    must "glhac diff against the package's glance-api.conf reports changes (exit 1)" \
        exits_with 1 glhac diff "$spec" --root "$root" --save-plan "$dir/plan.json"
    must "glhac apply writes node1's files" glhac apply "$dir/plan.json" --root "$root"
    store=$(glance_store_dir pcmk)
    glance_accounts
    must "glance-manage db_sync with the applied file" glance_manage "$root" "$store" db_sync

    check "the VIP is not on lo before the cluster runs" not_on_lo "$E2E_PCMK_VIP"
    cluster_start "$root" "$store"
    pass "one-node cluster: corosync quorate, Pacemaker has a DC"

    # ------------------------------------------------------------ crm
    local mark
    mark=$(s3_log_mark)
    must "crm configure < pacemaker/glance-api.crm" \
        in_cluster crm configure <"$bundle/pacemaker/glance-api.crm"
    s3_started "crm"
    check "crm: glance-api started only once it was in the group with the VIP" \
        s3_started_in_group "$mark"
    must "endpoints.sh points the catalog at the cluster's VIP" sh "$bundle/keystone/endpoints.sh"
    must "one endpoint per interface, each $url" expect_endpoints "$url"
    random_file "$E2E_STATE/images/s3.raw" 4
    must "an image through the catalog (glance-api under Pacemaker)" \
        image_upload e2e-s3 "$E2E_STATE/images/s3.raw"
    check "... downloads byte-equal" s3_download_equal

    in_cluster cibadmin -Q >"$dir/cib-live.xml"
    check "glhac diff --cib (the live CIB, status included) and --root: nothing to change" \
        exits_with 0 glhac diff "$spec" --root "$root" --cib "$dir/cib-live.xml"

    local before after
    before=$(s3_glance_pid)
    must "crm resource restart p_glance-api" in_cluster crm resource restart p_glance-api
    wait_ready "" 90 "glance-api answers on the VIP after the restart" \
        http_ok "$url/healthcheck"
    after=$(s3_glance_pid)
    check "... it is a new glance-api process (pid $before -> $after)" \
        test -n "$after" -a "$after" != "$before"
    check "... the image still downloads byte-equal" s3_download_equal

    s3_stop_in_order "crm"

    # ------------------------------------------------------------ pcs
    must "the crm objects deleted" \
        in_cluster crm configure delete g_glance-api p_glance-api p_ip_glance-api
    mark=$(s3_log_mark)
    must "sh pacemaker/glance-api.pcs.sh" in_cluster sh "$bundle/pacemaker/glance-api.pcs.sh"
    s3_started "pcs"
    check "pcs: glance-api started only once it was in the group with the VIP" \
        s3_started_in_group "$mark"
    check "... the image downloads byte-equal" s3_download_equal
    s3_stop_in_order "pcs"
}

not_on_lo() { ! ip -o -4 addr show dev lo | grep -q " $1/"; }
on_lo() { ip -o -4 addr show dev lo | grep -q " $1/32 "; }

s3_download_equal() {
    rm -f "$E2E_STATE/images/s3.out"
    image_download e2e-s3 "$E2E_STATE/images/s3.out" &&
        cmp "$E2E_STATE/images/s3.raw" "$E2E_STATE/images/s3.out"
}

# glance-api's pid as the agent recorded it (in the cluster's view).
s3_glance_pid() { in_cluster cat /var/lib/glance/glance-api.pid 2>/dev/null || true; }

# rsc_running RSC: crm_resource says it runs on our node.
rsc_running() {
    in_cluster crm_resource --locate --resource "$1" 2>/dev/null |
        grep -q "is running on: $E2E_CLUSTER_NODE"
}

# The call-id of RSC's last start: the executor numbers its calls in the
# order it makes them.
start_call_id() { # RSC
    in_cluster cibadmin -Q --xpath \
        "//lrm_resource[@id='$1']/lrm_rsc_op[@operation='start']" 2>/dev/null |
        grep -o 'call-id="[0-9]*"' | head -n 1 | grep -o '[0-9]*'
}

s3_started() { # BACKEND
    wait_ready "" 90 "$1: p_ip_glance-api and p_glance-api run on $E2E_CLUSTER_NODE" \
        eval 'rsc_running p_ip_glance-api && rsc_running p_glance-api'
    pass "$1: the group's resources run on $E2E_CLUSTER_NODE"
    local vip_call svc_call
    vip_call=$(start_call_id p_ip_glance-api)
    svc_call=$(start_call_id p_glance-api)
    check "$1: the VIP started before glance-api (start call-ids $vip_call < $svc_call)" \
        test "${vip_call:-x}" -lt "${svc_call:-0}"
    check "$1: the VIP $E2E_PCMK_VIP/32 is on lo (IPaddr2)" on_lo "$E2E_PCMK_VIP"
    wait_ready "" 90 "$1: glance-api answers /healthcheck on the VIP" \
        http_ok "http://$E2E_PCMK_VIP:9292/healthcheck"
    pass "$1: glance-api, run by Pacemaker, answers /healthcheck on the VIP"
    check "$1: it runs as the user the spec names (glance)" \
        test "$(ps -o user= -p "$(s3_glance_pid)")" = glance
}

s3_log() { printf '%s\n' "$(cluster_dir)/log-pacemaker/pacemaker.log"; }
s3_log_mark() { wc -l <"$(s3_log)"; }

# Since line MARK of pacemaker.log, the group g_glance-api entered the CIB
# before Pacemaker first started p_glance-api: until then nothing orders
# glance-api after the VIP or keeps it on the VIP's node.
s3_started_in_group() { # MARK
    local first
    first=$(tail -n +"$(($1 + 1))" "$(s3_log)" |
        grep -o -e '<group id="g_glance-api"' -e 'Initiating start operation p_glance-api_start_0' |
        head -n 1)
    echo "first: $first"
    [[ $first == '<group id="g_glance-api"' ]]
}

# Stops the group; glance-api must stop before the VIP goes.
s3_stop_in_order() { # BACKEND
    local log mark
    log=$(s3_log)
    mark=$(s3_log_mark)
    must "$1: crm resource stop g_glance-api" in_cluster crm resource stop g_glance-api
    wait_ready "" 90 "$1: the group has stopped" \
        eval '! rsc_running p_glance-api && ! rsc_running p_ip_glance-api'
    check "$1: glance-api stopped before the VIP (pacemaker.log)" \
        s3_stopped_in_order "$log" "$mark"
    check "$1: the VIP is gone from lo" not_on_lo "$E2E_PCMK_VIP"
}

s3_stopped_in_order() { # LOG FROM_LINE
    tail -n +"$(($2 + 1))" "$1" |
        grep -o 'Result of stop operation for p_[a-z_-]*' | awk '{ print $NF }' |
        paste -sd' ' | grep -qx 'p_glance-api p_ip_glance-api'
}
