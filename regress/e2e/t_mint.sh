#!/bin/sh
# Minted users on a real MariaDB, driven through regress/prog/mint-test:
# a minted user logs in with its password and has exactly its grant,
# MAX_USER_CONNECTIONS holds, a denied column stays out of reach, a drop
# ends live sessions (the time it took is printed), the sweep after a
# lost ledger drops what nobody knows of, a torn ledger line is cut,
# and where the event scheduler runs the server expires users itself.
. regress/e2e/lib.sh
gw_setup
db_start

MINT_BIN=$GW_TOP/regress/prog/mint-test
if [ ! -x "$MINT_BIN" ]; then
	echo "t_mint: build regress/prog/mint-test first" >&2
	exit 1
fi
STATE=$GW_TMP/state
LEDGER=$STATE/ledger
MLOG=$GW_TMP/mint.log
mkdir -p "$STATE"
chmod 0700 "$STATE"

cat >"$GW_TMP/mint.conf" <<EOF
listen on socket "$GW_TMP/unused.sock" plaintext allowed
connection "shop" {
	server "127.0.0.1" port $DB_PORT
	admin credentials "$GW_TMP/admin.cnf"

	grant "read" to group "analysts" {
		select on "shop.*"
		connections 2
		max 1h
	}
	grant "nossn" to group "agents" {
		select, insert, update, delete on "shop.*"
		deny column "shop.customers.ssn"
		max 30m
	}
	grant "tables" to group "agents" {
		select on "shop.customers"
		select on "shop.orders"
		deny column "shop.customers.ssn"
	}
	grant "bad" to group "agents" {
		select, alter on "shop.*"
		deny column "shop.customers.ssn"
	}
}
EOF
chmod 0600 "$GW_TMP/mint.conf"

# mint COMMAND ARGS: runs mint-test; its log lines go to $MLOG.
mint() {
	"$MINT_BIN" -f "$GW_TMP/mint.conf" -s "$STATE" "$@" 2>>"$MLOG"
}

# as_user NAME PASSWORD SQL: SQL as a minted user, over TCP.
as_user() {
	MYSQL_PWD=$2 mariadb --no-defaults -h 127.0.0.1 -P "$DB_PORT" \
	    -u "$1" -N -B -e "$3"
}

# refused CODES NAME PASSWORD SQL: true if SQL fails with an error
# whose code matches the extended regex CODES.
refused() {
	_c=$1
	shift
	as_user "$@" >/dev/null 2>"$GW_TMP/refused.err" && return 1
	grep -Eq "^ERROR ($_c) " "$GW_TMP/refused.err" && return 0
	sed 's/^/# /' "$GW_TMP/refused.err"
	return 1
}

sessions_of() {
	db_sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	    WHERE USER = '$1'"
}
sessions_are() { [ "$(sessions_of "$1")" = "$2" ]; }
no_sessions() { sessions_are "$1" 0; }
user_exists() {
	[ "$(db_sql "SELECT COUNT(*) FROM mysql.user WHERE User = '$1'")" = 1 ]
}
user_gone() { ! user_exists "$1"; }
event_count() {
	db_sql "SELECT COUNT(*) FROM information_schema.EVENTS
	    WHERE EVENT_SCHEMA = 'gatewayd' AND EVENT_NAME = 'expire_$1'"
}
live_in_ledger() { mint list | grep -q "^$1 "; }
not_in_ledger() { ! live_in_ledger "$1"; }
ledger_empty() { [ -z "$(mint list)" ]; }

# until_true SECONDS COMMAND...: polls every 0.1 s.
until_true() {
	_n=$(($1 * 10))
	shift
	while ! "$@"; do
		[ "$_n" -gt 0 ] || return 1
		_n=$((_n - 1))
		sleep 0.1
	done
}

# sleeper NAME PASSWORD TAG: a background session of NAME in SLEEP(30);
# its pid goes to $SLEEPER.
sleeper() {
	as_user "$1" "$2" 'SELECT SLEEP(30)' >"$GW_TMP/$3.out" 2>&1 &
	SLEEPER=$!
	gw_track "$SLEEPER"
}

ms_now() { echo $(($(date +%s%N) / 1000000)); }

# --- mint, log in, stay inside the grant ------------------------------

