#!/bin/sh
# Starting and stopping: configuration checks before start, SIGTERM
# draining within its bound, and a dead broker ending the daemon rather
# than being silently replaced.
. regress/e2e/lib.sh
gw_setup
gw_users
db_start
gw_certs
gw_conf <<'CONF'
drain timeout 2s
CONF
GWD=$GW_TOP/gatewayd/gatewayd

out=$($GWD -n -f "$GW_TMP/gatewayd.conf" 2>&1)
gw_check "-n accepts the test configuration" \
    sh -c "echo '$out' | grep -q 'configuration OK'"
$GWD -T -f "$GW_TMP/gatewayd.conf" >"$GW_TMP/t1" 2>&1
gw_check "-T prints the effective configuration" \
    grep -q '^connection "shop"' "$GW_TMP/t1"
chmod 0644 "$GW_TMP/admin.cnf"
if $GWD -n -f "$GW_TMP/gatewayd.conf" >"$GW_TMP/n.out" 2>&1; then
	not_ok "-n accepted a credentials file others can read"
else
	ok "-n refuses a credentials file others can read"
fi
gw_check "and says which and why" grep -q 'admin.cnf: group or others' \
    "$GW_TMP/n.out"
chmod 0600 "$GW_TMP/admin.cnf"

# SIGTERM with a session open: stop listening, wait, then end it.
gw_start
$GW_PY regress/e2e/mysqlwire.py 127.0.0.1 "$GW_PORT" greet 30 \
    >/dev/null &
holder=$!
sleep 0.5
start=$(date +%s)
kill -TERM "$GW_PID"
gw_log_wait 'draining 1 session' 5
gw_check "SIGTERM drains the open session" [ $? = 0 ]
wait "$GW_PID" 2>/dev/null
rc=$?
took=$(($(date +%s) - start))
gw_check "gatewayd exited 0 after draining" [ "$rc" = 0 ]
gw_check "within the 2 s drain bound plus grace ($took s)" [ "$took" -le 5 ]
wait "$holder"
# gw_start made gatewayd a process group leader; nothing of it is left.
gw_check "no process of that gatewayd remains" \
    sh -c "! pgrep -g $GW_PID >/dev/null"
GW_PID=

# A broker that dies takes the daemon down, loudly.
gw_start
broker=$(ps -o pid=,args= --ppid "$GW_PID" |
    awk 'index($0, "gatewayd: broker") { print $1; exit }')
kill -KILL "$broker"
wait "$GW_PID" 2>/dev/null
rc=$?
GW_PID=
gw_check "dead broker: gatewayd exits non-zero ($rc)" [ "$rc" != 0 ]
gw_check "dead broker: logged" grep -q 'broker killed by signal 9' \
    "$GW_TMP/gatewayd.log"

# A wrong admin password is reported, and that connection marked.
sed -i 's/^password.*/password = wrong/' "$GW_TMP/admin.cnf"
gw_start
gw_check "bad admin login is logged" \
    grep -q 'connection shop: admin login to 127.0.0.1:[0-9]* failed' \
    "$GW_TMP/gatewayd.log"
gw_check "and counted as failed" grep -q '0 connection(s) usable, 1 failed' \
    "$GW_TMP/gatewayd.log"
gw_done
