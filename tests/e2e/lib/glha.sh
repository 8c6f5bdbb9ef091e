# shellcheck shell=bash
# glhac and the values a scenario feeds it.

glhac() { "$GLHAC" "$@"; }

# exits_with CODE CMD...: CMD's exit status is CODE (output in last.out).
exits_with() {
    local want=$1 rc=0
    shift
    "$@" || rc=$?
    if ((rc != want)); then
        echo "exit status $rc, expected $want: $*" >&2
        return 1
    fi
}

# exits_with_one_of "CODE..." CMD...: CMD's exit status is one of CODEs.
exits_with_one_of() {
    local want=$1 rc=0
    shift
    "$@" || rc=$?
    if [[ " $want " != *" $rc "* ]]; then
        echo "exit status $rc, expected one of $want: $*" >&2
        return 1
    fi
}

# The secrets of the scenarios' specs. Each holds @ : / % # $ " ' \ and
# spaces, as far as its target can carry them:
# - the database password ends up percent-encoded in an SQLAlchemy URL;
# - the RabbitMQ password has no `/`: oslo.messaging's rabbit driver
#   rebuilds the URL for kombu and leaves `/` unescaped (issue 12);
# - the Keystone password, from a file, starts and ends with `"`, which
#   oslo.config would strip unless glha quotes the value.
secrets_init() {
    export GLHA_E2E_DB_PASSWORD=$'db pw@:/%#$x"\'\\ end'
    export GLHA_E2E_RABBIT_PASSWORD=$'rb pw@:%#$x"\'\\ end'
    E2E_KS_PASSWORD=$'"ks pw@:/%#$x\'\\ end"'
    (umask 077 && printf '%s\n' "$E2E_KS_PASSWORD" >"$E2E_RUN_LINK/keystone-glance.pw")
    # The same values under the names the examples' copies read.
    export GLANCE_DB_PASSWORD=$GLHA_E2E_DB_PASSWORD
    export RABBIT_PASSWORD=$GLHA_E2E_RABBIT_PASSWORD
    export GLANCE_KEYSTONE_PASSWORD=$E2E_KS_PASSWORD
}

# no_secret_in PATH...: no secret value appears in these files or trees.
no_secret_in() {
    local v
    for v in "$GLHA_E2E_DB_PASSWORD" "$GLHA_E2E_RABBIT_PASSWORD" "$E2E_KS_PASSWORD"; do
        if grep -rqF -- "$v" "$@"; then
            echo "a secret value appears in: $(grep -rlF -- "$v" "$@" | tr '\n' ' ')" >&2
            return 1
        fi
    done
}