out=$(mint create read alice 600)
set -- $out
A=$1 AP=$2
gw_check "create prints a minted name, a password and no event" \
    sh -c "echo '$out' | grep -Eq '^gw_[0-9a-f]{12} [0-9a-f]{64} noevent$'"
gw_check "the ledger shows $A created" \
    sh -c "'$MINT_BIN' -f '$GW_TMP/mint.conf' -s '$STATE' list 2>/dev/null |
    grep -q '^$A 127.0.0.1 created shop read '"
gw_check "the user exists on the server" user_exists "$A"
gw_check "no password in the ledger or the log" \
    sh -c "! grep -qF '$AP' '$LEDGER' '$MLOG'"

n=$(as_user "$A" "$AP" 'SELECT COUNT(*) FROM shop.customers')
gw_check "minted user logs in over TCP and reads shop.customers" [ "$n" = 3 ]
gw_check "it reads shop.orders" \
    [ "$(as_user "$A" "$AP" 'SELECT COUNT(*) FROM shop.orders')" = 4 ]
gw_check "it cannot read mysql.user (1142)" \
    refused 1142 "$A" "$AP" 'SELECT COUNT(*) FROM mysql.user'
gw_check "it cannot write shop.orders (1142)" \
    refused 1142 "$A" "$AP" "INSERT INTO shop.orders VALUES (9, 1, 1, 'x')"
gw_check "it cannot create a schema (1044)" \
    refused 1044 "$A" "$AP" 'CREATE DATABASE evil'
gw_check "it sees only shop" \
    [ "$(as_user "$A" "$AP" 'SHOW DATABASES' | grep -vx information_schema)" = shop ]
gw_check "a wrong password is refused (1045)" \
    refused 1045 "$A" "x$AP" 'SELECT 1'

# --- MAX_USER_CONNECTIONS, then a drop that ends live sessions --------

sleeper "$A" "$AP" s1
s1=$SLEEPER
sleeper "$A" "$AP" s2
s2=$SLEEPER
until_true 10 sessions_are "$A" 2
gw_check "two sessions of $A run (grant allows 2)" sessions_are "$A" 2
gw_check "a third is refused with 1226" \
    refused 1226 "$A" "$AP" 'SELECT 1'

t0=$(ms_now)
out=$(mint drop "$A")
gw_check "drop reports two sessions" \
    sh -c "echo '$out' | grep -q '^dropped $A 2 [0-9]*$'"
gw_wait_gone "$s1" 10 && gw_wait_gone "$s2" 10
t1=$(ms_now)
usec=$(echo "$out" | awk '{ print $4 }')
echo "# drop-to-gone: ${usec:-?} us measured by mint_drop," \
    "$((t1 - t0)) ms until both clients had exited"
wait "$s1" && rc1=0 || rc1=$?
wait "$s2" && rc2=0 || rc2=$?
gw_check "both sleeping clients died (exit $rc1, $rc2)" \
    [ "$rc1" -ne 0 -a "$rc2" -ne 0 ]
gw_check "they died well before their 30 s" [ $((t1 - t0)) -lt 10000 ]
gw_check "they were cut off, not answered" \
    grep -q 'ERROR 2013' "$GW_TMP/s1.out"
gw_check "PROCESSLIST has no row of $A" no_sessions "$A"
gw_check "mint_drop waited for that ($usec us < 5 s)" \
    [ "${usec:-9999999}" -lt 5000000 ]
gw_check "$A is gone from mysql.user" user_gone "$A"
# A user that does not exist gets either code, as the server pleases.
gw_check "$A can no longer log in (1045 or 1698)" \
    refused '1045|1698' "$A" "$AP" 'SELECT 1'
gw_check "the ledger no longer lists $A" not_in_ledger "$A"

# --- denied columns ---------------------------------------------------

set -- $(mint create nossn bob 600)
B=$1 BP=$2
gw_check "grant with a denied column mints" [ -n "$BP" ]
gw_check "other columns of shop.customers can be read" \
    [ "$(as_user "$B" "$BP" 'SELECT name FROM shop.customers WHERE id = 1')" = "Ada Example" ]
gw_check "shop.customers.ssn cannot (1143)" \
    refused 1143 "$B" "$BP" 'SELECT ssn FROM shop.customers'
gw_check "SELECT * on shop.customers cannot (1142)" \
    refused 1142 "$B" "$BP" 'SELECT * FROM shop.customers'
