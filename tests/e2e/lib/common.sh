# shellcheck shell=bash
# The harness's plumbing: the run's state directory, results, assertions,
# readiness waits, and every process it starts, recorded by pid and ended
# by pid. Sourced by run.sh; scenarios run in subshells of it.

# Addresses, all inside the run's own network namespace (run.sh): our
# block of loopback addresses for the services (scenario 1's spec puts its
# nodes at .12 and .13, which only its files name), and a cluster network
# for active/active. No packet leaves the namespace.
# shellcheck disable=SC2034 # used by the files that source this one
E2E_NET=127.77.0
E2E_VIP=$E2E_NET.11      # MariaDB, RabbitMQ, Keystone; glance-api's VIP in scenario 1
E2E_PCMK_VIP=$E2E_NET.21 # scenario 3: the VIP Pacemaker adds to lo
# The cluster network of active/active (scenarios 2 and 4), on e2e0: only
# inside the run's network namespace (netns_init). The nodes ctl1, ctl2
# and ctl3 of the active-active and https examples' copies.
E2E_CNET=198.18.77
E2E_AA_VIP=$E2E_CNET.10
E2E_AA_NODES=(ctl1 ctl2 ctl3)
E2E_AA_ADDRS=("$E2E_CNET.11" "$E2E_CNET.12" "$E2E_CNET.13")

# A fixed path the committed specs name for secret files; a symlink to the
# run's state directory while a run holds the lock.
E2E_RUN_LINK=/run/glha-e2e
E2E_LOCK=/run/glha-e2e.lock

# ---------------------------------------------------------------- output

e2e_log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

# Results of the current scenario go to a file so that a subshell's count
# reaches run.sh.
e2e_result() { # STATUS TEXT
    printf '%s\t%s\t%s\n' "${E2E_SCOPE:-harness}" "$1" "$2" >>"$E2E_STATE/results"
}

pass() { printf 'ok - %s\n' "$*"; e2e_result ok "$*"; }
fail_soft() { printf 'not ok - %s\n' "$*"; e2e_result fail "$*"; }

# Ends the current scenario (its subshell) after a failure it reported;
# run.sh records it as failed and stops whatever the scenario started.
bail() {
    E2E_ABORTED=1
    exit 1
}

abort() {
    fail_soft "$*"
    bail
}

# Shows the tail of a file, indented, for a failure message.
show_tail() { # FILE [LINES]
    local f=$1 n=${2:-30}
    if [[ -s $f ]]; then
        printf '    --- last %s lines of %s\n' "$n" "$f"
        tail -n "$n" -- "$f" | sed 's/^/    | /'
    fi
}

# Runs CMD with its output in $E2E_STATE/last.out; on failure shows it.
# The output of the check before stays in $E2E_STATE/prev.out, for checks
# about it.
run_check() { # DESC CMD...
    local desc=$1 rc=0 t0=$EPOCHREALTIME
    shift
    keep_last
    "$@" >"$E2E_STATE/last.out" 2>&1 || rc=$?
    check_time "$t0" "$desc"
    if ((rc == 0)); then
        pass "$desc"
        return 0
    fi
    fail_soft "$desc (exit $rc: $*)"
    show_tail "$E2E_STATE/last.out" 20
    return 1
}

# check DESC CMD...: ok or not ok; the scenario goes on either way.
check() { run_check "$@" || true; }

# must DESC CMD...: a failure ends the scenario.
must() { run_check "$@" || bail; }

# check_time START DESC: how long a check took, for finding where a
# scenario's time goes ($E2E_STATE/check-times, slowest first at the end).
check_time() {
    awk -v s="${E2E_SCOPE:-harness}" -v a="${1/,/.}" -v b="${EPOCHREALTIME/,/.}" -v d="$2" \
        'BEGIN { printf "%s\t%.1f\t%s\n", s, b - a, d }' >>"$E2E_STATE/check-times"
}

keep_last() {
    if [[ -f $E2E_STATE/last.out ]]; then
        cp "$E2E_STATE/last.out" "$E2E_STATE/prev.out"
    fi
}

# refuses DESC CMD...: CMD must fail (exit non-zero); the scenario goes on.
refuses() {
    local desc=$1 t0=$EPOCHREALTIME rc=0
    shift
    keep_last
    "$@" >"$E2E_STATE/last.out" 2>&1 || rc=$?
    check_time "$t0" "$desc"
    if ((rc == 0)); then
        fail_soft "$desc (succeeded, expected a failure: $*)"
        show_tail "$E2E_STATE/last.out" 20
    else
        pass "$desc"
    fi
}

