/*
 * Copyright (c) 2026 The gatewayd authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The client side of a database login's authentication exchange, as a
 * pure state machine: given the password, the greeting's plugin and
 * nonce, and then each packet the server sends, it says what to send
 * back.  It speaks mysql_native_password, caching_sha2_password
 * (MySQL 8's default: the fast scramble, and full authentication with
 * the password in clear inside TLS or encrypted under the server's RSA
 * key without it) and MariaDB's client_ed25519, which a server reaches
 * by a switch: its nonce is longer than a greeting's.  Nothing here
 * touches a socket, so the worker drives it over its database
 * connection and the unit tests over recorded and computed packets.
 */

#ifndef GW_DBAUTH_H
#define GW_DBAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "common/mysql.h"

struct buf;

#define DBAUTH_NATIVE  "mysql_native_password"
#define DBAUTH_SHA2    "caching_sha2_password"
#define DBAUTH_ED25519 "client_ed25519"

/* Steps of the exchange. */
enum dbauth_state {
	DBA_SENT,     /* a scramble is out: OK, ERR, a switch or more data */
	DBA_SHA2_KEY, /* asked for the server's RSA key */
	DBA_WAIT_OK,  /* the server has what it needs: OK or ERR */
};

enum dbauth_plugin {
	DBA_PLUGIN_NATIVE,
	DBA_PLUGIN_SHA2,
	DBA_PLUGIN_ED25519,
};

struct dbauth {
	enum dbauth_state da_state;
	enum dbauth_plugin da_plugin;
	int da_tls;	   /* the link is TLS: a password may go in clear */
	int da_switched;   /* one AuthSwitchRequest allowed */
	const char *da_pw; /* the caller's, not copied */
	size_t da_pwlen;
	uint8_t da_nonce[MYSQL_ED25519_NONCE_LEN];
	size_t da_noncelen;
};

/* What dbauth_reply() found; negative codes from common/error.h. */
#define DBA_SEND 1 /* send the payload in out, then read the next reply */
#define DBA_WAIT 2 /* send nothing; read the next reply */
#define DBA_OK	 3 /* the reply is the server's OK: logged in */
#define DBA_ERR	 4 /* the reply is the server's ERR: refused */

int dbauth_start(struct dbauth *, const char *, size_t, int,
    const struct mysql_handshake *, struct buf *, const char **)
    __attribute__((warn_unused_result));
int dbauth_reply(struct dbauth *, const uint8_t *, size_t, struct buf *)
    __attribute__((warn_unused_result));
const char *dbauth_plugin_name(const struct dbauth *);
void dbauth_clear(struct dbauth *);

#endif /* GW_DBAUTH_H */
