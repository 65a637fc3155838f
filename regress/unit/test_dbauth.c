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
 * Unit tests for common/dbauth.c, the client side of the database
 * login's plugin exchange.  The server's packets are built here as a
 * MySQL 8 server sends them; the expected answers are the published
 * caching_sha2_password vectors (also in test_mysql.c), hashes computed
 * apart with OpenSSL's digests, an RSA key made for the test, with
 * which the test decrypts the password as the server would, and
 * OpenSSL's own Ed25519 signatures and verification.
 */

#include <stdint.h>
#include <string.h>

#include <check.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "common/buf.h"
#include "common/dbauth.h"
#include "common/error.h"
#include "common/mysql.h"
#include "regress/unit/pem.h"
#include "regress/unit/unit.h"

/* Eclipse Vert.x's nonces, with which "password" gives the vectors. */
#define NONCE1                                                                 \
	"\x36\x47\x48\x05\x03\x6c\x6e\x60\x54\x73\x50\x61\x2b\x1b\x12\x04"     \
	"\x6e\x5a\x79\x60"
#define SHA2_1                                                                 \
	"\x83\xad\x20\xdc\x9b\x0c\x61\xf9\x59\xfb\x93\xf4\x51\xa4\x2f\xc2"     \
	"\xd1\x5a\xb8\x11\xb8\x82\xd6\x67\xfe\x8f\x0f\xcd\x0a\x8a\xca\xeb"
#define NONCE2                                                                 \
	"\x6f\x2d\x5c\x6d\x66\x04\x10\x70\x2b\x71\x37\x76\x63\x39\x2a\x02"     \
	"\x6d\x4a\x25\x47"
#define SHA2_2                                                                 \
	"\x3d\x58\xc1\x94\xff\xda\xf1\xf8\x0a\x6c\x5e\xf6\x77\x00\x60\x8b"     \
	"\x07\xf9\xa2\x9d\x37\xc9\xe2\x30\x7a\xaf\x69\x0c\x6e\x55\x26\xab"

#define PW "password"

static const uint8_t fast_ok[] = {0x01, MYSQL_SHA2_FAST_OK};
static const uint8_t full_auth[] = {0x01, MYSQL_SHA2_FULL_AUTH};
static const uint8_t ok_pkt[] = {0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
static const uint8_t err_pkt[] = {0xff, 0x15, 0x04, '#', '2', '8', '0', '0',
    '0', 'A', 'c', 'c', 'e', 's', 's', ' ', 'd', 'e', 'n', 'i', 'e', 'd'};

static void greeting(struct mysql_handshake *, const char *, const char *);
static size_t auth_switch(uint8_t *, const char *, const char *);
static void native_expect(const char *, const uint8_t *, uint8_t *);
static size_t ed_switch(uint8_t *, const uint8_t *);
static Suite *suite_dbauth(void);

/* A greeting with plugin and a 20-byte nonce and its NUL. */
static void
greeting(struct mysql_handshake *hs, const char *plugin, const char *nonce)
{
	memset(hs, 0, sizeof(*hs));
	memcpy(hs->hs_auth, nonce, 20);
	hs->hs_auth[20] = '\0';
	hs->hs_auth_len = 21;
	hs->hs_plugin.ms_p = plugin;
	hs->hs_plugin.ms_len = strlen(plugin);
}

/* AuthSwitchRequest: 0xfe, the plugin and its NUL, the nonce and a NUL. */
static size_t
auth_switch(uint8_t *p, const char *plugin, const char *nonce)
{
	size_t n = 0;

	p[n++] = MYSQL_EOF_HDR;
	memcpy(p + n, plugin, strlen(plugin) + 1);
	n += strlen(plugin) + 1;
	memcpy(p + n, nonce, 20);
	n += 20;
	p[n++] = '\0';
	return n;
}

/* SHA1(pw) XOR SHA1(nonce || SHA1(SHA1(pw))), with OpenSSL's SHA-1. */
static void
native_expect(const char *pw, const uint8_t *nonce, uint8_t *out)
{
	uint8_t h1[20], h2[20], h3[20], cat[40];
	size_t i;

	ck_assert_int_eq(
	    EVP_Digest(pw, strlen(pw), h1, NULL, EVP_sha1(), NULL), 1);
	ck_assert_int_eq(EVP_Digest(h1, 20, h2, NULL, EVP_sha1(), NULL), 1);
	memcpy(cat, nonce, 20);
	memcpy(cat + 20, h2, 20);
	ck_assert_int_eq(EVP_Digest(cat, 40, h3, NULL, EVP_sha1(), NULL), 1);
	for (i = 0; i < 20; i++)
		out[i] = h1[i] ^ h3[i];
}

/* Fast authentication: the scramble is the published vector. */
START_TEST(sha2_fast)
{
	struct mysql_handshake hs;
	struct dbauth da;
	const char *plugin;
	struct buf out;

	buf_init(&out, MYSQL_AUTH_MAX);
	greeting(&hs, DBAUTH_SHA2, NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin), GW_OK);
	ck_assert_str_eq(plugin, DBAUTH_SHA2);
	ck_assert_uint_eq(out.b_len, 32);
	ck_assert_mem_eq(out.b_data, SHA2_1, 32);

	buf_reset(&out);
	ck_assert_int_eq(
	    dbauth_reply(&da, fast_ok, sizeof(fast_ok), &out), DBA_WAIT);
	ck_assert_uint_eq(out.b_len, 0);
	ck_assert_int_eq(
	    dbauth_reply(&da, ok_pkt, sizeof(ok_pkt), &out), DBA_OK);
	dbauth_clear(&da);
	buf_free(&out);
}
END_TEST

