#!/bin/sh
# The clients t_session.sh leaves out, and load: Node's mysql2 (which
# must be told to send the token in clear), sysbench's read-write mix
# with and without prepared statements, and messages over 16 MiB both
# ways, which MySQL splits into several packets.  A message over the
# gateway's "max packet" ends the session with error 1153, and the log
# says why.
. regress/e2e/lib.sh
gw_setup
gw_users
# The database must take the big messages, so that only the gateway's
# limit can refuse one.
DB_EXTRA_ARGS=--max-allowed-packet=64M
db_start
gw_certs
GW_SHOP_EXTRA='
	grant "bench" to group "bench" {
		select, insert, update, delete on "sbtest.*"
	}'
# Below the database's 64M, above the 17 MB messages.
gw_conf <<'EOF'
max packet 32M
EOF
# The admin hands out what the bench grant gives.
db_sql "CREATE DATABASE sbtest;
    GRANT ALL ON sbtest.* TO '$DB_ADMIN_USER'@'127.0.0.1',
	'$DB_ADMIN_USER'@'localhost' WITH GRANT OPTION"
gw_start

via() {
	mariadb --no-defaults --ssl-verify-server-cert --ssl-ca="$GW_CA" \
	    -h 127.0.0.1 -P "$GW_PORT" -N -B "$@" 2>&1
}
token=$(gw_token agent-1 analysts)

# --- Node mysql2 -----------------------------------------------------

if [ ! -f regress/node/node_modules/mysql2/package.json ]; then
	echo "# skipped mysql2: not installed (scripts/deps installs it)"
elif ! command -v node >/dev/null 2>&1; then
	echo "# skipped mysql2: no node"
else
	out=$(node regress/node/clients.js "$GW_PORT" "$GW_CA" "$token" 2>&1)
	want=$(
		echo query
		db_sql 'SELECT id, name, email FROM shop.customers ORDER BY id'
		echo execute
		db_sql 'SELECT name FROM shop.customers WHERE id = 2'
		echo transaction
		db_sql 'SELECT COUNT(*) FROM shop.orders'
		printf 'multi\n1\n2\n'
	)
	gw_check "mysql2: query, execute, transaction and multi-statement" \
	    [ "$out" = "$want" ]
	[ "$out" = "$want" ] || printf '%s\n' "$out" | sed 's/^/# /'
fi

# --- sysbench --------------------------------------------------------

btoken=$(gw_token agent-bench bench)
# Prepared directly as root: the grant has no CREATE.
sysbench oltp_read_write --db-driver=mysql --mysql-socket="$DB_SOCKET" \
    --mysql-user=root --mysql-db=sbtest --tables=1 --table-size=1000 \
    prepare >"$GW_TMP/sb-prepare.log" 2>&1
gw_check "sysbench prepare, directly" [ $? = 0 ]

# sysbench --mysql-ssl reads its keys from the working directory.
sb=$GW_TMP/sysbench
mkdir -p "$sb"
cp "$GW_CA" "$sb/cacert.pem"
cp "$GW_CERT" "$sb/client-cert.pem"
cp "$GW_KEY" "$sb/client-key.pem"
for mode in auto disable; do
		# Preloaded: libmariadb's lazy plugin loading races across threads.
	(cd "$sb" && LIBMYSQL_PLUGINS=mysql_clear_password \
	    sysbench oltp_read_write --db-driver=mysql \
	    --mysql-host=127.0.0.1 --mysql-port="$GW_PORT" --mysql-ssl=on \
	    --mysql-user=shop --mysql-password="$btoken" --mysql-db=sbtest \
	    --tables=1 --table-size=1000 --threads=4 --time=5 \
	    --db-ps-mode="$mode" run) >"$GW_TMP/sb-$mode.log" 2>&1
	rc=$?
	log=$GW_TMP/sb-$mode.log
	tx=$(awk '$1 == "transactions:" { print $2 }' "$log")
	ign=$(awk '$1 == "ignored" { print $3 }' "$log")
	gw_check "sysbench, ps-mode $mode: $tx transactions" \
	    sh -c "[ $rc = 0 ] && [ ${tx:-0} -gt 0 ]"
	# sysbench stops at the first error it does not ignore; the ones
	# it ignores are deadlocks between its threads (1213), which four
	# threads on one small table meet directly too.
	gw_check "sysbench, ps-mode $mode: no errors, no reconnects" \
	    sh -c "! grep -q FATAL '$log' &&
		grep -Eq '^ +reconnects: +0 ' '$log'"
	echo "# sysbench, ps-mode $mode: ${ign:-?} ignored deadlocks"
	[ "$rc" = 0 ] || tail -n 20 "$log" | sed 's/^/# /'
done

# --- messages over 16 MiB --------------------------------------------

big() {
	via --max-allowed-packet=64M -u shop --password="$token" "$@"
}
n=$(big -e "SELECT REPEAT('x', 17000000)" | tr -d '\n' | wc -c)
gw_check "a 17 MB value from the database ($n bytes)" [ "$n" = 17000000 ]

# A statement of 17 MB: one full packet and the rest in the next.
literal() {
	printf "SELECT LENGTH('"
	head -c "$1" /dev/zero | tr '\0' x
	printf "')\n"
}
literal 17000000 >"$GW_TMP/big.sql"
out=$(big <"$GW_TMP/big.sql")
gw_check "a 17 MB statement to the database ($out)" [ "$out" = 17000000 ]
out=$(big -e "SELECT 'still here'")
gw_check "the gateway serves on after them" [ "$out" = "still here" ]

# Over the gateway's 32M: refused from the header of the packet that
# goes over, and the session closed.  The client is still sending when
# the error leaves; it must get the error all the same, every time.
literal 40000000 >"$GW_TMP/huge.sql"
got=0
for i in 1 2 3 4 5; do
	out=$(big <"$GW_TMP/huge.sql" | tail -c 200)
	case $out in
	*"ERROR 1153 "*) got=$((got + 1)) ;;
	*) printf '%s\n' "$out" | tail -n 1 | sed 's/^/# got: /' ;;
	esac
done
gw_check "a 40 MB statement gets error 1153 ($got times of 5)" [ "$got" = 5 ]
refused=$(grep -c 'message over 33554432 bytes refused' "$GW_TMP/gatewayd.log")
closed=$(grep -c 'session closed: client error: Got a packet bigger' \
    "$GW_TMP/gatewayd.log")
gw_check "the sessions close, and the log says why, once each" \
    [ "$refused.$closed" = 5.5 ]
rm -f "$GW_TMP/big.sql" "$GW_TMP/huge.sql"

gw_stop
gw_check "no minted user survives a clean stop" \
    [ "$(db_sql "SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'gw\\_%'")" = 0 ]
gw_done
