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
 * Unit tests for broker/token.c.  Keys are made here with OpenSSL (P-256
 * for ES256, RSA 2048 for RS256 and PS256), their public halves written
 * as JWKS files to a scratch directory, and tokens signed here, so every
 * case is built from scratch: valid tokens, each claim broken in turn,
 * the known algorithm attacks (none, HMAC keyed with the public key,
 * PS256 against an RS256 key), and malformed compact serialisations.
 * Every refusal is checked for its exact reason, and the reason for
 * never quoting the token.
 */

#include <sys/stat.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "broker/token.h"
#include "common/error.h"
#include "regress/unit/unit.h"

#define NOW	 1800000000LL
#define ISSUER	 "https://idp.test/"
#define AUDIENCE "gatewayd"
#define ABSENT	 INT64_MIN

static struct {
	char dir[64];
	EVP_PKEY *ec;	  /* kid "ec1" in every set */
	EVP_PKEY *ec2;	  /* kid "ec1" in other.jwks: same kid, other key */
	EVP_PKEY *rsa;	  /* kid "rsa1" */
	EVP_PKEY *weak;	  /* RSA 1024 */
	char ec_jwk[512]; /* public JWKs, without the braces' kid/alg */
	char ec2_jwk[512];
	char rsa_jwk[1024];
	char weak_jwk[1024];
} k;

/* The claims of a token; ABSENT or NULL leave a claim out. */
struct claims {
	const char *iss;
	const char *aud;    /* raw JSON */
	const char *sub;    /* raw JSON */
	const char *groups; /* raw JSON */
	const char *jti;    /* raw JSON */
	int64_t exp, nbf, iat;
	const char *extra; /* raw members, appended */
};

static char *b64url(const uint8_t *, size_t);
static char *path(const char *);
static void write_file(const char *, const char *, mode_t);
static void bn_b64(EVP_PKEY *, const char *, size_t, char *, size_t);
static void jwk_ec(EVP_PKEY *, char *, size_t);
static void jwk_rsa(EVP_PKEY *, char *, size_t);
static void keys_setup(void);
static void keys_teardown(void);
static uint8_t *sign(const char *, EVP_PKEY *, const char *, size_t *);
static char *mint_raw(const char *, const char *, const char *, EVP_PKEY *);
static char *
mint(const char *, EVP_PKEY *, const char *, const struct claims *);
static void claims_default(struct claims *);
static char *payload_json(const struct claims *);
static struct token_verifier *verifier(const char *, uint32_t);
static void
accepted(struct token_verifier *, const char *, int64_t, struct token_claims *);
static void
refused(struct token_verifier *, const char *, int64_t, const char *);
static Suite *suite_token(void);

static char *
b64url(const uint8_t *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789-_";
	char *out = malloc(n / 3 * 4 + 5);
	size_t i, o = 0;
	uint32_t v;

	ck_assert_ptr_nonnull(out);
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
		out[o++] = tab[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)p[i] << 16;
		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
	} else if (n - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
	}
	out[o] = '\0';
	return out;
}

