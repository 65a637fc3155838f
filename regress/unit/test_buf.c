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
 * Unit tests for common/buf.c and common/error.c: buffer growth and its
 * cap, the little-endian encodings, wiping of freed storage, and the
 * decoding cursor with its sticky first error and exact-end check.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/buf.h"
#include "common/error.h"
#include "regress/unit/unit.h"

void __explicit_bzero_chk(void *, size_t, size_t);
static void wipe_record(void *, size_t);
static Suite *suite_buf(void);

/*
 * buf.c wipes storage before it frees it.  This program supplies the
 * wipe functions itself, both the plain one and the one a fortified
 * build calls, so a test can see which bytes were wiped.
 */
static struct {
	const void *w_ptr; /* last region wiped */
	size_t w_len;
	int w_calls;
} wipe;

static void
wipe_record(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
	wipe.w_ptr = p;
	wipe.w_len = n;
	wipe.w_calls++;
}

void
explicit_bzero(void *p, size_t n)
{
	wipe_record(p, n);
}

void
__explicit_bzero_chk(void *p, size_t n, size_t destlen)
{
	if (n > destlen)
		abort();
	wipe_record(p, n);
}

START_TEST(buf_init_empty)
{
	struct buf b;

	memset(&b, 0xa5, sizeof(b));
	buf_init(&b, 100);
	ck_assert_ptr_null(b.b_data);
	ck_assert_uint_eq(b.b_len, 0);
	ck_assert_uint_eq(b.b_size, 0);
	ck_assert_uint_eq(b.b_max, 100);
	buf_free(&b);
}
END_TEST

START_TEST(buf_growth_keeps_data)
{
	struct buf b;
	uint8_t want[5000];
	size_t i;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 7 + 3);
	buf_init(&b, 1 << 20);

	/* One byte at a time, so the buffer grows many times. */
	for (i = 0; i < sizeof(want); i++) {
		ck_assert_int_eq(buf_put_u8(&b, want[i]), GW_OK);
		ck_assert_uint_eq(b.b_len, i + 1);
		ck_assert_uint_ge(b.b_size, b.b_len);
		ck_assert_uint_le(b.b_size, b.b_max);
	}
	ck_assert_mem_eq(b.b_data, want, sizeof(want));

	/* A large put after small ones. */
	ck_assert_int_eq(buf_put(&b, want, sizeof(want)), GW_OK);
	ck_assert_uint_eq(b.b_len, 2 * sizeof(want));
	ck_assert_mem_eq(b.b_data, want, sizeof(want));
	ck_assert_mem_eq(b.b_data + sizeof(want), want, sizeof(want));
	buf_free(&b);
}
END_TEST

START_TEST(buf_put_zero_length)
{
	struct buf b;

	buf_init(&b, 16);
	ck_assert_int_eq(buf_put(&b, NULL, 0), GW_OK);
	ck_assert_uint_eq(b.b_len, 0);
	ck_assert_ptr_null(b.b_data);
	buf_free(&b);
}
END_TEST

START_TEST(buf_max_exact_then_refused)
{
	static const uint8_t eight[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_put(&b, eight, 8), GW_OK);
	ck_assert_uint_eq(b.b_len, 8);

	/* Every kind of put is refused and leaves the buffer as it was. */
	ck_assert_int_eq(buf_put_u8(&b, 9), GW_ETOOLONG);
	ck_assert_int_eq(buf_put_u16(&b, 9), GW_ETOOLONG);
	ck_assert_int_eq(buf_put_u32(&b, 9), GW_ETOOLONG);
	ck_assert_int_eq(buf_put_u64(&b, 9), GW_ETOOLONG);
	ck_assert_int_eq(buf_put(&b, eight, 1), GW_ETOOLONG);
	ck_assert_int_eq(buf_reserve(&b, 1), GW_ETOOLONG);
	ck_assert_uint_eq(b.b_len, 8);
	ck_assert_mem_eq(b.b_data, eight, 8);
	buf_free(&b);
}
END_TEST

