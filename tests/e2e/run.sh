#!/usr/bin/env bash
# End-to-end tests: glha's bundles applied to the real services of Debian 12
# (OpenStack Zed) running on this host, on loopback addresses (127.77.0.0/24)
# only. Needs root and the packages of tests/e2e/install.sh.
#
#   tests/e2e/run.sh                 every scenario
#   tests/e2e/run.sh 1 3             some of them (number or name)
#
# Env: GLHAC=PATH uses that glhac instead of building one;
#      GLHA_E2E_KEEP=1 keeps the state directory (logs, bundles) after a
#      successful run too (it is always kept after a failure).
#
# The run has a network namespace of its own: loopback (127.77.0.0/24 for
# the services) and a veth pair that stands for the cluster network
# (198.18.77.0/24, RFC 2544's benchmarking range, on interface e2e0),
# where active/active puts its node addresses: glha rightly refuses
# loopback node addresses there (E0301). No packet leaves the namespace.
#
# Every process started is recorded by pid and ended on exit, interrupt or
# failure; the run fails if anything of it outlives it.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/../.." && pwd)

# shellcheck source=tests/e2e/lib/common.sh
. "$E2E_DIR/lib/common.sh"
# shellcheck source=tests/e2e/lib/services.sh
. "$E2E_DIR/lib/services.sh"
# shellcheck source=tests/e2e/lib/glha.sh
. "$E2E_DIR/lib/glha.sh"
# shellcheck source=tests/e2e/lib/openstack.sh
. "$E2E_DIR/lib/openstack.sh"
# shellcheck source=tests/e2e/lib/cluster.sh
. "$E2E_DIR/lib/cluster.sh"
# shellcheck source=tests/e2e/scenarios/1-active-passive.sh
. "$E2E_DIR/scenarios/1-active-passive.sh"
# shellcheck source=tests/e2e/scenarios/2-active-active.sh
. "$E2E_DIR/scenarios/2-active-active.sh"
# shellcheck source=tests/e2e/scenarios/3-pacemaker.sh
. "$E2E_DIR/scenarios/3-pacemaker.sh"
# shellcheck source=tests/e2e/scenarios/4-examples.sh
. "$E2E_DIR/scenarios/4-examples.sh"

# Number, name and function of each scenario, in the order they run.
SCENARIOS=(
    "1 active-passive scenario_active_passive"
    "2 active-active scenario_active_active"
    "3 pacemaker scenario_pacemaker"
    "4 examples scenario_examples"
)

usage() {
    echo "usage: $0 [SCENARIO...]   (numbers or names:" \
        "$(printf '%s\n' "${SCENARIOS[@]}" | awk '{ printf "%s %s; ", $1, $2 }'))" >&2
    exit 2
}

selected=()
for arg in "$@"; do
    found=
    for s in "${SCENARIOS[@]}"; do
        read -r num name fn <<<"$s"
        if [[ $arg == "$num" || $arg == "$name" ]]; then
            selected+=("$s")
            found=1
        fi
    done
    [[ -n $found ]] || usage
done
((${#selected[@]} > 0)) || selected=("${SCENARIOS[@]}")

if ((EUID != 0)); then
    echo "e2e: needs root (services run as their own users, VIPs go on lo)" >&2
    exit 2
fi
for tool in mariadbd rabbitmq-server keystone-manage glance-api openstack \
    uwsgi_python3 haproxy corosync pacemakerd crm pcs unshare setpriv ss; do
    command -v "$tool" >/dev/null || {
        echo "e2e: $tool is missing; run tests/e2e/install.sh first" >&2
        exit 2
    }
done

if [[ -z ${GLHAC:-} ]]; then
    # The debug build `cargo test` already made; nothing to compile then.
    (cd "$REPO" && cargo build --quiet --bin glhac)
    GLHAC=${CARGO_TARGET_DIR:-$REPO/target}/debug/glhac
fi
[[ -x $GLHAC ]] || { echo "e2e: no glhac at $GLHAC" >&2; exit 2; }
export GLHAC

# The whole run happens in a network namespace of its own: nothing it
# starts can reach (or collide with) any address outside it, and it ends
# with the run.
if [[ ${GLHA_E2E_IN_NETNS:-0} != 1 ]]; then
    if ! unshare --net --mount -- true; then
        echo "e2e: cannot make network and mount namespaces (unshare); needs CAP_SYS_ADMIN" >&2
        exit 2
    fi
    GLHA_E2E_IN_NETNS=1 exec unshare --net -- "$0" "$@"
fi
netns_init

state_init
trap cleanup_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
e2e_log "state in $E2E_STATE; glhac $("$GLHAC" --version)"

# The services every scenario uses, started once: MariaDB, RabbitMQ and
# Keystone on the VIP. RabbitMQ boots while Keystone is set up.
infra_start() {
    E2E_SCOPE=infra
    mariadb_start
    rabbitmq_start
    keystone_setup
    keystone_start
    rabbitmq_wait
}

# The EXIT trap of a scenario's shell.
# shellcheck disable=SC2317 # called from the trap
scenario_exit() { # STATUS NUM
    if (($1 != 0)) && [[ -z ${E2E_ABORTED:-} ]]; then
        fail_soft "scenario $2: unexpected failure (exit $1) at ${E2E_LAST_ERR:-?}"
    fi
}

timings=()
failed=0
t0=$SECONDS
infra_start
timings+=("infrastructure (MariaDB, RabbitMQ, Keystone): $((SECONDS - t0)) s")
service_versions >"$E2E_STATE/versions"

for s in "${selected[@]}"; do
    read -r num name fn <<<"$s"
    echo "# scenario $num: $name"
    start=$SECONDS
    rc=0
    # In the background, so that a signal to this shell is handled at once
    # (bash runs traps only between foreground commands); cleanup_all ends
    # the scenario's shell first.
    (
        E2E_SCOPE=s$num
        # A command that fails outside any check ends the scenario (set -e);
        # say where. ERR only notes the place: it also fires in command
        # substitutions, where a failure is often expected.
        set -E
        trap 'E2E_LAST_ERR="${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND"' ERR
        trap 'scenario_exit $? "$num"' EXIT
        "$fn"
    ) &
    E2E_SCENARIO_PID=$!
    wait "$E2E_SCENARIO_PID" || rc=$?
    E2E_SCENARIO_PID=
    if declare -F cluster_teardown >/dev/null; then
        cluster_teardown
    fi
    stop_scope "s$num"
    n_fail=$(awk -F'\t' -v s="s$num" '$1 == s && $2 == "fail"' "$E2E_STATE/results" | wc -l)
    n_ok=$(awk -F'\t' -v s="s$num" '$1 == s && $2 == "ok"' "$E2E_STATE/results" | wc -l)
    n_known=$(awk -F'\t' -v s="s$num" '$1 == s && $2 == "known"' "$E2E_STATE/results" | wc -l)
    verdict=PASS
    if ((rc != 0 || n_fail > 0)); then
        verdict=FAIL
        failed=1
    fi
    timings+=("scenario $num ($name): $verdict in $((SECONDS - start)) s; $n_ok ok, $n_fail failed, $n_known known faults")
done

echo "# versions"
sed 's/^/#   /' "$E2E_STATE/versions"
echo "# known faults of glha's output (each waits for an issue)"
awk -F'\t' '$2 == "known" { print "#   " $1 ": " $3 }' "$E2E_STATE/results"
echo "# wall time"
printf '#   %s\n' "${timings[@]}" "total: $((SECONDS - t0)) s"
exit "$failed"
