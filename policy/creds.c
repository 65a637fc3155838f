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
 * Admin credentials of a connection, read from a MySQL option file.  Only
 * the user and password options of the [client] section count; other
 * sections and options are skipped so the same file can serve the mysql
 * client.  Values are read the way the MySQL client reads them: optional
 * matching quotes around the value, backslash escapes, and a '#' outside
 * quotes starts a comment.
 *
 * The file must be a regular file that only its owner can read.  Error
 * messages name lines and options, never a value, and every copy of the
 * password is wiped before its memory is given back.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "policy/conf.h"

#define CREDS_FILE_MAX (64 * 1024)

static int creds_value(const char *, size_t, char *, size_t, size_t *);
static void creds_err(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
creds_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Decode the value that starts at s (n bytes, blanks trimmed at both
 * ends) into out, which holds outlen bytes with the NUL.  Returns 0,
 * GW_EINVAL for an unterminated quote or GW_ETOOLONG.
 */
static int
creds_value(const char *s, size_t n, char *out, size_t outlen, size_t *lenp)
{
	size_t i, len = 0, end = n;
	char quote = '\0', c;

	/* A quoted value ends at its closing quote, escapes skipped. */
	if (n > 0 && (s[0] == '"' || s[0] == '\'')) {
		quote = s[0];
		for (i = 1; i < n; i++) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == quote)
				break;
		}
		if (i == n)
			return GW_EINVAL;
		end = i;
		/* Only blanks and a comment may follow the quote. */
		for (i++; i < n && is_space(s[i]); i++)
			;
		if (i < n && s[i] != '#')
			return GW_EINVAL;
		s++;
		end--;
	} else {
		/* Unquoted, a '#' starts a comment. */
		for (i = 0; i < n && s[i] != '#'; i++)
			;
		while (i > 0 && is_space(s[i - 1]))
			i--;
		end = i;
	}

	for (i = 0; i < end; i++) {
		c = s[i];
		if (c == '\\' && i + 1 < end) {
			switch (s[++i]) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'b':
				c = '\b';
				break;
			case 's':
				c = ' ';
				break;
			case '"':
			case '\'':
			case '\\':
				c = s[i];
				break;
			default:
				/* Unknown escapes keep their backslash. */
				if (len + 1 >= outlen)
					return GW_ETOOLONG;
				out[len++] = '\\';
				c = s[i];
				break;
			}
		}
		if (len + 1 >= outlen)
			return GW_ETOOLONG;
		out[len++] = c;
	}
	out[len] = '\0';
	*lenp = len;
	return 0;
}

