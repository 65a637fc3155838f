#!/bin/sh
# An agent's session end to end: stock clients log in over TLS with a
# token, through a user the broker minted for the grant's window, and get
# what a direct connection gets.  Bad tokens, wrong groups and unknown
# connections are refused with one generic error and mint nothing.
# Commands the gateway refuses never reach the database.  When the
# window ends, the session ends and the user is gone.
. regress/e2e/lib.sh
gw_setup
gw_users
db_start
gw_certs
GW_SHOP_EXTRA='
	grant "brief" to group "brief" {
		select on "shop.*"
		max 4s
	}
	grant "held" to group "needs-ok" {
		select on "shop.*"
				approval by group "dba"
	}'
# A second identity whose key set cannot be fetched: logged, harmless.
gw_conf <<'CONF'
identity "remote" {
	issuer "https://idp.invalid/"
	audience "gatewayd"
	jwks uri "https://127.0.0.1:1/jwks.json"
}
CONF
gw_start

minted() {
	db_sql "SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'gw\\_%'"
}
WIRE="$GW_PY regress/e2e/mysqlwire.py 127.0.0.1 $GW_PORT"
token=$(gw_token agent-1 analysts)

direct=$(db_sql "SELECT id, name, email FROM shop.customers ORDER BY id")
out=$(gw_mariadb -u shop --password="$token" \
    -e 'SELECT id, name, email FROM shop.customers ORDER BY id')
gw_check "mariadb client: the same rows as a direct connection" \
    [ "$out" = "$direct" ]
gw_check "one minted user for the window" [ "$(minted)" = 1 ]
gw_check "an unreachable key set is logged, and other identities work" \
    grep -q 'identity remote: key set fetch failed' "$GW_TMP/gatewayd.log"
out=$(gw_mariadb -u shop/read --password="$token" -e 'SELECT CURRENT_USER()')
gw_check "a second session in the window reuses the user ($out)" \
    sh -c "echo '$out' | grep -q '^gw_[0-9a-f]\{12\}@' && [ $(minted) = 1 ]"
out=$(gw_mariadb -u shop --password="$token" -e 'SELECT COUNT(*) FROM mysql.user')
gw_check "the minted user sees only what the grant gives" \
    sh -c "echo '$out' | grep -q 'ERROR 1142'"
out=$(gw_mariadb -u shop --password="$token" \
    -e 'SELECT 1; SELECT 2; BEGIN; SELECT COUNT(*) FROM shop.orders; COMMIT')
gw_check "multi-statements and a transaction" \
    [ "$(echo "$out" | tr '\n' ' ')" = "1 2 4 " ]

out=$($GW_PY - "$GW_PORT" "$GW_CA" "$token" 2>&1 <<'PY'
import sys, pymysql
c = pymysql.connect(host="127.0.0.1", port=int(sys.argv[1]), user="shop",
                    password=sys.argv[3], ssl={"ca": sys.argv[2]},
                    database="shop")
cur = c.cursor()
cur.execute("SELECT name FROM customers WHERE id = %s", (2,))
print(cur.fetchone()[0])
c.close()
PY
)
gw_check "PyMySQL with a database and a parameter ($out)" \
    [ "$out" = "$(db_sql 'SELECT name FROM shop.customers WHERE id = 2')" ]

