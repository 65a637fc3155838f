#!/bin/sh
# Benchmark: gatewayd against a direct TLS connection to MariaDB and
# against haproxy in TCP mode (TLS passed through to MariaDB), all on
# loopback.  Every path the client takes is TLS.  Measurements are taken
# round by round with the order of the paths rotated each round, so that
# the noise of a shared machine falls on all three alike; figures are
# medians over rounds, ratios are taken within a round, then the median.
#
# What differs between the paths: MariaDB ends TLS itself on the direct
# and haproxy paths; gatewayd ends the agent's TLS in its worker and, as
# it has no TLS towards the database yet, talks plaintext to MariaDB.
# sysbench uses server-side prepared statements (its default); they pass
# through the gateway, so --db-ps-mode is left alone.  haproxy runs with
# its defaults (one thread per core).
#
# Run from the top of the tree after "make all regress/bench/tls-connect"
# (or "make bench").  Environment: BENCH_ROUNDS (3), BENCH_TIME (seconds
# per sysbench run, 8), BENCH_CONNECT_TIME (seconds per tls-connect run,
# 5), BENCH_CONNECT_JOBS (parallel connecting clients, 2).
#
# Raw numbers go to run/bench/results.txt, one figure a line:
#   ROUND TEST PATH METRIC VALUE
. regress/e2e/lib.sh

ROUNDS=${BENCH_ROUNDS:-3}
T=${BENCH_TIME:-8}
CT=${BENCH_CONNECT_TIME:-5}
CJ=${BENCH_CONNECT_JOBS:-2}
OUT=$GW_TOP/run/bench
RES=$OUT/results.txt
TLSC=$GW_TOP/regress/bench/tls-connect
HZ=$(getconf CLK_TCK)

for _p in sysbench haproxy strace "$TLSC" "$GW_TOP/gatewayd/gatewayd"; do
	command -v "$_p" >/dev/null 2>&1 || {
		echo "run.sh: $_p is missing (make bench builds it)" >&2
		exit 1
	}
done

gw_setup
mkdir -p "$OUT"
: >"$RES"
set -e

say() {
	echo "# $(date -u +%H:%M:%S) $*" >&2
}

# --- setup -----------------------------------------------------------

gw_users
gw_certs
DB_TLS=1 db_start
say "MariaDB on port $DB_PORT, TLS"

BENCH_PW=$(openssl rand -hex 12)
# bench logs in with mysql_native_password and only over TLS.  The
# gateway's admin account must hold what the bench grant hands out.
db_sql "
    CREATE DATABASE sbtest;
    CREATE USER 'bench'@'%' IDENTIFIED BY '$BENCH_PW' REQUIRE SSL;
    GRANT SELECT ON sbtest.* TO 'bench'@'%';
    GRANT ALL ON sbtest.* TO '$DB_ADMIN_USER'@'127.0.0.1',
	'$DB_ADMIN_USER'@'localhost' WITH GRANT OPTION;"
db_sql "SHOW VARIABLES LIKE 'have_ssl'" | grep -q YES || {
	echo "run.sh: MariaDB has no TLS" >&2
	exit 1
}

SB=$GW_TMP/sb
mkdir -p "$SB"
sysbench oltp_point_select --db-driver=mysql --mysql-socket="$DB_SOCKET" \
    --mysql-user=root --mysql-db=sbtest --tables=1 --table-size=10000 \
    prepare >"$SB/prepare.log" 2>&1 || {
	cat "$SB/prepare.log" >&2
	exit 1
}

# sysbench --mysql-ssl=on loads these three from its working directory.
(
	cd "$SB"
	umask 077
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
	    -keyout client-key.pem -out client.csr -subj /CN=bench \
	    2>/dev/null
	openssl x509 -req -in client.csr -CA "$GW_CA" \
	    -CAkey "$GW_TMP/tls/ca.key" -set_serial 2 -days 1 \
	    -out client-cert.pem 2>/dev/null
	cp "$GW_CA" cacert.pem
)

