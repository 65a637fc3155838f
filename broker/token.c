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
 * Token verification for the broker; token.h says what it promises.
 *
 * The checks run in a fixed order.  What can be decided without a key
 * (the shape, the header, the payload's JSON syntax) is decided first,
 * so garbage costs no public-key operation.  Then liboauth2 checks the
 * signature, with keys this file chose for the header's alg and kid.
 * Only then are the claims judged, so the claims of a forged token
 * never reach the log.
 *
 * Each usable key of a key set becomes its own liboauth2 verify
 * configuration of type "jwk", holding only the key's public members.
 * That lets this file bind a key to the algorithms its type and its
 * "alg" member allow: liboauth2 would verify a PS256 signature with a
 * key published for RS256.  Every configuration turns liboauth2's result
 * cache off (expiry=0) and skips its claim checks, which would use its
 * own clock and no leeway.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjose/cjose.h>
#include <jansson.h>
#include <oauth2/cfg.h>
#include <oauth2/http.h>
#include <oauth2/log.h>
#include <oauth2/mem.h>
#include <oauth2/oauth2.h>
#include <oauth2/util.h>

#include "broker/token.h"
#include "common/error.h"
#include "common/file.h"
#include "common/log.h"

/*
 * Options for every key: no result cache, and none of liboauth2's own
 * claim checks (this file makes them, against the caller's clock).
 * Without expiry=0 a token verified under one identity's keys would pass
 * under any other's: liboauth2 keys its process-wide cache on the token
 * alone.
 *
 * XXX liboauth2 still creates that cache, a shared mapping, on the first
 * key; with expiry=0 its entries are stale as soon as they are written.
 */
#define TOKEN_OAUTH2_OPTIONS                                                   \
	"expiry=0&verify.exp=skip&verify.iat=skip&verify.iss=skip"

#define TOKEN_QUOTE_MAX	  48		 /* quoted token text in `why' */
#define TOKEN_SKEW_MAX	  3600		 /* seconds */
#define TOKEN_TIME_MAX	  253402300799LL /* 9999-12-31T23:59:59Z */
#define TOKEN_RSA_MIN	  256		 /* modulus bytes: 2048 bits */
#define TOKEN_DISCOVERY	  "/.well-known/openid-configuration"
#define TOKEN_GROUP_MAX	  127
#define TOKEN_KID_MAX	  127
#define TOKEN_ISSUER_SIZE sizeof(((struct token_claims *)NULL)->tc_issuer)

enum token_kty {
	TOKEN_KTY_RSA,
	TOKEN_KTY_EC,
};

/* The signature algorithms liboauth2 can check, and the keys they need. */
static const struct token_alg {
	const char *ta_name;
	uint32_t ta_bit; /* CONF_ALG_* */
	enum token_kty ta_kty;
	const char *ta_crv; /* EC: the curve of the key */
} token_algs[] = {
    {"RS256", CONF_ALG_RS256, TOKEN_KTY_RSA, NULL},
    {"RS384", CONF_ALG_RS384, TOKEN_KTY_RSA, NULL},
    {"RS512", CONF_ALG_RS512, TOKEN_KTY_RSA, NULL},
    {"PS256", CONF_ALG_PS256, TOKEN_KTY_RSA, NULL},
    {"PS384", CONF_ALG_PS384, TOKEN_KTY_RSA, NULL},
    {"PS512", CONF_ALG_PS512, TOKEN_KTY_RSA, NULL},
    {"ES256", CONF_ALG_ES256, TOKEN_KTY_EC, "P-256"},
    {"ES384", CONF_ALG_ES384, TOKEN_KTY_EC, "P-384"},
    {"ES512", CONF_ALG_ES512, TOKEN_KTY_EC, "P-521"},
};
#define TOKEN_NALGS (sizeof(token_algs) / sizeof(token_algs[0]))

/* One usable public key. */
struct token_key {
	oauth2_cfg_token_verify_t *tk_verify;
	char tk_kid[TOKEN_KID_MAX + 1]; /* empty: the key has no kid */
	uint32_t tk_algs;		/* CONF_ALG_* it may verify */
};

struct token_keyset {
	struct token_key ks_keys[TOKEN_KEYS_MAX];
	int ks_nkeys;
};

struct token_verifier {
	char *tv_name;
	char *tv_issuer;
	char *tv_audience;
	char *tv_jwks; /* file or URI; NULL for discovery */
	char *tv_groups_claim;
	char *tv_subject_claim;
	enum conf_jwks_kind tv_kind;
	uint32_t tv_algs;
	int64_t tv_skew;
	int64_t tv_refresh;
	struct token_keyset *tv_keys; /* NULL until the first fetch */
	int tv_attempted;	      /* a fetch was attempted */
	int64_t tv_last_attempt;
	int64_t tv_last_success;
	unsigned int tv_fetches;
	char tv_error[256]; /* why the last fetch failed */
};

/* What token_verify() learns on its way. */
struct token_parse {
	const char *tp_part[3]; /* header, payload, signature */
	size_t tp_len[3];
	json_t *tp_header;
	json_t *tp_payload;
	const struct token_alg *tp_alg;
	char tp_kid[TOKEN_KID_MAX + 1];
	int tp_has_kid;
	char *tp_copy; /* NUL-terminated, for liboauth2 */
};

static oauth2_log_t *token_log;
static int token_quiet; /* a token is in liboauth2's hands */

static void token_oauth2_sink(oauth2_log_sink_t *, const char *, unsigned long,
    const char *, oauth2_log_level_t, const char *);
static void
say(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));
static const char *quote(char *, size_t, const char *, size_t);
static int printable(const char *, size_t);
static int b64url_value(unsigned char);
static int b64url_decode(const char *, size_t, uint8_t **, size_t *);
static const struct token_alg *alg_find(const char *);
static json_t *
json_object_parse(const uint8_t *, size_t, const char *, char *, size_t);
static int json_str(const json_t *, const char *, const char **, size_t *);
static int key_load(const struct token_verifier *, json_t *, struct token_key *,
    char *, size_t);
