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
 * Logging.  Levels and what they mean:
 *
 *   log_warn/log_warnx  something failed; log_warn appends strerror(errno)
 *   log_info            lifecycle: start, stop, reload, session open/close
 *   log_verbose (-v)    policy decisions
 *   log_debug (-vv)     internals worth seeing while debugging
 *   log_trace (-vvv)    every IPC message
 *
 * Text that came from outside (SQL, user names, claims, peer addresses)
 * goes through log_escape() before it reaches a format string.  Session
 * lines start with the tag that log_session_tag() makes.
 */

#ifndef GW_LOG_H
#define GW_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_LEVEL_INFO	  0
#define LOG_LEVEL_VERBOSE 1
#define LOG_LEVEL_DEBUG	  2
#define LOG_LEVEL_TRACE	  3

/* Longest escaped string, with its NUL; longer input is cut with "...". */
#define LOG_ESCAPE_MAX 256
#define LOG_TAG_MAX    24
#define LOG_LINE_MAX   1024

typedef void log_sink_fn(int, const char *);

void log_init(int, int, const char *);
void log_procname(const char *);
void log_setverbose(int);
int log_getverbose(void);
void log_setsink(log_sink_fn *);

void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_verbose(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_trace(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_emit(int, const char *);
__attribute__((noreturn)) void
fatal(const char *, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void
fatalx(const char *, ...) __attribute__((format(printf, 1, 2)));

size_t log_escape(char *, size_t, const void *, size_t);
const char *log_session_tag(char *, size_t, uint64_t);

#endif /* GW_LOG_H */
