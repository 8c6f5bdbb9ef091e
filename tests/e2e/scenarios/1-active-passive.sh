# shellcheck shell=bash
# Scenario 1: active/passive, the spec language as users write it.
# Spec: tests/e2e/specs/active-passive.glha (Zed, VIP 127.77.0.11, two
# nodes, secrets from the environment and a file).

scenario_active_passive() {
    local spec=$E2E_DIR/specs/active-passive.glha
    local dir=$E2E_STATE/s1
    local bundle=$dir/bundle
    mkdir -p "$dir"
    secrets_init

    # ------------------------------------------------------------ build
    must "glhac build writes the bundle" glhac build "$spec" -o "$bundle"
    check "the bundle holds no secret value (placeholders)" no_secret_in "$bundle"
    check "glance-api.conf keeps images, staging and tasks in the declared store ($S1_STORE)" \
        s1_store_settings "$bundle/files/etc/glance/glance-api.conf"

    # ------------------------------------------------------------ diff, apply, diff
    local root1
    root1=$(node_root node1)
    must "glhac diff against the package's glance-api.conf reports changes (exit 1)" \
        exits_with 1 glhac diff "$spec" --root "$root1" --save-plan "$dir/plan-node1.json"
    cp "$E2E_STATE/last.out" "$dir/diff-node1.txt"
    check "the diff shows no secret value" no_secret_in "$dir/diff-node1.txt" "$dir/plan-node1.json"
    must "glhac apply writes the merged files" glhac apply "$dir/plan-node1.json" --root "$root1"
    check "apply kept glance-api.conf's owner and mode (root:glance 0640)" \
        test "$(stat -c '%U:%G %a' "$root1/etc/glance/glance-api.conf")" = "root:glance 640"
    check "apply kept the package's file as .glha-bak" \
        cmp "$root1/etc/glance/glance-api.conf.glha-bak" /usr/share/glance-common/glance-api.conf
    check "a second diff reports nothing (exit 0)" \
        exits_with 0 glhac diff "$spec" --root "$root1"
    # A rotated password: apply would write the new value (it resolves the
    # secrets), so the review before it shows a change.
    check "diff reports a database password rotated in its env variable (exit 1)" \
        exits_with 1 env GLHA_E2E_DB_PASSWORD=e2e-rotated-pw "$GLHAC" diff "$spec" --root "$root1"
    check "... as a sensitive change, without the value" \
        s1_rotated_shown "$E2E_STATE/prev.out"

    # ------------------------------------------------------------ the services' accounts
    glance_accounts

    # ------------------------------------------------------------ glance-api on node1
    # The store is shared by external means (the spec says so): the harness
    # mounts one directory on its parent in every node's view.
    S1_SHARE=$(store_dir s1)
    must "glance-manage db_sync with the applied file" glance_manage "$root1" db_sync
    # It starts while the catalog is set up.
    glance_spawn glance-node1 "$root1" "$S1_SHARE" "${S1_STORE%/*}"

    admin_env
    s1_endpoints "$spec" "$bundle"
    glance_wait glance-node1 "$E2E_VIP"
    pass "glance-api (node1's files) answers /healthcheck on the VIP"
    check "nova.conf's [glance] settings, as nova reads them, find glance-api in the catalog" \
        s1_nova_finds_glance "$root1/etc/nova/nova.conf" "http://$E2E_VIP:9292"
    s1_image "$dir" "$root1"
    s1_failover "$spec" "$dir"
    s1_faults "$spec" "$dir" "$root1"
    s1_rabbit_slash "$spec" "$dir"
}

# The spec's file store: the images directory; staging and tasks are its
# siblings.
S1_STORE=/srv/glance/images

