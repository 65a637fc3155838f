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

/* The string table for the error codes in error.h. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"

static const char *const gw_errors[] = {
    "success",
    "out of memory",
    "truncated input",
    "length over its limit",
    "invalid value",
    "trailing bytes",
    "system call failed",
    "unknown message type",
    "message not allowed in this phase",
    "message length out of range",
    "descriptor missing or unexpected",
    "sequence number out of order",
    "session id does not match",
    "protocol version mismatch",
    "peer closed the channel",
    "channel full",
    "string holds a forbidden byte",
    "unsafe file permissions",
    "stored data is corrupt",
    "in use by another process",
    "database error",
    "timed out",
    "protocol violation",
    "capability mismatch",
    "cryptographic operation failed",
    "authentication plugin not supported",
};

const char *
gw_strerror(int error)
{
	if (error == GW_ESYS)
		return strerror(errno);
	if (error > 0 || error < GW_ERROR_MIN)
		return "unknown error";
	return gw_errors[-error];
}

/* Say why into a caller's buffer, which may be absent. */
void
gw_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