# known_fault ISSUE DESC CMD...: CMD checks the correct behaviour, which
# glha does not have yet (ISSUE). Its failure is expected and reported as
# such; a success means the issue was fixed and the test must say so.
known_fault() {
    local issue=$1 desc=$2 t0=$EPOCHREALTIME rc=0
    shift 2
    keep_last
    "$@" >"$E2E_STATE/last.out" 2>&1 || rc=$?
    check_time "$t0" "$desc"
    if ((rc == 0)); then
        fail_soft "$desc: passes now; issue $issue fixed? make this a plain check"
        return 0
    fi
    # The evidence: what the check printed last (an error message, the
    # line it found).
    local seen
    seen=$(awk 'NF { l = $0 } END { print substr(l, 1, 160) }' "$E2E_STATE/last.out")
    printf 'ok - %s # known fault, waits for issue %s\n' "$desc" "$issue"
    [[ -z $seen ]] || printf '    | %s\n' "$seen"
    e2e_result known "$desc (issue $issue)${seen:+: $seen}"
}

# not_grep ARGS...: grep finds nothing (it prints what it found).
not_grep() {
    local rc=0
    grep "$@" || rc=$?
    ((rc == 1))
}

# ---------------------------------------------------------------- processes

# The registry, one line per running process we started:
# PID<TAB>SCOPE<TAB>NAME<TAB>LOG. Each process is started with setsid, so
# its pid is also its session and process group: ending a process ends the
# processes it forked (glance-api's workers, uWSGI's, Erlang's), and
# nothing else.

# start_proc NAME LOG CMD...: starts CMD in the background, records it.
start_proc() {
    local name=$1 log=$2
    shift 2
    # In a non-interactive shell a background job shares our process
    # group, so setsid does not fork: $! is the service's own pid.
    setsid -- "$@" </dev/null >>"$log" 2>&1 &
    local pid=$!
    # Out of the job table: bash still reaps it, but prints no "Killed".
    disown "$pid"
    printf '%s\t%s\t%s\t%s\n' "$pid" "${E2E_SCOPE:-harness}" "$name" "$log" >>"$E2E_STATE/procs"
    e2e_log "started $name (pid $pid, log $log)"
}

proc_field() { # NAME FIELD(1=pid,4=log)
    awk -F'\t' -v n="$1" -v f="$2" '$3 == n { v = $f } END { if (v != "") print v }' \
        "$E2E_STATE/procs"
}
proc_pid() { proc_field "$1" 1; }
proc_log() { proc_field "$1" 4; }

