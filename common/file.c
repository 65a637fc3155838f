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
 * Whole-file reads.  The file is read to its end rather than to the
 * size fstat() gave, so a file that changes meanwhile cannot overrun
 * the buffer or be cut short silently.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/file.h"

/*
 * Read path into a new NUL-terminated buffer of at most max bytes.  On
 * failure err says why, as "PATH: reason".
 */
int
file_read(const char *path, size_t max, int flags, char **textp, size_t *lenp,
    char *err, size_t errlen)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, r = GW_ESYS;

	*textp = NULL;
	*lenp = 0;
	fd = open(path,
	    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		((flags & FILE_NOFOLLOW) ? O_NOFOLLOW : 0));
	if (fd == -1) {
		gw_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return GW_ESYS;
	}
	if (fstat(fd, &st) == -1) {
		gw_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		gw_seterr(err, errlen, "%s: not a regular file", path);
		r = GW_EINVAL;
		goto out;
	}
	if ((flags & FILE_NOWRITE) && (st.st_mode & (S_IWGRP | S_IWOTH))) {
		gw_seterr(err, errlen, "%s: writable by group or others", path);
		r = GW_EPERM;
		goto out;
	}
	/* One byte over the cap, so that an oversized file shows. */
	if ((text = malloc(max + 2)) == NULL) {
		gw_seterr(err, errlen, "%s: out of memory", path);
		r = GW_ENOMEM;
		goto out;
	}
	while (len < max + 1) {
		n = read(fd, text + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			gw_seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		gw_seterr(err, errlen, "%s: over %zu bytes", path, max);
		r = GW_ETOOLONG;
		goto out;
	}
	text[len] = '\0';
	*textp = text;
	*lenp = len;
	text = NULL;
	r = GW_OK;
out:
	free(text);
	close(fd);
	return r;
}