static int key_add(struct token_key *, json_t *, char *, size_t);
static int key_rsa(json_t *, json_t *, uint32_t *, char *, size_t);
static int key_ec(json_t *, json_t *, uint32_t *, char *, size_t);
static void keyset_free(struct token_keyset *);
static int keyset_parse(const struct token_verifier *, const char *, size_t,
    struct token_keyset **, char *, size_t);
static int fetch(const char *, char **, size_t *, char *, size_t);
static int
fetch_keys(struct token_verifier *, struct token_keyset **, char *, size_t);
static int discover(const struct token_verifier *, char **, char *, size_t);
static int
parse_split(struct token_parse *, const char *, size_t, char *, size_t);
static int parse_header(
    const struct token_verifier *, struct token_parse *, char *, size_t);
static int parse_payload(struct token_parse *, char *, size_t);
static int check_alg_binding(const struct token_parse *, char *, size_t);
static int check_signature(
    const struct token_verifier *, struct token_parse *, char *, size_t);
static int
claim_time(const json_t *, const char *, int64_t *, int *, char *, size_t);
static int
claim_string(const json_t *, const char *, char *, size_t, int, char *, size_t);
static int check_issuer(const struct token_verifier *, const json_t *,
    struct token_claims *, char *, size_t);
static int
check_audience(const struct token_verifier *, const json_t *, char *, size_t);
static int check_times(const struct token_verifier *, const json_t *, int64_t,
    struct token_claims *, char *, size_t);
static int check_groups(const struct token_verifier *, const json_t *,
    struct token_claims *, char *, size_t);
static int check_claims(const struct token_verifier *, const json_t *, int64_t,
    struct token_claims *, char *, size_t);

/*
 * liboauth2's log.  Its messages may quote a whole token while one is
 * being verified: then only the function's name is kept.  Otherwise the
 * text goes to our debug level, escaped.
 */
static void
token_oauth2_sink(oauth2_log_sink_t *sink, const char *file, unsigned long line,
    const char *fn, oauth2_log_level_t level, const char *msg)
{
	char esc[LOG_ESCAPE_MAX];

	if (token_quiet) {
		log_debug("liboauth2: %s: message withheld", fn);
		return;
	}
	log_escape(esc, sizeof(esc), msg, strlen(msg));
	log_debug("liboauth2: %s: %s", fn, esc);
}

int
token_init(void)
{
	oauth2_log_sink_t *sink;

	if (token_log != NULL)
		return GW_OK;
	sink =
	    oauth2_log_sink_create(OAUTH2_LOG_NOTICE, token_oauth2_sink, NULL);
	if (sink == NULL)
		return GW_ENOMEM;
	/* Loads curl, cjose and friends; the level caps every message. */
	if ((token_log = oauth2_init(OAUTH2_LOG_NOTICE, sink)) == NULL)
		return GW_ENOMEM;
	return GW_OK;
}

static void
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* Token text fit for `why': escaped and cut at TOKEN_QUOTE_MAX. */
static const char *
quote(char *buf, size_t bufsz, const char *s, size_t len)
{
	log_escape(
	    buf, bufsz < TOKEN_QUOTE_MAX ? bufsz : TOKEN_QUOTE_MAX, s, len);
	return buf;
}

/*
 * Printable ASCII only: what claims must be before they go anywhere.
 * XXX A subject or group in UTF-8 beyond ASCII refuses the whole token.
 */
static int
printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Unpadded base64url (RFC 7515, section 2).  Refuses any other byte, a
 * lone trailing character, and spare bits that are not zero, so that
 * each byte string has exactly one encoding.  *outp is allocated, with a
 * NUL after the data.
 */
static int
b64url_decode(const char *in, size_t len, uint8_t **outp, size_t *outlenp)
{
	uint8_t *out;
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0, v;

	*outp = NULL;
	*outlenp = 0;
	if (len % 4 == 1)
		return GW_EINVAL;
	if ((out = malloc(len / 4 * 3 + 3)) == NULL)
		return GW_ENOMEM;
	for (i = 0; i < len; i++) {
		if ((v = b64url_value((unsigned char)in[i])) < 0)
			goto bad;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	if (bits > 0 && (acc & ((1U << bits) - 1)) != 0)
		goto bad;
	out[o] = '\0';
	*outp = out;
	*outlenp = o;
	return GW_OK;

bad:
	free(out);
	return GW_EINVAL;
}

static const struct token_alg *
alg_find(const char *name)
{
	size_t i;

	for (i = 0; i < TOKEN_NALGS; i++)
		if (strcmp(token_algs[i].ta_name, name) == 0)
			return &token_algs[i];
	return NULL;
}

/*
 * Parses one JSON object, refusing duplicate keys: with duplicates, two
 * parsers could read two different values out of the same bytes.
 */
static json_t *
json_object_parse(
    const uint8_t *buf, size_t len, const char *what, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *j;

	j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		if (json_error_code(&jerr) == json_error_duplicate_key)
			say(why, whylen, "%s has a duplicate key", what);
		else
			say(why, whylen, "%s is not JSON", what);
		return NULL;
	}
	if (!json_is_object(j)) {
		say(why, whylen, "%s is not a JSON object", what);
		json_decref(j);
		return NULL;
	}
	return j;
}

/*
 * The string member `name' of obj: GW_OK with *sp and *lenp set, GW_OK
 * with *sp NULL if there is no such member, GW_EINVAL if it is not a
 * string.
 */
static int
json_str(const json_t *obj, const char *name, const char **sp, size_t *lenp)
{
	json_t *v;

	*sp = NULL;
	*lenp = 0;
	if ((v = json_object_get(obj, name)) == NULL)
		return GW_OK;
	if (!json_is_string(v))
		return GW_EINVAL;
	*sp = json_string_value(v);
	*lenp = json_string_length(v);
	return GW_OK;
}