HA_PORT=$(free_port)
cat >"$GW_TMP/haproxy.cfg" <<HA
global
	maxconn 4000
defaults
	mode tcp
	timeout connect 5s
	timeout client 1h
	timeout server 1h
listen db
	bind 127.0.0.1:$HA_PORT
	server db 127.0.0.1:$DB_PORT
HA
haproxy -db -f "$GW_TMP/haproxy.cfg" >"$GW_TMP/haproxy.log" 2>&1 &
HA_PID=$!
gw_track "$HA_PID"

# The limits are raised so that the gateway's defences (64 accepts a
# second, 32 sessions a source, 10 connections a minted user) do not
# throttle the benchmark: it measures the relay, not the limits.
GW_SHOP_EXTRA='
	grant "bench" to group "bench" {
		select on "sbtest.*"
		connections 200
		max 1h
	}'
gw_conf <<CONF
accept rate 100000
max sessions 2000
max sessions per source 2000
CONF
gw_start
BROKER_PID=$(ps -o pid= --ppid "$GW_PID" | head -n 1 | tr -d ' ')
TOKEN=$(gw_token bench-agent bench 3600)
say "haproxy on $HA_PORT, gatewayd on $GW_PORT (broker $BROKER_PID)"

# --- measurements ----------------------------------------------------

# port, user and password of a path
path_args() {
	case $1 in
	direct) echo "$DB_PORT bench $BENCH_PW" ;;
	haproxy) echo "$HA_PORT bench $BENCH_PW" ;;
	gatewayd) echo "$GW_PORT shop $TOKEN" ;;
	esac
}

# Pids of the gateway's workers: the parent's children but the broker.
gw_workers() {
	ps -o pid= --ppid "$GW_PID" | tr -d ' ' | grep -vx "$BROKER_PID" ||
	    true
}

# Fields 14-17 of /proc/PID/stat: utime stime cutime cstime, in ticks.
ticks() {
	sed 's/.*) //' "/proc/$1/stat" |
	    awk -v c="$2" '{ print $12 + $13 + (c ? $14 + $15 : 0) }'
}

# CPU ticks the proxy has used so far.  For gatewayd: the parent and the
# broker themselves, plus cutime/cstime of the parent, which hold the
# workers it has reaped.  Workers that are still running are not in
# there yet, so callers wait for the workers to be reaped first.
proxy_ticks() {
	case $1 in
	haproxy) ticks "$HA_PID" 0 ;;
	gatewayd) echo $(($(ticks "$GW_PID" 1) + $(ticks "$BROKER_PID" 0))) ;;
	*) echo 0 ;;
	esac
}