gw_check "ssn cannot be probed in a WHERE (1143)" \
    refused 1143 "$B" "$BP" "SELECT COUNT(*) FROM shop.customers WHERE ssn LIKE '1%'"
gw_check "nor through DELETE (1143)" \
    refused 1143 "$B" "$BP" "DELETE FROM shop.customers WHERE ssn = 'x'"
gw_check "other columns can be updated" \
    as_user "$B" "$BP" "UPDATE shop.customers SET phone = phone WHERE id = 1"
gw_check "ssn cannot (1143)" \
    refused 1143 "$B" "$BP" "UPDATE shop.customers SET ssn = 'x' WHERE id = 1"
gw_check "the other table keeps its full grant" \
    as_user "$B" "$BP" "INSERT INTO shop.orders VALUES (9, 1, 1, 'x');
    DELETE FROM shop.orders WHERE id = 9"
db_sql "SHOW GRANTS FOR '$B'@'127.0.0.1'" | grep 'ON `shop`.`customers`' \
    >"$GW_TMP/grants"
gw_check "the column grant names every column but ssn" \
    sh -c "grep -q card '$GW_TMP/grants' && ! grep -q ssn '$GW_TMP/grants'"

set -- $(mint create tables carl 600)
C=$1 CP=$2
gw_check "table objects with a denied column: others readable" \
    [ "$(as_user "$C" "$CP" 'SELECT COUNT(email) FROM shop.customers')" = 3 ]
gw_check "table objects with a denied column: ssn not (1143)" \
    refused 1143 "$C" "$CP" 'SELECT ssn FROM shop.customers'
gw_check "table objects: no other table (1142)" \
    refused 1142 "$C" "$CP" 'SHOW CREATE TABLE mysql.user'

nusers=$(db_sql "SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'gw!_%' ESCAPE '!'")
out=$(mint create bad dora 600 2>&1) && rc=0 || rc=$?
gw_check "ALTER on a table with a denied column is refused" \
    sh -c "[ $rc -ne 0 ] && grep -q 'no alter on shop.customers' '$MLOG'"
gw_check "the half-made user was dropped again" \
    [ "$(db_sql "SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'gw!_%' ESCAPE '!'")" = "$nusers" ]
gw_check "and the ledger has nothing live for it" \
    [ "$(mint list | grep -c ' bad ')" = 0 ]

mint drop "$B" >/dev/null && mint drop "$C" >/dev/null
gw_check "drops of users without sessions work" ledger_empty

# --- sweep after a crash ----------------------------------------------

set -- $(mint create read erin 600)
E=$1
set -- $(mint create read fay 600)
F=$1
set -- $(mint create read gil 2)
G=$1
set -- $(mint create read hal 600)
H=$1

# A crash that lost F's records: rewrite the ledger without them.
grep -v " $F " "$LEDGER" >"$LEDGER.new" && mv "$LEDGER.new" "$LEDGER"
# A user nobody recorded, with a session, and one that is not minted.
db_sql "CREATE USER 'gw_0000deadbeef'@'127.0.0.1' IDENTIFIED BY 'pw';
    GRANT SELECT ON shop.* TO 'gw_0000deadbeef'@'127.0.0.1';
    CREATE USER 'gw_dba_reporting'@'127.0.0.1';"
sleeper gw_0000deadbeef pw s3
s3=$SLEEPER
# An intent whose CREATE USER went through but whose broker died.
db_sql "CREATE USER 'gw_00000000abcd'@'127.0.0.1'"
now=$(date +%s)
"$GW_PY" -c 'import sys, zlib
b = sys.argv[1]
print("%s %08x" % (b, zlib.crc32(b.encode())))' \
    "I $now gw_00000000abcd 127.0.0.1 $((now + 600)) shop read ivy" \
    >>"$LEDGER"
# Dropped behind the broker's back.
db_sql "DROP USER '$H'@'127.0.0.1'"
until_true 10 sessions_are gw_0000deadbeef 1
sleep 2 # G expires

out=$(mint sweep)
echo "# sweep: $out"
gw_check "sweep: 5 minted users seen, 1 kept, 4 dropped, 1 gone, 0 failed" \
    [ "$out" = "seen 5 kept 1 dropped 4 gone 1 failed 0" ]