int
conf_creds_parse(const char *buf, size_t len, struct conf_creds *cc,
    char *errbuf, size_t errlen)
{
	char value[sizeof(cc->cc_password)];
	const char *line, *eol, *eq, *next, *end = buf + len;
	size_t n, klen, vlen, vstart;
	int r = GW_OK, lineno = 0, in_client = 0, have_user = 0;
	int have_password = 0, in_section = 0;

	memset(cc, 0, sizeof(*cc));
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';

	if (memchr(buf, '\0', len) != NULL) {
		creds_err(errbuf, errlen, "the file holds a NUL byte");
		r = GW_ENUL;
		goto out;
	}

	for (line = buf; line < end; line = next) {
		lineno++;
		if ((eol = memchr(line, '\n', end - line)) == NULL)
			eol = end;
		next = eol < end ? eol + 1 : end;
		n = eol - line;
		while (n > 0 && is_space(*line)) {
			line++;
			n--;
		}
		while (n > 0 && is_space(line[n - 1]))
			n--;
		if (n == 0 || line[0] == '#' || line[0] == ';')
			continue;

		if (line[0] == '[') {
			if (line[n - 1] != ']') {
				creds_err(errbuf, errlen,
				    "line %d: malformed section header",
				    lineno);
				r = GW_EINVAL;
				goto out;
			}
			for (line++, n -= 2; n > 0 && is_space(*line); n--)
				line++;
			while (n > 0 && is_space(line[n - 1]))
				n--;
			in_section = 1;
			in_client = n == 6 && memcmp(line, "client", 6) == 0;
			continue;
		}
		if (line[0] == '!') {
			creds_err(errbuf, errlen,
			    "line %d: include directives are not supported",
			    lineno);
			r = GW_EINVAL;
			goto out;
		}
		if (!in_section) {
			creds_err(errbuf, errlen,
			    "line %d: option outside a section", lineno);
			r = GW_EINVAL;
			goto out;
		}
		if (!in_client)
			continue;

		/* key [= value] */
		if ((eq = memchr(line, '=', n)) == NULL)
			continue;
		for (klen = eq - line; klen > 0 && is_space(line[klen - 1]);
		     klen--)
			;
		for (vstart = eq - line + 1;
		     vstart < n && is_space(line[vstart]); vstart++)
			;
		if (klen == 4 && memcmp(line, "user", 4) == 0) {
			r = creds_value(line + vstart, n - vstart, cc->cc_user,
			    sizeof(cc->cc_user), &vlen);
			have_user = 1;
		} else if (klen == 8 && memcmp(line, "password", 8) == 0) {
			r = creds_value(line + vstart, n - vstart, value,
			    sizeof(value), &vlen);
			if (r == 0)
				memcpy(cc->cc_password, value, vlen + 1);
			have_password = 1;
		} else
			continue;
		if (r == GW_ETOOLONG) {
			creds_err(errbuf, errlen,
			    "line %d: %.*s is longer than %zu bytes", lineno,
			    (int)klen, line,
			    (klen == 4 ? sizeof(cc->cc_user)
				       : sizeof(cc->cc_password)) -
				1);
			goto out;
		}
		if (r != 0) {
			creds_err(errbuf, errlen,
			    "line %d: unterminated quote in %.*s", lineno,
			    (int)klen, line);
			goto out;
		}
	}

	if (!have_user || cc->cc_user[0] == '\0') {
		creds_err(errbuf, errlen, "no user in the [client] section");
		r = GW_EINVAL;
	} else if (!have_password) {
		creds_err(
		    errbuf, errlen, "no password in the [client] section");
		r = GW_EINVAL;
	}

out:
	explicit_bzero(value, sizeof(value));
	if (r != GW_OK)
		explicit_bzero(cc, sizeof(*cc));
	return r;
}

int
conf_creds_read(
    const char *path, struct conf_creds *cc, char *errbuf, size_t errlen)
{
	struct stat st;
	char *buf = NULL, msg[256];
	size_t len = 0;
	ssize_t n;
	int fd, r;

	memset(cc, 0, sizeof(*cc));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		creds_err(errbuf, errlen, "%s: %s", path, strerror(errno));
		return GW_ESYS;
	}
	if (fstat(fd, &st) == -1) {
		creds_err(errbuf, errlen, "%s: %s", path, strerror(errno));
		r = GW_ESYS;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		creds_err(errbuf, errlen, "%s: not a regular file", path);
		r = GW_EINVAL;
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		creds_err(errbuf, errlen,
		    "%s: group or others can read it; chmod 600", path);
		r = GW_EPERM;
		goto out;
	}
	if (st.st_size > CREDS_FILE_MAX) {
		creds_err(errbuf, errlen, "%s: larger than %d bytes", path,
		    CREDS_FILE_MAX);
		r = GW_ETOOLONG;
		goto out;
	}

	/* One byte over the cap shows a file that grew since fstat. */
	if ((buf = malloc(CREDS_FILE_MAX + 1)) == NULL) {
		creds_err(errbuf, errlen, "%s: out of memory", path);
		r = GW_ENOMEM;
		goto out;
	}
	while (len < CREDS_FILE_MAX + 1) {
		n = read(fd, buf + len, CREDS_FILE_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			creds_err(
			    errbuf, errlen, "%s: %s", path, strerror(errno));
			r = GW_ESYS;
			goto out;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len > CREDS_FILE_MAX) {
		creds_err(errbuf, errlen, "%s: larger than %d bytes", path,
		    CREDS_FILE_MAX);
		r = GW_ETOOLONG;
		goto out;
	}

	r = conf_creds_parse(buf, len, cc, msg, sizeof(msg));
	if (r != GW_OK)
		creds_err(errbuf, errlen, "%s: %s", path, msg);

out:
	if (buf != NULL) {
		explicit_bzero(buf, CREDS_FILE_MAX + 1);
		free(buf);
	}
	close(fd);
	return r;
}
