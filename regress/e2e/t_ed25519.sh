#!/bin/sh
# MariaDB's client_ed25519: the worker's login pieces
# (regress/prog/dbauth-login, built on common/dbauth.c) log in to a real
# MariaDB as a user identified via ed25519, which the server reaches by
# switching from mysql_native_password.  A wrong password is refused.
. regress/e2e/lib.sh
gw_setup
db_start

db_sql "INSTALL SONAME 'auth_ed25519'"
db_sql "CREATE USER 'edu'@'%' IDENTIFIED VIA ed25519
    USING PASSWORD('An-ed25519-Pass/with:length 37')"
LOGIN=$GW_TOP/regress/prog/dbauth-login

out=$("$LOGIN" 127.0.0.1 "$DB_PORT" edu 'An-ed25519-Pass/with:length 37' \
    'SELECT 1' 2>&1 | tr '\n' ' ')
gw_check "logged in via client_ed25519 and queried ($out)" \
    [ "$out" = "logged in with client_ed25519 1 " ]
out=$("$LOGIN" 127.0.0.1 "$DB_PORT" edu 'another password' 'SELECT 1' \
    2>&1 | tr '\n' ' ')
gw_check "a wrong password is refused ($out)" \
    sh -c "echo '$out' | grep -q 'refused: .*Access denied'"
gw_done
