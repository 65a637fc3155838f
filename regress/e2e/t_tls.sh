#!/bin/sh
# TLS towards the agent: stock clients verify the gateway's certificate
# and finish the handshake inside the sandboxed worker; a client that
# does not trust the certificate gets no further; the session log
# records the protocol and cipher.
. regress/e2e/lib.sh
gw_setup
gw_up

token=$(gw_token agent-1 analysts)
out=$(mariadb --no-defaults --ssl-verify-server-cert --ssl-ca="$GW_CA" \
    -h 127.0.0.1 -P "$GW_PORT" -u shop --password="$token" \
    -N -B -e 'SELECT 1' 2>&1)
gw_check "mariadb client completes TLS, verifying the certificate" \
    [ "$out" = 1 ]
out=$(mariadb --no-defaults --ssl-verify-server-cert --ssl-ca="$GW_CA" \
    -h localhost --protocol=tcp -P "$GW_PORT" -u shop \
    --password="$token" -N -B -e 'SELECT 1' 2>&1)
gw_check "the certificate is valid for localhost too" [ "$out" = 1 ]

out=$($GW_PY - "$GW_PORT" "$GW_CA" "$token" 2>&1 <<'PY'
import sys, pymysql
c = pymysql.connect(host="127.0.0.1", port=int(sys.argv[1]), user="shop",
                    password=sys.argv[3], ssl={"ca": sys.argv[2]})
print(c.get_server_info() and "connected")
PY
)
gw_check "PyMySQL completes TLS too ($out)" [ "$out" = connected ]

# The greeting mirrors the database's version, marked as the gateway's.
dbver=$(db_sql 'SELECT VERSION()')
out=$($GW_PY regress/e2e/mysqlwire.py 127.0.0.1 "$GW_PORT" greet)
gw_check "greeting names the database's version ($out)" \
    [ "$out" = "greeting 5.5.5-$dbver-gatewayd caps=$(echo "$out" |
    sed 's/.*caps=//')" ]

# A client that trusts another CA stops at the handshake.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$GW_TMP/other.key" -out "$GW_TMP/other.crt" -subj /CN=other \
    -days 1 2>/dev/null
out=$(mariadb --no-defaults --ssl-verify-server-cert \
    --ssl-ca="$GW_TMP/other.crt" -h 127.0.0.1 -P "$GW_PORT" -u shop \
    --password=x -e 'SELECT 1' 2>&1)
gw_check "an untrusting client fails the handshake (error 2026)" \
    sh -c "echo '$out' | grep -q '^ERROR 2026'"
gw_log_wait 'TLS handshake' 5
gw_check "the gateway logs the failed handshake" [ $? = 0 ]

gw_check "the session log records TLS version and cipher" \
    sh -c "cat '$GW_TMP'/log/*.jsonl | grep '\"type\":\"tls\"' |
    grep -q '\"version\":\"TLSv1.[23]\"'"
gw_check "no token in the session logs" \
    sh -c "! grep -rqF '$token' '$GW_TMP/log'"
gw_check "no token in the gateway's log" \
    sh -c "! grep -qF '$token' '$GW_TMP/gatewayd.log'"
gw_done
