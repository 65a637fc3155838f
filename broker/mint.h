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
 * Minted users: the short-lived database accounts the broker creates for
 * a grant window, on an admin connection the caller has opened.  Each is
 * written to the ledger before it is created and after it is dropped.
 *
 * A minted user is named MINT_PREFIX and 12 random hex digits, has a
 * random password, MAX_USER_CONNECTIONS from the grant, and exactly the
 * grant's privileges; where the grant denies a column, column privileges
 * on the other columns of that table replace the table or schema grant.
 * Where the server's event scheduler runs, an event in the schema
 * MINT_EVENT_SCHEMA drops the user and ends its sessions at expiry, so
 * the database expires it even if the gateway is gone.
 *
 * What the admin account needs:
 *
 *   CREATE USER, PROCESS, CONNECTION ADMIN on *.*   mint, list, kill
 *   every privilege it hands out, WITH GRANT OPTION
 *   SELECT (User, Host) on mysql.user                mint_sweep
 *   EVENT on gatewayd.* (and CREATE, unless the      drop events
 *     schema exists already)
 *
 * Without the last, minting works and logs that it made no event.
 *
 * Messages written to the error buffers may quote the server; they never
 * hold a password, and bytes outside printable ASCII are replaced with
 * '?'.
 */

#ifndef GW_MINT_H
#define GW_MINT_H

#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "broker/ledger.h"
#include "policy/conf.h"

#define MINT_PREFIX	    "gw_"
#define MINT_NAME_HEX	    12
#define MINT_NAME_LEN	    (sizeof(MINT_PREFIX) - 1 + MINT_NAME_HEX)
#define MINT_PASSWORD_BYTES 32
#define MINT_PASSWORD_LEN   (2 * MINT_PASSWORD_BYTES) /* in hex */

#define MINT_EVENT_SCHEMA "gatewayd"
#define MINT_EVENT_PREFIX "expire_"

#define MINT_DROP_WAIT_MS 5000 /* for a dropped user's sessions to end */
#define MINT_POLL_MS	  50

struct mint_user {
	char mu_name[MINT_NAME_LEN + 1];
	char mu_password[MINT_PASSWORD_LEN + 1];
	int mu_event; /* the server drops it at expiry by itself */
};

struct mint_drop_result {
	int md_sessions; /* sessions the user had when it was dropped */
	int64_t md_usec; /* from DROP USER until none was left */
};

struct mint_sweep_result {
	int ms_seen;	  /* minted users on the server */
	int ms_kept;	  /* created, in the ledger and unexpired */
	int ms_dropped;	  /* unknown, unfinished or expired: dropped */
	int ms_forgotten; /* in the ledger, gone from the server */
	int ms_failed;	  /* could not be dropped */
};

int mint_name(char *, size_t) __attribute__((warn_unused_result));
int mint_password(char *, size_t) __attribute__((warn_unused_result));
int mint_name_ok(const char *);

int mint_create(MYSQL *, struct ledger *, const struct conf_connection *,
    const struct conf_grant *, const char *, const char *, int64_t,
    struct mint_user *, char *, size_t) __attribute__((warn_unused_result));
int mint_drop(MYSQL *, struct ledger *, const char *, const char *,
    struct mint_drop_result *, char *, size_t)
    __attribute__((warn_unused_result));
/* Whether this process still holds a live minted user (see mint_sweep). */
typedef int (*mint_inuse_fn)(const char *, void *);

int mint_sweep(MYSQL *, struct ledger *, const struct conf_connection *,
    const char *, mint_inuse_fn, void *, struct mint_sweep_result *, char *,
    size_t) __attribute__((warn_unused_result));

#endif /* GW_MINT_H */