/* Copies an RSA key's public members to pub; at least 2048 bits. */
static int
key_rsa(json_t *jwk, json_t *pub, uint32_t *algsp, char *why, size_t whylen)
{
	const char *n, *e;
	size_t nlen, elen, blen, lead, i;
	uint8_t *bytes;
	int r;

	if (json_str(jwk, "n", &n, &nlen) != GW_OK || n == NULL ||
	    json_str(jwk, "e", &e, &elen) != GW_OK || e == NULL) {
		say(why, whylen, "RSA key without n and e");
		return GW_EINVAL;
	}
	if ((r = b64url_decode(n, nlen, &bytes, &blen)) != GW_OK) {
		say(why, whylen, "RSA modulus is not base64url");
		return r;
	}
	for (lead = 0; lead < blen && bytes[lead] == 0; lead++)
		;
	free(bytes);
	if (blen - lead < TOKEN_RSA_MIN) {
		say(why, whylen, "RSA modulus under 2048 bits");
		return GW_EINVAL;
	}
	if (json_object_set_new(pub, "kty", json_string("RSA")) != 0 ||
	    json_object_set_new(pub, "n", json_stringn(n, nlen)) != 0 ||
	    json_object_set_new(pub, "e", json_stringn(e, elen)) != 0)
		return GW_ENOMEM;
	*algsp = 0;
	for (i = 0; i < TOKEN_NALGS; i++)
		if (token_algs[i].ta_kty == TOKEN_KTY_RSA)
			*algsp |= token_algs[i].ta_bit;
	return GW_OK;
}

/* Copies an EC key's public members to pub; its curve names its alg. */
static int
key_ec(json_t *jwk, json_t *pub, uint32_t *algsp, char *why, size_t whylen)
{
	const char *crv, *x, *y;
	size_t crvlen, xlen, ylen, i;

	if (json_str(jwk, "crv", &crv, &crvlen) != GW_OK || crv == NULL ||
	    json_str(jwk, "x", &x, &xlen) != GW_OK || x == NULL ||
	    json_str(jwk, "y", &y, &ylen) != GW_OK || y == NULL) {
		say(why, whylen, "EC key without crv, x and y");
		return GW_EINVAL;
	}
	*algsp = 0;
	for (i = 0; i < TOKEN_NALGS; i++)
		if (token_algs[i].ta_kty == TOKEN_KTY_EC &&
		    strcmp(token_algs[i].ta_crv, crv) == 0)
			*algsp = token_algs[i].ta_bit;
	if (*algsp == 0) {
		say(why, whylen, "EC curve not supported");
		return GW_EINVAL;
	}
	if (json_object_set_new(pub, "kty", json_string("EC")) != 0 ||
	    json_object_set_new(pub, "crv", json_stringn(crv, crvlen)) != 0 ||
	    json_object_set_new(pub, "x", json_stringn(x, xlen)) != 0 ||
	    json_object_set_new(pub, "y", json_stringn(y, ylen)) != 0)
		return GW_ENOMEM;
	return GW_OK;
}

/* Hands the public key to liboauth2 as a verify configuration of its own. */
static int
key_add(struct token_key *k, json_t *pub, char *why, size_t whylen)
{
	char esc[LOG_ESCAPE_MAX], *text, *rv;

	if ((text = json_dumps(pub, JSON_COMPACT)) == NULL)
		return GW_ENOMEM;
	k->tk_verify = NULL;
	rv = oauth2_cfg_token_verify_add_options(
	    token_log, &k->tk_verify, "jwk", text, TOKEN_OAUTH2_OPTIONS);
	free(text);
	if (rv != NULL || k->tk_verify == NULL) {
		if (rv != NULL)
			log_escape(esc, sizeof(esc), rv, strlen(rv));
		say(why, whylen, "liboauth2 refused the key: %s",
		    rv != NULL ? esc : "no configuration");
		if (rv != NULL)
			oauth2_mem_free(rv);
		if (k->tk_verify != NULL)
			oauth2_cfg_token_verify_free(token_log, k->tk_verify);
		k->tk_verify = NULL;
		return GW_EINVAL;
	}
	return GW_OK;
}

/*
 * One member of a key set.  Keys for other uses, private keys, weak or
 * unknown key types, and keys that fit no allowed algorithm are refused
 * with a reason; the caller skips them.
 */
static int
key_load(const struct token_verifier *tv, json_t *jwk, struct token_key *k,
    char *why, size_t whylen)
{
	const struct token_alg *alg;
	const char *kty, *use, *name, *kid;
	size_t ktylen, uselen, namelen, kidlen, i;
	json_t *ops, *op, *pub = NULL;
	uint32_t algs = 0;
	int r = GW_EINVAL, found;

	memset(k, 0, sizeof(*k));
	if (!json_is_object(jwk)) {
		say(why, whylen, "not a JSON object");
		goto out;
	}
	if (json_str(jwk, "kty", &kty, &ktylen) != GW_OK || kty == NULL) {
		say(why, whylen, "no kty");
		goto out;
	}
	if (json_object_get(jwk, "d") != NULL) {
		say(why, whylen, "holds private key material");
		goto out;
	}
	if (json_str(jwk, "use", &use, &uselen) != GW_OK ||
	    (use != NULL && strcmp(use, "sig") != 0)) {
		say(why, whylen, "use is not \"sig\"");
		goto out;
	}
	if ((ops = json_object_get(jwk, "key_ops")) != NULL) {
		found = 0;
		for (i = 0; json_is_array(ops) && i < json_array_size(ops);
		     i++) {
			op = json_array_get(ops, i);
			if (json_is_string(op) &&
			    strcmp(json_string_value(op), "verify") == 0)
				found = 1;
		}
		if (!found) {
			say(why, whylen, "key_ops lacks \"verify\"");
			goto out;
		}
	}

	if ((pub = json_object()) == NULL) {
		r = GW_ENOMEM;
		goto out;
	}
	if (strcmp(kty, "RSA") == 0)
		r = key_rsa(jwk, pub, &algs, why, whylen);
	else if (strcmp(kty, "EC") == 0)
		r = key_ec(jwk, pub, &algs, why, whylen);
	else
		say(why, whylen, "kty not supported");
	if (r != GW_OK)
		goto out;
	r = GW_EINVAL;

	/* A key that names its algorithm serves that algorithm only. */
	if (json_str(jwk, "alg", &name, &namelen) != GW_OK) {
		say(why, whylen, "alg is not a string");
		goto out;
	}
	if (name != NULL) {
		if ((alg = alg_find(name)) == NULL ||
		    (alg->ta_bit & algs) == 0) {
			say(why, whylen, "alg does not fit the key");
			goto out;
		}
		algs = alg->ta_bit;
	}
	if ((algs &= tv->tv_algs) == 0) {
		say(why, whylen, "fits no allowed algorithm");
		goto out;
	}
	k->tk_algs = algs;

	if (json_str(jwk, "kid", &kid, &kidlen) != GW_OK ||
	    (kid != NULL &&
		(kidlen == 0 || kidlen > TOKEN_KID_MAX ||
		    !printable(kid, kidlen)))) {
		say(why, whylen, "kid malformed");
		goto out;
	}
	if (kid != NULL)
		memcpy(k->tk_kid, kid, kidlen + 1);

	r = key_add(k, pub, why, whylen);

out:
	json_decref(pub);
	return r;
}

