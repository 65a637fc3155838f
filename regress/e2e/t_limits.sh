#!/bin/sh
# Limits the parent applies before it forks, and the worker's handshake
# deadline: a slow client costs one sandboxed process, for a bounded time.
. regress/e2e/lib.sh
gw_setup
gw_users
db_start
gw_certs
gw_conf <<'CONF'
max sessions per source 2
handshake timeout 2s
CONF
gw_start
WIRE="$GW_PY regress/e2e/mysqlwire.py 127.0.0.1 $GW_PORT"

$WIRE greet 3 >/dev/null &
a=$!
$WIRE greet 3 >/dev/null &
b=$!
sleep 0.7
out=$($WIRE greet)
gw_check "third session from one source gets error 1040" \
    sh -c "echo '$out' | grep -q '^err 1040 '"
gw_check "the refusal is logged" \
    grep -q 'sessions from that source, the maximum' "$GW_TMP/gatewayd.log"
wait "$a" "$b"
sleep 0.5
out=$($WIRE greet)
gw_check "sessions are counted down when they end" \
    sh -c "echo '$out' | grep -q '^greeting '"

start=$(date +%s)
out=$($WIRE silent | tail -n 1)
took=$(($(date +%s) - start))
gw_check "silent client gets a handshake timeout error" \
    sh -c "echo '$out' | grep -q '^err 1043 Handshake timeout'"
gw_check "after about the configured 2 s ($took s)" \
    [ "$took" -ge 1 ] && [ "$took" -le 5 ]
gw_log_wait 'session closed: timeout' 5
gw_check "the broker logs why the session closed" [ $? = 0 ]
gw_done
