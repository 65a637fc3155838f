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
 * MariaDB's client_ed25519 authentication: an Ed25519 signature of the
 * server's 32-byte nonce under a key derived from the password.  The
 * derivation differs from RFC 8032's in one place: the 64-byte expanded
 * key is SHA-512 of the whole password, not of a 32-byte seed, so
 * OpenSSL's raw Ed25519 keys cannot be used for it; for a password of
 * exactly 32 bytes the two agree, which the unit test checks.  The curve
 * arithmetic is done here with OpenSSL's BIGNUMs, in extended twisted
 * Edwards coordinates with the unified addition law.
 *
 * XXX Not constant-time: the scalar multiplication branches on the
 * key's bits and BIGNUM arithmetic leaks timing.  The key is that of a
 * minted, short-lived user, signed for once per login inside a worker.
 */

#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "common/error.h"
#include "common/mysql.h"

/* A point (X:Y:Z:T) with x = X/Z, y = Y/Z, x*y = T/Z. */
struct ed_point {
	BIGNUM *x, *y, *z, *t;
};

struct ed_curve {
	BIGNUM *p;  /* 2^255 - 19 */
	BIGNUM *d;  /* -121665/121666 */
	BIGNUM *d2; /* 2d */
	BIGNUM *l;  /* the group order */
	struct ed_point b;
	BN_CTX *bn;
};

static int ed_point_new(struct ed_point *);
static void ed_point_free(struct ed_point *);
static int ed_add(const struct ed_curve *, struct ed_point *,
    const struct ed_point *, const struct ed_point *);
static int ed_mul(const struct ed_curve *, struct ed_point *, const BIGNUM *,
    const struct ed_point *);
static int
ed_encode(const struct ed_curve *, uint8_t *, const struct ed_point *);
static int ed_curve_init(struct ed_curve *);
static void ed_curve_free(struct ed_curve *);
static int ed_hash_mod_l(const struct ed_curve *, BIGNUM *, const uint8_t *,
    size_t, const uint8_t *, size_t, const uint8_t *, size_t);

static int
ed_point_new(struct ed_point *q)
{
	q->x = BN_new();
	q->y = BN_new();
	q->z = BN_new();
	q->t = BN_new();
	return q->x && q->y && q->z && q->t ? 0 : -1;
}

static void
ed_point_free(struct ed_point *q)
{
	BN_clear_free(q->x);
	BN_clear_free(q->y);
	BN_clear_free(q->z);
	BN_clear_free(q->t);
	memset(q, 0, sizeof(*q));
}

/* r = a + b; r may be a or b. */
static int
ed_add(const struct ed_curve *c, struct ed_point *r, const struct ed_point *a,
    const struct ed_point *b)
{
	BIGNUM *ta, *tb, *tc, *td, *te, *tf, *tg, *th, *u, *v;
	const BIGNUM *p = c->p;
	BN_CTX *bn = c->bn;
	int ok;

	BN_CTX_start(bn);
	ta = BN_CTX_get(bn);
	tb = BN_CTX_get(bn);
	tc = BN_CTX_get(bn);
	td = BN_CTX_get(bn);
	te = BN_CTX_get(bn);
	tf = BN_CTX_get(bn);
	tg = BN_CTX_get(bn);
	th = BN_CTX_get(bn);
	u = BN_CTX_get(bn);
	v = BN_CTX_get(bn);
	ok = v != NULL &&
	    /* A = (Y1 - X1)(Y2 - X2), B = (Y1 + X1)(Y2 + X2) */
	    BN_mod_sub(u, a->y, a->x, p, bn) &&
	    BN_mod_sub(v, b->y, b->x, p, bn) && BN_mod_mul(ta, u, v, p, bn) &&
	    BN_mod_add(u, a->y, a->x, p, bn) &&
	    BN_mod_add(v, b->y, b->x, p, bn) && BN_mod_mul(tb, u, v, p, bn) &&
	    /* C = 2d T1 T2, D = 2 Z1 Z2 */
	    BN_mod_mul(u, a->t, b->t, p, bn) &&
	    BN_mod_mul(tc, u, c->d2, p, bn) &&
	    BN_mod_mul(u, a->z, b->z, p, bn) && BN_mod_add(td, u, u, p, bn) &&
	    /* E = B - A, F = D - C, G = D + C, H = B + A */
	    BN_mod_sub(te, tb, ta, p, bn) && BN_mod_sub(tf, td, tc, p, bn) &&
	    BN_mod_add(tg, td, tc, p, bn) && BN_mod_add(th, tb, ta, p, bn) &&
	    /* X3 = EF, Y3 = GH, T3 = EH, Z3 = FG */
	    BN_mod_mul(r->x, te, tf, p, bn) &&
	    BN_mod_mul(r->y, tg, th, p, bn) &&
	    BN_mod_mul(r->t, te, th, p, bn) && BN_mod_mul(r->z, tf, tg, p, bn);
	BN_CTX_end(bn);
	return ok ? 0 : -1;
}

