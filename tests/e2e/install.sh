#!/usr/bin/env bash
# Install the services the end-to-end tests run (Debian 12, root): MariaDB,
# RabbitMQ, Keystone, glance-api, the openstack CLI, uWSGI, HAProxy and a
# one-node corosync + Pacemaker. Idempotent: apt-get is skipped when every
# package is already installed. No service is started or left enabled; the
# harness starts each one itself, on loopback addresses, and stops it.
#
# Env: GLHA_FORCE_INSTALL=1 runs apt-get even if everything is present.
set -euo pipefail

packages=(
    mariadb-server
    python3-pymysql          # glance's and keystone's mysql+pymysql driver
    rabbitmq-server
    keystone
    glance-api
    python3-openstackclient
    uwsgi-plugin-python3     # uwsgi_python3 serves keystone-wsgi-public
    haproxy
    corosync                 # scenario 3: a one-node cluster
    pacemaker
    crmsh
    pcs
    resource-agents          # ocf:heartbeat:IPaddr2, anything and Filesystem
    kmod                     # Filesystem refuses to run without modprobe
    psmisc                   # ... and without fuser
    openssl
    curl
    iproute2                 # ip addr show lo
)
daemons=(mariadb rabbitmq-server keystone glance-api haproxy corosync pacemaker pcsd)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} > 0)) || [[ ${GLHA_FORCE_INSTALL:-0} == 1 ]]; then
    if ((EUID != 0)); then
        echo "e2e install: FAIL: need root to install: ${missing[*]}" >&2
        exit 1
    fi
    echo "e2e install: installing ${missing[*]:-(forced)}"
    start=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt_opts=(-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef
              -o Dpkg::Options::=--force-confold)
    # Maintainer scripts must not start services: a policy-rc.d that denies
    # every action, only while apt-get runs and only if the machine has none
    # of its own.
    policy=/usr/sbin/policy-rc.d
    own_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\n# glha e2e install: no daemons during install\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        own_policy=1
        trap 'rm -f "$policy"' EXIT
    fi
    apt-get "${apt_opts[@]}" update -qq
    apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${packages[@]}"
    if ((own_policy)); then
        rm -f "$policy"
        trap - EXIT
    fi
    echo "e2e install: apt-get took $((SECONDS - start)) s"
fi

# The harness starts every daemon itself: none may be enabled or running
# under an init system.
if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    for d in "${daemons[@]}"; do
        if systemctl list-unit-files "$d.service" >/dev/null 2>&1; then
            systemctl disable --now "$d.service" >/dev/null 2>&1 || true
        fi
    done
fi

for tool in mariadbd mariadb rabbitmq-server rabbitmqctl keystone-manage \
    keystone-wsgi-public glance-api glance-manage openstack uwsgi_python3 \
    haproxy corosync pacemakerd crm pcs cibadmin openssl curl ip setpriv modprobe fuser \
    findmnt; do
    if ! command -v "$tool" >/dev/null; then
        echo "e2e install: FAIL: $tool not found after install" >&2
        exit 1
    fi
done
[[ -x /usr/lib/ocf/resource.d/heartbeat/anything ]] || {
    echo "e2e install: FAIL: ocf:heartbeat:anything missing (resource-agents)" >&2
    exit 1
}