# proc_stat PID: sets P_STATE and P_SID from /proc/PID/stat (the command
# name in field 2 may hold spaces: read after its closing parenthesis).
proc_stat() {
    local stat
    { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
    read -r P_STATE _ _ P_SID _ <<<"${stat##*) }"
}

# Processes in session or process group PID, zombies left out.
session_members() { # PID
    local p
    for p in $( { pgrep -s "$1" || true; pgrep -g "$1" || true; } 2>/dev/null | sort -un); do
        proc_stat "$p" || continue
        [[ $P_STATE == Z ]] || printf '%s\n' "$p"
    done
}

# Ends every process of session PID: TERM, then KILL after GRACE seconds.
end_session() { # PID [GRACE]
    local sid=$1 grace=${2:-15} members deadline
    members=$(session_members "$sid")
    [[ -n $members ]] || return 0
    # shellcheck disable=SC2086 # a list of pids
    kill -TERM $members 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while [[ -n $(session_members "$sid") ]] && ((SECONDS < deadline)); do
        sleep 0.2
    done
    members=$(session_members "$sid")
    if [[ -n $members ]]; then
        e2e_log "session $sid still has $members after ${grace}s: KILL"
        # shellcheck disable=SC2086
        kill -KILL $members 2>/dev/null || true
        sleep 0.5
    fi
    wait "$sid" 2>/dev/null || true
}

unregister() { # PID
    local tmp=$E2E_STATE/procs.tmp
    awk -F'\t' -v p="$1" '$1 != p' "$E2E_STATE/procs" >"$tmp"
    mv "$tmp" "$E2E_STATE/procs"
}

# stop_proc NAME [GRACE]: ends a process we started, by its recorded pid.
stop_proc() {
    local name=$1 pid
    pid=$(proc_pid "$name")
    [[ -n $pid ]] || return 0
    end_session "$pid" "${2:-15}"
    unregister "$pid"
    e2e_log "stopped $name (pid $pid)"
}

# crash_proc NAME: KILL, as a crash would (no clean shutdown).
crash_proc() {
    local name=$1 pid members
    pid=$(proc_pid "$name")
    [[ -n $pid ]] || return 0
    members=$(session_members "$pid")
    # shellcheck disable=SC2086 # a list of pids
    [[ -z $members ]] || kill -KILL $members 2>/dev/null || true
    end_session "$pid" 5
    unregister "$pid"
    e2e_log "killed $name (pid $pid) with SIGKILL"
}

proc_alive() { [[ -n $(session_members "$(proc_pid "$1")") ]]; }

# Ends every process of SCOPE (or all), newest first.
stop_scope() { # [SCOPE]
    local pid scope name
    [[ -f $E2E_STATE/procs ]] || return 0
    while IFS=$'\t' read -r pid scope name _; do
        [[ -z ${1:-} || $scope == "$1" ]] || continue
        end_session "$pid" 15
        unregister "$pid"
        e2e_log "stopped $name (pid $pid)"
    done < <(tac "$E2E_STATE/procs")
}

# ---------------------------------------------------------------- waits

# Ends a process and everything it forked, by pid.
kill_tree() { # PID
    local child
    for child in $(pgrep -P "$1"); do
        kill_tree "$child"
    done
    kill -TERM "$1" 2>/dev/null || true
}

# attempt SECS CMD...: runs CMD (quietly), giving up after SECS: one try
# of a poll must not hang the run (crmadmin -D spins forever when asked
# too early).
attempt() {
    local secs=$1 pid end
    shift
    # In a condition, so that a failing try is not an error (ERR trap).
    (if "$@"; then exit 0; else exit 1; fi) >/dev/null 2>&1 &
    pid=$!
    end=$((SECONDS + secs))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= end)); then
            kill_tree "$pid"
            wait "$pid" 2>/dev/null || true
            return 124
        fi
        sleep 0.1
    done
    wait "$pid"
}

# wait_ready NAME TIMEOUT DESC CMD...: polls CMD until it succeeds. Fails
# early if process NAME exits, and shows the tail of its log either way.
wait_ready() {
    local name=$1 timeout=$2 desc=$3 start=$SECONDS t0=$EPOCHREALTIME
    shift 3
    until attempt 20 "$@"; do
        if [[ -n $name ]] && ! proc_alive "$name"; then
            fail_soft "$name exited before $desc"
            show_tail "$(proc_log "$name")" 40
            bail
        fi
        if ((SECONDS - start >= timeout)); then
            fail_soft "$desc: not ready after ${timeout}s"
            [[ -n $name ]] && show_tail "$(proc_log "$name")" 40
            bail
        fi
        sleep 0.25
    done
    e2e_log "$desc after $((SECONDS - start))s"
    check_time "$t0" "(wait) $desc"
}

http_ok() { # URL [CURL ARGS...]
    local url=$1
    shift
    curl -fsS -o /dev/null --max-time 5 "$@" "$url"
}