/* A file in the scratch directory; the result is static. */
static char *
path(const char *name)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s/%s", k.dir, name);
	return buf;
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
	FILE *f;

	if ((f = fopen(path(name), "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0)
		abort();
	if (chmod(path(name), mode) != 0)
		abort();
}

/* One big-number parameter of a key, base64url, zero-padded to pad. */
static void
bn_b64(EVP_PKEY *key, const char *param, size_t pad, char *dst, size_t dstsz)
{
	BIGNUM *bn = NULL;
	uint8_t buf[512];
	size_t n;
	char *s;

	if (EVP_PKEY_get_bn_param(key, param, &bn) != 1)
		abort();
	n = pad != 0 ? pad : (size_t)BN_num_bytes(bn);
	if (n > sizeof(buf) || BN_bn2binpad(bn, buf, (int)n) < 0)
		abort();
	s = b64url(buf, n);
	snprintf(dst, dstsz, "%s", s);
	free(s);
	BN_free(bn);
}

static void
jwk_ec(EVP_PKEY *key, char *dst, size_t dstsz)
{
	char x[64], y[64];

	bn_b64(key, OSSL_PKEY_PARAM_EC_PUB_X, 32, x, sizeof(x));
	bn_b64(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32, y, sizeof(y));
	snprintf(dst, dstsz,
	    "\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\","
	    "\"y\":\"%s\"",
	    x, y);
}

static void
jwk_rsa(EVP_PKEY *key, char *dst, size_t dstsz)
{
	char n[400], e[16];

	bn_b64(key, OSSL_PKEY_PARAM_RSA_N, 0, n, sizeof(n));
	bn_b64(key, OSSL_PKEY_PARAM_RSA_E, 0, e, sizeof(e));
	snprintf(dst, dstsz, "\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"", n, e);
}

/*
 * Runs once, before the tests fork: keys, and the key sets
 *
 *	all.jwks	ec1 (alg ES256, use sig), rsa1 (no alg)
 *	rsaalg.jwks	rsa1 with alg RS256
 *	other.jwks	ec1, but another key
 *	priv.jwks	ec1 with its private part
 *	weak.jwks	an RSA 1024 key
 *	loose.jwks	all.jwks, group-writable
 */
static void
keys_setup(void)
{
	char text[4096], d[64];

	snprintf(k.dir, sizeof(k.dir), "/tmp/gw-test-token-XXXXXX");
	if (mkdtemp(k.dir) == NULL)
		abort();
	if ((k.ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (k.ec2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (k.rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) ==
		NULL ||
	    (k.weak = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)) ==
		NULL)
		abort();
	jwk_ec(k.ec, k.ec_jwk, sizeof(k.ec_jwk));
	jwk_ec(k.ec2, k.ec2_jwk, sizeof(k.ec2_jwk));
	jwk_rsa(k.rsa, k.rsa_jwk, sizeof(k.rsa_jwk));
	jwk_rsa(k.weak, k.weak_jwk, sizeof(k.weak_jwk));

	snprintf(text, sizeof(text),
	    "{\"keys\":[{%s,\"kid\":\"ec1\",\"alg\":\"ES256\",\"use\":\"sig\"},"
	    "{%s,\"kid\":\"rsa1\"}]}",
	    k.ec_jwk, k.rsa_jwk);
	write_file("all.jwks", text, 0644);
	write_file("loose.jwks", text, 0664);
	snprintf(text, sizeof(text),
	    "{\"keys\":[{%s,\"kid\":\"rsa1\",\"alg\":\"RS256\"}]}", k.rsa_jwk);
	write_file("rsaalg.jwks", text, 0644);
	snprintf(
	    text, sizeof(text), "{\"keys\":[{%s,\"kid\":\"ec1\"}]}", k.ec2_jwk);
	write_file("other.jwks", text, 0644);
	bn_b64(k.ec, OSSL_PKEY_PARAM_PRIV_KEY, 32, d, sizeof(d));
	snprintf(text, sizeof(text),
	    "{\"keys\":[{%s,\"kid\":\"ec1\",\"d\":\"%s\"}]}", k.ec_jwk, d);
	write_file("priv.jwks", text, 0644);
	snprintf(text, sizeof(text), "{\"keys\":[{%s}]}", k.weak_jwk);
	write_file("weak.jwks", text, 0644);
}

static void
keys_teardown(void)
{
	static const char *const files[] = {"all.jwks", "loose.jwks",
	    "rsaalg.jwks", "other.jwks", "priv.jwks", "weak.jwks"};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(path(files[i]));
	rmdir(k.dir);
	EVP_PKEY_free(k.ec);
	EVP_PKEY_free(k.ec2);
	EVP_PKEY_free(k.rsa);
	EVP_PKEY_free(k.weak);
}

/*
 * The JWS signature of input under alg: ECDSA as r || s, RSA PKCS#1 v1.5
 * or PSS (salt as long as the hash), and HMAC keyed with the key's
 * public PEM, the classic key confusion.
 */
static uint8_t *
sign(const char *alg, EVP_PKEY *key, const char *input, size_t *lenp)
{
	EVP_MD_CTX *md;
	EVP_PKEY_CTX *pctx;
	ECDSA_SIG *es;
	const uint8_t *p;
	uint8_t *sig, *raw;
	size_t len;
	unsigned int hlen;
	BIO *bio;
	char *pem;
	long pemlen;

	if (strcmp(alg, "HS256") == 0) {
		if ((bio = BIO_new(BIO_s_mem())) == NULL ||
		    PEM_write_bio_PUBKEY(bio, key) != 1)
			abort();
		pemlen = BIO_get_mem_data(bio, &pem);
		sig = malloc(EVP_MAX_MD_SIZE);
		if (sig == NULL ||
		    HMAC(EVP_sha256(), pem, (int)pemlen, (const uint8_t *)input,
			strlen(input), sig, &hlen) == NULL)
			abort();
		BIO_free(bio);
		*lenp = hlen;
		return sig;
	}

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key) != 1)
		abort();
	if (strcmp(alg, "PS256") == 0 &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		EVP_PKEY_CTX_set_rsa_pss_saltlen(
		    pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
		abort();
	if (EVP_DigestSign(
		md, NULL, &len, (const uint8_t *)input, strlen(input)) != 1 ||
	    (sig = malloc(len)) == NULL ||
	    EVP_DigestSign(
		md, sig, &len, (const uint8_t *)input, strlen(input)) != 1)
		abort();
	EVP_MD_CTX_free(md);
	if (strcmp(alg, "ES256") != 0) {
		*lenp = len;
		return sig;
	}

	p = sig;
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL ||
	    (raw = malloc(64)) == NULL ||
	    BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32) != 32 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32) != 32)
		abort();
	ECDSA_SIG_free(es);
	free(sig);
	*lenp = 64;
	return raw;
}

/* header.payload.signature from the JSON texts; alg "none" signs not. */
static char *
mint_raw(
    const char *header, const char *payload, const char *alg, EVP_PKEY *key)
{
	char *h, *p, *s = NULL, *input, *tok;
	uint8_t *sig;
	size_t siglen;

	h = b64url((const uint8_t *)header, strlen(header));
	p = b64url((const uint8_t *)payload, strlen(payload));
	if (asprintf(&input, "%s.%s", h, p) == -1)
		abort();
	if (strcmp(alg, "none") != 0) {
		sig = sign(alg, key, input, &siglen);
		s = b64url(sig, siglen);
		free(sig);
	}
	if (asprintf(&tok, "%s.%s", input, s != NULL ? s : "") == -1)
		abort();
	free(h);
	free(p);
	free(s);
	free(input);
	return tok;
}

static char *
mint(const char *alg, EVP_PKEY *key, const char *kid, const struct claims *c)
{
	char header[256], *payload, *tok;

	if (kid != NULL)
		snprintf(header, sizeof(header),
		    "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}", alg,
		    kid);
	else
		snprintf(header, sizeof(header),
		    "{\"alg\":\"%s\",\"typ\":\"JWT\"}", alg);
	payload = payload_json(c);
	tok = mint_raw(header, payload, alg, key);
	free(payload);
	return tok;
}

static void
claims_default(struct claims *c)
{
	memset(c, 0, sizeof(*c));
	c->iss = ISSUER;
	c->aud = "\"" AUDIENCE "\"";
	c->sub = "\"agent-7\"";
	c->groups = "[\"analysts\",\"ci\"]";
	c->jti = "\"id-1\"";
	c->exp = NOW + 300;
	c->nbf = NOW - 10;
	c->iat = NOW - 10;
}

static char *
payload_json(const struct claims *c)
{
	char *s = NULL, *t;
	const char *sep = "{";

#define ADD(fmt, ...)                                                          \
	do {                                                                   \
		if (asprintf(&t, "%s%s" fmt, s != NULL ? s : "", sep,          \
			__VA_ARGS__) == -1)                                    \
			abort();                                               \
		free(s);                                                       \
		s = t;                                                         \
		sep = ",";                                                     \
	} while (0)

	if (c->iss != NULL)
		ADD("\"iss\":\"%s\"", c->iss);
	if (c->aud != NULL)
		ADD("\"aud\":%s", c->aud);
	if (c->sub != NULL)
		ADD("\"sub\":%s", c->sub);
	if (c->groups != NULL)
		ADD("\"groups\":%s", c->groups);
	if (c->jti != NULL)
		ADD("\"jti\":%s", c->jti);
	if (c->exp != ABSENT)
		ADD("\"exp\":%lld", (long long)c->exp);
	if (c->nbf != ABSENT)
		ADD("\"nbf\":%lld", (long long)c->nbf);
	if (c->iat != ABSENT)
		ADD("\"iat\":%lld", (long long)c->iat);
	if (c->extra != NULL)
		ADD("%s", c->extra);
#undef ADD
	if (asprintf(&t, "%s}", s != NULL ? s : "{") == -1)
		abort();
	free(s);
	return t;
}

/* A verifier for the key set file `jwks' and the algorithms `algs'. */
static struct token_verifier *
verifier(const char *jwks, uint32_t algs)
{
	struct conf_identity id;
	struct token_verifier *tv;
	char err[256];

	memset(&id, 0, sizeof(id));
	id.id_name = "test";
	id.id_issuer = ISSUER;
	id.id_audience = AUDIENCE;
	id.id_jwks_kind = CONF_JWKS_FILE;
	id.id_jwks = path(jwks);
	id.id_algs = algs;
	id.id_groups_claim = "groups";
	id.id_subject_claim = "sub";
	id.id_clock_skew = 60;
	id.id_refresh = 3600;
	err[0] = '\0';
	tv = token_verifier_new(&id, err, sizeof(err));
	ck_assert_msg(tv != NULL, "verifier for %s: %s", jwks, err);
	return tv;
}

static void
accepted(struct token_verifier *tv, const char *tok, int64_t now,
    struct token_claims *tc)
{
	char why[TOKEN_WHY_MAX];
	int r;

	r = token_verify(tv, tok, strlen(tok), now, tc, why, sizeof(why));
	ck_assert_msg(r == 0, "refused (%d): %s", r, why);
}

/*
 * The token must be refused for exactly `expect', and the reason must
 * not quote the token: no part of it, nor any 12 bytes in a row.
 */
static void
refused(
    struct token_verifier *tv, const char *tok, int64_t now, const char *expect)
{
	struct token_claims tc, zero;
	char why[TOKEN_WHY_MAX], frag[13];
	size_t i, len = strlen(tok);
	int r;

	memset(&tc, 0x55, sizeof(tc));
	r = token_verify(tv, tok, len, now, &tc, why, sizeof(why));
	ck_assert_msg(r < 0, "accepted, expected \"%s\"", expect);
	ck_assert_str_eq(why, expect);
	memset(&zero, 0, sizeof(zero));
	ck_assert_msg(memcmp(&tc, &zero, sizeof(tc)) == 0,
	    "claims not cleared after a refusal");
	for (i = 0; i + 12 <= len; i++) {
		memcpy(frag, tok + i, 12);
		frag[12] = '\0';
		ck_assert_msg(strstr(why, frag) == NULL,
		    "reason \"%s\" quotes the token", why);
	}
}

START_TEST(test_valid_es256)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct token_claims tc;
	struct claims c;
	char *tok;

	claims_default(&c);
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	ck_assert_str_eq(tc.tc_subject, "agent-7");
	ck_assert_str_eq(tc.tc_issuer, ISSUER);
	ck_assert_str_eq(tc.tc_id, "id-1");
	ck_assert_str_eq(tc.tc_alg, "ES256");
	ck_assert_str_eq(tc.tc_kid, "ec1");
	ck_assert_int_eq(tc.tc_ngroups, 2);
	ck_assert_str_eq(tc.tc_groups[0], "analysts");
	ck_assert_str_eq(tc.tc_groups[1], "ci");
	ck_assert_int_eq(tc.tc_exp, NOW + 300);
	ck_assert_int_eq(tc.tc_nbf, NOW - 10);
	ck_assert_int_eq(tc.tc_iat, NOW - 10);
	free(tok);

	/* No kid: every key that fits the alg is tried. */
	tok = mint("ES256", k.ec, NULL, &c);
	accepted(tv, tok, NOW, &tc);
	ck_assert_str_eq(tc.tc_kid, "");
	free(tok);

	/* Access tokens say at+jwt (RFC 9068); case does not matter. */
	tok = mint_raw("{\"alg\":\"ES256\",\"typ\":\"AT+JWT\"}",
	    "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\","
	    "\"sub\":\"bot\",\"exp\":1800000100}",
	    "ES256", k.ec);
	accepted(tv, tok, NOW, &tc);
	ck_assert_str_eq(tc.tc_subject, "bot");
	ck_assert_int_eq(tc.tc_ngroups, 0);
	ck_assert_str_eq(tc.tc_id, "");
	ck_assert_int_eq(tc.tc_nbf, 0);
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_valid_rs256)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct token_claims tc;
	struct claims c;
	char *tok;

	claims_default(&c);
	c.sub = "\"ci@example.com\"";
	tok = mint("RS256", k.rsa, "rsa1", &c);
	accepted(tv, tok, NOW, &tc);
	ck_assert_str_eq(tc.tc_subject, "ci@example.com");
	ck_assert_str_eq(tc.tc_alg, "RS256");
	ck_assert_str_eq(tc.tc_kid, "rsa1");
	free(tok);

	/* An RS256 signature made with the EC key's kid has no key. */
	tok = mint("RS256", k.rsa, "ec1", &c);
	refused(tv, tok, NOW, "no key for alg \"RS256\"");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_expiry)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct token_claims tc;
	struct claims c;
	char *tok;

	claims_default(&c);
	c.nbf = c.iat = NOW - 400;

	/* Expired 30s ago: inside the 60s skew. */
	c.exp = NOW - 30;
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	free(tok);

	/* At exp + skew it is over, and beyond. */
	c.exp = NOW - 60;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "token expired");
	free(tok);
	c.exp = NOW - 3600;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "token expired");
	free(tok);

	c.exp = ABSENT;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "exp missing");
	free(tok);

	c.exp = ABSENT;
	c.extra = "\"exp\":\"1800000300\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "exp malformed");
	free(tok);
	c.extra = "\"exp\":1800000300.5";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "exp malformed");
	free(tok);
	c.extra = "\"exp\":-1";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "exp malformed");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_not_before)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct token_claims tc;
	struct claims c;
	char *tok;

	claims_default(&c);
	c.nbf = NOW + 120;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "token not yet valid (nbf)");
	/* The same token, once its time has come. */
	accepted(tv, tok, NOW + 60, &tc);
	free(tok);

	c.nbf = NOW + 30;
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_issued_at)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct token_claims tc;
	struct claims c;
	char *tok;

	claims_default(&c);
	c.iat = NOW + 120;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "token issued in the future (iat)");
	free(tok);

	c.iat = NOW + 59;
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	free(tok);

	c.iat = ABSENT;
	c.nbf = ABSENT;
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	ck_assert_int_eq(tc.tc_iat, 0);
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_issuer)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct claims c;
	char *tok;

	claims_default(&c);
	c.iss = "https://evil.test/";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "iss \"https://evil.test/\" not accepted");
	free(tok);

	/* Exact match: no trailing-slash or case games. */
	c.iss = "https://idp.test";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "iss \"https://idp.test\" not accepted");
	free(tok);
	c.iss = "HTTPS://IDP.TEST/";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "iss \"HTTPS://IDP.TEST/\" not accepted");
	free(tok);

	/* Untrusted text is escaped. */
	c.iss = "https://idp.test/\\n\\\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "iss \"https://idp.test/\\n\\\"\" not accepted");
	free(tok);

	c.iss = NULL;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "iss missing");
	free(tok);

	c.extra = "\"iss\":[\"" ISSUER "\"]";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "iss is not a string");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_audience)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct token_claims tc;
	struct claims c;
	char *tok;

	claims_default(&c);
	c.aud = NULL;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "aud missing");
	free(tok);

	c.aud = "\"other\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "aud \"other\" not accepted");
	free(tok);

	c.aud = "[\"other\",\"" AUDIENCE "\"]";
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	free(tok);

	c.aud = "[\"other\",\"gatewayd2\"]";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "aud does not include the audience");
	free(tok);

	c.aud = "[]";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "aud malformed");
	free(tok);
	c.aud = "[\"" AUDIENCE "\",7]";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "aud malformed");
	free(tok);
	c.aud = "{\"aud\":\"" AUDIENCE "\"}";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "aud malformed");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_alg_none)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct claims c;
	char *tok;

	claims_default(&c);
	tok = mint("none", NULL, NULL, &c);
	refused(tv, tok, NOW, "alg \"none\" refused: unsigned");
	free(tok);

	/* Some libraries once took "None" and a signature for granted. */
	tok = mint_raw("{\"alg\":\"None\",\"kid\":\"ec1\"}",
	    "{\"iss\":\"" ISSUER "\"}", "ES256", k.ec);
	refused(tv, tok, NOW, "alg \"None\" refused: unsigned");
	free(tok);

	/* An allowed alg with no signature. */
	tok = mint_raw("{\"alg\":\"ES256\",\"kid\":\"ec1\"}",
	    "{\"iss\":\"" ISSUER "\"}", "none", NULL);
	refused(tv, tok, NOW, "signature missing");
	free(tok);

	tok = mint_raw("{\"typ\":\"JWT\"}", "{}", "none", NULL);
	refused(tv, tok, NOW, "alg missing");
	free(tok);
	tok = mint_raw("{\"alg\":256}", "{}", "none", NULL);
	refused(tv, tok, NOW, "alg is not a string");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_key_confusion)
{
	struct token_verifier *tv;
	struct claims c;
	char *tok;

	/* Every algorithm there is allowed, and still no HMAC. */
	tv = verifier("all.jwks", 0xffffffff);
	claims_default(&c);
	tok = mint("HS256", k.rsa, "rsa1", &c);
	refused(tv, tok, NOW, "alg \"HS256\" refused: shared secret");
	free(tok);
	tok = mint("HS256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "alg \"HS256\" refused: shared secret");
	free(tok);
	tok = mint_raw("{\"alg\":\"hs512\"}", "{}", "HS256", k.rsa);
	refused(tv, tok, NOW, "alg \"hs512\" refused: shared secret");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_ps256)
{
	struct token_verifier *tv;
	struct token_claims tc;
	struct claims c;
	char *tok;

	claims_default(&c);
	tok = mint("PS256", k.rsa, "rsa1", &c);

	/* liboauth2 alone would take this with the RSA key: no allow-list. */
	tv = verifier("all.jwks", CONF_ALG_RS256);
	refused(tv, tok, NOW, "alg \"PS256\" not allowed");
	token_verifier_free(tv);

	/* Allowed, and the key names no alg: the signature is good. */
	tv = verifier("all.jwks", CONF_ALG_RS256 | CONF_ALG_PS256);
	accepted(tv, tok, NOW, &tc);
	ck_assert_str_eq(tc.tc_alg, "PS256");
	token_verifier_free(tv);

	/* Allowed, but the key is published for RS256 only. */
	tv = verifier("rsaalg.jwks", CONF_ALG_RS256 | CONF_ALG_PS256);
	refused(tv, tok, NOW, "no key for alg \"PS256\"");
	free(tok);
	tok = mint("RS256", k.rsa, "rsa1", &c);
	accepted(tv, tok, NOW, &tc);
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_alg_allow_list)
{
	struct token_verifier *tv;
	struct claims c;
	char *tok;

	claims_default(&c);
	tv = verifier("all.jwks", CONF_ALG_RS256);
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "alg \"ES256\" not allowed");
	free(tok);
	token_verifier_free(tv);

	tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	tok = mint_raw("{\"alg\":\"EdDSA\"}", "{}", "ES256", k.ec);
	refused(tv, tok, NOW, "alg \"EdDSA\" not supported");
	free(tok);
	tok = mint_raw("{\"alg\":\"es256\"}", "{}", "ES256", k.ec);
	refused(tv, tok, NOW, "alg \"es256\" not supported");
	free(tok);
	/* ES384 is known, allowed here, but no key is on P-384. */
	token_verifier_free(tv);
	tv = verifier("all.jwks", CONF_ALG_ES256 | CONF_ALG_ES384);
	tok = mint_raw(
	    "{\"alg\":\"ES384\",\"kid\":\"ec1\"}", "{}", "ES256", k.ec);
	refused(tv, tok, NOW, "no key for alg \"ES384\"");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_header)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	const char *payload = "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE
			      "\",\"sub\":\"a\",\"exp\":1800000100}";
	struct claims c;
	char *tok;

	claims_default(&c);
	tok = mint("ES256", k.ec, "nope", &c);
	refused(tv, tok, NOW, "kid \"nope\" unknown");
	free(tok);

	tok = mint_raw(
	    "{\"alg\":\"ES256\",\"typ\":\"JOSE\"}", payload, "ES256", k.ec);
	refused(tv, tok, NOW, "typ refused");
	free(tok);
	tok = mint_raw("{\"alg\":\"ES256\",\"crit\":[\"exp\"],\"exp\":1}",
	    payload, "ES256", k.ec);
	refused(tv, tok, NOW, "crit header refused");
	free(tok);
	tok = mint_raw(
	    "{\"alg\":\"ES256\",\"kid\":\"\"}", payload, "ES256", k.ec);
	refused(tv, tok, NOW, "kid malformed");
	free(tok);
	tok = mint_raw("{\"alg\":\"ES256\",\"kid\":\"a\\u0001b\"}", payload,
	    "ES256", k.ec);
	refused(tv, tok, NOW, "kid malformed");
	free(tok);

	/* Two algs: which one would the other parser believe? */
	tok = mint_raw(
	    "{\"alg\":\"ES256\",\"alg\":\"none\"}", payload, "ES256", k.ec);
	refused(tv, tok, NOW, "header has a duplicate key");
	free(tok);
	tok = mint_raw("[\"ES256\"]", payload, "ES256", k.ec);
	refused(tv, tok, NOW, "header is not a JSON object");
	free(tok);
	tok = mint_raw("{\"alg\":\"ES256\"", payload, "ES256", k.ec);
	refused(tv, tok, NOW, "header is not JSON");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_tampered)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct claims c;
	char *tok, *evil, *payload, *p, *dot;

	claims_default(&c);
	tok = mint("ES256", k.ec, "ec1", &c);

	/* Swap in a payload that names another subject. */
	c.sub = "\"root\"";
	payload = payload_json(&c);
	p = b64url((const uint8_t *)payload, strlen(payload));
	dot = strchr(tok, '.');
	if (asprintf(&evil, "%.*s.%s%s", (int)(dot - tok), tok, p,
		strrchr(tok, '.')) == -1)
		abort();
	refused(tv, evil, NOW, "signature invalid");
	free(evil);
	free(p);
	free(payload);

	/* Flip one bit of the signature. */
	evil = strdup(tok);
	p = strrchr(evil, '.') + 5;
	*p = *p == 'A' ? 'B' : 'A';
	refused(tv, evil, NOW, "signature invalid");
	free(evil);

	/* A signature by another key under the same kid. */
	free(tok);
	c.sub = "\"agent-7\"";
	tok = mint("ES256", k.ec2, "ec1", &c);
	refused(tv, tok, NOW, "signature invalid");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_malformed)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct claims c;
	char *tok, *bad, why[TOKEN_WHY_MAX];
	struct token_claims tc;
	size_t len;

	claims_default(&c);
	tok = mint("ES256", k.ec, "ec1", &c);
	len = strlen(tok);

	/* Cut inside the signature, and down to two parts. */
	bad = strndup(tok, len - 10);
	refused(tv, bad, NOW, "signature invalid");
	free(bad);
	bad = strndup(tok, (size_t)(strrchr(tok, '.') - tok));
	refused(tv, bad, NOW, "token has 2 parts, not 3");
	free(bad);

	/* The length given is what counts, not the NUL. */
	ck_assert_int_lt(
	    token_verify(tv, tok, len - 1, NOW, &tc, why, sizeof(why)), 0);
	ck_assert_int_eq(
	    token_verify(tv, tok, 0, NOW, &tc, why, sizeof(why)), GW_EINVAL);
	ck_assert_str_eq(why, "token empty");

	if (asprintf(&bad, "%s.%s", tok, "AAAA") == -1)
		abort();
	refused(tv, bad, NOW, "token has more than 3 parts");
	free(bad);
	if (asprintf(&bad, "%s=", tok) == -1)
		abort();
	refused(tv, bad, NOW, "token has a byte outside base64url");
	free(bad);
	bad = strdup(tok);
	bad[3] = '+';
	refused(tv, bad, NOW, "token has a byte outside base64url");
	bad[3] = ' ';
	refused(tv, bad, NOW, "token has a byte outside base64url");
	free(bad);

	refused(tv, "not a token at all", NOW,
	    "token has a byte outside base64url");
	refused(tv, "abc", NOW, "token has 1 parts, not 3");
	refused(tv, "..", NOW, "token has an empty part");
	refused(tv, ".eyJ9.sig", NOW, "token has an empty part");
	/* "e30" is "{}"; "e31" has spare bits set; "e" is no base64url. */
	refused(tv, "e31.e30.AAAA", NOW, "header is not base64url");
	refused(
	    tv, "eyJhbGciOiJFUzI1NiJ9.e.AAAA", NOW, "payload is not base64url");
	refused(tv, "eyJhbGciOiJFUzI1NiJ9.e30xx.AAAA", NOW,
	    "payload is not base64url");
	refused(tv, "eyJhbGciOiJFUzI1NiJ9.W10.AAAA", NOW,
	    "payload is not a JSON object");
	refused(
	    tv, "eyJhbGciOiJFUzI1NiJ9.eyJh.AAAA", NOW, "payload is not JSON");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_oversize)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct token_claims tc;
	struct claims c;
	char *tok, *pad, *extra, why[TOKEN_WHY_MAX];
	size_t n;

	/* A valid token padded with a claim to exactly the limit. */
	claims_default(&c);
	tok = mint("ES256", k.ec, "ec1", &c);
	n = (TOKEN_MAX_LEN - strlen(tok)) * 3 / 4 - 16;
	free(tok);
	pad = malloc(n + 1);
	memset(pad, 'x', n);
	pad[n] = '\0';
	if (asprintf(&extra, "\"pad\":\"%s\"", pad) == -1)
		abort();
	c.extra = extra;
	tok = mint("ES256", k.ec, "ec1", &c);
	ck_assert_uint_le(strlen(tok), TOKEN_MAX_LEN);
	accepted(tv, tok, NOW, &tc);
	free(tok);
	free(extra);

	if (asprintf(&extra, "\"pad\":\"%s%s\"", pad, "xxxxxxxxxxxxxxxxxxxx") ==
	    -1)
		abort();
	c.extra = extra;
	tok = mint("ES256", k.ec, "ec1", &c);
	ck_assert_uint_gt(strlen(tok), TOKEN_MAX_LEN);
	ck_assert_int_eq(
	    token_verify(tv, tok, strlen(tok), NOW, &tc, why, sizeof(why)),
	    GW_ETOOLONG);
	ck_assert_str_eq(why, "token over 16384 bytes");
	free(tok);
	free(extra);
	free(pad);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_subject)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct conf_identity id;
	struct token_claims tc;
	struct claims c;
	char *tok, err[256], big[300];

	claims_default(&c);
	c.sub = NULL;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"sub\" missing");
	free(tok);
	c.sub = "42";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"sub\" is not a string");
	free(tok);
	c.sub = "\"\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"sub\" empty or too long");
	free(tok);
	memset(big, 'a', 258);
	big[0] = big[257] = '"';
	big[258] = '\0';
	c.sub = big;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"sub\" empty or too long");
	free(tok);
	big[256] = '"';
	big[257] = '\0';
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	ck_assert_uint_eq(strlen(tc.tc_subject), 255);
	free(tok);
	c.sub = "\"agent\\t7\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"sub\" not printable");
	free(tok);
	c.sub = "\"agent-\\u00e9\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"sub\" not printable");
	free(tok);
	c.sub = "\"agent\\u0000\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "payload is not JSON");
	free(tok);

	c.sub = "\"ok\"";
	c.jti = "17";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"jti\" is not a string");
	free(tok);
	token_verifier_free(tv);

	/* Another subject claim, configured. */
	memset(&id, 0, sizeof(id));
	id.id_name = "email";
	id.id_issuer = ISSUER;
	id.id_audience = AUDIENCE;
	id.id_jwks_kind = CONF_JWKS_FILE;
	id.id_jwks = path("all.jwks");
	id.id_algs = CONF_ALG_DEFAULT;
	id.id_subject_claim = "email";
	id.id_groups_claim = "roles";
	id.id_clock_skew = 60;
	id.id_refresh = 3600;
	tv = token_verifier_new(&id, err, sizeof(err));
	ck_assert_msg(tv != NULL, "%s", err);
	claims_default(&c);
	c.sub = NULL;
	c.extra = "\"email\":\"bot@example.com\",\"roles\":\"dba\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	ck_assert_str_eq(tc.tc_subject, "bot@example.com");
	ck_assert_int_eq(tc.tc_ngroups, 1);
	ck_assert_str_eq(tc.tc_groups[0], "dba");
	free(tok);
	c.extra = NULL;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"email\" missing");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_groups)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct token_claims tc;
	struct claims c;
	char *tok, list[1024];
	size_t n = 0;
	int i;

	claims_default(&c);
	c.groups = "\"analysts\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	ck_assert_int_eq(tc.tc_ngroups, 1);
	ck_assert_str_eq(tc.tc_groups[0], "analysts");
	free(tok);

	c.groups = "[]";
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	ck_assert_int_eq(tc.tc_ngroups, 0);
	free(tok);

	/* Exactly TOKEN_GROUPS_MAX, then one more. */
	list[n++] = '[';
	for (i = 0; i < TOKEN_GROUPS_MAX; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s\"g%d\"",
		    i > 0 ? "," : "", i);
	snprintf(list + n, sizeof(list) - n, "]");
	c.groups = list;
	tok = mint("ES256", k.ec, "ec1", &c);
	accepted(tv, tok, NOW, &tc);
	ck_assert_int_eq(tc.tc_ngroups, TOKEN_GROUPS_MAX);
	ck_assert_str_eq(tc.tc_groups[31], "g31");
	free(tok);
	snprintf(list + n, sizeof(list) - n, ",\"g32\"]");
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"groups\" has over 32 groups");
	free(tok);

	c.groups = "[\"a\",[\"b\"]]";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"groups\" malformed");
	free(tok);
	c.groups = "{\"a\":1}";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"groups\" malformed");
	free(tok);
	c.groups = "[\"a\",\"\"]";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"groups\": group empty or too long");
	free(tok);
	c.groups = "[\"a\\nb\"]";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"groups\": group not printable");
	free(tok);
	memset(list, 'g', 130);
	list[0] = '"';
	list[129] = '"';
	list[130] = '\0';
	c.groups = list;
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "claim \"groups\": group empty or too long");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