gw_check "the live, unexpired user stays" user_exists "$E"
gw_check "the user the ledger lost is dropped" user_gone "$F"
gw_check "the expired user is dropped" user_gone "$G"
gw_check "the unrecorded user is dropped" user_gone gw_0000deadbeef
gw_check "the unfinished intent is dropped" user_gone gw_00000000abcd
gw_check "a prefixed name of another shape is left alone" \
    user_exists gw_dba_reporting
gw_wait_gone "$s3" 10
gw_check "the unrecorded user's session was ended" no_sessions gw_0000deadbeef
gw_check "the ledger lists only the live user" \
    [ "$(mint list | cut -d' ' -f1)" = "$E" ]
gw_check "the sweep says why" \
    sh -c "grep -q 'gw_0000deadbeef@127.0.0.1: not in the ledger' '$MLOG' &&
    grep -q '$G@127.0.0.1: expired' '$MLOG' &&
    grep -q 'gw_00000000abcd@127.0.0.1: never finished' '$MLOG'"
out=$(mint sweep)
gw_check "a second sweep finds nothing to do" \
    [ "$out" = "seen 1 kept 1 dropped 0 gone 0 failed 0" ]

# --- a torn and a corrupt ledger ---------------------------------------

cp "$LEDGER" "$GW_TMP/ledger.good"
printf 'I %s gw_000000torn 127.0.0.1 9' "$now" >>"$LEDGER"
gw_check "a torn last line is tolerated" \
    [ "$(mint list | cut -d' ' -f1)" = "$E" ]
gw_check "and cut from the file" cmp -s "$LEDGER" "$GW_TMP/ledger.good"
gw_check "the cut is logged" grep -q 'torn last record' "$MLOG"
set -- $(mint create read jan 600)
J=$1
gw_check "records go on after the cut" live_in_ledger "$J"

cp "$LEDGER" "$GW_TMP/ledger.good"
sed '2s/ shop / shoq /' "$GW_TMP/ledger.good" >"$LEDGER"
"$MINT_BIN" -f "$GW_TMP/mint.conf" -s "$STATE" list \
    >"$GW_TMP/corrupt.out" 2>&1 && rc=0 || rc=$?
gw_check "a bad record before the last is refused" [ "$rc" -ne 0 ]
gw_check "as corrupt, naming the line" \
    grep -q 'line 2 is corrupt' "$GW_TMP/corrupt.out"
cp "$GW_TMP/ledger.good" "$LEDGER"
mint drop "$J" >/dev/null

# --- server-side expiry ------------------------------------------------

db_sql "SET GLOBAL event_scheduler = ON"
out=$(mint create read kim 3)
set -- $out
K=$1 KP=$2
gw_check "with the scheduler on, create sets a drop event" \
    sh -c "echo '$out' | grep -q ' event$'"
gw_check "the event is in schema gatewayd" [ "$(event_count "$K")" = 1 ]
sleeper "$K" "$KP" s4
s4=$SLEEPER
gw_check "the server drops the user at expiry by itself" \
    until_true 15 user_gone "$K"
gw_check "and ends its session" gw_wait_gone "$s4" 10
gw_check "PROCESSLIST has no row of it" no_sessions "$K"
gw_check "the event was one-shot" [ "$(event_count "$K")" = 0 ]
out=$(mint sweep)
gw_check "the sweep finds it gone ($out)" \
    [ "$out" = "seen 1 kept 1 dropped 0 gone 1 failed 0" ]
gw_check "and the ledger forgets it" not_in_ledger "$K"

set -- $(mint create read lou 600)
L=$1
gw_check "a drop event exists for $L" [ "$(event_count "$L")" = 1 ]
mint drop "$L" >/dev/null
gw_check "mint_drop drops the event too" [ "$(event_count "$L")" = 0 ]

db_sql "REVOKE EVENT ON gatewayd.* FROM 'gwadmin'@'127.0.0.1',
    'gwadmin'@'localhost'"
out=$(mint create read max 600)
set -- $out
M=$1
gw_check "without EVENT the mint still works, with no event" \
    sh -c "echo '$out' | grep -q ' noevent$'"
gw_check "and says so" grep -q "$M: could not create the drop event" "$MLOG"
mint drop "$M" >/dev/null
gw_check "and drops cleanly" user_gone "$M"

if [ -f "$GW_TMP/.not_ok" ]; then
	echo "--- last lines of $MLOG" >&2
	tail -n 60 "$MLOG" >&2
fi
gw_done
