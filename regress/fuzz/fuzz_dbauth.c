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
 * libFuzzer target for common/dbauth.c, the client side of the database
 * login's plugin exchange, which reads what the database sends.  An
 * input is a flags byte (bit 0: the link is TLS; bit 1: the greeting
 * names caching_sha2_password) and then server packets, each behind a
 * 16-bit little-endian length.  Whatever the packets, the machine must
 * return a known outcome, put out only answers of the plugins' sizes,
 * and never put the password out in clear without TLS.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/dbauth.h"
#include "common/error.h"
#include "common/mysql.h"

#define PW "fuzz-password"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void must(int);

static void
must(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mysql_handshake hs;
	struct dbauth da;
	const char *plugin;
	struct buf out;
	size_t len;
	int tls, r;

	if (size < 1)
		return 0;
	tls = data[0] & 1;
	memset(&hs, 0, sizeof(hs));
	memcpy(hs.hs_auth, "abcdefghijklmnopqrst", 21);
	hs.hs_auth_len = 21;
	hs.hs_plugin.ms_p = (data[0] & 2) ? DBAUTH_SHA2 : DBAUTH_NATIVE;
	hs.hs_plugin.ms_len = strlen(hs.hs_plugin.ms_p);
	data++;
	size--;

	buf_init(&out, MYSQL_AUTH_MAX);
	must(dbauth_start(&da, PW, strlen(PW), tls, &hs, &out, &plugin) ==
	    GW_OK);
	while (size >= 2) {
		len = data[0] | (size_t)data[1] << 8;
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		buf_reset(&out);
		r = dbauth_reply(&da, data, len, &out);
		must(r == DBA_SEND || r == DBA_WAIT || r == DBA_OK ||
		    r == DBA_ERR || (r < 0 && r >= GW_ERROR_MIN));
		if (r == DBA_SEND) {
			must(out.b_len == MYSQL_NATIVE_LEN ||
			    out.b_len == MYSQL_SHA2_LEN ||
			    out.b_len == MYSQL_ED25519_LEN || out.b_len == 1 ||
			    (tls && out.b_len == strlen(PW) + 1) ||
			    (out.b_len >= 256 && out.b_len <= MYSQL_RSA_MAX));
			must(tls ||
			    memmem(out.b_data, out.b_len, PW, strlen(PW)) ==
				NULL);
		} else {
			must(out.b_len == 0);
		}
		if (r != DBA_SEND && r != DBA_WAIT)
			break;
		data += len;
		size -= len;
	}
	dbauth_clear(&da);
	buf_free(&out);
	return 0;
}
