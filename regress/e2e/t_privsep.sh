#!/bin/sh
# The process model: the parent runs as root, the broker as its own user
# and the worker of a live session as the worker user, chrooted into the
# empty directory, with no_new_privs and a seccomp filter.  The admin
# password lives in the broker and in no worker.
. regress/e2e/lib.sh
gw_setup
gw_up

child() {
	ps -o pid=,args= --ppid "$GW_PID" | awk -v t="$1" \
	    'index($0, t) { print $1; exit }'
}
status_field() {
	awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status"
}
WIRE="$GW_PY regress/e2e/mysqlwire.py 127.0.0.1 $GW_PORT"

broker=$(child "gatewayd: broker")
[ -n "$broker" ] && ok "broker runs, titled 'gatewayd: broker'" ||
    not_ok "no broker child"
gw_check "broker runs as _gwbroker" \
    [ "$(status_field "$broker" Uid)" = "$(id -u _gwbroker)" ]
gw_check "broker has no_new_privs" \
    [ "$(status_field "$broker" NoNewPrivs)" = 1 ]
gw_check "parent runs as root" [ "$(status_field "$GW_PID" Uid)" = 0 ]
gw_check "parent is titled 'gatewayd: parent'" \
    grep -q 'gatewayd: parent' "/proc/$GW_PID/cmdline"

# A session held open in the handshake keeps its worker alive.
$WIRE greet 4 >"$GW_TMP/greet.out" &
holder=$!
worker=
for i in $(seq 50); do
	worker=$(child "gatewayd: worker")
	[ -n "$worker" ] && break
	sleep 0.1
done
[ -n "$worker" ] && ok "a worker serves the session" ||
    not_ok "no worker appeared"
sleep 0.5
gw_check "worker runs as _gwworker" \
    [ "$(status_field "$worker" Uid)" = "$(id -u _gwworker)" ]
gw_check "worker's groups are only its own" \
    [ "$(status_field "$worker" Groups)" = "$(id -g _gwworker)" ]
gw_check "worker has seccomp filtering on (Seccomp: 2)" \
    [ "$(status_field "$worker" Seccomp)" = 2 ]
gw_check "worker has no_new_privs" \
    [ "$(status_field "$worker" NoNewPrivs)" = 1 ]
gw_check "worker's root is the empty directory" \
    [ "$(readlink "/proc/$worker/root")" = "$GW_EMPTY" ]
gw_check "worker holds no capabilities" \
    [ "$(status_field "$worker" CapEff)" = 0000000000000000 ]
gw_check "worker's title names its peer" \
    sh -c "tr '\0' ' ' </proc/$worker/cmdline |
    grep -Eq 'gatewayd: worker 127\.0\.0\.1:[0-9]+'"
# Beyond the layout, only the event loop's own descriptors.
extra=$(for f in /proc/$worker/fd/*; do readlink "$f"; done |
    grep -Ev "^(socket:|anon_inode:|pipe:|/dev/null|$GW_TMP/log/)" |
    grep -v "^$(readlink /proc/$worker/fd/2)\$" || true)
gw_check "worker holds no other file" [ -z "$extra" ]

gw_check "admin password is in the broker's memory" \
    [ "$($GW_PY regress/e2e/memscan.py "$broker" "$DB_ADMIN_PASSWORD")" = found ]
gw_check "admin password is not in the worker's memory" \
    [ "$($GW_PY regress/e2e/memscan.py "$worker" "$DB_ADMIN_PASSWORD")" = absent ]
gw_check "admin password is not in the parent's memory" \
    [ "$($GW_PY regress/e2e/memscan.py "$GW_PID" "$DB_ADMIN_PASSWORD")" = absent ]
wait "$holder"
gw_check "client got a protocol 10 greeting" \
    grep -q '^greeting .*gatewayd caps=' "$GW_TMP/greet.out"

# The session log was made by the parent and written by the worker.
log=$(ls "$GW_TMP/log" | head -n 1)
gw_check "session log named by time and session id" \
    sh -c "echo '$log' | grep -Eq '^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{16}\.jsonl$'"
gw_check "session log has connect and disconnect records" \
    sh -c "grep -q '\"type\":\"connect\"' '$GW_TMP/log/$log' &&
    grep -q '\"type\":\"disconnect\"' '$GW_TMP/log/$log'"
gw_check "session log is owned by root, mode 0640" \
    [ "$(stat -c %U:%a "$GW_TMP/log/$log")" = root:640 ]

# Plaintext on a TLS listener is refused before any credential.
out=$($WIRE plain)
gw_check "plaintext login gets error 3159" \
    sh -c "echo '$out' | grep -q '^err 3159 '"

gw_stop
gw_check "gatewayd stopped cleanly" [ "$GW_EXIT" = 0 ]
gw_check "control socket removed at exit" [ ! -e "$GW_TMP/ctl.sock" ]
gw_done