static void
keyset_free(struct token_keyset *ks)
{
	int i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->ks_nkeys; i++)
		oauth2_cfg_token_verify_free(
		    token_log, ks->ks_keys[i].tk_verify);
	free(ks);
}

/*
 * A JWKS document (RFC 7517, section 5).  Unusable keys are skipped and
 * named at debug level; a set without one usable key is an error.
 */
static int
keyset_parse(const struct token_verifier *tv, const char *text, size_t len,
    struct token_keyset **ksp, char *err, size_t errlen)
{
	struct token_keyset *ks = NULL;
	char reason[256];
	json_t *root, *keys, *jwk;
	size_t i;
	int r = GW_EINVAL;

	*ksp = NULL;
	if (len > TOKEN_JWKS_MAX) {
		say(err, errlen, "key set over %d bytes", TOKEN_JWKS_MAX);
		return GW_ETOOLONG;
	}
	root = json_object_parse(
	    (const uint8_t *)text, len, "key set", err, errlen);
	if (root == NULL)
		return GW_EINVAL;
	if (!json_is_array(keys = json_object_get(root, "keys"))) {
		say(err, errlen, "key set has no \"keys\" array");
		goto out;
	}
	if ((ks = calloc(1, sizeof(*ks))) == NULL) {
		r = GW_ENOMEM;
		goto out;
	}
	json_array_foreach(keys, i, jwk) {
		if (ks->ks_nkeys == TOKEN_KEYS_MAX) {
			log_debug("identity %s: keys after the %dth ignored",
			    tv->tv_name, TOKEN_KEYS_MAX);
			break;
		}
		r = key_load(tv, jwk, &ks->ks_keys[ks->ks_nkeys], reason,
		    sizeof(reason));
		if (r == GW_ENOMEM)
			goto out;
		if (r != GW_OK) {
			log_debug("identity %s: key %zu skipped: %s",
			    tv->tv_name, i, reason);
			continue;
		}
		ks->ks_nkeys++;
	}
	if (ks->ks_nkeys == 0) {
		say(err, errlen, "key set has no usable key");
		r = GW_EINVAL;
		goto out;
	}
	*ksp = ks;
	ks = NULL;
	r = GW_OK;

out:
	keyset_free(ks);
	json_decref(root);
	return r;
}

/*
 * One HTTPS GET through liboauth2's client, which verifies the server's
 * certificate.
 *
 * XXX liboauth2 follows up to five redirects, plain http ones included,
 * and reads bodies up to its own cap; this file checks the body's size
 * only once it has arrived.
 */
static int
fetch(const char *url, char **bodyp, size_t *lenp, char *err, size_t errlen)
{
	oauth2_http_call_ctx_t *ctx;
	oauth2_http_status_code_t status = 0;
	char *resp = NULL, esc[LOG_ESCAPE_MAX];
	size_t len;
	bool ok;
	int r = GW_EINVAL;

	*bodyp = NULL;
	log_escape(esc, sizeof(esc), url, strlen(url));
	if (strncmp(url, "https://", 8) != 0) {
		say(err, errlen, "%s: not an https URL", esc);
		return GW_EINVAL;
	}
	if ((ctx = oauth2_http_call_ctx_init(token_log)) == NULL)
		return GW_ENOMEM;
	oauth2_http_call_ctx_timeout_set(token_log, ctx, TOKEN_FETCH_TIMEOUT);
	oauth2_http_call_ctx_ssl_verify_set(token_log, ctx, true);
	ok = oauth2_http_get(token_log, url, NULL, ctx, &resp, &status);
	oauth2_http_call_ctx_free(token_log, ctx);

	if (!ok || resp == NULL) {
		say(err, errlen, "%s: fetch failed", esc);
		goto out;
	}
	if (status != 200) {
		say(err, errlen, "%s: HTTP status %u", esc,
		    (unsigned int)status);
		goto out;
	}
	if ((len = strlen(resp)) > TOKEN_JWKS_MAX) {
		say(err, errlen, "%s: over %d bytes", esc, TOKEN_JWKS_MAX);
		r = GW_ETOOLONG;
		goto out;
	}
	if ((*bodyp = strdup(resp)) == NULL) {
		r = GW_ENOMEM;
		goto out;
	}
	*lenp = len;
	r = GW_OK;

out:
	if (resp != NULL)
		oauth2_mem_free(resp);
	return r;
}

/*
 * OpenID Connect discovery: the issuer's metadata must name the same
 * issuer (OpenID Connect Discovery 1.0, section 4.3) and an https
 * jwks_uri, which is returned.
 */