tcp_open() { # HOST PORT
    # shellcheck disable=SC2016 # expanded by the inner shell
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# ---------------------------------------------------------------- state

# Inside the run's own network namespace: lo up, and e2e0 (one end of a
# veth pair) with the active/active node addresses.
netns_init() {
    E2E_NETNS=$(readlink /proc/self/ns/net)
    if [[ $E2E_NETNS == "$(readlink /proc/1/ns/net)" ]]; then
        echo "e2e: not in a network namespace of our own" >&2
        exit 2
    fi
    ip link set lo up
    ip link add e2e0 type veth peer name e2e1
    ip link set e2e1 up
    ip link set e2e0 up
    local a
    for a in "${E2E_AA_ADDRS[@]}"; do
        ip addr add "$a/24" dev e2e0
    done
}

# Creates the run's state directory (traversable by the service users;
# each service's own directories belong to it) and takes the lock.
state_init() {
    exec 9>"$E2E_LOCK"
    if ! flock -n 9; then
        echo "e2e: another end-to-end run holds $E2E_LOCK" >&2
        exit 2
    fi
    # Not under /tmp: each node's glance-api gets a /tmp of its own.
    E2E_STATE=$(mktemp -d /var/tmp/glha-e2e.XXXXXX)
    chmod 0755 "$E2E_STATE"
    mkdir -p "$E2E_STATE/logs"
    chmod 0777 "$E2E_STATE/logs"
    : >"$E2E_STATE/procs"
    : >"$E2E_STATE/results"
    if [[ -L $E2E_RUN_LINK ]]; then
        # A previous run that was killed -9 left it; the lock says no run
        # is active.
        rm -f "$E2E_RUN_LINK"
    elif [[ -e $E2E_RUN_LINK ]]; then
        echo "e2e: $E2E_RUN_LINK exists and is not this harness's symlink; remove it" >&2
        exit 2
    fi
    ln -s "$E2E_STATE" "$E2E_RUN_LINK"
    export E2E_STATE
}

# ensure_dir DIR: a bind mount needs its mount point. One a fresh host
# lacks (/run/haproxy before HAProxy ever ran) is made, and removed at the
# end if still empty.
ensure_dir() {
    [[ -d $1 ]] && return 0
    mkdir -p "$1"
    printf '%s\n' "$1" >>"$E2E_STATE/made-dirs"
}

# ---------------------------------------------------------------- the end

# Pids of processes of this run that the registry does not hold (any more):
# those in the run's network namespace, whose command line or environment
# names the state directory, or that run in one of our mount namespaces
# (their bind mounts come from it).
# The harness's own session (its shells, greps and clients) is left out.
stray_pids() {
    local p own
    proc_stat $$ && own=$P_SID
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        proc_stat "$p" || continue
        [[ $P_STATE == Z || $P_SID == "$own" ]] && continue
        if [[ $(readlink "/proc/$p/ns/net" 2>/dev/null) == "$E2E_NETNS" ]] ||
            grep -qaF -- "$E2E_STATE" "/proc/$p/cmdline" "/proc/$p/environ" \
                "/proc/$p/mountinfo" 2>/dev/null; then
            printf '%s\n' "$p"
        fi
    done
}

# Ends strays by pid; prints what it found.
end_strays() {
    local pids p
    pids=$(stray_pids | sort -un)
    [[ -n $pids ]] || return 0
    for p in $pids; do
        printf '    stray pid %s: %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-150)" >&2
    done
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    sleep 3
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.5
    return 1
}

# Our addresses that something (IPaddr2) put on lo.
remove_lo_addresses() {
    local a
    for a in $(ip -o -4 addr show dev lo | awk '{ print $4 }' | grep "^${E2E_NET//./\\.}\." || true); do
        e2e_log "removing $a from lo"
        ip addr del "$a" dev lo || true
    done
}

# The EXIT trap: stop everything, verify nothing of ours is left.
cleanup_all() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    [[ -n ${E2E_STATE:-} && -d $E2E_STATE ]] || exit "$rc"
    if [[ -n ${E2E_SCENARIO_PID:-} ]]; then
        # Interrupted: end the scenario's shell and the clients it runs.
        kill_tree "$E2E_SCENARIO_PID"
        wait "$E2E_SCENARIO_PID" 2>/dev/null
    fi
    if declare -F cluster_teardown >/dev/null; then
        cluster_teardown
    fi
    stop_scope ""
    if ! end_strays; then
        echo "e2e: FAIL: processes of this run outlived their recorded pids (ended above)" >&2
        rc=1
    fi
    remove_lo_addresses
    if [[ -n $(stray_pids) ]]; then
        echo "e2e: FAIL: processes of this run are still running:" >&2
        stray_pids | sort -un >&2
        rc=1
    else
        e2e_log "no process of this run is left"
    fi
    [[ -L $E2E_RUN_LINK ]] && rm -f "$E2E_RUN_LINK"
    if [[ -f $E2E_STATE/made-dirs ]]; then
        tac "$E2E_STATE/made-dirs" | while read -r d; do rmdir "$d" 2>/dev/null; done
    fi
    # Image stores and uploads are large; logs are what a failure needs.
    rm -rf "$E2E_STATE/store" "$E2E_STATE/images"
    if ((rc == 0)) && [[ ${GLHA_E2E_KEEP:-0} != 1 ]]; then
        rm -rf "$E2E_STATE"
    else
        echo "e2e: state and logs kept in $E2E_STATE" >&2
    fi
    exit "$rc"
}
