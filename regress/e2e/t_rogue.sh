#!/bin/sh
# A worker that breaks the IPC protocol loses its own session and nothing
# else: the broker logs the violation, the parent kills that worker, and
# the broker and other sessions go on.
. regress/e2e/lib.sh
gw_setup
gw_users
db_start
gw_certs
gw_conf
# The rogue stands in for every worker of this gatewayd.
ln -sf "$GW_TOP/regress/prog/rogue-worker" "$GW_LIBEXEC/gatewayd-worker"
gw_start

broker_pid() {
	ps -o pid=,args= --ppid "$GW_PID" |
	    awk 'index($0, "gatewayd: broker") { print $1; exit }'
}
LINE="$GW_PY regress/e2e/mysqlwire.py 127.0.0.1 $GW_PORT line"
broker=$(broker_pid)

# A well-behaved session, kept open across the violations below.
fifo=$GW_TMP/good.in
mkfifo "$fifo"
$GW_PY - "$GW_PORT" <"$fifo" >"$GW_TMP/good.out" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"good\n")
print(s.recv(100).decode().strip(), flush=True)
time.sleep(12)
s.sendall(b"still-here\n")
print(s.recv(100).decode().strip(), flush=True)
PY
good=$!
exec 7>"$fifo"

n=0
for mode in badtype badlen badseq badtext fd badphase; do
	n=$((n + 1))
	out=$($LINE "$mode" 2>&1 | tr '\n' ' ')
	gw_log_wait "protocol violation by worker" 10 >/dev/null 2>&1
	count=$(grep -c 'protocol violation by worker' "$GW_TMP/gatewayd.log")
	gw_check "$mode: broker logs a protocol violation ($count)" \
	    [ "$count" -ge "$n" ]
	case $out in
	*survived*) not_ok "$mode: rogue worker survived" ;;
	*) ok "$mode: the rogue's session ended ($out)" ;;
	esac
	gw_check "$mode: broker still running, same pid" \
	    [ "$(broker_pid)" = "$broker" ]
done

gw_check "parent killed a rogue worker" \
    grep -q 'killed by signal 9' "$GW_TMP/gatewayd.log"
gw_check "violation names the message and the check" \
    grep -Eq 'protocol violation by worker [0-9]+: UNKNOWN: unknown message type' \
    "$GW_TMP/gatewayd.log"

wait "$good"
exec 7>&-
gw_check "the well-behaved session greeted" \
    grep -qx 'hello-ok' "$GW_TMP/good.out"
gw_check "the well-behaved session outlived every violation" \
    grep -qx 'logged' "$GW_TMP/good.out"
gw_check "its log line reached the broker, tagged" \
    grep -Eq 's=[0-9a-f]{16}: worker: still-here' "$GW_TMP/gatewayd.log"

# The real worker serves again through the same broker.
ln -sf "$GW_TOP/worker/gatewayd-worker" "$GW_LIBEXEC/gatewayd-worker"
out=$($GW_PY regress/e2e/mysqlwire.py 127.0.0.1 "$GW_PORT" greet)
gw_check "a real worker still serves after the violations" \
    sh -c "echo '$out' | grep -q '^greeting '"
gw_check "broker pid unchanged at the end" [ "$(broker_pid)" = "$broker" ]
gw_done