s1_store_settings() { # GLANCE_API_CONF
    local parent=${S1_STORE%/*}
    /usr/bin/python3 - "$1" "$S1_STORE" "$parent/staging" "$parent/tasks" <<'PY'
import configparser, sys
conf, images, staging, tasks = sys.argv[1:]
cp = configparser.RawConfigParser(strict=False)
cp.read(conf)
got = {
    "[DEFAULT] enabled_backends": cp.get("DEFAULT", "enabled_backends", fallback=None),
    "[images] filesystem_store_datadir": cp.get("images", "filesystem_store_datadir", fallback=None),
    "[os_glance_staging_store] filesystem_store_datadir":
        cp.get("os_glance_staging_store", "filesystem_store_datadir", fallback=None),
    "[os_glance_tasks_store] filesystem_store_datadir":
        cp.get("os_glance_tasks_store", "filesystem_store_datadir", fallback=None),
}
want = {
    "[DEFAULT] enabled_backends": "images:file",
    "[images] filesystem_store_datadir": images,
    "[os_glance_staging_store] filesystem_store_datadir": staging,
    "[os_glance_tasks_store] filesystem_store_datadir": tasks,
}
for k in want:
    print(f"{k} = {got[k]}")
sys.exit(0 if got == want else 1)
PY
}

# The rotated password shows as a change of [database] connection that is
# sensitive, and no secret value (old or new) is printed.
s1_rotated_shown() { # DIFF_OUTPUT
    grep -n 'connection' "$1" | head -n 5
    grep -q 'changed (sensitive)' "$1" && ! grep -qF e2e-rotated-pw "$1" && no_secret_in "$1"
}

# Issue 12: a RabbitMQ password with `/` is written correctly encoded, but
# oslo.messaging's rabbit driver rebuilds the URL for kombu without
# escaping `/`, and every notification fails. glhac apply refuses such a
# password, naming the secret by id, never by value.
s1_rabbit_slash() {
    local spec=$1 dir=$2 root2 pw=$'rb/pw@:%#$x"\'\\ end'
    root2=$(node_root node2)
    GLHA_E2E_RABBIT_PASSWORD=$pw "$GLHAC" diff "$spec" --root "$root2" \
        --save-plan "$dir/plan-slash.json" >/dev/null || true
    local rc=0
    GLHA_E2E_RABBIT_PASSWORD=$pw "$GLHAC" apply "$dir/plan-slash.json" --root "$root2" \
        >"$dir/apply-slash.out" 2>&1 || rc=$?
    check "a RabbitMQ password with '/' is refused by glhac apply, by the secret's id" \
        s1_slash_refused "$rc" "$dir/apply-slash.out" "$pw"
}

s1_slash_refused() { # APPLY_STATUS OUTPUT PASSWORD
    cat "$2"
    (($1 == 2)) &&
        grep -qF 'rabbitmq.password' "$2" &&
        grep -q 'RabbitMQ transport URL' "$2" &&
        ! grep -qF "$3" "$2"
}

# keystone/endpoints.sh against the real Keystone (the reviewed way,
# diff and apply --endpoints, follows in s1_keystone_faults).
s1_endpoints() {
    local spec=$1 bundle=$2 url="http://$E2E_VIP:9292" ids_before id
    local script=$bundle/keystone/endpoints.sh
    must "endpoints.sh registers the Image API" sh "$script"
    must "three endpoints (admin, internal, public), each $url" expect_endpoints "$url"
    openstack endpoint list -f json >"$E2E_STATE/s1/endpoints.json"
    check "glhac diff --endpoints (openstack endpoint list -f json): nothing to change" \
        exits_with 0 glhac diff "$spec" --endpoints "$E2E_STATE/s1/endpoints.json"
    # Later listings for diff come from the harness's own client, which
    # costs a tenth of a CLI call: it must print what the CLI prints.
    ks endpoint-list-json >"$E2E_STATE/s1/endpoints-ks.json"
    check "the harness's endpoint listing is the CLI's, row for row" \
        same_json_rows "$E2E_STATE/s1/endpoints.json" "$E2E_STATE/s1/endpoints-ks.json"
    ids_before=$(ks endpoints image)
    check "endpoints.sh again: exit 0" sh "$script"
    check "... and nothing new (the same three endpoint ids)" \
        test "$(ks endpoints image)" = "$ids_before"

    # A drifted URL and a duplicate at once (one run of the script: each
    # costs several openstack calls).
    id=$(image_endpoint_ids internal)
    ks endpoint-set "$id" "http://$E2E_VIP:9393"
    ks endpoint-create image public "$url" >/dev/null
    local out=$E2E_STATE/s1/endpoints-drift-dup.out
    # shellcheck disable=SC2016 # expanded by that shell
    check "endpoints.sh with a drifted internal URL and two public endpoints: exit 0" \
        sh -c 'sh "$1" >"$2" 2>&1' _ "$script" "$out"
    check "... fixes the internal URL in place (same id, URL $url)" \
        test "$(ks endpoints image | awk '$1 == "internal"')" = "internal $E2E_REGION $url $id"
    check "... warns about the duplicate" \
        grep -q "glha: warning: 2 public endpoints of image" "$out"
    check "... neither deletes one nor creates a third" \
        test "$(image_endpoint_ids public | wc -l)" = 2
}

# The reviewed way: diff --endpoints saves the calls, apply --endpoints
# makes exactly those; a catalog that moved after the review is refused,
# no call made. The catalog to reconcile (after Keystone failed under
# endpoints.sh, which had created one endpoint): one endpoint drifted, one
# missing, one duplicated with a wrong URL.
s1_reviewed_endpoints() { # SPEC ROOT URL
    local spec=$1 root=$2 url=$3 dir=$E2E_STATE/s1 iface id
    for iface in admin internal public; do
        [[ -n $(image_endpoint_ids "$iface") ]] && break
    done
    local drifted=$iface missing dup
    case $iface in
        admin) missing=internal dup=public ;;
        internal) missing=public dup=admin ;;
        *) missing=admin dup=internal ;;
    esac
    ks endpoint-set "$(image_endpoint_ids "$drifted")" "http://$E2E_VIP:9393"
    for id in $(image_endpoint_ids "$missing") $(image_endpoint_ids "$dup"); do
        ks endpoint-delete "$id"
    done
    ks endpoint-create image "$dup" "http://$E2E_VIP:9393" >/dev/null
    ks endpoint-create image "$dup" "$url" >/dev/null

    ks endpoint-list-json >"$dir/endpoints-review.json"
    check "glhac diff --endpoints: $drifted drifted, $missing missing, $dup twice (exit 1)" \
        exits_with 1 glhac diff "$spec" --root "$root" \
        --endpoints "$dir/endpoints-review.json" --save-plan "$dir/plan-endpoints.json"
    cp "$E2E_STATE/last.out" "$dir/diff-endpoints.txt"
    check "... planning one set (the drifted URL), one create, one delete (the duplicate with the wrong URL)" \
        s1_planned_calls "$dir/diff-endpoints.txt"
    grep -oE 'openstack endpoint (create|set|delete) .*' "$dir/diff-endpoints.txt" |
        sed 's/^openstack //' >"$dir/calls-planned"
    check "glhac apply --endpoints (the real openstack CLI against Keystone)" \
        with_fault none 0 glhac apply "$dir/plan-endpoints.json" --root "$root" --endpoints
    cp "$(fault_dir)/calls.log" "$dir/calls-made"
    check "... made exactly the planned calls, in order, after listing the catalog" \
        s1_same_calls "$dir/calls-planned" "$dir/calls-made"
    check "... one endpoint per interface, each $url" expect_endpoints "$url"

    # The catalog moves after the review: the same plan is now outdated.
    ks endpoint-set "$(image_endpoint_ids public)" "http://$E2E_VIP:9494"
    local before
    before=$(ks endpoints image)
    check "glhac apply --endpoints refuses a catalog that moved since the review (exit 2)" \
        exits_with 2 with_fault none 0 glhac apply "$dir/plan-endpoints.json" --root "$root" --endpoints
    check "... and says so" grep -q "endpoints changed since the plan was saved" "$E2E_STATE/prev.out"
    check "... making no call but the listing" \
        test "$(grep -vc '^endpoint list ' "$(fault_dir)/calls.log")" = 0
    check "... and leaves the catalog as it was" test "$(ks endpoints image)" = "$before"
    ks endpoint-set "$(image_endpoint_ids public)" "$url"
}

s1_planned_calls() { # DIFF_OUTPUT
    grep -E 'openstack endpoint (create|set|delete)' "$1"
    [[ $(grep -cE 'openstack endpoint set --url http://[0-9.]+:9292 ' "$1") == 1 &&
        $(grep -cE 'openstack endpoint create --region RegionOne image [a-z]+ http://[0-9.]+:9292$' "$1") == 1 &&
        $(grep -cE 'openstack endpoint delete ' "$1") == 1 ]]
}

# The calls apply made (the fault wrapper's log) are the catalog listing,
# the service listing a create needs, then the planned calls in order.
s1_same_calls() { # PLANNED MADE
    echo "calls, in order:"
    sed 's/^/  openstack /' "$2"
    diff <(printf '%s\n' 'endpoint list -f json' 'service list -f json'; cat "$1") "$2"
}

# What nova (Zed) does with [glance] valid_interfaces and region_name: a
# keystoneauth endpoint lookup for service type image, then the versions
# document from that URL.
s1_nova_finds_glance() { # NOVA_CONF WANT_URL
    /usr/bin/python3 - "$1" "$2" <<'PY'
import configparser, os, sys
from keystoneauth1 import session
from keystoneauth1.identity import v3
conf, want = sys.argv[1], sys.argv[2]
cp = configparser.RawConfigParser(strict=False)
cp.read(conf)
interfaces = [i.strip() for i in cp.get("glance", "valid_interfaces").split(",")]
region = cp.get("glance", "region_name")
if cp.has_option("glance", "api_servers"):
    sys.exit("nova.conf still has [glance] api_servers")
auth = v3.Password(auth_url=os.environ["OS_AUTH_URL"], username=os.environ["OS_USERNAME"],
                   password=os.environ["OS_PASSWORD"], project_name=os.environ["OS_PROJECT_NAME"],
                   user_domain_name="Default", project_domain_name="Default")
sess = session.Session(auth=auth)
url = sess.get_endpoint(service_type="image", interface=interfaces, region_name=region)
print(f"interfaces {interfaces}, region {region}: {url}")
if url.rstrip("/") != want:
    sys.exit(f"nova would use {url}, expected {want}")
r = sess.get(url, authenticated=False, raise_exc=False)
print(f"GET {url}: {r.status_code}")
sys.exit(0 if r.status_code in (200, 300) and "versions" in r.text else 1)
PY
}

# An image through the catalog; its notification in RabbitMQ; where glance
# put it.
s1_image() {
    local dir=$1 root1=$2 id
    random_file "$E2E_STATE/images/s1.raw" 8
    must "openstack image create --file (8 MiB) through the catalog" \
        image_upload e2e-s1 "$E2E_STATE/images/s1.raw"
    id=$(tail -n 1 "$E2E_STATE/last.out")
    printf '%s\n' "$id" >"$dir/image-id"
    check "openstack image save returns the same bytes" s1_cli_download_equal
    wait_ready "" 30 "notifications.info has messages" test "$(queue_messages notifications.info)" -gt 0
    pass "glance-api's notifications arrive in RabbitMQ (notifications.info: $(queue_messages notifications.info) messages)"
    check "glance-api's log has no messaging error" \
        not_grep 'ERROR oslo_messaging' "$E2E_STATE/logs/glance-node1.log"
    check "the image's location (image_locations) is in the store the spec declared ($S1_STORE)" \
        s1_location_in_store "$id"
    check "... its data is in the shared directory, none on node1's own /var/lib/glance" \
        s1_data_shared "$id" "$root1"
}

s1_location_in_store() { # IMAGE_ID
    local loc
    loc=$(image_locations "$1")
    echo "image_locations: $loc"
    [[ $loc == "file://$S1_STORE/$1" ]]
}

s1_data_shared() { # IMAGE_ID ROOT
    cmp "$E2E_STATE/images/s1.raw" "$S1_SHARE/images/$1" &&
        [[ -z $(find "$2/var/lib/glance" -type f -size +1M) ]]
}

s1_cli_download_equal() {
    rm -f "$E2E_STATE/images/s1.out"
    image_download e2e-s1 "$E2E_STATE/images/s1.out" &&
        cmp "$E2E_STATE/images/s1.raw" "$E2E_STATE/images/s1.out"
}

# The same through the catalog, by the harness's own client (cheaper than
# the CLI).
s1_download_equal() {
    rm -f "$E2E_STATE/images/s1.out"
    ks image-save e2e-s1 "$E2E_STATE/images/s1.out" &&
        cmp "$E2E_STATE/images/s1.raw" "$E2E_STATE/images/s1.out"
}

# Failover: node1's glance-api goes away; node2 applies the same bundle to
# its own files and serves the VIP, with its own /var/lib/glance and the
# shared store mounted.
s1_failover() {
    local spec=$1 dir=$2 root2
    stop_proc glance-node1
    root2=$(node_root node2)
    must "node2: glhac diff reports changes" \
        exits_with 1 glhac diff "$spec" --root "$root2" --save-plan "$dir/plan-node2.json"
    must "node2: glhac apply" glhac apply "$dir/plan-node2.json" --root "$root2"
    check "node2's glance-api.conf is node1's (active/passive: one file for every node)" \
        cmp "$root2/etc/glance/glance-api.conf" "$(node_root node1)/etc/glance/glance-api.conf"
    glance_start glance-node2 "$E2E_VIP" "$root2" "$S1_SHARE" "${S1_STORE%/*}"
    check "after failover to node2 (its own /var/lib/glance, the shared store), the image downloads byte-equal" \
        s1_download_equal
}

# Bad input and faults.
s1_faults() {
    local spec=$1 dir=$2 root1=$3 before

    # A wrong database password at apply time: the database says so.
    local rootw
    rootw=$(node_root node-wrong-db)
    must "diff for a third node's files, plan saved" \
        exits_with 1 glhac diff "$spec" --root "$rootw" --save-plan "$dir/plan-wrong-db.json"
    GLHA_E2E_DB_PASSWORD="not the password" must \
        "glhac apply with a wrong database password in the secret's env variable" \
        glhac apply "$dir/plan-wrong-db.json" --root "$rootw"
    refuses "glance-manage db_sync with the file it wrote fails" glance_manage "$rootw" db_sync
    check "... and the error names the database (Access denied for user 'glance')" \
        grep -q "Access denied for user 'glance'" "$E2E_STATE/prev.out"
    check "... not glha (no glha placeholder, no URL parse error)" \
        not_grep -qi -e 'glha' -e 'Could not parse' -e 'invalid literal' "$E2E_STATE/prev.out"

    # The embedded bundle writes the same connection URL as apply did.
    must "glhac build --embed-secrets with the right values" \
        glhac build --embed-secrets "$spec" -o "$dir/bundle-embedded"
    check "--embed-secrets and apply write the same [database] connection, transport_url and password" \
        same_secret_lines "$dir/bundle-embedded/files/etc/glance/glance-api.conf" \
        "$root1/etc/glance/glance-api.conf"

    # A stale plan: the live file changed after diff; apply changes nothing.
    must "diff against node1's applied file, plan saved" \
        exits_with 0 glhac diff "$spec" --root "$root1" --save-plan "$dir/plan-stale.json"
    printf '\n# edited by hand after the plan\n' >>"$root1/etc/glance/glance-api.conf"
    before=$(sha256sum <"$root1/etc/glance/glance-api.conf")
    check "apply refuses the stale plan (exit 2)" \
        exits_with 2 glhac apply "$dir/plan-stale.json" --root "$root1"
    check "... naming the file that changed" grep -q "glance-api.conf changed since the plan" "$E2E_STATE/prev.out"
    check "... and leaves the file as it was" test "$(sha256sum <"$root1/etc/glance/glance-api.conf")" = "$before"

    s1_keystone_faults "$spec" "$dir" "$root1"
}

# The lines of an ini file that carry secrets, as written.
same_secret_lines() { # A B
    local pat='^(connection|transport_url|password) = '
    diff <(grep -E "$pat" "$1") <(grep -E "$pat" "$2")
}

# endpoints.sh while Keystone fails under it.
s1_keystone_faults() {
    local spec=$1 dir=$2 root=$3
    local script=$dir/bundle/keystone/endpoints.sh url="http://$E2E_VIP:9292" id
    # Start from no endpoints (the service stays): the script's calls are
    # service show, then per interface list and create. Keystone goes away
    # right after the first create.
    for id in $(ks endpoints image | awk '{ print $4 }'); do
        ks endpoint-delete "$id"
    done
    refuses "endpoints.sh with Keystone stopped after its first create: non-zero exit" \
        with_fault keystone-down 3 sh "$script"
    keystone_restart
    check "... no endpoint half-created: what exists has the right URL and region" \
        s1_only_correct_endpoints "$url"
    s1_reviewed_endpoints "$spec" "$root" "$url"

    # One transient failure of `openstack service show` (Keystone
    # unreachable for that call).
    with_fault unreachable 1 sh "$script" >"$dir/endpoints-transient.out" 2>&1 || true
    check "a transient failure of 'service show' does not create a second image service" \
        s1_one_image_service
    # Put the catalog back to one image service: drop those without endpoints.
    local svc
    for svc in $(ks services image | awk '{ print $1 }'); do
        [[ -n $(ks service-endpoints "$svc") ]] || ks service-delete "$svc"
    done
    check "one image service with its three endpoints remains" expect_endpoints "$url"
}

s1_one_image_service() {
    local services
    services=$(ks services image)
    echo "image services: $(paste -sd' ' <<<"$services")"
    [[ $(wc -l <<<"$services") == 1 ]]
}

s1_only_correct_endpoints() { # URL
    local line
    while read -r line; do
        [[ -z $line ]] && continue
        [[ $line =~ ^(admin|internal|public)\ $E2E_REGION\ $1$ ]] || {
            echo "unexpected endpoint: $line" >&2
            return 1
        }
    done < <(image_endpoints)
}