START_TEST(buf_max_partial_refused)
{
	static const uint8_t six[6] = {1, 2, 3, 4, 5, 6};
	struct buf b;

	/* Two bytes left: a u32 must not write half of itself. */
	buf_init(&b, 8);
	ck_assert_int_eq(buf_put(&b, six, 6), GW_OK);
	ck_assert_int_eq(buf_put_u32(&b, 0xffffffff), GW_ETOOLONG);
	ck_assert_int_eq(buf_put_u64(&b, 1), GW_ETOOLONG);
	ck_assert_uint_eq(b.b_len, 6);
	ck_assert_mem_eq(b.b_data, six, 6);
	ck_assert_int_eq(buf_put_u16(&b, 0x0807), GW_OK);
	ck_assert_uint_eq(b.b_len, 8);
	ck_assert_uint_eq(b.b_data[6], 0x07);
	ck_assert_uint_eq(b.b_data[7], 0x08);
	buf_free(&b);
}
END_TEST

START_TEST(buf_reserve_overflow)
{
	struct buf b;

	buf_init(&b, SIZE_MAX);
	ck_assert_int_eq(buf_put_u8(&b, 1), GW_OK);
	ck_assert_int_eq(buf_reserve(&b, SIZE_MAX), GW_ETOOLONG);
	ck_assert_uint_eq(b.b_len, 1);
	ck_assert_uint_eq(b.b_data[0], 1);
	buf_free(&b);

	buf_init(&b, 0);
	ck_assert_int_eq(buf_reserve(&b, 1), GW_ETOOLONG);
	ck_assert_int_eq(buf_put(&b, NULL, 0), GW_OK);
	buf_free(&b);
}
END_TEST

START_TEST(buf_le_integers)
{
	static const uint8_t want[] = {0xab, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12,
	    0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0xff, 0xff, 0x00,
	    0x00, 0x00, 0x80};
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_put_u8(&b, 0xab), GW_OK);
	ck_assert_int_eq(buf_put_u16(&b, 0x1234), GW_OK);
	ck_assert_int_eq(buf_put_u32(&b, 0x12345678), GW_OK);
	ck_assert_int_eq(buf_put_u64(&b, 0x0102030405060708ULL), GW_OK);
	ck_assert_int_eq(buf_put_u16(&b, 0xffff), GW_OK);
	ck_assert_int_eq(buf_put_u32(&b, 0x80000000), GW_OK);
	ck_assert_uint_eq(b.b_len, sizeof(want));
	ck_assert_mem_eq(b.b_data, want, sizeof(want));
	buf_free(&b);
}
END_TEST

START_TEST(buf_str_encoding)
{
	static const uint8_t want[] = {
	    0x03, 0x00, 'a', 'b', 'c', 0x00, 0x00, 0x00, 0x00};
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_put_str(&b, "abc"), GW_OK);
	ck_assert_int_eq(buf_put_str(&b, ""), GW_OK);
	ck_assert_int_eq(buf_put_str(&b, NULL), GW_OK);
	ck_assert_uint_eq(b.b_len, sizeof(want));
	ck_assert_mem_eq(b.b_data, want, sizeof(want));
	buf_free(&b);
}
END_TEST

START_TEST(buf_str_length_cap)
{
	struct buf b;
	char *s;

	s = malloc(UINT16_MAX + 2);
	ck_assert_ptr_nonnull(s);
	memset(s, 'x', UINT16_MAX + 1);
	s[UINT16_MAX + 1] = '\0';

	/* 65536 bytes cannot be described by the 16-bit length. */
	buf_init(&b, 1 << 20);
	ck_assert_int_eq(buf_put_str(&b, s), GW_ETOOLONG);
	ck_assert_uint_eq(b.b_len, 0);

	/* 65535 bytes can. */
	s[UINT16_MAX] = '\0';
	ck_assert_int_eq(buf_put_str(&b, s), GW_OK);
	ck_assert_uint_eq(b.b_len, 2 + UINT16_MAX);
	ck_assert_uint_eq(b.b_data[0], 0xff);
	ck_assert_uint_eq(b.b_data[1], 0xff);
	ck_assert_mem_eq(b.b_data + 2, s, UINT16_MAX);
	buf_free(&b);
	free(s);
}
END_TEST

/*
 * A string whose bytes do not fit under b_max must be refused without
 * leaving its length prefix behind.
 */
START_TEST(buf_str_refused_unchanged)
{
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_put_u8(&b, 0x11), GW_OK);
	ck_assert_int_eq(buf_put_str(&b, "abcdefgh"), GW_ETOOLONG);
	ck_assert_uint_eq(b.b_len, 1);
	ck_assert_uint_eq(b.b_data[0], 0x11);
	buf_free(&b);
}
END_TEST