static int
discover(const struct token_verifier *tv, char **urip, char *err, size_t errlen)
{
	const char *iss, *jwks;
	size_t isslen, jwkslen, len, baselen;
	char *url = NULL, *body = NULL;
	json_t *meta = NULL;
	int r;

	*urip = NULL;
	baselen = strlen(tv->tv_issuer);
	if (baselen > 0 && tv->tv_issuer[baselen - 1] == '/')
		baselen--;
	if ((url = malloc(baselen + sizeof(TOKEN_DISCOVERY))) == NULL)
		return GW_ENOMEM;
	memcpy(url, tv->tv_issuer, baselen);
	memcpy(url + baselen, TOKEN_DISCOVERY, sizeof(TOKEN_DISCOVERY));

	if ((r = fetch(url, &body, &len, err, errlen)) != GW_OK)
		goto out;
	r = GW_EINVAL;
	meta = json_object_parse(
	    (const uint8_t *)body, len, "discovery document", err, errlen);
	if (meta == NULL)
		goto out;
	if (json_str(meta, "issuer", &iss, &isslen) != GW_OK || iss == NULL ||
	    isslen != strlen(tv->tv_issuer) ||
	    memcmp(iss, tv->tv_issuer, isslen) != 0) {
		say(err, errlen, "discovery document names another issuer");
		goto out;
	}
	if (json_str(meta, "jwks_uri", &jwks, &jwkslen) != GW_OK ||
	    jwks == NULL || jwkslen != strlen(jwks) ||
	    strncmp(jwks, "https://", 8) != 0) {
		say(err, errlen, "discovery document has no https jwks_uri");
		goto out;
	}
	if ((*urip = strdup(jwks)) == NULL) {
		r = GW_ENOMEM;
		goto out;
	}
	r = GW_OK;

out:
	json_decref(meta);
	free(body);
	free(url);
	return r;
}

static int
fetch_keys(struct token_verifier *tv, struct token_keyset **ksp, char *err,
    size_t errlen)
{
	char *uri = NULL, *body = NULL;
	size_t len;
	int r;

	if (tv->tv_kind == CONF_JWKS_DISCOVERY) {
		if ((r = discover(tv, &uri, err, errlen)) != GW_OK)
			return r;
	} else if ((uri = strdup(tv->tv_jwks)) == NULL)
		return GW_ENOMEM;
	if ((r = fetch(uri, &body, &len, err, errlen)) == GW_OK)
		r = keyset_parse(tv, body, len, ksp, err, errlen);
	free(body);
	free(uri);
	return r;
}

struct token_verifier *
token_verifier_new(const struct conf_identity *id, char *err, size_t errlen)
{
	struct token_verifier *tv;
	char *text = NULL;
	size_t len;
	uint32_t all = 0;
	size_t i;

	if (token_init() != GW_OK) {
		say(err, errlen, "cannot initialise liboauth2");
		return NULL;
	}
	for (i = 0; i < TOKEN_NALGS; i++)
		all |= token_algs[i].ta_bit;
	if (id->id_name == NULL || id->id_issuer == NULL ||
	    id->id_audience == NULL) {
		say(err, errlen, "identity needs a name, issuer and audience");
		return NULL;
	}
	if (strlen(id->id_issuer) >= TOKEN_ISSUER_SIZE) {
		say(err, errlen, "issuer too long");
		return NULL;
	}
	if ((id->id_algs & all) == 0) {
		say(err, errlen, "no signature algorithm allowed");
		return NULL;
	}
	if (id->id_clock_skew < 0 || id->id_clock_skew > TOKEN_SKEW_MAX ||
	    id->id_refresh < TOKEN_REFRESH_MIN) {
		say(err, errlen, "clock skew or refresh out of range");
		return NULL;
	}
	if (id->id_jwks_kind != CONF_JWKS_DISCOVERY && id->id_jwks == NULL) {
		say(err, errlen, "no jwks file or uri");
		return NULL;
	}
	if ((id->id_jwks_kind == CONF_JWKS_URI &&
		strncmp(id->id_jwks, "https://", 8) != 0) ||
	    (id->id_jwks_kind == CONF_JWKS_DISCOVERY &&
		strncmp(id->id_issuer, "https://", 8) != 0)) {
		say(err, errlen, "keys must come over https");
		return NULL;
	}

	if ((tv = calloc(1, sizeof(*tv))) == NULL)
		goto nomem;
	tv->tv_kind = id->id_jwks_kind;
	tv->tv_algs = id->id_algs & all;
	tv->tv_skew = id->id_clock_skew;
	tv->tv_refresh = id->id_refresh;
	if ((tv->tv_name = strdup(id->id_name)) == NULL ||
	    (tv->tv_issuer = strdup(id->id_issuer)) == NULL ||
	    (tv->tv_audience = strdup(id->id_audience)) == NULL ||
	    (id->id_jwks != NULL &&
		(tv->tv_jwks = strdup(id->id_jwks)) == NULL) ||
	    (tv->tv_groups_claim = strdup(id->id_groups_claim != NULL
		     ? id->id_groups_claim
		     : CONF_DEF_GROUPS_CLAIM)) == NULL ||
	    (tv->tv_subject_claim = strdup(id->id_subject_claim != NULL
		     ? id->id_subject_claim
		     : CONF_DEF_SUBJECT_CLAIM)) == NULL)
		goto nomem;

	if (tv->tv_kind == CONF_JWKS_FILE) {
		/* Whoever may write the key set may mint tokens. */
		if (file_read(tv->tv_jwks, TOKEN_JWKS_MAX, FILE_NOWRITE, &text,
			&len, err, errlen) != GW_OK ||
		    keyset_parse(tv, text, len, &tv->tv_keys, err, errlen) !=
			GW_OK) {
			free(text);
			token_verifier_free(tv);
			return NULL;
		}
		free(text);
		log_debug("identity %s: %d keys from %s", tv->tv_name,
		    tv->tv_keys->ks_nkeys, tv->tv_jwks);
	}
	return tv;

nomem:
	say(err, errlen, "out of memory");
	token_verifier_free(tv);
	return NULL;
}

void
token_verifier_free(struct token_verifier *tv)
{
	if (tv == NULL)
		return;
	keyset_free(tv->tv_keys);
	free(tv->tv_name);
	free(tv->tv_issuer);
	free(tv->tv_audience);
	free(tv->tv_jwks);
	free(tv->tv_groups_claim);
	free(tv->tv_subject_claim);
	free(tv);
}