/* r = k q, by double and add from the top bit. */
static int
ed_mul(const struct ed_curve *c, struct ed_point *r, const BIGNUM *k,
    const struct ed_point *q)
{
	int i;

	BN_zero(r->x);
	BN_zero(r->t);
	if (!BN_one(r->y) || !BN_one(r->z))
		return -1;
	for (i = BN_num_bits(k) - 1; i >= 0; i--) {
		if (ed_add(c, r, r, r) == -1)
			return -1;
		if (BN_is_bit_set(k, i) && ed_add(c, r, r, q) == -1)
			return -1;
	}
	return 0;
}

/* y in 32 bytes little-endian, the top bit carrying x's low bit. */
static int
ed_encode(const struct ed_curve *c, uint8_t *out, const struct ed_point *q)
{
	BIGNUM *zi, *x, *y;
	int ok;

	BN_CTX_start(c->bn);
	zi = BN_CTX_get(c->bn);
	x = BN_CTX_get(c->bn);
	y = BN_CTX_get(c->bn);
	ok = y != NULL && BN_mod_inverse(zi, q->z, c->p, c->bn) != NULL &&
	    BN_mod_mul(x, q->x, zi, c->p, c->bn) &&
	    BN_mod_mul(y, q->y, zi, c->p, c->bn) &&
	    BN_bn2lebinpad(y, out, 32) == 32;
	if (ok && BN_is_odd(x))
		out[31] |= 0x80;
	BN_CTX_end(c->bn);
	return ok ? 0 : -1;
}

/* The constants, and the base point from y = 4/5 with x even. */
static int
ed_curve_init(struct ed_curve *c)
{
	BIGNUM *u, *v, *w;
	int ok;

	memset(c, 0, sizeof(*c));
	if ((c->bn = BN_CTX_new()) == NULL || ed_point_new(&c->b) == -1)
		return -1;
	c->p = BN_new();
	c->d = BN_new();
	c->d2 = BN_new();
	c->l = BN_new();
	if (c->p == NULL || c->d == NULL || c->d2 == NULL || c->l == NULL)
		return -1;
	BN_CTX_start(c->bn);
	u = BN_CTX_get(c->bn);
	v = BN_CTX_get(c->bn);
	w = BN_CTX_get(c->bn);
	ok = w != NULL && BN_set_word(u, 1) && BN_lshift(c->p, u, 255) &&
	    BN_sub_word(c->p, 19) && BN_lshift(c->l, u, 252) &&
	    BN_dec2bn(&v, "27742317777372353535851937790883648493") &&
	    BN_add(c->l, c->l, v) &&
	    /* d = -121665 / 121666 */
	    BN_set_word(u, 121666) &&
	    BN_mod_inverse(v, u, c->p, c->bn) != NULL &&
	    BN_set_word(u, 121665) && BN_mod_mul(w, u, v, c->p, c->bn) &&
	    BN_mod_sub(c->d, c->p, w, c->p, c->bn) &&
	    BN_mod_add(c->d2, c->d, c->d, c->p, c->bn) &&
	    /* y = 4/5 */
	    BN_set_word(u, 5) && BN_mod_inverse(v, u, c->p, c->bn) != NULL &&
	    BN_set_word(u, 4) && BN_mod_mul(c->b.y, u, v, c->p, c->bn) &&
	    /* x^2 = (y^2 - 1) / (d y^2 + 1) */
	    BN_mod_sqr(u, c->b.y, c->p, c->bn) && BN_copy(w, u) != NULL &&
	    BN_sub_word(w, 1) && BN_mod_mul(v, c->d, u, c->p, c->bn) &&
	    BN_add_word(v, 1) && BN_mod_inverse(v, v, c->p, c->bn) != NULL &&
	    BN_mod_mul(u, w, v, c->p, c->bn) &&
	    BN_mod_sqrt(c->b.x, u, c->p, c->bn) != NULL;
	if (ok && BN_is_odd(c->b.x))
		ok = BN_sub(c->b.x, c->p, c->b.x);
	ok = ok && BN_one(c->b.z) &&
	    BN_mod_mul(c->b.t, c->b.x, c->b.y, c->p, c->bn);
	BN_CTX_end(c->bn);
	return ok ? 0 : -1;
}

