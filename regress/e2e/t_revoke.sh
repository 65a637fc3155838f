#!/bin/sh
# Ending access before its time: gatewayctl lists live grant windows;
# revoking one cuts its running sessions, drops its user and kills its
# server threads; killing one session leaves the window to the others.
# Who may do it is decided by the caller's uid.
. regress/e2e/lib.sh
gw_setup
gw_up
CTL="$GW_TOP/gatewayctl/gatewayctl -s $GW_TMP/ctl.sock"

threads() {
	db_sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	    WHERE User LIKE 'gw\\_%'"
}
token=$(gw_token agent-9 analysts)

gw_mariadb -u shop --password="$token" -e 'SELECT SLEEP(30)' >"$GW_TMP/q1" &
q1=$!
gw_mariadb -u shop --password="$token" -e 'SELECT SLEEP(30)' >"$GW_TMP/q2" &
q2=$!
for i in $(seq 50); do
	[ "$(threads)" = 2 ] && break
	sleep 0.1
done
gw_check "two sessions of agent-9 run in one window" [ "$(threads)" = 2 ]

out=$($CTL -j grants)
id=$(echo "$out" | $GW_PY -c 'import json,sys
g = json.load(sys.stdin)["grants"]
print(g[0]["id"] if len(g) == 1 and len(g[0]["sessions"]) == 2 else "")')
gw_check "gatewayctl grants shows the window and both sessions" [ -n "$id" ]
gw_check "and reads well for people" \
    sh -c "$CTL grants | grep -q '^$id  *agent-9  *shop/read  *gw_'"

# Killing one session leaves the other, and the window.
sess=$(echo "$out" | $GW_PY -c 'import json,sys
print(json.load(sys.stdin)["grants"][0]["sessions"][0])')
gw_check "gatewayctl kill ends one session" \
    sh -c "$CTL kill $sess | grep -q 'session ended'"
for i in $(seq 50); do
	[ "$(threads)" = 1 ] && break
	sleep 0.1
done
gw_check "the other session still runs" [ "$(threads)" = 1 ]

# Revoking as a uid that is not an approver is refused.
if setpriv --reuid=nobody --regid=nogroup --clear-groups \
    $CTL revoke "$id" >/dev/null 2>&1; then
	not_ok "uid nobody revoked a window"
else
	ok "uid nobody cannot revoke"
fi

start=$($GW_PY -c 'import time; print(time.time())')
out=$($CTL revoke "$id")
took=$($GW_PY -c "import time; print(int((time.time() - $start) * 1000))")
wait "$q1" "$q2"
gw_check "revoke reports the drop ($out)" \
    sh -c "echo '$out' | grep -q '^revoked; .* after [0-9]* ms'"
gw_check "from the decision to the last thread gone: $took ms (< 1000)" \
    [ "$took" -lt 1000 ]
gw_check "no thread of the window's user remains" [ "$(threads)" = 0 ]
gw_check "the user is gone" [ "$(db_sql "SELECT COUNT(*) FROM mysql.user
    WHERE User LIKE 'gw\\_%'")" = 0 ]
gw_check "the running query was cut off" \
    sh -c "! grep -qx 0 '$GW_TMP/q2' || ! grep -qx 0 '$GW_TMP/q1'"
gw_check "no window is left" \
    sh -c "$CTL -j grants | grep -q '\"grants\": \\[\\]'"
gw_log_wait 'ended \(revoked by root\)' 5
gw_check "the broker logs who revoked it" [ $? = 0 ]
out=$(gw_mariadb -u shop --password="$token" -e 'SELECT 1')
gw_check "a new login opens a new window" [ "$out" = 1 ]
gw_done