START_TEST(buf_blob_encoding)
{
	static const uint8_t data[] = {0x00, 0xff, 0x10};
	static const uint8_t want[] = {
	    0x03, 0x00, 0x00, 0x00, 0x00, 0xff, 0x10, 0x00, 0x00, 0x00, 0x00};
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_put_blob(&b, data, sizeof(data)), GW_OK);
	ck_assert_int_eq(buf_put_blob(&b, NULL, 0), GW_OK);
	ck_assert_uint_eq(b.b_len, sizeof(want));
	ck_assert_mem_eq(b.b_data, want, sizeof(want));
	buf_free(&b);
}
END_TEST

/* The same for a blob and its 32-bit length. */
START_TEST(buf_blob_refused_unchanged)
{
	static const uint8_t data[16];
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_put_u8(&b, 0x22), GW_OK);
	ck_assert_int_eq(buf_put_blob(&b, data, sizeof(data)), GW_ETOOLONG);
	ck_assert_uint_eq(b.b_len, 1);
	ck_assert_uint_eq(b.b_data[0], 0x22);
	buf_free(&b);
}
END_TEST

START_TEST(buf_poke)
{
	static const uint8_t want[] = {
	    0x44, 0x33, 0x22, 0x11, 0xdd, 0xcc, 0xbb, 0xaa};
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_put_u64(&b, 0), GW_OK);
	buf_poke_u32(&b, 0, 0x11223344);
	buf_poke_u32(&b, 4, 0xaabbccdd);
	ck_assert_mem_eq(b.b_data, want, sizeof(want));

	/* Out of range pokes change nothing. */
	buf_poke_u32(&b, 5, 0);
	buf_poke_u32(&b, 8, 0);
	buf_poke_u32(&b, 9, 0);
	buf_poke_u32(&b, SIZE_MAX, 0);
	buf_poke_u32(&b, SIZE_MAX - 2, 0);
	ck_assert_uint_eq(b.b_len, 8);
	ck_assert_mem_eq(b.b_data, want, sizeof(want));
	buf_free(&b);

	/* Nor on an empty buffer. */
	buf_init(&b, 64);
	buf_poke_u32(&b, 0, 1);
	ck_assert_uint_eq(b.b_len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(buf_reset_keeps_storage)
{
	struct buf b;
	uint8_t *p;
	size_t size;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_put_u32(&b, 1), GW_OK);
	p = b.b_data;
	size = b.b_size;
	buf_reset(&b);
	ck_assert_uint_eq(b.b_len, 0);
	ck_assert_ptr_eq(b.b_data, p);
	ck_assert_uint_eq(b.b_size, size);
	ck_assert_int_eq(buf_put_u16(&b, 0x0201), GW_OK);
	ck_assert_uint_eq(b.b_len, 2);
	ck_assert_uint_eq(b.b_data[0], 0x01);
	buf_free(&b);
}
END_TEST

START_TEST(buf_free_wipes)
{
	struct buf b;
	const void *p;
	size_t size;

	buf_init(&b, 4096);
	ck_assert_int_eq(buf_put_str(&b, "hunter2"), GW_OK);
	p = b.b_data;
	size = b.b_size;
	memset(&wipe, 0, sizeof(wipe));
	buf_free(&b);
	ck_assert_int_eq(wipe.w_calls, 1);
	ck_assert_ptr_eq(wipe.w_ptr, p);
	ck_assert_uint_eq(wipe.w_len, size);
	ck_assert_ptr_null(b.b_data);
	ck_assert_uint_eq(b.b_len, 0);
	ck_assert_uint_eq(b.b_size, 0);

	/* Freed twice, or never filled: nothing to wipe, no crash. */
	memset(&wipe, 0, sizeof(wipe));
	buf_free(&b);
	ck_assert_int_eq(wipe.w_calls, 0);

	/* Usable again after a free, with the same cap. */
	ck_assert_uint_eq(b.b_max, 4096);
	ck_assert_int_eq(buf_put_u8(&b, 7), GW_OK);
	ck_assert_uint_eq(b.b_data[0], 7);
	buf_free(&b);
}
END_TEST

