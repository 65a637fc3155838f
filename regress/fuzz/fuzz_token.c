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
 * libFuzzer target for broker/token.c.  The verifier trusts one fixed
 * P-256 key, written as a JWKS file at start and removed once loaded,
 * and the clock stands still at FUZZ_NOW.  Each input is tried twice:
 *
 *   - as a token, byte for byte, which reaches the signature check
 *     only when it is one of the seeds or close to one;
 *   - when it holds a newline, as a header JSON and a payload JSON
 *     around it, encoded and signed here with the trusted key, so that
 *     mutations reach the claim checks behind the signature.
 *
 * A valid token must come with claims the header promises: printable,
 * terminated, at most TOKEN_GROUPS_MAX groups, alg ES256.  The key is a
 * throwaway made for this file and trusts nothing else.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "broker/token.h"

/* After the seeds were minted, before they expire. */
#define FUZZ_NOW 1796400000LL

#define FUZZ_KID "CYkgwhnG3azYFvdONADSksHJBQG0uh6Oc2LCLGGw56I"

static const char fuzz_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg6Fe5yG+muXgTWAWX\n"
    "04+0PMyc2TFTOrNKvSdDwQKZMZ6hRANCAATvJ6T00ByU0Q4RQlcdEBifSuhlR76O\n"
    "elUFtM7T7qgWwESFuAg0z8FVwGl9VbshOrNfClYYc4cwcEORsOK9pvYN\n"
    "-----END PRIVATE KEY-----\n";

static const char fuzz_jwks[] =
    "{\"keys\":[{\"crv\":\"P-256\",\"kty\":\"EC\","
    "\"x\":\"7yek9NAclNEOEUJXHRAYn0roZUe-jnpVBbTO0-6oFsA\","
    "\"y\":\"RIW4CDTPwVXAaX1VuyE6s18KVhhzhzBwQ5Gw4r2m9g0\","
    "\"kid\":\"" FUZZ_KID "\",\"use\":\"sig\",\"alg\":\"ES256\"}]}";

static struct token_verifier *fuzz_tv;
static EVP_PKEY *fuzz_pkey;

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static size_t b64url(char *, const uint8_t *, size_t);
static char *sign_pair(const uint8_t *, size_t, size_t, size_t *);
static void check_printable(const char *, size_t);
static void verify(const char *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct conf_identity id;
	char path[] = "/tmp/gw-fuzz-token-XXXXXX", err[256];
	BIO *bio;
	FILE *f;
	int fd;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL ||
	    fputs(fuzz_jwks, f) == EOF || fclose(f) != 0)
		abort();

	memset(&id, 0, sizeof(id));
	id.id_name = "fuzz";
	id.id_issuer = "https://idp.fuzz/";
	id.id_audience = "gatewayd";
	id.id_jwks_kind = CONF_JWKS_FILE;
	id.id_jwks = path;
	id.id_algs = CONF_ALG_DEFAULT | CONF_ALG_PS256;
	id.id_groups_claim = "groups";
	id.id_subject_claim = "sub";
	id.id_clock_skew = 60;
	id.id_refresh = 3600;
	fuzz_tv = token_verifier_new(&id, err, sizeof(err));
	unlink(path);
	if (fuzz_tv == NULL) {
		fprintf(stderr, "fuzz_token: %s\n", err);
		abort();
	}

	if ((bio = BIO_new_mem_buf(fuzz_key, -1)) == NULL ||
	    (fuzz_pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) ==
		NULL)
		abort();
	BIO_free(bio);
	return 0;
}

/* Unpadded base64url of src into dst, which has room; returns the length. */
static size_t
b64url(char *dst, const uint8_t *src, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t v;
	size_t i, o = 0;
	int bits = 0;

	v = 0;
	for (i = 0; i < len; i++) {
		v = (v << 8) | src[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			dst[o++] = tab[(v >> bits) & 63];
		}
	}
	if (bits > 0)
		dst[o++] = tab[(v << (6 - bits)) & 63];
	return o;
}

/*
 * The token for header = data[0..nl) and payload = data[nl+1..len),
 * signed ES256 with the trusted key.
 */
static char *
sign_pair(const uint8_t *data, size_t nl, size_t len, size_t *toklenp)
{
	uint8_t der[128], raw[64];
	const uint8_t *p;
	EVP_MD_CTX *md;
	ECDSA_SIG *es;
	size_t n, derlen = sizeof(der);
	char *tok;

	if ((tok = malloc((len + 64) / 3 * 4 + 16)) == NULL)
		abort();
	n = b64url(tok, data, nl);
	tok[n++] = '.';
	n += b64url(tok + n, data + nl + 1, len - nl - 1);

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, fuzz_pkey) != 1 ||
	    EVP_DigestSign(md, der, &derlen, (const uint8_t *)tok, n) != 1)
		abort();
	EVP_MD_CTX_free(md);
	p = der;
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL ||
	    BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32) != 32 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32) != 32)
		abort();
	ECDSA_SIG_free(es);

	tok[n++] = '.';
	n += b64url(tok + n, raw, sizeof(raw));
	*toklenp = n;
	return tok;
}

static void
check_printable(const char *s, size_t size)
{
	size_t i;

	for (i = 0; i < size && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			abort();
	if (i == size)
		abort();
}

static void
verify(const char *tok, size_t len)
{
	struct token_claims tc;
	char why[TOKEN_WHY_MAX];
	int i;

	memset(why, 0x55, sizeof(why));
	if (token_verify(fuzz_tv, tok, len, FUZZ_NOW, &tc, why, sizeof(why)) !=
	    0) {
		check_printable(why, sizeof(why));
		return;
	}
	check_printable(tc.tc_subject, sizeof(tc.tc_subject));
	check_printable(tc.tc_issuer, sizeof(tc.tc_issuer));
	check_printable(tc.tc_id, sizeof(tc.tc_id));
	check_printable(tc.tc_kid, sizeof(tc.tc_kid));
	if (tc.tc_subject[0] == '\0' || strcmp(tc.tc_alg, "ES256") != 0 ||
	    strcmp(tc.tc_issuer, "https://idp.fuzz/") != 0 ||
	    tc.tc_ngroups < 0 || tc.tc_ngroups > TOKEN_GROUPS_MAX ||
	    FUZZ_NOW >= tc.tc_exp + 60)
		abort();
	for (i = 0; i < tc.tc_ngroups; i++) {
		check_printable(tc.tc_groups[i], sizeof(tc.tc_groups[i]));
		if (tc.tc_groups[i][0] == '\0')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl;
	char *tok;
	size_t len;

	verify((const char *)data, size);

	if (size <= TOKEN_MAX_LEN && (nl = memchr(data, '\n', size)) != NULL) {
		tok = sign_pair(data, (size_t)(nl - data), size, &len);
		verify(tok, len);
		free(tok);
	}
	return 0;
}
