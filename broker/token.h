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
 * Verification of the OIDC tokens agents present as their password.  One
 * verifier per configured identity provider holds that provider's keys;
 * token_verify() checks one compact JWS against it.
 *
 * liboauth2 checks the signature and nothing else: this module checks
 * the token's shape, its header (algorithm allow-list, typ, crit, kid)
 * and every claim itself, against the caller's clock.  liboauth2's
 * result cache is off and its own claim checks are skipped, so that a
 * token is either checked in full or refused.
 *
 * Keys come from a JWKS file, read at token_verifier_new(), or from a
 * JWKS URI or the issuer's discovery document, fetched only by
 * token_verifier_refresh() on the caller's schedule.  A token that fails
 * never causes a fetch.
 *
 * Return values: 0 or a positive count on success, a negative GW_E*
 * code (common/error.h) on failure.  A refused token gives GW_EINVAL
 * (GW_ETOOLONG when it is over TOKEN_MAX_LEN, GW_ENOMEM when memory ran
 * out) and a short reason in `why' that is safe to log: it quotes at
 * most the token's alg, kid, iss and aud, escaped and cut short, and
 * never any other part of the token.
 */

#ifndef GW_TOKEN_H
#define GW_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "policy/conf.h"

#define TOKEN_MAX_LEN	    16384	  /* longest compact token, bytes */
#define TOKEN_GROUPS_MAX    32		  /* groups one token may carry */
#define TOKEN_KEYS_MAX	    32		  /* usable keys one key set may hold */
#define TOKEN_JWKS_MAX	    (1024 * 1024) /* largest key set document */
#define TOKEN_REFRESH_MIN   60	/* seconds between two fetches, at least */
#define TOKEN_FETCH_TIMEOUT 10	/* seconds for one HTTP request */
#define TOKEN_WHY_MAX	    256 /* a `why' buffer of this size suffices */

/*
 * What a valid token says.  Strings are NUL-terminated and consist of
 * printable ASCII (0x20-0x7e) only; tc_id is empty when the token has no
 * jti, tc_kid when its header has no kid.
 */
struct token_claims {
	char tc_subject[256];
	char tc_issuer[512];
	char tc_id[256]; /* jti, may be empty */
	char tc_alg[16];
	char tc_kid[128];
	char tc_groups[TOKEN_GROUPS_MAX][128];
	int tc_ngroups;
	int64_t tc_exp, tc_nbf, tc_iat; /* nbf, iat: 0 when absent */
};

struct token_verifier;

/*
 * Loads liboauth2 and routes its log into ours.  token_verifier_new()
 * calls it; call it earlier to take the cost before a sandbox closes.
 * Idempotent.  liboauth2 is never shut down: its shutdown opens files.
 */
int token_init(void);

/*
 * A verifier for one identity.  It copies what it needs, so the
 * configuration may be freed afterwards.  A "jwks file" is read now and
 * must hold at least one usable key; a "jwks uri" or "jwks discovery"
 * starts with no keys until token_verifier_refresh() fetches them.
 * Returns NULL with a message in err on failure.
 */
struct token_verifier *
token_verifier_new(const struct conf_identity *, char *, size_t);
void token_verifier_free(struct token_verifier *);

/*
 * Checks the token of the given length at time `now' (seconds since the
 * epoch).  0 and the claims in *out if it is valid; otherwise a negative
 * code, *out zeroed and the reason in why.
 */
int token_verify(struct token_verifier *, const char *, size_t, int64_t,
    struct token_claims *, char *, size_t);

/*
 * For a "jwks uri" or "jwks discovery" identity: fetch the key set again
 * if it has never been fetched, or the refresh interval has passed since
 * the last success.  Whatever happened, no two attempts are less than
 * TOKEN_REFRESH_MIN seconds apart.  A failed fetch keeps the keys in use.
 * Returns 1 when new keys were installed, 0 when nothing was due (and
 * always for a file), negative when the attempt failed.
 *
 * XXX The fetch is synchronous: it blocks the caller for up to
 * TOKEN_FETCH_TIMEOUT seconds per request (two for discovery).
 */
int token_verifier_refresh(struct token_verifier *, int64_t);

/*
 * For status and tests: why the last fetch failed ("" after a success),
 * how many fetches were attempted, how many usable keys are held.
 */
const char *token_verifier_error(const struct token_verifier *);
unsigned int token_verifier_fetches(const struct token_verifier *);
int token_verifier_nkeys(const struct token_verifier *);

#endif /* GW_TOKEN_H */
