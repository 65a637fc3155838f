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
 * Byte buffers and the decoding cursor.  Strings on the IPC wire are a
 * 16-bit length and that many bytes, no NUL; cur_str() refuses embedded
 * NULs and lengths that would not fit the caller's array, so every
 * received string is bounded and terminated.
 */

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->b_max = max;
}

void
buf_free(struct buf *b)
{
	if (b->b_data != NULL)
		explicit_bzero(b->b_data, b->b_size);
	free(b->b_data);
	b->b_data = NULL;
	b->b_len = b->b_size = 0;
}

void
buf_reset(struct buf *b)
{
	b->b_len = 0;
}

int
buf_reserve(struct buf *b, size_t n)
{
	size_t want;
	uint8_t *p;

	if (n > b->b_max || b->b_len > b->b_max - n)
		return GW_ETOOLONG;
	want = b->b_len + n;
	if (want <= b->b_size)
		return GW_OK;
	if (want < 256)
		want = 256 < b->b_max ? 256 : b->b_max;
	else if (want < b->b_max / 2 && want < b->b_size * 2)
		want = b->b_size * 2;
	if ((p = malloc(want)) == NULL)
		return GW_ENOMEM;
	/* Copy and wipe rather than realloc: buffers carry secrets. */
	if (b->b_data != NULL) {
		memcpy(p, b->b_data, b->b_len);
		explicit_bzero(b->b_data, b->b_size);
		free(b->b_data);
	}
	b->b_data = p;
	b->b_size = want;
	return GW_OK;
}

int
buf_put(struct buf *b, const void *p, size_t n)
{
	int r;

	if (n == 0)
		return GW_OK;
	if ((r = buf_reserve(b, n)) != GW_OK)
		return r;
	memcpy(b->b_data + b->b_len, p, n);
	b->b_len += n;
	return GW_OK;
}

int
buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put(b, &v, 1);
}

int
buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t p[2] = {v & 0xff, v >> 8};

	return buf_put(b, p, sizeof(p));
}

int
buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t p[4];
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
	return buf_put(b, p, sizeof(p));
}

int
buf_put_u64(struct buf *b, uint64_t v)
{
	uint8_t p[8];
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
	return buf_put(b, p, sizeof(p));
}

/* A string: 16-bit length, then the bytes; NULL is the empty string. */
int
buf_put_str(struct buf *b, const char *s)
{
	size_t n = s == NULL ? 0 : strlen(s);
	int r;

	if (n > UINT16_MAX)
		return GW_ETOOLONG;
	/* Room for all of it first, so a refusal leaves b unchanged. */
	if ((r = buf_reserve(b, 2 + n)) != GW_OK)
		return r;
	if ((r = buf_put_u16(b, (uint16_t)n)) != GW_OK)
		return r;
	return buf_put(b, s, n);
}

/* A blob: 32-bit length, then the bytes. */
int
buf_put_blob(struct buf *b, const void *p, size_t n)
{
	int r;

	if (n > UINT32_MAX || n > SIZE_MAX - 4)
		return GW_ETOOLONG;
	if ((r = buf_reserve(b, 4 + n)) != GW_OK)
		return r;
	if ((r = buf_put_u32(b, (uint32_t)n)) != GW_OK)
		return r;
	return buf_put(b, p, n);
}

/* Overwrite four bytes at off, for lengths known only at the end. */
void
buf_poke_u32(struct buf *b, size_t off, uint32_t v)
{
	int i;

	if (off > b->b_len || b->b_len - off < 4)
		return;
	for (i = 0; i < 4; i++)
		b->b_data[off + i] = (v >> (8 * i)) & 0xff;
}

void
cur_init(struct cursor *c, const void *p, size_t n)
{
	c->c_p = p;
	c->c_left = n;
	c->c_err = GW_OK;
}

const uint8_t *
cur_bytes(struct cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->c_err != GW_OK)
		return NULL;
	if (n > c->c_left) {
		c->c_err = GW_ETRUNC;
		return NULL;
	}
	p = c->c_p;
	c->c_p += n;
	c->c_left -= n;
	return p;
}

uint8_t
cur_u8(struct cursor *c)
{
	const uint8_t *p = cur_bytes(c, 1);

	return p == NULL ? 0 : p[0];
}

uint16_t
cur_u16(struct cursor *c)
{
	const uint8_t *p = cur_bytes(c, 2);

	return p == NULL ? 0 : (uint16_t)(p[0] | p[1] << 8);
}

uint32_t
cur_u32(struct cursor *c)
{
	const uint8_t *p = cur_bytes(c, 4);
	uint32_t v = 0;
	int i;

	if (p == NULL)
		return 0;
	for (i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t
cur_u64(struct cursor *c)
{
	const uint8_t *p = cur_bytes(c, 8);
	uint64_t v = 0;
	int i;

	if (p == NULL)
		return 0;
	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * Decode a string into dst, which holds dstsz bytes with the NUL.  On any
 * error dst is the empty string and the cursor keeps the error.
 */
int
cur_str(struct cursor *c, char *dst, size_t dstsz)
{
	const uint8_t *p;
	uint16_t n;

	if (dstsz > 0)
		dst[0] = '\0';
	n = cur_u16(c);
	if (c->c_err != GW_OK)
		return c->c_err;
	if ((size_t)n >= dstsz) {
		c->c_err = GW_ETOOLONG;
		return c->c_err;
	}
	if ((p = cur_bytes(c, n)) == NULL)
		return c->c_err;
	if (memchr(p, '\0', n) != NULL) {
		c->c_err = GW_ENUL;
		return c->c_err;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
	return GW_OK;
}

/* Decode a blob of at most max bytes; returns a pointer into the input. */
const uint8_t *
cur_blob(struct cursor *c, size_t *lenp, size_t max)
{
	const uint8_t *p;
	uint32_t n;

	*lenp = 0;
	n = cur_u32(c);
	if (c->c_err != GW_OK)
		return NULL;
	if (n > max) {
		c->c_err = GW_ETOOLONG;
		return NULL;
	}
	if ((p = cur_bytes(c, n)) != NULL)
		*lenp = n;
	return p;
}

/* 0 when every field decoded and the input is consumed to its last byte. */
int
cur_end(const struct cursor *c)
{
	if (c->c_err != GW_OK)
		return c->c_err;
	if (c->c_left != 0)
		return GW_ETRAILING;
	return GW_OK;
}