START_TEST(buf_growth_wipes_old)
{
	struct buf b;
	const void *p;
	size_t size;
	int grew = 0;

	buf_init(&b, 1 << 20);
	ck_assert_int_eq(buf_put_str(&b, "secret"), GW_OK);
	p = b.b_data;
	size = b.b_size;
	memset(&wipe, 0, sizeof(wipe));
	while (!grew) {
		ck_assert_int_eq(buf_put_u8(&b, 'x'), GW_OK);
		grew = b.b_data != p;
	}
	ck_assert_int_eq(wipe.w_calls, 1);
	ck_assert_ptr_eq(wipe.w_ptr, p);
	ck_assert_uint_eq(wipe.w_len, size);
	ck_assert_mem_eq(b.b_data, "\x06\x00secret", 8);
	buf_free(&b);
}
END_TEST

START_TEST(cur_getters)
{
	static const uint8_t in[] = {0x7f, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12,
	    0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x81, 'z', 'y'};
	struct cursor c;
	const uint8_t *p;

	cur_init(&c, in, sizeof(in));
	ck_assert_uint_eq(cur_u8(&c), 0x7f);
	ck_assert_uint_eq(c.c_left, sizeof(in) - 1);
	ck_assert_uint_eq(cur_u16(&c), 0x1234);
	ck_assert_uint_eq(cur_u32(&c), 0x12345678);
	ck_assert_uint_eq(cur_u64(&c), 0x8102030405060708ULL);
	p = cur_bytes(&c, 2);
	ck_assert_ptr_eq(p, in + 15);
	ck_assert_uint_eq(c.c_left, 0);
	ck_assert_int_eq(c.c_err, GW_OK);

	/* Zero bytes at the very end is not an error. */
	ck_assert_ptr_eq(cur_bytes(&c, 0), in + sizeof(in));
	ck_assert_int_eq(cur_end(&c), GW_OK);
}
END_TEST

START_TEST(cur_truncation_sticks)
{
	static const uint8_t in[] = {1, 2, 3};
	struct cursor c;
	char s[8];
	size_t len = 99;

	cur_init(&c, in, sizeof(in));
	ck_assert_uint_eq(cur_u32(&c), 0);
	ck_assert_int_eq(c.c_err, GW_ETRUNC);
	ck_assert_uint_eq(c.c_left, 3);

	/* Bytes are there, but after an error every read comes back empty. */
	ck_assert_uint_eq(cur_u8(&c), 0);
	ck_assert_uint_eq(cur_u16(&c), 0);
	ck_assert_uint_eq(cur_u64(&c), 0);
	ck_assert_ptr_null(cur_bytes(&c, 1));
	ck_assert_ptr_null(cur_bytes(&c, 0));
	memcpy(s, "garbage", 8);
	ck_assert_int_eq(cur_str(&c, s, sizeof(s)), GW_ETRUNC);
	ck_assert_str_eq(s, "");
	ck_assert_ptr_null(cur_blob(&c, &len, 100));
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(c.c_err, GW_ETRUNC);
	ck_assert_int_eq(cur_end(&c), GW_ETRUNC);
}
END_TEST