START_TEST(test_duplicate_keys)
{
	struct token_verifier *tv = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct claims c;
	char *tok;

	/* Two subjects: the first parser and the last would disagree. */
	claims_default(&c);
	c.extra = "\"sub\":\"root\"";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "payload has a duplicate key");
	free(tok);

	c.extra = "\"nested\":{\"a\":1,\"a\":2}";
	tok = mint("ES256", k.ec, "ec1", &c);
	refused(tv, tok, NOW, "payload has a duplicate key");
	free(tok);
	token_verifier_free(tv);
}
END_TEST

/*
 * liboauth2 caches results by token; a hit would skip the signature.
 * The same token must fail under another key set, and a token that
 * passed must fail once it has expired.
 */
START_TEST(test_no_cache)
{
	struct token_verifier *good = verifier("all.jwks", CONF_ALG_DEFAULT);
	struct token_verifier *other = verifier("other.jwks", CONF_ALG_DEFAULT);
	struct token_claims tc;
	struct claims c;
	char *tok;
	int i;

	claims_default(&c);
	tok = mint("ES256", k.ec, "ec1", &c);
	for (i = 0; i < 3; i++) {
		accepted(good, tok, NOW, &tc);
		refused(other, tok, NOW, "signature invalid");
	}
	refused(good, tok, NOW + 360, "token expired");
	free(tok);
	token_verifier_free(good);
	token_verifier_free(other);
}
END_TEST