int
token_verifier_refresh(struct token_verifier *tv, int64_t now)
{
	struct token_keyset *ks;
	int r;

	if (tv->tv_kind == CONF_JWKS_FILE)
		return 0;
	if (tv->tv_attempted) {
		/* A clock that went back restarts the waits from now. */
		if (now < tv->tv_last_attempt)
			tv->tv_last_attempt = now;
		if (now < tv->tv_last_success)
			tv->tv_last_success = now;
		if (now - tv->tv_last_attempt < TOKEN_REFRESH_MIN)
			return 0;
		if (tv->tv_keys != NULL &&
		    now - tv->tv_last_success < tv->tv_refresh)
			return 0;
	}
	tv->tv_attempted = 1;
	tv->tv_last_attempt = now;
	tv->tv_fetches++;

	r = fetch_keys(tv, &ks, tv->tv_error, sizeof(tv->tv_error));
	if (r != GW_OK) {
		log_debug("identity %s: key refresh failed: %s", tv->tv_name,
		    tv->tv_error);
		return r;
	}
	keyset_free(tv->tv_keys);
	tv->tv_keys = ks;
	tv->tv_last_success = now;
	tv->tv_error[0] = '\0';
	log_debug("identity %s: %d keys fetched", tv->tv_name, ks->ks_nkeys);
	return 1;
}

const char *
token_verifier_error(const struct token_verifier *tv)
{
	return tv->tv_error;
}

unsigned int
token_verifier_fetches(const struct token_verifier *tv)
{
	return tv->tv_fetches;
}

int
token_verifier_nkeys(const struct token_verifier *tv)
{
	return tv->tv_keys != NULL ? tv->tv_keys->ks_nkeys : 0;
}

/* Compact serialisation: three base64url parts, bounded, nothing else. */
static int
parse_split(struct token_parse *tp, const char *tok, size_t len, char *why,
    size_t whylen)
{
	size_t i, start = 0;
	int part = 0;

	if (len == 0) {
		say(why, whylen, "token empty");
		return GW_EINVAL;
	}
	if (len > TOKEN_MAX_LEN) {
		say(why, whylen, "token over %d bytes", TOKEN_MAX_LEN);
		return GW_ETOOLONG;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && tok[i] != '.') {
			if (b64url_value((unsigned char)tok[i]) < 0) {
				say(why, whylen,
				    "token has a byte outside "
				    "base64url");
				return GW_EINVAL;
			}
			continue;
		}
		if (part == 3) {
			say(why, whylen, "token has more than 3 parts");
			return GW_EINVAL;
		}
		tp->tp_part[part] = tok + start;
		tp->tp_len[part] = i - start;
		part++;
		start = i + 1;
	}
	if (part != 3) {
		say(why, whylen, "token has %d parts, not 3", part);
		return GW_EINVAL;
	}
	if (tp->tp_len[0] == 0 || tp->tp_len[1] == 0) {
		say(why, whylen, "token has an empty part");
		return GW_EINVAL;
	}
	return GW_OK;
}

/*
 * The protected header: an allowed alg (never "none", never a shared
 * secret), typ JWT or at+jwt if present, no crit, a sane kid.
 */
static int
parse_header(const struct token_verifier *tv, struct token_parse *tp, char *why,
    size_t whylen)
{
	const char *alg, *typ, *kid;
	size_t alglen, typlen, kidlen, len;
	char q[TOKEN_QUOTE_MAX];
	uint8_t *buf;
	int r;

	r = b64url_decode(tp->tp_part[0], tp->tp_len[0], &buf, &len);
	if (r != GW_OK) {
		say(why, whylen, "header is not base64url");
		return r;
	}
	tp->tp_header = json_object_parse(buf, len, "header", why, whylen);
	free(buf);
	if (tp->tp_header == NULL)
		return GW_EINVAL;

	if (json_str(tp->tp_header, "alg", &alg, &alglen) != GW_OK) {
		say(why, whylen, "alg is not a string");
		return GW_EINVAL;
	}
	if (alg == NULL) {
		say(why, whylen, "alg missing");
		return GW_EINVAL;
	}
	quote(q, sizeof(q), alg, alglen);
	if (strcasecmp(alg, "none") == 0) {
		say(why, whylen, "alg \"%s\" refused: unsigned", q);
		return GW_EINVAL;
	}
	if (strncasecmp(alg, "HS", 2) == 0) {
		say(why, whylen, "alg \"%s\" refused: shared secret", q);
		return GW_EINVAL;
	}
	if ((tp->tp_alg = alg_find(alg)) == NULL || strlen(alg) != alglen) {
		say(why, whylen, "alg \"%s\" not supported", q);
		return GW_EINVAL;
	}
	if ((tp->tp_alg->ta_bit & tv->tv_algs) == 0) {
		say(why, whylen, "alg \"%s\" not allowed", q);
		return GW_EINVAL;
	}

	if (json_str(tp->tp_header, "typ", &typ, &typlen) != GW_OK ||
	    (typ != NULL && strcasecmp(typ, "JWT") != 0 &&
		strcasecmp(typ, "at+jwt") != 0)) {
		say(why, whylen, "typ refused");
		return GW_EINVAL;
	}
	if (json_object_get(tp->tp_header, "crit") != NULL) {
		say(why, whylen, "crit header refused");
		return GW_EINVAL;
	}
	if (json_str(tp->tp_header, "kid", &kid, &kidlen) != GW_OK ||
	    (kid != NULL &&
		(kidlen == 0 || kidlen > TOKEN_KID_MAX ||
		    !printable(kid, kidlen)))) {
		say(why, whylen, "kid malformed");
		return GW_EINVAL;
	}
	if (kid != NULL) {
		memcpy(tp->tp_kid, kid, kidlen + 1);
		tp->tp_has_kid = 1;
	}
	return GW_OK;
}

static int
parse_payload(struct token_parse *tp, char *why, size_t whylen)
{
	uint8_t *buf;
	size_t len;
	int r;

	r = b64url_decode(tp->tp_part[1], tp->tp_len[1], &buf, &len);
	if (r != GW_OK) {
		say(why, whylen, "payload is not base64url");
		return r;
	}
	tp->tp_payload = json_object_parse(buf, len, "payload", why, whylen);
	explicit_bzero(buf, len);
	free(buf);
	return tp->tp_payload != NULL ? GW_OK : GW_EINVAL;
}

/*
 * cjose, under liboauth2, verifies with the alg it reads from the header
 * itself.  Make sure it reads the one this file checked.
 */
