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
 * libFuzzer target for the response state machine.  The input is a
 * capability byte, then records: a byte under 0x80 queues that command,
 * a byte 0x80 and over is a packet whose length follows in two bytes
 * and whose bytes follow that.  Whatever the bytes, the machine must
 * neither crash nor leave a known state.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/mysql.h"
#include "common/resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct resp r;
	const char *why;
	size_t i = 1, len, avail;

	if (n < 1)
		return 0;
	resp_init(
	    &r, CLIENT_PROTOCOL_41 | (p[0] & 1 ? CLIENT_DEPRECATE_EOF : 0));
	while (i < n) {
		if (p[i] < 0x80) {
			(void)resp_expect(&r, p[i]);
			i++;
			continue;
		}
		if (n - i < 3)
			break;
		len = (size_t)p[i + 1] | (size_t)p[i + 2] << 8;
		i += 3;
		avail = n - i < len ? n - i : len;
		/* A long row may claim the 16 MiB size. */
		if (resp_packet(&r, p + i, avail > 32 ? 32 : avail,
			len == 0xffff ? MYSQL_PACKET_MAX : len, &why) == -1 &&
		    why == NULL)
			abort();
		if (r.rs_state > RS_FIELDS || r.rs_count > RESP_QUEUE)
			abort();
		i += avail;
	}
	return 0;
}
