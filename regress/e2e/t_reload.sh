#!/bin/sh
# Reloading: SIGHUP with a broken file keeps the old configuration and
# keeps serving; a good file is applied; gatewayctl reload works for root
# and is refused to others; the control socket refuses unknown uids.
. regress/e2e/lib.sh
gw_setup
gw_up

CTL="$GW_TOP/gatewayctl/gatewayctl -s $GW_TMP/ctl.sock"
greets() {
	$GW_PY regress/e2e/mysqlwire.py 127.0.0.1 "$GW_PORT" greet |
	    grep -q '^greeting '
}

gw_check "serving before reload" greets
cp "$GW_TMP/gatewayd.conf" "$GW_TMP/good.conf"
printf 'listen on nowhere port 1 plaintext allowed\nbogus line\n' \
    >>"$GW_TMP/gatewayd.conf"
kill -HUP "$GW_PID"
gw_log_wait 'reload failed, keeping the old configuration' 10
gw_check "broken file: reload refused and logged" [ $? = 0 ]
gw_check "broken file: errors name file and line" \
    grep -Eq 'gatewayd\.conf:[0-9]+: ' "$GW_TMP/gatewayd.log"
gw_check "broken file: still serving" greets
gw_check "broken file: gatewayd still running" kill -0 "$GW_PID"

# A good change: a second listener appears.
cp "$GW_TMP/good.conf" "$GW_TMP/gatewayd.conf"
port2=$(free_port)
cat >>"$GW_TMP/gatewayd.conf" <<CONF
listen on 127.0.0.1 port $port2 tls {
	certificate "$GW_CERT"
	key "$GW_KEY"
}
CONF
kill -HUP "$GW_PID"
gw_log_wait 'reloaded:' 10
gw_check "good file: reloaded" [ $? = 0 ]
gw_check "good file: new listener serves" sh -c \
    "$GW_PY regress/e2e/mysqlwire.py 127.0.0.1 $port2 greet | grep -q ^greeting"

# The control socket.
out=$($CTL status)
gw_check "gatewayctl status as root" \
    sh -c "echo '$out' | grep -q '^shop  *yes'"
gw_check "gatewayctl -j status is JSON" sh -c \
    "$CTL -j status | $GW_PY -c 'import json,sys; d=json.load(sys.stdin); sys.exit(not d[\"ok\"])'"
cp "$GW_TMP/good.conf" "$GW_TMP/gatewayd.conf"
$CTL reload >/dev/null
gw_log_wait 'reload requested on the control socket' 10
gw_check "gatewayctl reload as root" [ $? = 0 ]
if setpriv --reuid=nobody --regid=nogroup --clear-groups \
    $CTL status >"$GW_TMP/nobody.out" 2>&1; then
	not_ok "control socket served uid nobody"
else
	ok "control socket refuses a uid the configuration does not name"
fi
gw_check "refusal says why" grep -q 'permission denied' "$GW_TMP/nobody.out"
gw_check "refusal is logged" grep -q 'control: refused uid' \
    "$GW_TMP/gatewayd.log"
gw_done