/* Full authentication inside TLS: the password and its NUL, in clear. */
START_TEST(sha2_full_tls)
{
	struct mysql_handshake hs;
	struct dbauth da;
	const char *plugin;
	struct buf out;

	buf_init(&out, MYSQL_AUTH_MAX);
	greeting(&hs, DBAUTH_SHA2, NONCE2);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 1, &hs, &out, &plugin), GW_OK);
	ck_assert_mem_eq(out.b_data, SHA2_2, 32);
	buf_reset(&out);
	ck_assert_int_eq(
	    dbauth_reply(&da, full_auth, sizeof(full_auth), &out), DBA_SEND);
	ck_assert_uint_eq(out.b_len, strlen(PW) + 1);
	ck_assert_mem_eq(out.b_data, PW, strlen(PW) + 1);
	buf_reset(&out);
	/* No second request for the password, and no key exchange. */
	ck_assert_int_eq(
	    dbauth_reply(&da, full_auth, sizeof(full_auth), &out), GW_EPROTO);
	ck_assert_int_eq(
	    dbauth_reply(&da, ok_pkt, sizeof(ok_pkt), &out), DBA_OK);
	buf_free(&out);
}
END_TEST

/*
 * Full authentication without TLS: never the password in clear; ask for
 * the key, and what comes back decrypts, as the server does it, to the
 * password and its NUL XORed with the nonce.
 */
START_TEST(sha2_full_rsa)
{
	uint8_t pem[4096], more[4097], plain[512];
	struct mysql_handshake hs;
	EVP_PKEY_CTX *ctx;
	struct dbauth da;
	const char *plugin;
	struct buf out;
	EVP_PKEY *pk;
	size_t pemlen, n, i;

	pk = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(pk);
	pemlen = pubkey_pem(pk, pem, sizeof(pem));
	more[0] = MYSQL_MORE_HDR;
	memcpy(more + 1, pem, pemlen);

	buf_init(&out, MYSQL_AUTH_MAX);
	greeting(&hs, DBAUTH_SHA2, NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin), GW_OK);
	buf_reset(&out);
	ck_assert_int_eq(
	    dbauth_reply(&da, full_auth, sizeof(full_auth), &out), DBA_SEND);
	ck_assert_uint_eq(out.b_len, 1);
	ck_assert_uint_eq(out.b_data[0], MYSQL_SHA2_REQUEST_KEY);

	/* An OK before the key is out of turn. */
	ck_assert_int_eq(
	    dbauth_reply(&da, ok_pkt, sizeof(ok_pkt), &out), GW_EPROTO);

	buf_reset(&out);
	ck_assert_int_eq(dbauth_reply(&da, more, pemlen + 1, &out), DBA_SEND);
	ck_assert_uint_eq(out.b_len, 256);
	ck_assert_ptr_null(memmem(out.b_data, out.b_len, PW, strlen(PW)));
	ctx = EVP_PKEY_CTX_new(pk, NULL);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_PKEY_decrypt_init(ctx), 1);
	ck_assert_int_eq(
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), 1);
	n = sizeof(plain);
	ck_assert_int_eq(
	    EVP_PKEY_decrypt(ctx, plain, &n, out.b_data, out.b_len), 1);
	EVP_PKEY_CTX_free(ctx);
	ck_assert_uint_eq(n, strlen(PW) + 1);
	for (i = 0; i < n; i++)
		plain[i] ^= (uint8_t)NONCE1[i % 20];
	ck_assert_mem_eq(plain, PW, strlen(PW) + 1);

	buf_reset(&out);
	ck_assert_int_eq(
	    dbauth_reply(&da, ok_pkt, sizeof(ok_pkt), &out), DBA_OK);

	/* A key that is not one fails the exchange. */
	greeting(&hs, DBAUTH_SHA2, NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin), GW_OK);
	ck_assert_int_eq(
	    dbauth_reply(&da, full_auth, sizeof(full_auth), &out), DBA_SEND);
	ck_assert_int_eq(dbauth_reply(&da, more, 20, &out), GW_ECRYPTO);
	EVP_PKEY_free(pk);
	buf_free(&out);
}
END_TEST

