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
 * Growable byte buffers for building messages, and a read cursor for
 * decoding them.  Integers are little-endian on every wire gatewayd
 * speaks.  A cursor remembers its first error: decode every field, then
 * ask cur_end() once whether all went well and nothing was left over.
 */

#ifndef GW_BUF_H
#define GW_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *b_data;
	size_t b_len;  /* bytes in use */
	size_t b_size; /* bytes allocated */
	size_t b_max;  /* never grow past this */
};

struct cursor {
	const uint8_t *c_p;
	size_t c_left;
	int c_err; /* first error, or 0 */
};

void buf_init(struct buf *, size_t);
void buf_free(struct buf *);
void buf_reset(struct buf *);
int buf_reserve(struct buf *, size_t) __attribute__((warn_unused_result));
int
buf_put(struct buf *, const void *, size_t) __attribute__((warn_unused_result));
int buf_put_u8(struct buf *, uint8_t) __attribute__((warn_unused_result));
int buf_put_u16(struct buf *, uint16_t) __attribute__((warn_unused_result));
int buf_put_u32(struct buf *, uint32_t) __attribute__((warn_unused_result));
int buf_put_u64(struct buf *, uint64_t) __attribute__((warn_unused_result));
int buf_put_str(struct buf *, const char *) __attribute__((warn_unused_result));
int buf_put_blob(struct buf *, const void *, size_t)
    __attribute__((warn_unused_result));
void buf_poke_u32(struct buf *, size_t, uint32_t);

void cur_init(struct cursor *, const void *, size_t);
uint8_t cur_u8(struct cursor *);
uint16_t cur_u16(struct cursor *);
uint32_t cur_u32(struct cursor *);
uint64_t cur_u64(struct cursor *);
const uint8_t *cur_bytes(struct cursor *, size_t);
int cur_str(struct cursor *, char *, size_t);
const uint8_t *cur_blob(struct cursor *, size_t *, size_t);
int cur_end(const struct cursor *) __attribute__((warn_unused_result));

#endif /* GW_BUF_H */