wait_reaped() {
	_n=100
	while [ -n "$(gw_workers)" ] && [ "$_n" -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	[ -z "$(gw_workers)" ] || say "workers still running: $(gw_workers)"
}

record() {
	echo "$ROUND $1 $2 $3 $4" >>"$RES"
}

# sysbench PATH TEST THREADS [more sysbench options]
sb_run() {
	_path=$1 _test=$2 _thr=$3
	shift 3
	set -- $(path_args "$_path") "$@"
	_port=$1 _user=$2 _pw=$3
	shift 3
		(
		cd "$SB"
		# libmariadb loads the cleartext plugin on first use, and its
		# loader races when many threads switch to it at once:
		# preload it.
		LIBMYSQL_PLUGINS=mysql_clear_password
		export LIBMYSQL_PLUGINS
		exec sysbench "$_test" --db-driver=mysql --mysql-ssl=on \
		    --mysql-host=127.0.0.1 --mysql-port="$_port" \
		    --mysql-user="$_user" --mysql-password="$_pw" \
		    --mysql-db=sbtest --tables=1 --table-size=10000 \
		    --threads="$_thr" --time="$T" --percentile=95 "$@" run
	)
}

# One sysbench measurement with the proxy's CPU around it.
measure_sb() {
	_name=$1 _path=$2 _test=$3 _thr=$4
	[ "$_path" != gatewayd ] || wait_reaped
	_c0=$(proxy_ticks "$_path")
	if ! sb_run "$_path" "$_test" "$_thr" >"$SB/out" 2>&1; then
		cat "$SB/out" >&2
		echo "run.sh: sysbench $_test on $_path failed" >&2
		return 1
	fi
	[ "$_path" != gatewayd ] || wait_reaped
	_c1=$(proxy_ticks "$_path")
	_q=$(awk '/queries:/ { print $2 }' "$SB/out")
	_qps=$(awk '/queries:/ { gsub(/\(/, "", $3); print $3 }' "$SB/out")
	_p95=$(awk '/95th percentile:/ { print $3 * 1000 }' "$SB/out")
	_errs=$(awk '/ignored errors:/ { print $3 }' "$SB/out")
	record "$_name" "$_path" qps "$_qps"
	record "$_name" "$_path" p95_us "$_p95"
	record "$_name" "$_path" errors "${_errs:-0}"
	if [ "$_path" != direct ]; then
		record "$_name" "$_path" cpu_us_per_query \
		    "$(echo "$_c0 $_c1 $_q" | awk -v hz="$HZ" \
		    '{ printf "%.2f", ($2 - $1) / hz * 1e6 / $3 }')"
	fi
	say "round $ROUND $_name $_path: $_qps qps, p95 $_p95 us"
}

measure_connect() {
	_path=$1
	set -- $(path_args "$_path")
	[ "$_path" != gatewayd ] || wait_reaped
	_c0=$(proxy_ticks "$_path")
	if ! TLSC_PASSWORD=$3 "$TLSC" -j "$CJ" -t "$CT" -c "$GW_CA" \
	    127.0.0.1 "$1" "$2" >"$SB/out" 2>&1; then
		cat "$SB/out" >&2
		echo "run.sh: tls-connect on $_path failed" >&2
		return 1
	fi
	[ "$_path" != gatewayd ] || wait_reaped
	_c1=$(proxy_ticks "$_path")
	_r=$(awk '/per_second/ { print $NF }' "$SB/out")
	_n=$(awk '/per_second/ { print $2 }' "$SB/out")
	record tls_connect "$_path" sessions_per_s "$_r"
	if [ "$_path" != direct ]; then
		record tls_connect "$_path" cpu_us_per_session \
		    "$(echo "$_c0 $_c1 $_n" | awk -v hz="$HZ" \
		    '{ printf "%.1f", ($2 - $1) / hz * 1e6 / $3 }')"
	fi
	record tls_connect "$_path" failures \
	    "$(awk '/per_second/ { print $4 }' "$SB/out")"
	say "round $ROUND tls_connect $_path: $_r/s"
}

# Warm up each path once (buffer pool, the grant window's minted user).
ROUND=0
for _path in direct haproxy gatewayd; do
	T=2 sb_run "$_path" oltp_point_select 4 >"$SB/out" 2>&1 || {
		cat "$SB/out" >&2
		echo "run.sh: warm-up on $_path failed" >&2
		exit 1
	}
done

PATHS="direct haproxy gatewayd"
ROUND=1
while [ "$ROUND" -le "$ROUNDS" ]; do
	say "round $ROUND: $PATHS"
	for _p in $PATHS; do measure_sb ps1 "$_p" oltp_point_select 1; done
	for _p in $PATHS; do measure_sb ps8 "$_p" oltp_point_select 8; done
	for _p in $PATHS; do measure_sb ps32 "$_p" oltp_point_select 32; done
	for _p in $PATHS; do measure_sb ro8 "$_p" oltp_read_only 8; done
	for _p in $PATHS; do measure_connect "$_p"; done
	# rotate: the first path goes last
	set -- $PATHS
	_first=$1
	shift
	PATHS="$* $_first"
	ROUND=$((ROUND + 1))
done
ROUND=x

# --- an idle session's memory ------------------------------------------

# One login, one SELECT, then idle: the worker's USS is its private
# pages, clean and dirty, from smaps_rollup.
wait_reaped
TLSC_PASSWORD=$TOKEN "$TLSC" -i 6 -c "$GW_CA" 127.0.0.1 "$GW_PORT" shop \
    >"$SB/idle.out" 2>&1 &
IDLE_PID=$!
gw_track "$IDLE_PID"
sleep 2
W=$(gw_workers | head -n 1)
if [ -n "$W" ]; then
	awk '/^Private_(Clean|Dirty):/ { s += $2 } /^Rss:/ { r = $2 }
	    END { print s, r }' "/proc/$W/smaps_rollup" >"$SB/mem"
	read -r USS RSS <"$SB/mem"
	record idle gatewayd uss_kib "$USS"
	record idle gatewayd rss_kib "$RSS"
	say "idle worker $W: USS $USS KiB, RSS $RSS KiB"
else
	say "no worker for the idle session"
fi
wait "$IDLE_PID" || say "idle session failed: $(cat "$SB/idle.out")"

# --- syscalls per query ----------------------------------------------

# strace follows the parent into the worker it forks, so it sees the
# whole session: exec, sandbox, TLS, login, queries, quit.  Two 1-thread
# sysbench runs differ only in the number of events (one point select
# each), so the difference of their counts is what the extra queries
# cost, without the session's fixed part.  strace is stopped once the
# worker has been reaped.
strace_run() {
	wait_reaped
	strace -c -f -p "$GW_PID" -o "$SB/strace.$1" 2>"$SB/strace.err" &
	_st=$!
	gw_track "$_st"
	_n=50
	while ! grep -q attached "$SB/strace.err" && [ "$_n" -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	sb_run gatewayd oltp_point_select 1 --time=0 --events="$1" \
	    >"$SB/strace-sb.out" 2>&1 || cat "$SB/strace-sb.out" >&2
	wait_reaped
	kill -s INT "$_st"
	wait "$_st" || true
	# the total line: "100.00 seconds usecs/call calls [errors] total"
	awk '$NF == "total" { print $4 }' "$SB/strace.$1"
}
E0=1
E1=1001
S0=$(strace_run "$E0")
S1=$(strace_run "$E1")
Q=$((E1 - E0))
record strace gatewayd syscalls_session_${E0}ev "$S0"
record strace gatewayd syscalls_session_${E1}ev "$S1"
record strace gatewayd syscalls_per_query \
    "$(echo "$S0 $S1 $Q" | awk '{ printf "%.2f", ($2 - $1) / $3 }')"
cp "$SB/strace.$E1" "$OUT/strace.txt"
say "syscalls: $S0 for $E0 event(s), $S1 for $E1 events"

# --- report ----------------------------------------------------------

REPORT=$OUT/report.txt
awk -v rounds="$ROUNDS" -v cj="$CJ" '
function median(key, a, n, i, j, t) {
	n = cnt[key]
	if (n == 0)
		return ""
	for (i = 1; i <= n; i++)
		a[i] = val[key, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function dash(x) {
	return x == "" ? "-" : x
}
function ratio(x) {
	return x == "" ? "-" : sprintf("%.3f", x)
}
function put(key, v) {
	val[key, ++cnt[key]] = v
}
$1 ~ /^[0-9]+$/ && $1 > 0 {
	v[$1, $2, $3, $4] = $5
	put($2 SUBSEP $3 SUBSEP $4, $5)
	seen[$2 SUBSEP $4] = 1
}
$1 == "x" { put($2 SUBSEP $3 SUBSEP $4, $5) }
END {
	# per-round ratios of gatewayd to direct and to haproxy
	for (k in v) {
		split(k, f, SUBSEP)
		if (f[3] != "gatewayd")
			continue
		r = f[1]; t = f[2]; m = f[4]
		if ((r, t, "direct", m) in v && v[r, t, "direct", m] > 0)
			put(t SUBSEP "rd" SUBSEP m, v[k] / v[r, t, "direct", m])
		if ((r, t, "haproxy", m) in v && v[r, t, "haproxy", m] > 0)
			put(t SUBSEP "rh" SUBSEP m, v[k] / v[r, t, "haproxy", m])
	}
	fmt = "%-40s %10s %10s %10s %8s %8s\n"
	printf "medians over %d rounds; ratios are gatewayd / other, " \
	    "taken within each round;\nnew TLS sessions: %d clients " \
	    "connecting, logging in, SELECT 1, quit\n\n", rounds, cj
	printf fmt, "figure", "direct", "haproxy", "gatewayd", "gw/dir",
	    "gw/hap"
	n = split("ps1 qps|ps1 p95_us|ps8 qps|ps8 p95_us|ps32 qps|" \
	    "ps32 p95_us|ro8 qps|ro8 p95_us|ps1 cpu_us_per_query|" \
	    "ps8 cpu_us_per_query|ps32 cpu_us_per_query|" \
	    "ro8 cpu_us_per_query|tls_connect sessions_per_s|" \
	    "tls_connect cpu_us_per_session", rows, "|")
	label["ps1"] = "point_select 1 thr"
	label["ps8"] = "point_select 8 thr"
	label["ps32"] = "point_select 32 thr"
	label["ro8"] = "read_only 8 thr"
	label["tls_connect"] = "new TLS sessions"
	for (i = 1; i <= n; i++) {
		split(rows[i], f, " ")
		t = f[1]; m = f[2]
		printf fmt, label[t] " " m,
		    dash(median(t SUBSEP "direct" SUBSEP m)),
		    dash(median(t SUBSEP "haproxy" SUBSEP m)),
		    dash(median(t SUBSEP "gatewayd" SUBSEP m)),
		    ratio(median(t SUBSEP "rd" SUBSEP m)),
		    ratio(median(t SUBSEP "rh" SUBSEP m))
	}
	printf fmt, "idle session worker USS KiB", "-", "-",
	    median("idle" SUBSEP "gatewayd" SUBSEP "uss_kib"), "-", "-"
	printf fmt, "idle session worker RSS KiB", "-", "-",
	    median("idle" SUBSEP "gatewayd" SUBSEP "rss_kib"), "-", "-"
	printf fmt, "worker syscalls per query (1 thr)", "-", "-",
	    median("strace" SUBSEP "gatewayd" SUBSEP "syscalls_per_query"),
	    "-", "-"

	# the targets
	printf "\ntargets:\n"
	x = median("ps8" SUBSEP "rh" SUBSEP "qps")
	printf "  point_select 8 thr QPS >= 0.9 x haproxy: %.3f %s\n", x,
	    x >= 0.9 ? "MET" : "MISSED"
	d = 1e9
	for (r = 1; r <= rounds; r++)
		if ((r, "ps1", "gatewayd", "p95_us") in v) {
			g = v[r, "ps1", "gatewayd", "p95_us"]
			put("p95d", g - v[r, "ps1", "haproxy", "p95_us"])
		}
	x = median("p95d")
	printf "  point_select 1 thr p95 <= haproxy + 50 us: %+.1f us %s\n",
	    x, x <= 50 ? "MET" : "MISSED"
	x = median("tls_connect" SUBSEP "rd" SUBSEP "sessions_per_s")
	printf "  new TLS sessions/s >= 0.5 x direct: %.3f %s\n", x,
	    x >= 0.5 ? "MET" : "MISSED"
	x = median("idle" SUBSEP "gatewayd" SUBSEP "uss_kib")
	printf "  idle session USS < 2048 KiB: %s KiB %s\n", x,
	    x != "" && x < 2048 ? "MET" : "MISSED"
}' "$RES" >"$REPORT"
echo
cat "$REPORT"
echo
echo "raw figures: $RES; report: $REPORT; strace: $OUT/strace.txt"
