#!/bin/sh
# TLS towards the database: with "tls ca" on the connection, the worker
# asks the database for TLS, checks its certificate against the CA the
# broker read for it and against the configured host, and logs in
# inside TLS.  A database whose certificate does not verify gets no
# login, the agent a clear error and the log the reason.
. regress/e2e/lib.sh
gw_setup
gw_users
gw_certs
DB_TLS=1 db_start
# A copy of the CA for the connection, so the test can swap it later;
# the broker reads it as its own user at each dial.
cp "$GW_CA" "$GW_TMP/db-ca.crt"
chmod 0644 "$GW_TMP/db-ca.crt"
GW_SHOP_EXTRA="	tls ca \"$GW_TMP/db-ca.crt\""
gw_conf
gw_start

via() {
	mariadb --no-defaults --ssl-verify-server-cert --ssl-ca="$GW_CA" \
	    -h 127.0.0.1 -P "$GW_PORT" -N -B "$@" 2>&1
}
token=$(gw_token agent-1 analysts)

out=$(via -u shop --password="$token" -e 'SELECT COUNT(*) FROM shop.orders')
gw_check "a session through TLS to the database ($out)" \
    [ "$out" = "$(db_sql 'SELECT COUNT(*) FROM shop.orders')" ]
out=$(via -u shop --password="$token" -e "SHOW STATUS LIKE 'Ssl_cipher'")
gw_check "the database sees the session over TLS ($out)" \
    sh -c "echo '$out' | grep -q '^Ssl_cipher	[A-Z0-9]'"
gw_check "the session log records the database's TLS" \
    sh -c "cat '$GW_TMP'/log/*.jsonl | grep -q '\"type\":\"backend_tls\"'"

# Another CA: the database's certificate no longer verifies.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$GW_TMP/other.key" -out "$GW_TMP/other.crt" -subj /CN=other \
    -days 1 2>/dev/null
cp "$GW_TMP/other.crt" "$GW_TMP/db-ca.crt"
out=$(via -u shop --password="$token" -e 'SELECT 1')
has() {
	printf '%s\n' "$out" | grep -q "$1"
}
gw_check "with the wrong CA the login fails clearly ($out)" \
    has "ERROR 1045.*cannot verify the database's certificate"
gw_log_wait "database's certificate did not verify" 5
gw_check "the log says the certificate did not verify" [ $? = 0 ]
gw_check "no sandbox violation" \
    sh -c "! grep -q 'sandbox violation' '$GW_TMP/gatewayd.log'"
gw_check "no password in the gateway's log" \
    sh -c "! grep -qi 'password.*gw_' '$GW_TMP/gatewayd.log'"
gw_done
