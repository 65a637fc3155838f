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
 * Logging to syslog, or to stderr in the foreground.  A process may
 * install a sink instead: the worker sends its lines to the broker, which
 * checks and tags them before they reach syslog.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

static int log_foreground = 1;
static int log_verbosity;
static const char *log_name = "gatewayd";
static log_sink_fn *log_sink;

static void log_vwrite(int, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

void
log_init(int foreground, int verbosity, const char *procname)
{
	log_foreground = foreground;
	log_verbosity = verbosity;
	log_name = procname;
	if (!foreground)
		openlog(procname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void
log_procname(const char *procname)
{
	log_name = procname;
}

void
log_setverbose(int verbosity)
{
	log_verbosity = verbosity;
}

int
log_getverbose(void)
{
	return log_verbosity;
}

void
log_setsink(log_sink_fn *sink)
{
	log_sink = sink;
}

/* Write one finished line at a syslog priority. */
void
log_emit(int pri, const char *line)
{
	if (log_sink != NULL) {
		log_sink(pri, line);
		return;
	}
	if (log_foreground) {
		int saved = errno;

		fprintf(
		    stderr, "%s[%ld]: %s\n", log_name, (long)getpid(), line);
		fflush(stderr);
		errno = saved;
	} else
		syslog(pri, "%s", line);
}

static void
log_vwrite(int pri, int with_errno, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int saved = errno;
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (with_errno) {
		n = strlen(line);
		snprintf(line + n, sizeof(line) - n, ": %s", strerror(saved));
	}
	log_emit(pri, line);
	errno = saved;
}

#define LOG_FN(name, pri, level, err)                                          \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
                                                                               \
		if (log_verbosity < (level))                                   \
			return;                                                \
		va_start(ap, fmt);                                             \
		log_vwrite((pri), (err), fmt, ap);                             \
		va_end(ap);                                                    \
	}

LOG_FN(log_warn, LOG_WARNING, LOG_LEVEL_INFO, 1)
LOG_FN(log_warnx, LOG_WARNING, LOG_LEVEL_INFO, 0)
LOG_FN(log_info, LOG_INFO, LOG_LEVEL_INFO, 0)
LOG_FN(log_verbose, LOG_INFO, LOG_LEVEL_VERBOSE, 0)
LOG_FN(log_debug, LOG_DEBUG, LOG_LEVEL_DEBUG, 0)
LOG_FN(log_trace, LOG_DEBUG, LOG_LEVEL_TRACE, 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

/*
 * One byte's escape: backslash, double quote and every byte outside
 * 0x20-0x7e become \\, \", \n, \t, \r or \xNN.  Returns its length.
 */
static size_t
log_escape_byte(unsigned char c, char esc[4])
{
	static const char hex[] = "0123456789abcdef";

	if (c == '\\' || c == '"') {
		esc[0] = '\\';
		esc[1] = (char)c;
		return 2;
	}
	if (c == '\n' || c == '\t' || c == '\r') {
		esc[0] = '\\';
		esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		return 2;
	}
	if (c < 0x20 || c > 0x7e) {
		esc[0] = '\\';
		esc[1] = 'x';
		esc[2] = hex[c >> 4];
		esc[3] = hex[c & 0xf];
		return 4;
	}
	esc[0] = (char)c;
	return 1;
}

/*
 * Copy untrusted bytes into dst as printable ASCII, escaped as above.
 * When the result would not fit, it is cut at a whole escape and ends in
 * "...".  Returns the number of source bytes copied.
 */
size_t
log_escape(char *dst, size_t dstsz, const void *src, size_t srclen)
{
	const unsigned char *s = src;
	size_t i, o = 0, elen, need = 0, room;
	char esc[4];
	int cut;

	if (dstsz == 0)
		return 0;
	for (i = 0; i < srclen && need < dstsz; i++)
		need += log_escape_byte(s[i], esc);
	cut = i < srclen || need >= dstsz;
	/* Keep room for "..." and the NUL when cutting. */
	if (cut)
		room = dstsz >= 4 ? dstsz - 4 : 0;
	else
		room = dstsz - 1;

	for (i = 0; i < srclen; i++) {
		elen = log_escape_byte(s[i], esc);
		if (o + elen > room)
			break;
		memcpy(dst + o, esc, elen);
		o += elen;
	}
	if (cut && dstsz >= 4) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return i;
}

/* The compact tag that starts every line about one session. */
const char *
log_session_tag(char *buf, size_t bufsz, uint64_t session)
{
	snprintf(buf, bufsz, "s=%016" PRIx64, session);
	return buf;
}
