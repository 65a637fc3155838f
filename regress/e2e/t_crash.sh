#!/bin/sh
# Crashes mid-session.  kill -9 of gatewayd's whole process group leaves
# the window's minted user on the server; the next start must drop it and
# end its server threads.  kill -9 of the broker alone makes the parent
# exit non-zero, or, with "broker restart yes", end the broker's
# sessions, start a new broker that drops the dead one's users, and serve
# new logins.
. regress/e2e/lib.sh
gw_setup
gw_users
db_start
gw_certs
gw_conf

via() {
	mariadb --no-defaults --ssl-verify-server-cert --ssl-ca="$GW_CA" \
	    -h 127.0.0.1 -P "$GW_PORT" -N -B "$@" 2>&1
}
minted() {
	db_sql "SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'gw\\_%'"
}
threads() {
	db_sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	    WHERE User LIKE 'gw\\_%'"
}
# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.1
	done
}
# The server thread of user $1 that runs the SLEEP.
sleeping() {
	[ "$(db_sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	    WHERE User = '$1' AND Info LIKE 'SELECT SLEEP%'")" = 1 ]
}
# A session of agent $1 that runs for a while, in the background.  An
# earlier crash's SLEEP may still run on the server: this one is told
# by its minted user.
start_session() {
	via -u shop --password="$(gw_token "$1" analysts)" \
	    -e 'SELECT SLEEP(30)' >"$GW_TMP/$1.out" &
	SESSION=$!
	gw_track "$SESSION"
	gw_log_wait "$1 from .* granted shop/read as gw_" 10 || return 1
	USER=$(sed -n "s/.* $1 from .* as \(gw_[0-9a-f]*\)$/\1/p" \
	    "$GW_TMP/gatewayd.log")
	wait_for 10 sleeping "$USER"
}
gone() {
	! kill -0 "$1" 2>/dev/null
}
# The close reason in agent $1's session log.
reason() {
	_f=$(grep -l "\"subject\":\"$1\"" "$GW_TMP"/log/*.jsonl) &&
	    grep '"type":"disconnect"' "$_f" |
	    sed -n 's/.*"detail":"\([^"]*\)","reason":"\([a-z ]*\)".*/\2: \1/p'
}
lost_broker() {
	[ "$(reason "$1")" = "internal error: gatewayd lost its broker" ]
}
broker_pid() {
	sed -n 's/^gatewayd-broker\[\([0-9]*\)\]: started as.*/\1/p' \
	    "$GW_TMP/gatewayd.log" | tail -n 1
}

# --- the whole process group -----------------------------------------

gw_start
gw_check "a session runs" start_session agent-1
pg=$GW_PID
kill -s KILL -- "-$pg"
wait "$pg" 2>/dev/null
GW_PID=
gw_check "kill -9 ends every process of the group" \
    wait_for 5 sh -c "! kill -0 -- -$pg 2>/dev/null"
gw_check "the client sees its session end" wait_for 5 gone "$SESSION"
gw_check "the crash leaves the minted user behind" [ "$(minted)" = 1 ]

# Same configuration, same state directory.
mv "$GW_TMP/gatewayd.log" "$GW_TMP/gatewayd.log.1"
gw_start
gw_check "after a restart no minted user is left" [ "$(minted)" = 0 ]
gw_check "nor any of its server threads" wait_for 2 \
    sh -c "[ \"\$(mariadb --no-defaults -N -B --socket='$DB_SOCKET' \
	-uroot -e \"SELECT COUNT(*) FROM information_schema.PROCESSLIST
	WHERE User LIKE 'gw\\\\_%'\")\" = 0 ]"
gw_check "the start's sweep logs the drop" \
    grep -q 'sweep: dropping gw_[0-9a-f]*@127.0.0.1' "$GW_TMP/gatewayd.log"

# --- the broker alone, without "broker restart" ----------------------

gw_check "a session runs" start_session agent-2
kill -s KILL "$(broker_pid)"
gw_check "the parent exits when its broker dies" \
    gw_wait_gone "$GW_PID" 10
gw_stop
gw_check "with a non-zero status ($GW_EXIT)" [ "$GW_EXIT" != 0 ]
gw_check "and says why" grep -q 'no broker, exiting' "$GW_TMP/gatewayd.log"
gw_check "its sessions end too" wait_for 5 gone "$SESSION"
# Not a shutdown: the broker is gone.
gw_check "the session log says the broker was lost" \
    wait_for 5 lost_broker agent-2
echo "# agent-2: $(reason agent-2)"

# --- the broker alone, with "broker restart yes" ---------------------

gw_conf <<'EOF2'
broker restart yes
EOF2
mv "$GW_TMP/gatewayd.log" "$GW_TMP/gatewayd.log.2"
gw_start
gw_check "the restart swept the last crash's user" [ "$(minted)" = 0 ]
gw_check "a session runs" start_session agent-3
old=$(broker_pid)
kill -s KILL "$old"
gw_log_wait 'restarting the broker' 10
gw_check "the parent restarts the broker" [ $? = 0 ]
gw_check "and ends the broker's sessions" \
    wait_for 5 gone "$SESSION"
gw_check "the session log says the broker was lost" \
    wait_for 5 lost_broker agent-3
echo "# agent-3: $(reason agent-3)"
gw_log_wait 'configuration [0-9]+ applied' 10
gw_check "the new broker drops the dead one's user" \
    wait_for 5 sh -c "[ \"\$(mariadb --no-defaults -N -B \
	--socket='$DB_SOCKET' -uroot -e \"SELECT COUNT(*) FROM mysql.user
	WHERE User LIKE 'gw\\\\_%'\")\" = 0 ]"
gw_check "and its server threads" [ "$(threads)" = 0 ]
out=$(via -u shop --password="$(gw_token agent-4 analysts)" \
    -e 'SELECT COUNT(*) FROM shop.orders')
gw_check "a new login works ($out)" [ "$out" = 4 ]
gw_check "through a new minted user" [ "$(minted)" = 1 ]
gw_check "the parent still runs" kill -0 "$GW_PID"

gw_stop
gw_check "the parent exits cleanly ($GW_EXIT)" [ "$GW_EXIT" = 0 ]
gw_check "no minted user survives a clean stop" [ "$(minted)" = 0 ]
gw_done