static int
check_alg_binding(const struct token_parse *tp, char *why, size_t whylen)
{
	cjose_header_t *hdr;
	cjose_jws_t *jws;
	cjose_err cerr;
	const char *alg;
	int r = GW_OK;

	jws = cjose_jws_import(tp->tp_copy, strlen(tp->tp_copy), &cerr);
	if (jws == NULL) {
		say(why, whylen, "token refused by cjose");
		return GW_EINVAL;
	}
	if ((hdr = cjose_jws_get_protected(jws)) == NULL ||
	    (alg = cjose_header_get(hdr, CJOSE_HDR_ALG, &cerr)) == NULL ||
	    strcmp(alg, tp->tp_alg->ta_name) != 0) {
		say(why, whylen, "alg read differently by cjose");
		r = GW_EINVAL;
	}
	cjose_jws_release(jws);
	return r;
}

/*
 * Tries the keys that may verify this alg: those with the token's kid,
 * and those without a kid at all.  No key, no fetch: a refused token
 * never makes the gateway ask the provider for keys.
 *
 * XXX So a provider's new key is trusted only from the next scheduled
 * refresh on; tokens signed with it are refused until then.
 */
static int
check_signature(const struct token_verifier *tv, struct token_parse *tp,
    char *why, size_t whylen)
{
	const struct token_keyset *ks = tv->tv_keys;
	const struct token_key *k;
	char q[TOKEN_QUOTE_MAX];
	json_t *payload;
	int i, tried = 0, kid_known = 0, r;
	bool ok;

	if (ks == NULL || ks->ks_nkeys == 0) {
		say(why, whylen, "no keys loaded");
		return GW_EINVAL;
	}
	if ((r = check_alg_binding(tp, why, whylen)) != GW_OK)
		return r;

	for (i = 0; i < ks->ks_nkeys; i++) {
		k = &ks->ks_keys[i];
		if (tp->tp_has_kid && k->tk_kid[0] != '\0') {
			if (strcmp(k->tk_kid, tp->tp_kid) != 0)
				continue;
			kid_known = 1;
		}
		if ((k->tk_algs & tp->tp_alg->ta_bit) == 0)
			continue;
		tried++;
		payload = NULL;
		token_quiet = 1;
		ok = oauth2_token_verify(
		    token_log, NULL, k->tk_verify, tp->tp_copy, &payload);
		token_quiet = 0;
		json_decref(payload);
		if (ok)
			return GW_OK;
	}

	if (tried > 0)
		say(why, whylen, "signature invalid");
	else if (tp->tp_has_kid && !kid_known)
		say(why, whylen, "kid \"%s\" unknown",
		    quote(q, sizeof(q), tp->tp_kid, strlen(tp->tp_kid)));
	else
		say(why, whylen, "no key for alg \"%s\"", tp->tp_alg->ta_name);
	return GW_EINVAL;
}

/*
 * A NumericDate claim: an integer number of seconds, 0 up to the year
 * 9999.  Fractions are refused rather than rounded one way or the other.
 */
static int
claim_time(const json_t *p, const char *name, int64_t *tp, int *present,
    char *why, size_t whylen)
{
	json_t *v;

	*tp = 0;
	*present = 0;
	if ((v = json_object_get(p, name)) == NULL)
		return GW_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > TOKEN_TIME_MAX) {
		say(why, whylen, "%s malformed", name);
		return GW_EINVAL;
	}
	*tp = json_integer_value(v);
	*present = 1;
	return GW_OK;
}

/*
 * A string claim copied to dst (dstsz - 1 bytes at most, printable):
 * `required' says whether it may be absent, which leaves dst empty.
 */
static int
claim_string(const json_t *p, const char *name, char *dst, size_t dstsz,
    int required, char *why, size_t whylen)
{
	char q[TOKEN_QUOTE_MAX];
	const char *s;
	size_t len;

	dst[0] = '\0';
	quote(q, sizeof(q), name, strlen(name));
	if (json_str(p, name, &s, &len) != GW_OK) {
		say(why, whylen, "claim \"%s\" is not a string", q);
		return GW_EINVAL;
	}
	if (s == NULL) {
		if (!required)
			return GW_OK;
		say(why, whylen, "claim \"%s\" missing", q);
		return GW_EINVAL;
	}
	if (len >= dstsz || (required && len == 0)) {
		say(why, whylen, "claim \"%s\" empty or too long", q);
		return GW_EINVAL;
	}
	if (!printable(s, len)) {
		say(why, whylen, "claim \"%s\" not printable", q);
		return GW_EINVAL;
	}
	memcpy(dst, s, len + 1);
	return GW_OK;
}

static int
check_issuer(const struct token_verifier *tv, const json_t *p,
    struct token_claims *out, char *why, size_t whylen)
{
	char q[TOKEN_QUOTE_MAX];
	const char *iss;
	size_t len;

	if (json_str(p, "iss", &iss, &len) != GW_OK) {
		say(why, whylen, "iss is not a string");
		return GW_EINVAL;
	}
	if (iss == NULL) {
		say(why, whylen, "iss missing");
		return GW_EINVAL;
	}
	if (len != strlen(tv->tv_issuer) ||
	    memcmp(iss, tv->tv_issuer, len) != 0) {
		say(why, whylen, "iss \"%s\" not accepted",
		    quote(q, sizeof(q), iss, len));
		return GW_EINVAL;
	}
	memcpy(out->tc_issuer, iss, len + 1);
	return GW_OK;
}

/* aud is one string or an array of strings (RFC 7519, section 4.1.3). */
static int
check_audience(
    const struct token_verifier *tv, const json_t *p, char *why, size_t whylen)
{
	size_t want = strlen(tv->tv_audience), i;
	char q[TOKEN_QUOTE_MAX];
	json_t *aud, *v;
	int found = 0;

	if ((aud = json_object_get(p, "aud")) == NULL) {
		say(why, whylen, "aud missing");
		return GW_EINVAL;
	}
	if (json_is_string(aud)) {
		if (json_string_length(aud) == want &&
		    memcmp(json_string_value(aud), tv->tv_audience, want) == 0)
			return GW_OK;
		say(why, whylen, "aud \"%s\" not accepted",
		    quote(q, sizeof(q), json_string_value(aud),
			json_string_length(aud)));
		return GW_EINVAL;
	}
	if (!json_is_array(aud) || json_array_size(aud) == 0) {
		say(why, whylen, "aud malformed");
		return GW_EINVAL;
	}
	json_array_foreach(aud, i, v) {
		if (!json_is_string(v)) {
			say(why, whylen, "aud malformed");
			return GW_EINVAL;
		}
		if (json_string_length(v) == want &&
		    memcmp(json_string_value(v), tv->tv_audience, want) == 0)
			found = 1;
	}
	if (!found) {
		say(why, whylen, "aud does not include the audience");
		return GW_EINVAL;
	}
	return GW_OK;
}