START_TEST(cur_truncation_each)
{
	static const uint8_t in[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct cursor c;

	cur_init(&c, in, 0);
	ck_assert_uint_eq(cur_u8(&c), 0);
	ck_assert_int_eq(c.c_err, GW_ETRUNC);

	cur_init(&c, in, 1);
	ck_assert_uint_eq(cur_u16(&c), 0);
	ck_assert_int_eq(c.c_err, GW_ETRUNC);

	cur_init(&c, in, 3);
	ck_assert_uint_eq(cur_u32(&c), 0);
	ck_assert_int_eq(c.c_err, GW_ETRUNC);

	cur_init(&c, in, 7);
	ck_assert_uint_eq(cur_u64(&c), 0);
	ck_assert_int_eq(c.c_err, GW_ETRUNC);

	cur_init(&c, in, 8);
	ck_assert_ptr_null(cur_bytes(&c, 9));
	ck_assert_int_eq(c.c_err, GW_ETRUNC);

	cur_init(&c, in, 8);
	ck_assert_ptr_null(cur_bytes(&c, SIZE_MAX));
	ck_assert_int_eq(c.c_err, GW_ETRUNC);
}
END_TEST

START_TEST(cur_str_ok)
{
	static const uint8_t in[] = {3, 0, 'a', 'b', 'c', 0, 0};
	struct cursor c;
	char s[4], e[1];

	cur_init(&c, in, sizeof(in));
	ck_assert_int_eq(cur_str(&c, s, sizeof(s)), GW_OK);
	ck_assert_str_eq(s, "abc");
	e[0] = 'x';
	ck_assert_int_eq(cur_str(&c, e, sizeof(e)), GW_OK);
	ck_assert_str_eq(e, "");
	ck_assert_int_eq(cur_end(&c), GW_OK);
}
END_TEST

START_TEST(cur_str_too_long)
{
	static const uint8_t in[] = {4, 0, 'a', 'b', 'c', 'd'};
	struct cursor c;
	char s[4];

	/* Four bytes and a NUL do not fit four. */
	memcpy(s, "xyz", 4);
	cur_init(&c, in, sizeof(in));
	ck_assert_int_eq(cur_str(&c, s, sizeof(s)), GW_ETOOLONG);
	ck_assert_str_eq(s, "");
	ck_assert_int_eq(cur_end(&c), GW_ETOOLONG);

	/* No room at all: even the empty string is too long. */
	cur_init(&c, "\0\0", 2);
	ck_assert_int_eq(cur_str(&c, s, 0), GW_ETOOLONG);
}
END_TEST

START_TEST(cur_str_nul)
{
	static const uint8_t in[] = {3, 0, 'a', 0, 'c'};
	static const uint8_t last[] = {2, 0, 'a', 0};
	struct cursor c;
	char s[8];

	memcpy(s, "garbage", 8);
	cur_init(&c, in, sizeof(in));
	ck_assert_int_eq(cur_str(&c, s, sizeof(s)), GW_ENUL);
	ck_assert_str_eq(s, "");
	ck_assert_int_eq(cur_end(&c), GW_ENUL);

	cur_init(&c, last, sizeof(last));
	ck_assert_int_eq(cur_str(&c, s, sizeof(s)), GW_ENUL);
	ck_assert_str_eq(s, "");
}
END_TEST

START_TEST(cur_str_truncated)
{
	static const uint8_t in[] = {5, 0, 'a', 'b', 'c'};
	struct cursor c;
	char s[8];

	cur_init(&c, in, sizeof(in));
	ck_assert_int_eq(cur_str(&c, s, sizeof(s)), GW_ETRUNC);
	ck_assert_str_eq(s, "");

	cur_init(&c, in, 1);
	ck_assert_int_eq(cur_str(&c, s, sizeof(s)), GW_ETRUNC);
	ck_assert_str_eq(s, "");
}
END_TEST

START_TEST(cur_end_trailing)
{
	static const uint8_t in[] = {1, 2, 3};
	struct cursor c;

	cur_init(&c, in, sizeof(in));
	ck_assert_uint_eq(cur_u16(&c), 0x0201);
	ck_assert_int_eq(cur_end(&c), GW_ETRAILING);
	ck_assert_uint_eq(cur_u8(&c), 3);
	ck_assert_int_eq(cur_end(&c), GW_OK);

	/* An empty input is consumed by decoding nothing. */
	cur_init(&c, NULL, 0);
	ck_assert_int_eq(cur_end(&c), GW_OK);
}
END_TEST

START_TEST(cur_blob_max)
{
	static const uint8_t in[] = {3, 0, 0, 0, 'x', 'y', 'z'};
	struct cursor c;
	const uint8_t *p;
	size_t len;

	/* Exactly at the cap. */
	cur_init(&c, in, sizeof(in));
	p = cur_blob(&c, &len, 3);
	ck_assert_ptr_eq(p, in + 4);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(cur_end(&c), GW_OK);

	/* One over it. */
	cur_init(&c, in, sizeof(in));
	len = 99;
	ck_assert_ptr_null(cur_blob(&c, &len, 2));
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(c.c_err, GW_ETOOLONG);

	/* An empty blob. */
	cur_init(&c, "\0\0\0\0", 4);
	p = cur_blob(&c, &len, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(cur_end(&c), GW_OK);
}
END_TEST

/* A blob cut short: no data, and no length that claims there is some. */
START_TEST(cur_blob_truncated)
{
	static const uint8_t in[] = {5, 0, 0, 0, 'x', 'y'};
	struct cursor c;
	size_t len = 99;

	cur_init(&c, in, sizeof(in));
	ck_assert_ptr_null(cur_blob(&c, &len, 100));
	ck_assert_int_eq(c.c_err, GW_ETRUNC);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(cur_blob_huge_length)
{
	static const uint8_t in[] = {0xff, 0xff, 0xff, 0xff, 'x'};
	struct cursor c;
	size_t len;

	cur_init(&c, in, sizeof(in));
	ck_assert_ptr_null(cur_blob(&c, &len, SIZE_MAX));
	ck_assert_int_eq(c.c_err, GW_ETRUNC);
}
END_TEST

START_TEST(error_strings)
{
	ck_assert_str_eq(gw_strerror(GW_OK), "success");
	ck_assert_str_eq(gw_strerror(GW_ENOMEM), "out of memory");
	ck_assert_str_eq(gw_strerror(GW_ETRUNC), "truncated input");
	ck_assert_str_eq(gw_strerror(GW_ETOOLONG), "length over its limit");
	ck_assert_str_eq(gw_strerror(GW_ETRAILING), "trailing bytes");
	ck_assert_str_eq(
	    gw_strerror(GW_EFD), "descriptor missing or unexpected");
	ck_assert_str_eq(gw_strerror(GW_EAGAIN), "channel full");
	ck_assert_str_eq(gw_strerror(GW_ENUL), "string holds a forbidden byte");
	ck_assert_str_eq(gw_strerror(GW_EPERM), "unsafe file permissions");
	ck_assert_str_eq(gw_strerror(GW_ERROR_MIN - 1), "unknown error");
	ck_assert_str_eq(gw_strerror(1), "unknown error");
}
END_TEST

START_TEST(error_every_code_named)
{
	int e;

	for (e = GW_OK; e >= GW_ERROR_MIN; e--) {
		ck_assert_ptr_nonnull(gw_strerror(e));
		ck_assert_str_ne(gw_strerror(e), "unknown error");
	}
}
END_TEST

START_TEST(error_esys_uses_errno)
{
	errno = ENOENT;
	ck_assert_str_eq(gw_strerror(GW_ESYS), strerror(ENOENT));
}
END_TEST

static Suite *
suite_buf(void)
{
	Suite *s = suite_create("buf");
	TCase *tc;

	tc = tcase_create("buf");
	tcase_add_test(tc, buf_init_empty);
	tcase_add_test(tc, buf_growth_keeps_data);
	tcase_add_test(tc, buf_put_zero_length);
	tcase_add_test(tc, buf_max_exact_then_refused);
	tcase_add_test(tc, buf_max_partial_refused);
	tcase_add_test(tc, buf_reserve_overflow);
	tcase_add_test(tc, buf_le_integers);
	tcase_add_test(tc, buf_str_encoding);
	tcase_add_test(tc, buf_str_length_cap);
	tcase_add_test(tc, buf_str_refused_unchanged);
	tcase_add_test(tc, buf_blob_encoding);
	tcase_add_test(tc, buf_blob_refused_unchanged);
	tcase_add_test(tc, buf_poke);
	tcase_add_test(tc, buf_reset_keeps_storage);
	tcase_add_test(tc, buf_free_wipes);
	tcase_add_test(tc, buf_growth_wipes_old);
	suite_add_tcase(s, tc);

	tc = tcase_create("cursor");
	tcase_add_test(tc, cur_getters);
	tcase_add_test(tc, cur_truncation_sticks);
	tcase_add_test(tc, cur_truncation_each);
	tcase_add_test(tc, cur_str_ok);
	tcase_add_test(tc, cur_str_too_long);
	tcase_add_test(tc, cur_str_nul);
	tcase_add_test(tc, cur_str_truncated);
	tcase_add_test(tc, cur_end_trailing);
	tcase_add_test(tc, cur_blob_max);
	tcase_add_test(tc, cur_blob_truncated);
	tcase_add_test(tc, cur_blob_huge_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("error");
	tcase_add_test(tc, error_strings);
	tcase_add_test(tc, error_every_code_named);
	tcase_add_test(tc, error_esys_uses_errno);
	suite_add_tcase(s, tc);

	return s;
}

UNIT_MAIN(suite_buf)