/*
 * MariaDB's way: native in the greeting; a MySQL 8 server switching a
 * native login to caching_sha2_password; one switch and no more.
 */
START_TEST(native_and_switch)
{
	uint8_t want[20], pkt[128];
	struct mysql_handshake hs;
	struct dbauth da;
	const char *plugin;
	struct buf out;
	size_t n;

	buf_init(&out, MYSQL_AUTH_MAX);
	greeting(&hs, DBAUTH_NATIVE, NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin), GW_OK);
	ck_assert_str_eq(plugin, DBAUTH_NATIVE);
	native_expect(PW, (const uint8_t *)NONCE1, want);
	ck_assert_uint_eq(out.b_len, 20);
	ck_assert_mem_eq(out.b_data, want, 20);
	/* More data belongs to caching_sha2_password only. */
	ck_assert_int_eq(
	    dbauth_reply(&da, fast_ok, sizeof(fast_ok), &out), GW_EPROTO);

	buf_reset(&out);
	n = auth_switch(pkt, DBAUTH_SHA2, NONCE2);
	ck_assert_int_eq(dbauth_reply(&da, pkt, n, &out), DBA_SEND);
	ck_assert_str_eq(dbauth_plugin_name(&da), DBAUTH_SHA2);
	ck_assert_uint_eq(out.b_len, 32);
	ck_assert_mem_eq(out.b_data, SHA2_2, 32);
	buf_reset(&out);
	ck_assert_int_eq(
	    dbauth_reply(&da, fast_ok, sizeof(fast_ok), &out), DBA_WAIT);
	ck_assert_int_eq(dbauth_reply(&da, pkt, n, &out), GW_EPROTO);
	ck_assert_int_eq(
	    dbauth_reply(&da, ok_pkt, sizeof(ok_pkt), &out), DBA_OK);

	/* A switch from sha2 to native, with the native scramble. */
	greeting(&hs, DBAUTH_SHA2, NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin), GW_OK);
	buf_reset(&out);
	n = auth_switch(pkt, DBAUTH_NATIVE, NONCE2);
	ck_assert_int_eq(dbauth_reply(&da, pkt, n, &out), DBA_SEND);
	native_expect(PW, (const uint8_t *)NONCE2, want);
	ck_assert_mem_eq(out.b_data, want, 20);
	buf_free(&out);
}
END_TEST

/* The switch to client_ed25519 as MariaDB sends it: 32 bytes of nonce. */
static size_t
ed_switch(uint8_t *p, const uint8_t *nonce)
{
	p[0] = MYSQL_EOF_HDR;
	memcpy(p + 1, DBAUTH_ED25519, sizeof(DBAUTH_ED25519));
	memcpy(p + 1 + sizeof(DBAUTH_ED25519), nonce, 32);
	return 1 + sizeof(DBAUTH_ED25519) + 32;
}

/*
 * client_ed25519.  The key is SHA-512 of the password; for a password of
 * 32 bytes that is RFC 8032's key with the password as seed, so the
 * signature must be OpenSSL's, byte for byte.  For other lengths the
 * signature must verify, with OpenSSL, under the key we derive.
 */
START_TEST(ed25519)
{
	static const char pw32[] = "0123456789abcdef0123456789abcdef";
	uint8_t nonce[32], pkt[128], sig[64], pk[32];
	struct mysql_handshake hs;
	struct dbauth da;
	const char *plugin;
	EVP_MD_CTX *md;
	EVP_PKEY *k;
	struct buf out;
	size_t i, n;

	for (i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)(i * 37 + 11);
	buf_init(&out, MYSQL_AUTH_MAX);
	greeting(&hs, DBAUTH_NATIVE, NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, pw32, 32, 0, &hs, &out, &plugin), GW_OK);
	buf_reset(&out);
	n = ed_switch(pkt, nonce);
	ck_assert_int_eq(dbauth_reply(&da, pkt, n, &out), DBA_SEND);
	ck_assert_str_eq(dbauth_plugin_name(&da), DBAUTH_ED25519);
	ck_assert_uint_eq(out.b_len, 64);
	k = EVP_PKEY_new_raw_private_key(
	    EVP_PKEY_ED25519, NULL, (const uint8_t *)pw32, 32);
	ck_assert_ptr_nonnull(k);
	md = EVP_MD_CTX_new();
	ck_assert_int_eq(EVP_DigestSignInit(md, NULL, NULL, NULL, k), 1);
	n = sizeof(sig);
	ck_assert_int_eq(EVP_DigestSign(md, sig, &n, nonce, 32), 1);
	ck_assert_mem_eq(out.b_data, sig, 64);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	/* Nothing more to exchange: OK, or an error. */
	ck_assert_int_eq(
	    dbauth_reply(&da, fast_ok, sizeof(fast_ok), &out), GW_EPROTO);
	ck_assert_int_eq(
	    dbauth_reply(&da, ok_pkt, sizeof(ok_pkt), &out), DBA_OK);

	/* A password of another length: the signature verifies. */
	ck_assert_int_eq(
	    mysql_ed25519_sign(PW, strlen(PW), nonce, 32, sig, pk), GW_OK);
	k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, 32);
	ck_assert_ptr_nonnull(k);
	md = EVP_MD_CTX_new();
	ck_assert_int_eq(EVP_DigestVerifyInit(md, NULL, NULL, NULL, k), 1);
	ck_assert_int_eq(EVP_DigestVerify(md, sig, 64, nonce, 32), 1);
	sig[40] ^= 1;
	ck_assert_int_ne(EVP_DigestVerify(md, sig, 64, nonce, 32), 1);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	ck_assert_int_eq(
	    mysql_ed25519_sign(PW, strlen(PW), nonce, 20, sig, NULL),
	    GW_EINVAL);
	ck_assert_int_eq(
	    mysql_ed25519_sign(PW, 0, nonce, 32, sig, NULL), GW_EINVAL);
	buf_free(&out);
}
END_TEST