START_TEST(test_key_sets)
{
	struct conf_identity id;
	struct token_verifier *tv;
	char err[256];

	memset(&id, 0, sizeof(id));
	id.id_name = "sets";
	id.id_issuer = ISSUER;
	id.id_audience = AUDIENCE;
	id.id_jwks_kind = CONF_JWKS_FILE;
	id.id_algs = CONF_ALG_DEFAULT;
	id.id_clock_skew = 60;
	id.id_refresh = 3600;

	id.id_jwks = path("priv.jwks");
	ck_assert_ptr_null(token_verifier_new(&id, err, sizeof(err)));
	ck_assert_str_eq(err, "key set has no usable key");

	id.id_jwks = path("weak.jwks");
	ck_assert_ptr_null(token_verifier_new(&id, err, sizeof(err)));
	ck_assert_str_eq(err, "key set has no usable key");

	id.id_jwks = path("loose.jwks");
	ck_assert_ptr_null(token_verifier_new(&id, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "writable by group or others"));

	id.id_jwks = path("missing.jwks");
	ck_assert_ptr_null(token_verifier_new(&id, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "No such file"));

	/* The EC key fits no RS512-only list; the RSA key does. */
	id.id_jwks = path("all.jwks");
	id.id_algs = CONF_ALG_RS512;
	tv = token_verifier_new(&id, err, sizeof(err));
	ck_assert_msg(tv != NULL, "%s", err);
	ck_assert_int_eq(token_verifier_nkeys(tv), 1);
	/* Files need no refresh. */
	ck_assert_int_eq(token_verifier_refresh(tv, NOW), 0);
	ck_assert_uint_eq(token_verifier_fetches(tv), 0);
	token_verifier_free(tv);

	id.id_algs = CONF_ALG_DEFAULT;
	tv = token_verifier_new(&id, err, sizeof(err));
	ck_assert_msg(tv != NULL, "%s", err);
	ck_assert_int_eq(token_verifier_nkeys(tv), 2);
	token_verifier_free(tv);

	id.id_jwks_kind = CONF_JWKS_URI;
	id.id_jwks = "http://127.0.0.1/jwks";
	ck_assert_ptr_null(token_verifier_new(&id, err, sizeof(err)));
	ck_assert_str_eq(err, "keys must come over https");
}
END_TEST

