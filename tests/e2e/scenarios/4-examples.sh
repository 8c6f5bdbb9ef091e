# shellcheck shell=bash
# Scenario 4: the active/passive examples, as committed copies compiled
# for Zed and re-addressed into our loopback block
# (tests/e2e/specs/examples: seed, split-vips; the active-active copy is
# scenario 2's spec). Each goes through build, diff and apply against the
# package's files, glance-api on its VIP with its store mounted as the
# bundle's p_fs_glance-api says, the catalog by the reviewed apply, and an
# image up and down through the catalog. Like scenario 1, without
# Pacemaker: the seed's glance-api agent is not packaged any more and
# systemd does not run here (scenario 3 runs the Pacemaker side).

scenario_examples() {
    secrets_init
    admin_env
    local url_int="http://$E2E_VIP:9292"
    # The guide's literals: the database password and RabbitMQ's default
    # user (guest, which RabbitMQ lets in from loopback only).
    S4_ACCOUNTS=s4_seed_accounts \
        s4_example seed "admin $url_int" "internal $url_int" "public http://$E2E_NET.31:9292"
    S4_ACCOUNTS=s4_env_accounts \
        s4_example split-vips "internal $url_int" "public http://$E2E_NET.41:9292"
}

s4_seed_accounts() {
    must "seed: MariaDB user glance with the spec's literal password" \
        db_user glance glance password
}

s4_env_accounts() {
    glance_accounts
    openstack_rabbit_user
}

# s4_example NAME "INTERFACE URL"...: one copy, end to end; the catalog
# must end up with exactly these endpoints for the interfaces named.
s4_example() {
    local name=$1
    shift
    local spec=$E2E_DIR/specs/examples/$name.glha dir=$E2E_STATE/s4/$name
    local bundle=$dir/bundle root device directory
    mkdir -p "$dir"
    must "$name: glhac build" glhac build "$spec" -o "$bundle"
    root=$(node_root "ex-$name")
    must "$name: glhac diff against the package's files reports changes (exit 1)" \
        exits_with 1 glhac diff "$spec" --root "$root" --save-plan "$dir/plan.json"
    must "$name: glhac apply" glhac apply "$dir/plan.json" --root "$root"
    check "$name: a second diff reports nothing (exit 0)" \
        exits_with 0 glhac diff "$spec" --root "$root"

    "$S4_ACCOUNTS"
    must "$name: glance-manage db_sync with the applied file" glance_manage "$root" db_sync
    must "$name: the bundle's store mount (p_fs_glance-api) is a bind mount" bundle_mount "$bundle"
    read -r device directory <"$E2E_STATE/last.out"
    store_dir "$name" >/dev/null
    glance_start "glance-$name" "$E2E_VIP" "$root" "$device" "$directory"
    pass "$name: glance-api (the applied files, the store mounted) answers /healthcheck on $E2E_VIP"

    # The catalog, the reviewed way.
    ks endpoint-list-json >"$dir/endpoints.json"
    must "$name: glhac diff --endpoints, plan saved (exit 0 or 1)" \
        exits_with_one_of "0 1" glhac diff "$spec" --root "$root" \
        --endpoints "$dir/endpoints.json" --save-plan "$dir/plan-endpoints.json"
    must "$name: glhac apply --endpoints" \
        glhac apply "$dir/plan-endpoints.json" --root "$root" --endpoints
    check "$name: the catalog has the example's endpoints" s4_endpoints "$@"
    s4_served "$name" "$@"

    # An image, through the internal endpoint of the catalog.
    random_file "$E2E_STATE/images/$name.raw" 4
    must "$name: an image up through the catalog" \
        env OS_INTERFACE=internal "$E2E_DIR/lib/keystone-api" image-create "e2e-$name" \
        "$E2E_STATE/images/$name.raw"
    local id
    id=$(tail -n 1 "$E2E_STATE/last.out")
    check "$name: ... and down, byte-equal" s4_download_equal "$name"
    check "$name: its location is in the store the spec declared (file://$directory/images/)" \
        s4_in_store "$id" "$directory" "$E2E_STATE/store/$name" "$name"
    check "$name: glance-api's log has no messaging error" \
        not_grep 'ERROR oslo_messaging' "$E2E_STATE/logs/glance-$name.log"
    stop_proc "glance-$name"
}

s4_endpoints() { # "INTERFACE URL"...
    local want got pair i u
    want=$(for pair in "$@"; do
        read -r i u <<<"$pair"
        echo "$i $E2E_REGION $u"
    done | sort)
    got=$(image_endpoints | awk -v w="$(printf '%s\n' "$@" | awk '{ print $1 }' | paste -sd' ')" \
        'BEGIN { n = split(w, a, " "); for (i = 1; i <= n; i++) keep[a[i]] = 1 } keep[$1]')
    printf 'catalog:\n%s\nexpected:\n%s\n' "$got" "$want"
    [[ $got == "$want" ]]
}

# Each of the example's endpoints answers /healthcheck. The seed's public
# endpoint is on its public VIP, which no resource holds and glance-api
# does not bind: nobody serves it (issue 11 makes that an error).
s4_served() { # NAME "INTERFACE URL"...
    local name=$1 pair i u
    shift
    for pair in "$@"; do
        read -r i u <<<"$pair"
        if [[ $name == seed && $i == public ]]; then
            known_fault 11 "$name: its $i endpoint $u is served" http_ok "$u/healthcheck"
        else
            check "$name: its $i endpoint $u is served" http_ok "$u/healthcheck"
        fi
    done
}

s4_download_equal() { # NAME
    rm -f "$E2E_STATE/images/$1.out"
    OS_INTERFACE=internal ks image-save "e2e-$1" "$E2E_STATE/images/$1.out" &&
        cmp "$E2E_STATE/images/$1.raw" "$E2E_STATE/images/$1.out"
}

s4_in_store() { # IMAGE_ID DIRECTORY DEVICE NAME
    local loc
    loc=$(image_locations "$1")
    echo "image_locations: $loc"
    [[ $loc == "file://$2/images/$1" ]] && cmp "$E2E_STATE/images/$4.raw" "$3/images/$1"
}
