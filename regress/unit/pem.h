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
 * A helper two unit suites share: a public key as PEM text, the way a
 * server sends its RSA key during caching_sha2_password's full login.
 */

#ifndef GW_REGRESS_PEM_H
#define GW_REGRESS_PEM_H

#include <stdint.h>
#include <string.h>

#include <check.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

/* Write pk's public half as PEM into out; returns its length. */
static inline size_t
pubkey_pem(EVP_PKEY *pk, uint8_t *out, size_t outsz)
{
	BIO *bio;
	char *p;
	long n;

	bio = BIO_new(BIO_s_mem());
	ck_assert_ptr_nonnull(bio);
	ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, pk), 1);
	n = BIO_get_mem_data(bio, &p);
	ck_assert_int_gt(n, 0);
	ck_assert_uint_le((size_t)n, outsz);
	memcpy(out, p, (size_t)n);
	BIO_free(bio);
	return (size_t)n;
}

#endif /* GW_REGRESS_PEM_H */
