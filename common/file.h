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
 * Reading a whole trusted file (configuration, key sets) into memory,
 * with the checks every such file gets: a regular file, not writable by
 * group or others when asked, and no larger than the caller's cap.
 */

#ifndef GW_FILE_H
#define GW_FILE_H

#include <stddef.h>

#define FILE_NOWRITE  0x01 /* refuse if group or others can write */
#define FILE_NOFOLLOW 0x02 /* refuse a symbolic link */

int file_read(const char *, size_t, int, char **, size_t *, char *, size_t)
    __attribute__((warn_unused_result));

#endif /* GW_FILE_H */
