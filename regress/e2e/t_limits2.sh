#!/bin/sh
# The global session limit and the accept rate, both applied by the
# parent before it forks; and "broker restart", which replaces a dead
# broker loudly instead of exiting.
. regress/e2e/lib.sh
gw_setup
gw_users
db_start
gw_certs
gw_conf <<'CONF'
max sessions 3
accept rate 2
broker restart yes
CONF
gw_start
WIRE="$GW_PY regress/e2e/mysqlwire.py 127.0.0.1 $GW_PORT"

# Three sessions fill the gateway; the fourth is told so.
pids=
for i in 1 2 3; do
	$WIRE greet 4 >/dev/null &
	pids="$pids $!"
done
sleep 2.5
out=$($WIRE greet)
gw_check "fourth session past 'max sessions 3' gets error 1040" \
    sh -c "echo '$out' | grep -q '^err 1040 Too many connections'"
gw_check "the refusal is logged" \
    grep -q 'sessions, the maximum' "$GW_TMP/gatewayd.log"
wait $pids

# At two accepts a second, six connections take at least two seconds;
# none is refused, the rest wait in the backlog.
sleep 1.2
start=$($GW_PY -c 'import time; print(time.time())')
pids=
for i in 1 2 3 4 5 6; do
	$WIRE greet >"$GW_TMP/rate.$i" &
	pids="$pids $!"
done
wait $pids
took=$($GW_PY -c "import time; print(round(time.time() - $start, 2))")
gw_check "six greetings at 'accept rate 2' take over 1.5 s ($took s)" \
    $GW_PY -c "import sys; sys.exit(not $took >= 1.5)"
gw_check "and every one of them was greeted" \
    [ "$(cat "$GW_TMP"/rate.* | grep -c '^greeting ')" = 6 ]

# With "broker restart yes" a killed broker is replaced, and said so.
broker=$(ps -o pid=,args= --ppid "$GW_PID" |
    awk 'index($0, "gatewayd: broker") { print $1; exit }')
kill -KILL "$broker"
gw_log_wait 'restarting the broker' 10
gw_check "dead broker is logged and restarted" [ $? = 0 ]
gw_log_wait 'reloaded:' 10
gw_check "the new broker takes the configuration" [ $? = 0 ]
sleep 1.2
out=$($WIRE greet)
gw_check "sessions work with the new broker" \
    sh -c "echo '$out' | grep -q '^greeting '"
gw_check "gatewayd still runs" kill -0 "$GW_PID"
gw_done