/*
 * exp is required; nbf and iat are checked when present.  The skew
 * widens each window in the token's favour, and no further.
 */
static int
check_times(const struct token_verifier *tv, const json_t *p, int64_t now,
    struct token_claims *out, char *why, size_t whylen)
{
	int present;

	if (claim_time(p, "exp", &out->tc_exp, &present, why, whylen) != GW_OK)
		return GW_EINVAL;
	if (!present) {
		say(why, whylen, "exp missing");
		return GW_EINVAL;
	}
	if (now >= out->tc_exp + tv->tv_skew) {
		say(why, whylen, "token expired");
		return GW_EINVAL;
	}
	if (claim_time(p, "nbf", &out->tc_nbf, &present, why, whylen) != GW_OK)
		return GW_EINVAL;
	if (present && now < out->tc_nbf - tv->tv_skew) {
		say(why, whylen, "token not yet valid (nbf)");
		return GW_EINVAL;
	}
	if (claim_time(p, "iat", &out->tc_iat, &present, why, whylen) != GW_OK)
		return GW_EINVAL;
	if (present && out->tc_iat - tv->tv_skew > now) {
		say(why, whylen, "token issued in the future (iat)");
		return GW_EINVAL;
	}
	return GW_OK;
}

/* The groups claim: absent, one string, or an array of strings. */
static int
check_groups(const struct token_verifier *tv, const json_t *p,
    struct token_claims *out, char *why, size_t whylen)
{
	char q[TOKEN_QUOTE_MAX];
	const char *s;
	json_t *g, *v;
	size_t i, n, len;

	quote(q, sizeof(q), tv->tv_groups_claim, strlen(tv->tv_groups_claim));
	if ((g = json_object_get(p, tv->tv_groups_claim)) == NULL)
		return GW_OK;
	if (json_is_string(g))
		n = 1;
	else if (json_is_array(g))
		n = json_array_size(g);
	else {
		say(why, whylen, "claim \"%s\" malformed", q);
		return GW_EINVAL;
	}
	if (n > TOKEN_GROUPS_MAX) {
		say(why, whylen, "claim \"%s\" has over %d groups", q,
		    TOKEN_GROUPS_MAX);
		return GW_EINVAL;
	}
	for (i = 0; i < n; i++) {
		v = json_is_string(g) ? g : json_array_get(g, i);
		if (!json_is_string(v)) {
			say(why, whylen, "claim \"%s\" malformed", q);
			return GW_EINVAL;
		}
		s = json_string_value(v);
		len = json_string_length(v);
		if (len == 0 || len > TOKEN_GROUP_MAX) {
			say(why, whylen,
			    "claim \"%s\": group empty or too "
			    "long",
			    q);
			return GW_EINVAL;
		}
		if (!printable(s, len)) {
			say(why, whylen, "claim \"%s\": group not printable",
			    q);
			return GW_EINVAL;
		}
		memcpy(out->tc_groups[i], s, len + 1);
	}
	out->tc_ngroups = (int)n;
	return GW_OK;
}

static int
check_claims(const struct token_verifier *tv, const json_t *p, int64_t now,
    struct token_claims *out, char *why, size_t whylen)
{
	if (check_issuer(tv, p, out, why, whylen) != GW_OK ||
	    check_audience(tv, p, why, whylen) != GW_OK ||
	    check_times(tv, p, now, out, why, whylen) != GW_OK ||
	    claim_string(p, tv->tv_subject_claim, out->tc_subject,
		sizeof(out->tc_subject), 1, why, whylen) != GW_OK ||
	    check_groups(tv, p, out, why, whylen) != GW_OK ||
	    claim_string(p, "jti", out->tc_id, sizeof(out->tc_id), 0, why,
		whylen) != GW_OK)
		return GW_EINVAL;
	return GW_OK;
}

int
token_verify(struct token_verifier *tv, const char *tok, size_t len,
    int64_t now, struct token_claims *out, char *why, size_t whylen)
{
	struct token_parse tp;
	int r;

	memset(&tp, 0, sizeof(tp));
	memset(out, 0, sizeof(*out));
	say(why, whylen, "internal error");

	if ((r = parse_split(&tp, tok, len, why, whylen)) != GW_OK ||
	    (r = parse_header(tv, &tp, why, whylen)) != GW_OK)
		goto out;
	if (tp.tp_len[2] == 0) {
		say(why, whylen, "signature missing");
		r = GW_EINVAL;
		goto out;
	}
	if ((r = parse_payload(&tp, why, whylen)) != GW_OK)
		goto out;

	if ((tp.tp_copy = malloc(len + 1)) == NULL) {
		say(why, whylen, "out of memory");
		r = GW_ENOMEM;
		goto out;
	}
	memcpy(tp.tp_copy, tok, len);
	tp.tp_copy[len] = '\0';
	if ((r = check_signature(tv, &tp, why, whylen)) != GW_OK)
		goto out;

	if ((r = check_claims(tv, tp.tp_payload, now, out, why, whylen)) !=
	    GW_OK)
		goto out;
	strlcpy(out->tc_alg, tp.tp_alg->ta_name, sizeof(out->tc_alg));
	strlcpy(out->tc_kid, tp.tp_kid, sizeof(out->tc_kid));
	say(why, whylen, "valid");
	r = GW_OK;

out:
	if (r != GW_OK)
		explicit_bzero(out, sizeof(*out));
	if (tp.tp_copy != NULL) {
		explicit_bzero(tp.tp_copy, len);
		free(tp.tp_copy);
	}
	json_decref(tp.tp_header);
	json_decref(tp.tp_payload);
	return r;
}