/* Plugins we do not speak, ERR, and packets that make no sense. */
START_TEST(refusals)
{
	uint8_t pkt[128];
	static const uint8_t odd_more[] = {0x01, 0x05};
	static const uint8_t long_more[] = {0x01, 0x03, 0x00};
	static const uint8_t stray[] = {0x02, 0x00};
	struct mysql_handshake hs;
	struct dbauth da;
	const char *plugin;
	struct buf out;
	size_t n;

	buf_init(&out, MYSQL_AUTH_MAX);
	/* An unknown plugin in the greeting: native, and let it switch. */
	greeting(&hs, "dialog", NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin), GW_OK);
	ck_assert_str_eq(plugin, DBAUTH_NATIVE);
	n = auth_switch(pkt, "dialog", NONCE2);
	ck_assert_int_eq(dbauth_reply(&da, pkt, n, &out), GW_EPLUGIN);
	/* client_ed25519 with a 20-byte nonce. */
	greeting(&hs, DBAUTH_NATIVE, NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin), GW_OK);
	n = auth_switch(pkt, DBAUTH_ED25519, NONCE2);
	ck_assert_int_eq(dbauth_reply(&da, pkt, n, &out), GW_EPROTO);
	n = auth_switch(pkt, "mysql_clear_password", NONCE2);
	greeting(&hs, DBAUTH_NATIVE, NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin), GW_OK);
	ck_assert_int_eq(dbauth_reply(&da, pkt, n, &out), GW_EPLUGIN);

	greeting(&hs, DBAUTH_SHA2, NONCE1);
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin), GW_OK);
	ck_assert_int_eq(
	    dbauth_reply(&da, err_pkt, sizeof(err_pkt), &out), DBA_ERR);
	ck_assert_int_eq(dbauth_reply(&da, pkt, 0, &out), GW_ETRUNC);
	ck_assert_int_eq(
	    dbauth_reply(&da, stray, sizeof(stray), &out), GW_EPROTO);
	ck_assert_int_eq(
	    dbauth_reply(&da, odd_more, sizeof(odd_more), &out), GW_EPROTO);
	ck_assert_int_eq(
	    dbauth_reply(&da, long_more, sizeof(long_more), &out), GW_EPROTO);
	/* A switch whose nonce is not 20 bytes. */
	n = auth_switch(pkt, DBAUTH_SHA2, NONCE2);
	ck_assert_int_eq(dbauth_reply(&da, pkt, n - 2, &out), GW_EPROTO);

	/* No password, a NUL in it, a short nonce. */
	ck_assert_int_eq(
	    dbauth_start(&da, "", 0, 0, &hs, &out, &plugin), GW_EINVAL);
	ck_assert_int_eq(
	    dbauth_start(&da, "a\0b", 3, 0, &hs, &out, &plugin), GW_EINVAL);
	hs.hs_auth_len = 8;
	ck_assert_int_eq(
	    dbauth_start(&da, PW, strlen(PW), 0, &hs, &out, &plugin),
	    GW_EPROTO);
	buf_free(&out);
}
END_TEST

static Suite *
suite_dbauth(void)
{
	Suite *s = suite_create("dbauth");
	TCase *tc = tcase_create("dbauth");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, sha2_fast);
	tcase_add_test(tc, sha2_full_tls);
	tcase_add_test(tc, sha2_full_rsa);
	tcase_add_test(tc, native_and_switch);
	tcase_add_test(tc, ed25519);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite_dbauth)