static void
ed_curve_free(struct ed_curve *c)
{
	ed_point_free(&c->b);
	BN_free(c->p);
	BN_free(c->d);
	BN_free(c->d2);
	BN_free(c->l);
	BN_CTX_free(c->bn);
}

/* SHA-512 of up to three parts, read little-endian, reduced mod L. */
static int
ed_hash_mod_l(const struct ed_curve *c, BIGNUM *r, const uint8_t *a,
    size_t alen, const uint8_t *b, size_t blen, const uint8_t *m, size_t mlen)
{
	uint8_t h[64];
	EVP_MD_CTX *md;
	int ok;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(md, EVP_sha512(), NULL) &&
	    EVP_DigestUpdate(md, a, alen) && EVP_DigestUpdate(md, b, blen) &&
	    EVP_DigestUpdate(md, m, mlen) && EVP_DigestFinal_ex(md, h, NULL) &&
	    BN_lebin2bn(h, sizeof(h), r) != NULL && BN_nnmod(r, r, c->l, c->bn);
	EVP_MD_CTX_free(md);
	explicit_bzero(h, sizeof(h));
	return ok ? 0 : -1;
}

/*
 * client_ed25519's answer to nonce: the 64-byte signature R || S, into
 * out.  pk, if not NULL, receives the 32-byte public key, which is what
 * the server stores for the user.
 */
int
mysql_ed25519_sign(const void *pw, size_t pwlen, const uint8_t *nonce,
    size_t noncelen, uint8_t *out, uint8_t *pk)
{
	struct ed_curve c;
	struct ed_point q;
	uint8_t az[64], a_enc[32];
	BIGNUM *a = NULL, *r = NULL, *k = NULL;
	int rv = GW_ECRYPTO;

	if (pwlen == 0 || noncelen != MYSQL_ED25519_NONCE_LEN)
		return GW_EINVAL;
	memset(&q, 0, sizeof(q));
	if (ed_curve_init(&c) == -1 || ed_point_new(&q) == -1)
		goto out;
	if ((a = BN_secure_new()) == NULL || (r = BN_secure_new()) == NULL ||
	    (k = BN_new()) == NULL)
		goto out;

	/* The expanded key: a clamped scalar, and a prefix for r. */
	if (EVP_Digest(pw, pwlen, az, NULL, EVP_sha512(), NULL) != 1)
		goto out;
	az[0] &= 248;
	az[31] &= 127;
	az[31] |= 64;
	if (BN_lebin2bn(az, 32, a) == NULL || ed_mul(&c, &q, a, &c.b) == -1 ||
	    ed_encode(&c, a_enc, &q) == -1)
		goto out;

	/* R = rB with r = H(prefix || M); S = r + H(R || A || M) a. */
	if (ed_hash_mod_l(&c, r, az + 32, 32, NULL, 0, nonce, noncelen) == -1 ||
	    ed_mul(&c, &q, r, &c.b) == -1 || ed_encode(&c, out, &q) == -1 ||
	    ed_hash_mod_l(&c, k, out, 32, a_enc, 32, nonce, noncelen) == -1 ||
	    !BN_mod_mul(k, k, a, c.l, c.bn) ||
	    !BN_mod_add(k, k, r, c.l, c.bn) ||
	    BN_bn2lebinpad(k, out + 32, 32) != 32)
		goto out;
	if (pk != NULL)
		memcpy(pk, a_enc, sizeof(a_enc));
	rv = GW_OK;
out:
	explicit_bzero(az, sizeof(az));
	BN_clear_free(a);
	BN_clear_free(r);
	BN_clear_free(k);
	ed_point_free(&q);
	ed_curve_free(&c);
	return rv;
}
