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
 * Rewriting the process title.  Only argv's own bytes are reused, never
 * the environment's, so nothing that follows argv in memory is touched.
 */

#include <sys/prctl.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/proctitle.h"

static char *title_start;
static size_t title_len;

void
proctitle_init(int argc, char **argv)
{
	int i;

	if (argc < 1 || argv[0] == NULL)
		return;
	title_start = argv[0];
	title_len = strlen(argv[0]);
	/* argv strings are contiguous; extend over the ones that follow. */
	for (i = 1; i < argc; i++) {
		if (argv[i] != title_start + title_len + 1)
			break;
		title_len += strlen(argv[i]) + 1;
	}
}

void
proctitle_set(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* The short name shows in top and in /proc/PID/comm. */
	prctl(PR_SET_NAME, strncmp(buf, "gatewayd: ", 10) == 0 ? buf + 10 : buf,
	    0, 0, 0);
	if (title_start == NULL)
		return;
	n = strlen(buf);
	if (n > title_len)
		n = title_len;
	memcpy(title_start, buf, n);
	memset(title_start + n, '\0', title_len - n + 1);
}

/*
 * An argv[0] for a child: the title followed by spaces up to
 * PROCTITLE_PAD bytes, so the child has room to rewrite it later.
 */
char *
proctitle_padded(const char *title)
{
	size_t n = strlen(title);
	char *p;

	if (n < PROCTITLE_PAD)
		n = PROCTITLE_PAD;
	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memset(p, ' ', n);
	memcpy(p, title, strlen(title));
	p[n] = '\0';
	return p;
}