/*
 * A key set at a URI that does not answer: fetches happen on the
 * refresh schedule only, at least TOKEN_REFRESH_MIN apart, and tokens
 * (refused for want of keys) never cause one.
 */
START_TEST(test_refresh_rate)
{
	struct conf_identity id;
	struct token_verifier *tv;
	struct token_claims tc;
	struct claims c;
	char err[256], *tok;
	int i;

	memset(&id, 0, sizeof(id));
	id.id_name = "remote";
	id.id_issuer = ISSUER;
	id.id_audience = AUDIENCE;
	id.id_jwks_kind = CONF_JWKS_URI;
	id.id_jwks = "https://127.0.0.1:1/jwks.json";
	id.id_algs = CONF_ALG_DEFAULT;
	id.id_clock_skew = 60;
	id.id_refresh = 3600;
	tv = token_verifier_new(&id, err, sizeof(err));
	ck_assert_msg(tv != NULL, "%s", err);
	ck_assert_int_eq(token_verifier_nkeys(tv), 0);
	ck_assert_uint_eq(token_verifier_fetches(tv), 0);

	claims_default(&c);
	tok = mint("ES256", k.ec, "ec1", &c);
	for (i = 0; i < 5; i++)
		refused(tv, tok, NOW, "no keys loaded");
	ck_assert_uint_eq(token_verifier_fetches(tv), 0);

	ck_assert_int_lt(token_verifier_refresh(tv, NOW), 0);
	ck_assert_uint_eq(token_verifier_fetches(tv), 1);
	ck_assert_str_eq(token_verifier_error(tv),
	    "https://127.0.0.1:1/jwks.json: fetch failed");
	for (i = 1; i < TOKEN_REFRESH_MIN; i += 7)
		ck_assert_int_eq(token_verifier_refresh(tv, NOW + i), 0);
	ck_assert_uint_eq(token_verifier_fetches(tv), 1);
	ck_assert_int_lt(
	    token_verifier_refresh(tv, NOW + TOKEN_REFRESH_MIN), 0);
	ck_assert_uint_eq(token_verifier_fetches(tv), 2);

	/* A clock that jumps back does not buy an early attempt. */
	ck_assert_int_eq(token_verifier_refresh(tv, NOW - 1000), 0);
	ck_assert_int_eq(token_verifier_refresh(tv, NOW - 1000 + 59), 0);
	ck_assert_uint_eq(token_verifier_fetches(tv), 2);

	for (i = 0; i < 5; i++)
		ck_assert_int_lt(token_verify(tv, tok, strlen(tok), NOW, &tc,
				     err, sizeof(err)),
		    0);
	ck_assert_uint_eq(token_verifier_fetches(tv), 2);
	free(tok);
	token_verifier_free(tv);

	/* Discovery needs an https issuer. */
	id.id_jwks_kind = CONF_JWKS_DISCOVERY;
	id.id_jwks = NULL;
	id.id_issuer = "https://127.0.0.1:1/realm/";
	tv = token_verifier_new(&id, err, sizeof(err));
	ck_assert_msg(tv != NULL, "%s", err);
	ck_assert_int_lt(token_verifier_refresh(tv, NOW), 0);
	ck_assert_str_eq(token_verifier_error(tv),
	    "https://127.0.0.1:1/realm/.well-known/openid-configuration: "
	    "fetch failed");
	ck_assert_int_eq(token_verifier_refresh(tv, NOW + 1), 0);
	ck_assert_uint_eq(token_verifier_fetches(tv), 1);
	token_verifier_free(tv);
}
END_TEST

static Suite *
suite_token(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("verify");

	tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_valid_es256);
	tcase_add_test(tc, test_valid_rs256);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_not_before);
	tcase_add_test(tc, test_issued_at);
	tcase_add_test(tc, test_issuer);
	tcase_add_test(tc, test_audience);
	tcase_add_test(tc, test_alg_none);
	tcase_add_test(tc, test_key_confusion);
	tcase_add_test(tc, test_ps256);
	tcase_add_test(tc, test_alg_allow_list);
	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_tampered);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_oversize);
	tcase_add_test(tc, test_subject);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_duplicate_keys);
	tcase_add_test(tc, test_no_cache);
	tcase_add_test(tc, test_key_sets);
	tcase_add_test(tc, test_refresh_rate);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite_token)