out=$(GW_CA=$GW_CA GW_PORT=$GW_PORT TOKEN=$token perl -e '
use DBI;
my $dbh = DBI->connect("DBI:MariaDB:database=shop;host=127.0.0.1;port=$ENV{GW_PORT};mariadb_ssl=1;mariadb_ssl_ca_file=$ENV{GW_CA};mariadb_ssl_verify_server_cert=1",
    "shop", $ENV{TOKEN}, { RaiseError => 1, PrintError => 0 });
my $sth = $dbh->prepare("SELECT COUNT(*) FROM customers WHERE id > ?");
$sth->execute(1);
print(($sth->fetchrow_array)[0], "\n");
$dbh->disconnect;' 2>&1)
gw_check "DBD::MariaDB with a prepared statement ($out)" [ "$out" = 2 ]

out=$(GW_CA=$GW_CA GW_PORT=$GW_PORT TOKEN=$token php -r '
$m = mysqli_init();
$m->ssl_set(NULL, NULL, getenv("GW_CA"), NULL, NULL);
$m->real_connect("127.0.0.1", "shop", getenv("TOKEN"), "shop",
    (int)getenv("GW_PORT"), NULL, MYSQLI_CLIENT_SSL);
$s = $m->prepare("SELECT total FROM orders WHERE id = ?");
$id = 1; $s->bind_param("i", $id); $s->execute();
$s->bind_result($t); $s->fetch(); echo $t, "\n";' 2>&1)
gw_check "PHP mysqli with a prepared statement ($out)" \
    [ "$out" = "$(db_sql 'SELECT total FROM shop.orders WHERE id = 1')" ]

# Refused logins: one generic error, nothing minted.
before=$(minted)
for case in \
    "expired:$(gw_token agent-2 analysts --exp-offset -120)" \
    "audience:$(gw_token agent-2 analysts --audience other)" \
    "issuer:$(gw_token agent-2 analysts --issuer https://evil.invalid/)" \
    "alg-none:$(gw_token agent-2 analysts --alg-none)" \
    "no-grant:$(gw_token agent-2 guests)" \
    "approval:$(gw_token agent-2 needs-ok)" \
    "garbage:not.a.token"; do
	name=${case%%:*}
	tok=${case#*:}
	out=$(gw_mariadb -u shop --password="$tok" -e 'SELECT 1')
	gw_check "$name: access denied" \
	    sh -c "echo '$out' | grep -q '^ERROR 1045 (28000): Access denied'"
done
out=$(gw_mariadb -u nosuch --password="$token" -e 'SELECT 1')
gw_check "unknown connection: access denied" \
    sh -c "echo '$out' | grep -q '^ERROR 1045 (28000): Access denied'"
gw_check "no user minted for any refused login" [ "$(minted)" = "$before" ]
gw_check "the log says why, each time" \
    [ "$(grep -c 'denied: ' "$GW_TMP/gatewayd.log")" -ge 8 ]
gw_check "no token in the gateway's log" \
    sh -c "! grep -qF '$token' '$GW_TMP/gatewayd.log'"

# Commands the gateway refuses: answered, never relayed, session lives.
out=$($WIRE cmd "$GW_CA" shop "$token" 0e 11726f6f7400 08 60 0e |
    tr '\n' '|')
gw_check "COM_PING passes; CHANGE_USER, SHUTDOWN and 0x60 are refused" \
    sh -c "echo '$out' | grep -Eq '^ok\|ok\|err 1148 .*COM_CHANGE_USER.*\|err 1148 .*COM_SHUTDOWN.*\|err 1047 .*\|ok\|$'"

# The window ends: the session is cut, the user is gone with its threads.
btoken=$(gw_token agent-3 brief)
start=$(date +%s)
out=$(gw_mariadb -u shop --password="$btoken" -e 'SELECT SLEEP(30)')
took=$(($(date +%s) - start))
gw_check "a session ends with its 4 s window (after $took s)" \
    [ "$took" -le 10 ]
sleep 1
gw_check "the window's user is dropped" \
    [ "$(db_sql "SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'gw\\_%'
	AND User NOT IN (SELECT User FROM mysql.user WHERE 0)")" = "$before" ]
gw_check "and none of its threads remain" \
    [ "$(db_sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	WHERE User LIKE 'gw\\_%' AND Command = 'Query' AND Info LIKE 'SELECT SLEEP%'")" = 0 ]
gw_log_wait 'window of agent-3 on shop/brief ended' 5
gw_check "the broker logs the drop and how long the threads took" [ $? = 0 ]

# Stopping gatewayd drops every minted user.
gw_stop
gw_check "no minted user survives a clean stop" [ "$(minted)" = 0 ]
gw_done
