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
 * Process titles, so that ps shows "gatewayd: broker" and
 * "gatewayd: worker shop agent-7 10.0.0.5:41234".  The parent execs each
 * child with a title as argv[0]; proctitle_set() later rewrites it in
 * place, within the bytes the kernel gave argv.
 */

#ifndef GW_PROCTITLE_H
#define GW_PROCTITLE_H

#define PROCTITLE_PAD 96 /* argv[0] room reserved by the exec'ing side */

void proctitle_init(int, char **);
void proctitle_set(const char *, ...) __attribute__((format(printf, 1, 2)));
char *proctitle_padded(const char *);

#endif /* GW_PROCTITLE_H */
