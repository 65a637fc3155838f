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
 * The minted-user ledger (see ledger.h for the file format).  The whole
 * file is replayed into a list at open; afterwards every change is
 * appended and fsynced first and applied to the list second, so the list
 * never shows what the disk does not hold.  After a write or fsync fails
 * the ledger refuses every further change: the file's state is then
 * unknown, and reopening it is the way to learn it again.
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "broker/ledger.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"

#define LEDGER_FIELDS_MAX 9

TAILQ_HEAD(ledger_entries, ledger_entry);

struct ledger {
	int l_dirfd;
	int l_fd;
	int l_lockfd;
	int l_failed;	   /* a write failed; refuse changes */
	uint64_t l_size;   /* bytes of whole records in the file */
	size_t l_records;  /* records in the file, header excluded */
	size_t l_live;	   /* entries in l_entries */
	size_t l_ncreated; /* of which LEDGER_CREATED */
	size_t l_torn;	   /* bytes cut at open */
	struct ledger_entries l_entries;
};

/* One record, as read from or written to the file. */
struct ledger_rec {
	char r_kind; /* 'I', 'C' or 'D' */
	int64_t r_when;
	struct ledger_entry r_e; /* name and host; the rest for 'I' */
};

static uint32_t crc32_ieee(const void *, size_t);
static int subject_ok(const char *);
static size_t subject_encode(char *, size_t, const char *);
static int subject_decode(char *, size_t, const char *);
static int number_parse(const char *, int64_t *);
static int rec_parse(struct ledger_rec *, const char *, size_t);
static int rec_format(char *, size_t, const struct ledger_rec *);
static struct ledger_entry *
entry_find(const struct ledger *, const char *, const char *);
static int
rec_apply(struct ledger *, const struct ledger_rec *, char *, size_t);
static int
rec_append(struct ledger *, const struct ledger_rec *, char *, size_t);
static int write_all(int, const void *, size_t, off_t);
static int file_build(const struct ledger *, struct buf *);
static int file_replace(struct ledger *, char *, size_t);
static int file_load(struct ledger *, char *, size_t);
static void entries_free(struct ledger *);

/* CRC-32 with the reflected polynomial 0xedb88320, bit by bit. */
static uint32_t
crc32_ieee(const void *p, size_t len)
{
	const uint8_t *s = p;
	uint32_t crc = 0xffffffff;
	size_t i;
	int bit;

	for (i = 0; i < len; i++) {
		crc ^= s[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

/*
 * Character sets.  A user name is what mint.c makes and a little more;
 * a host part is an address, a name, or a pattern with % and _.
 */
int
ledger_name_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i > 0 && i <= LEDGER_NAME_MAX;
}

int
ledger_host_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
			s[i] == ':' || s[i] == '%' || s[i] == '_' ||
			s[i] == '-'))
			return 0;
	return i > 0 && i <= LEDGER_HOST_MAX;
}

/* Connection and grant names, as the configuration parser allows them. */
int
ledger_label_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
			s[i] == '_' || s[i] == '-'))
			return 0;
	return i > 0 && i <= LEDGER_LABEL_MAX;
}

static int
subject_ok(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len <= LEDGER_SUBJECT_MAX;
}

/* Percent-encodes s into dst; returns the length, or 0 if it did not fit. */
static size_t
subject_encode(char *dst, size_t dstlen, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p != '\0'; p++) {
		if (*p > ' ' && *p < 0x7f && *p != '%') {
			if (n + 1 >= dstlen)
				return 0;
			dst[n++] = (char)*p;
			continue;
		}
		if (n + 3 >= dstlen)
			return 0;
		dst[n++] = '%';
		dst[n++] = hex[*p >> 4];
		dst[n++] = hex[*p & 0x0f];
	}
	if (n >= dstlen)
		return 0;
	dst[n] = '\0';
	return n;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The inverse of subject_encode(), refusing any other spelling. */
static int
subject_decode(char *dst, size_t dstlen, const char *s)
{
	size_t n = 0;
	int hi, lo, c;

	for (; *s != '\0'; s++) {
		if (n + 1 >= dstlen)
			return -1;
		if (*s != '%') {
			dst[n++] = *s;
			continue;
		}
		if ((hi = hexval(s[1])) == -1 || (lo = hexval(s[2])) == -1)
			return -1;
		c = hi << 4 | lo;
		/* Bytes the encoder would have written as they are. */
		if (c == 0 || (c > ' ' && c < 0x7f && c != '%'))
			return -1;
		dst[n++] = (char)c;
		s += 2;
	}
	dst[n] = '\0';
	return n > 0 ? 0 : -1;
}

/* A non-negative decimal of at most 18 digits. */
static int
number_parse(const char *s, int64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 18)
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return i > 0 ? 0 : -1;
}

static int
copy_field(char *dst, size_t dstlen, const char *s, int (*ok)(const char *))
{
	if (!ok(s) || strlcpy(dst, s, dstlen) >= dstlen)
		return -1;
	return 0;
}

/*
 * Parses one line, without its newline.  Returns 0, or -1 for anything
 * but a well-formed record with a matching checksum.
 */
static int
rec_parse(struct ledger_rec *r, const char *line, size_t len)
{
	char copy[LEDGER_LINE_MAX + 1], *field[LEDGER_FIELDS_MAX], *p;
	const char *crcfield;
	int64_t crc;
	size_t i, nfield = 0, want;

	memset(r, 0, sizeof(*r));
	if (len == 0 || len > LEDGER_LINE_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (line[i] < ' ' || line[i] > '~')
			return -1;
	memcpy(copy, line, len);
	copy[len] = '\0';

	/* Fields are separated by exactly one space; none is empty. */
	for (p = copy; nfield < LEDGER_FIELDS_MAX;) {
		field[nfield++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		*p++ = '\0';
	}
	if (p != NULL)
		return -1;
	for (i = 0; i < nfield; i++)
		if (field[i][0] == '\0')
			return -1;

	/* The checksum covers the line up to the space before it. */
	crcfield = field[nfield - 1];
	if (strlen(crcfield) != 8)
		return -1;
	for (crc = 0, i = 0; i < 8; i++) {
		if (crcfield[i] >= 'a' && crcfield[i] <= 'f')
			crc = crc << 4 | (crcfield[i] - 'a' + 10);
		else if (crcfield[i] >= '0' && crcfield[i] <= '9')
			crc = crc << 4 | (crcfield[i] - '0');
		else
			return -1;
	}
	if ((uint32_t)crc != crc32_ieee(line, (size_t)(crcfield - copy) - 1))
		return -1;

	if (strlen(field[0]) != 1)
		return -1;
	r->r_kind = field[0][0];
	switch (r->r_kind) {
	case 'I':
		want = 9;
		break;
	case 'C':
	case 'D':
		want = 5;
		break;
	default:
		return -1;
	}
	if (nfield != want)
		return -1;
	if (number_parse(field[1], &r->r_when) == -1 ||
	    copy_field(r->r_e.le_name, sizeof(r->r_e.le_name), field[2],
		ledger_name_ok) == -1 ||
	    copy_field(r->r_e.le_host, sizeof(r->r_e.le_host), field[3],
		ledger_host_ok) == -1)
		return -1;
	if (r->r_kind != 'I')
		return 0;
	if (number_parse(field[4], &r->r_e.le_expiry) == -1 ||
	    copy_field(r->r_e.le_connection, sizeof(r->r_e.le_connection),
		field[5], ledger_label_ok) == -1 ||
	    copy_field(r->r_e.le_grant, sizeof(r->r_e.le_grant), field[6],
		ledger_label_ok) == -1 ||
	    subject_decode(
		r->r_e.le_subject, sizeof(r->r_e.le_subject), field[7]) == -1)
		return -1;
	r->r_e.le_since = r->r_when;
	return 0;
}

/* Formats r as a line with its newline; returns its length or -1. */
static int
rec_format(char *line, size_t linelen, const struct ledger_rec *r)
{
	char subject[LEDGER_SUBJECT_MAX * 3 + 1];
	int n, m;

	if (r->r_kind == 'I') {
		if (subject_encode(
			subject, sizeof(subject), r->r_e.le_subject) == 0)
			return -1;
		n = snprintf(line, linelen, "I %lld %s %s %lld %s %s %s",
		    (long long)r->r_when, r->r_e.le_name, r->r_e.le_host,
		    (long long)r->r_e.le_expiry, r->r_e.le_connection,
		    r->r_e.le_grant, subject);
	} else {
		n = snprintf(line, linelen, "%c %lld %s %s", r->r_kind,
		    (long long)r->r_when, r->r_e.le_name, r->r_e.le_host);
	}
	if (n < 0 || (size_t)n >= linelen)
		return -1;
	m = snprintf(line + n, linelen - (size_t)n, " %08x\n",
	    crc32_ieee(line, (size_t)n));
	if (m < 0 || (size_t)m >= linelen - (size_t)n)
		return -1;
	return n + m;
}

static struct ledger_entry *
entry_find(const struct ledger *l, const char *name, const char *host)
{
	struct ledger_entry *e;

	TAILQ_FOREACH(e, &l->l_entries, le_entry)
		if (strcmp(e->le_name, name) == 0 &&
		    strcmp(e->le_host, host) == 0)
			return e;
	return NULL;
}

/*
 * Applies a record to the list.  Returns GW_EINVAL with a message when
 * the record contradicts what the list holds.
 */
static int
rec_apply(
    struct ledger *l, const struct ledger_rec *r, char *err, size_t errlen)
{
	struct ledger_entry *e;

	e = entry_find(l, r->r_e.le_name, r->r_e.le_host);
	switch (r->r_kind) {
	case 'I':
		if (e != NULL) {
			gw_seterr(err, errlen, "%s@%s is already live",
			    r->r_e.le_name, r->r_e.le_host);
			return GW_EINVAL;
		}
		if ((e = malloc(sizeof(*e))) == NULL) {
			gw_seterr(err, errlen, "out of memory");
			return GW_ENOMEM;
		}
		*e = r->r_e;
		e->le_state = LEDGER_INTENT;
		e->le_since = r->r_when;
		TAILQ_INSERT_TAIL(&l->l_entries, e, le_entry);
		l->l_live++;
		return GW_OK;
	case 'C':
		if (e == NULL || e->le_state != LEDGER_INTENT) {
			gw_seterr(err, errlen,
			    "%s@%s was not about to be created", r->r_e.le_name,
			    r->r_e.le_host);
			return GW_EINVAL;
		}
		e->le_state = LEDGER_CREATED;
		l->l_ncreated++;
		return GW_OK;
	case 'D':
		if (e == NULL) {
			gw_seterr(err, errlen, "%s@%s is not live",
			    r->r_e.le_name, r->r_e.le_host);
			return GW_EINVAL;
		}
		if (e->le_state == LEDGER_CREATED)
			l->l_ncreated--;
		l->l_live--;
		TAILQ_REMOVE(&l->l_entries, e, le_entry);
		explicit_bzero(e, sizeof(*e));
		free(e);
		return GW_OK;
	}
	gw_seterr(err, errlen, "unknown record kind");
	return GW_EINVAL;
}

static int
write_all(int fd, const void *p, size_t len, off_t off)
{
	const char *s = p;
	ssize_t n;

	while (len > 0) {
		if ((n = pwrite(fd, s, len, off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/*
 * Writes r at the end of the file and fsyncs it.  A failed write is cut
 * off again so that the next record does not follow half a line; any
 * failure leaves the ledger refusing changes.
 */
static int
rec_append(
    struct ledger *l, const struct ledger_rec *r, char *err, size_t errlen)
{
	char line[LEDGER_LINE_MAX + 2];
	int len, saved;

	if (l->l_failed) {
		gw_seterr(err, errlen, "ledger: a write failed; reopen it");
		return GW_ESYS;
	}
	if ((len = rec_format(line, sizeof(line), r)) == -1) {
		gw_seterr(err, errlen, "ledger: record too long");
		return GW_ETOOLONG;
	}
	if (write_all(l->l_fd, line, (size_t)len, (off_t)l->l_size) == -1) {
		saved = errno;
		if (ftruncate(l->l_fd, (off_t)l->l_size) == -1)
			l->l_failed = 1;
		errno = saved;
		gw_seterr(err, errlen, "ledger: write: %s", strerror(errno));
		return GW_ESYS;
	}
	if (fsync(l->l_fd) == -1) {
		/* What reached the disk is unknown now. */
		l->l_failed = 1;
		gw_seterr(err, errlen, "ledger: fsync: %s", strerror(errno));
		return GW_ESYS;
	}
	l->l_size += (uint64_t)len;
	l->l_records++;
	return GW_OK;
}

/* The compacted file: the magic line and the records of live entries. */
static int
file_build(const struct ledger *l, struct buf *b)
{
	const struct ledger_entry *e;
	struct ledger_rec r;
	char line[LEDGER_LINE_MAX + 2];
	int len, rv;

	if ((rv = buf_put(b, LEDGER_MAGIC "\n", strlen(LEDGER_MAGIC) + 1)) !=
	    GW_OK)
		return rv;
	TAILQ_FOREACH(e, &l->l_entries, le_entry) {
		memset(&r, 0, sizeof(r));
		r.r_kind = 'I';
		r.r_when = e->le_since;
		r.r_e = *e;
		if ((len = rec_format(line, sizeof(line), &r)) == -1)
			return GW_ETOOLONG;
		if ((rv = buf_put(b, line, (size_t)len)) != GW_OK)
			return rv;
		if (e->le_state != LEDGER_CREATED)
			continue;
		r.r_kind = 'C';
		if ((len = rec_format(line, sizeof(line), &r)) == -1)
			return GW_ETOOLONG;
		if ((rv = buf_put(b, line, (size_t)len)) != GW_OK)
			return rv;
	}
	explicit_bzero(line, sizeof(line));
	return GW_OK;
}

/*
 * Replaces the file with one holding only the live entries: write a
 * temporary file, fsync it, rename it over the ledger, fsync the
 * directory.  Creating the ledger is the case with no entries.
 */
static int
file_replace(struct ledger *l, char *err, size_t errlen)
{
	struct buf b;
	int fd = -1, rv;

	buf_init(&b, LEDGER_FILE_MAX);
	if ((rv = file_build(l, &b)) != GW_OK) {
		gw_seterr(err, errlen, "ledger: %s", gw_strerror(rv));
		goto out;
	}
	rv = GW_ESYS;
	(void)unlinkat(l->l_dirfd, LEDGER_TMP, 0);
	if ((fd = openat(l->l_dirfd, LEDGER_TMP,
		 O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) ==
	    -1) {
		gw_seterr(
		    err, errlen, "ledger: %s: %s", LEDGER_TMP, strerror(errno));
		goto out;
	}
	if (write_all(fd, b.b_data, b.b_len, 0) == -1 || fsync(fd) == -1) {
		gw_seterr(
		    err, errlen, "ledger: %s: %s", LEDGER_TMP, strerror(errno));
		(void)unlinkat(l->l_dirfd, LEDGER_TMP, 0);
		goto out;
	}
	if (renameat(l->l_dirfd, LEDGER_TMP, l->l_dirfd, LEDGER_FILE) == -1) {
		gw_seterr(err, errlen, "ledger: rename: %s", strerror(errno));
		(void)unlinkat(l->l_dirfd, LEDGER_TMP, 0);
		goto out;
	}

	/* The new file is the ledger now, whatever happens next. */
	if (l->l_fd != -1)
		(void)close(l->l_fd);
	l->l_fd = fd;
	fd = -1;
	l->l_size = b.b_len;
	l->l_records = l->l_live + l->l_ncreated;
	if (fsync(l->l_dirfd) == -1) {
		l->l_failed = 1;
		gw_seterr(err, errlen, "ledger: fsync of the directory: %s",
		    strerror(errno));
		goto out;
	}
	rv = GW_OK;
out:
	if (fd != -1)
		(void)close(fd);
	buf_free(&b);
	return rv;
}

/*
 * Reads the file and replays it.  A last line that is incomplete or
 * fails its checks is a torn write: it is cut off.  The same anywhere
 * else is corruption.
 */
static int
file_load(struct ledger *l, char *err, size_t errlen)
{
	struct ledger_rec r;
	struct stat st;
	char *data = NULL, *nl, msg[256];
	size_t off = 0, len, got = 0, magiclen = strlen(LEDGER_MAGIC);
	ssize_t n;
	int lineno = 0, rv = GW_ESYS;

	if (fstat(l->l_fd, &st) == -1) {
		gw_seterr(err, errlen, "ledger: %s", strerror(errno));
		return GW_ESYS;
	}
	if (!S_ISREG(st.st_mode)) {
		gw_seterr(err, errlen, "ledger: not a regular file");
		return GW_EINVAL;
	}
	if (st.st_size > LEDGER_FILE_MAX) {
		gw_seterr(err, errlen, "ledger: larger than %d bytes",
		    LEDGER_FILE_MAX);
		return GW_ETOOLONG;
	}
	if ((data = malloc((size_t)st.st_size + 1)) == NULL) {
		gw_seterr(err, errlen, "ledger: out of memory");
		return GW_ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = pread(
		    l->l_fd, data + got, (size_t)st.st_size - got, (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			gw_seterr(
			    err, errlen, "ledger: read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}

	while (off < got) {
		if ((nl = memchr(data + off, '\n', got - off)) == NULL)
			break;
		len = (size_t)(nl - (data + off));
		lineno++;
		if (lineno == 1) {
			if (len != magiclen ||
			    memcmp(data, LEDGER_MAGIC, magiclen) != 0) {
				gw_seterr(
				    err, errlen, "ledger: bad first line");
				rv = GW_ECORRUPT;
				goto out;
			}
			off += len + 1;
			continue;
		}
		if (rec_parse(&r, data + off, len) == -1) {
			if (off + len + 1 == got)
				break; /* the last line: torn */
			gw_seterr(
			    err, errlen, "ledger: line %d is corrupt", lineno);
			rv = GW_ECORRUPT;
			goto out;
		}
		if (rec_apply(l, &r, msg, sizeof(msg)) != GW_OK) {
			gw_seterr(
			    err, errlen, "ledger: line %d: %s", lineno, msg);
			rv = GW_ECORRUPT;
			goto out;
		}
		l->l_records++;
		off += len + 1;
	}

	l->l_size = off;
	if (off < got || off == 0) {
		l->l_torn = got - off;
		log_warnx("ledger: cutting a torn last record of %zu bytes",
		    l->l_torn);
		if (off == 0) {
			/* Not even the magic line: start the file again. */
			if (write_all(l->l_fd, LEDGER_MAGIC "\n", magiclen + 1,
				0) == -1) {
				gw_seterr(err, errlen, "ledger: write: %s",
				    strerror(errno));
				goto out;
			}
			l->l_size = off = magiclen + 1;
		}
		if (ftruncate(l->l_fd, (off_t)off) == -1 ||
		    fsync(l->l_fd) == -1) {
			gw_seterr(err, errlen, "ledger: truncate: %s",
			    strerror(errno));
			goto out;
		}
	}
	rv = GW_OK;
out:
	explicit_bzero(data, got);
	free(data);
	explicit_bzero(&r, sizeof(r));
	return rv;
}

static void
entries_free(struct ledger *l)
{
	struct ledger_entry *e;

	while ((e = TAILQ_FIRST(&l->l_entries)) != NULL) {
		TAILQ_REMOVE(&l->l_entries, e, le_entry);
		explicit_bzero(e, sizeof(*e));
		free(e);
	}
	l->l_live = l->l_ncreated = 0;
}

/* Opens, locks and replays the ledger in directory dir, creating it. */
int
ledger_open(const char *dir, struct ledger **lp, char *err, size_t errlen)
{
	struct ledger *l;
	int rv = GW_ESYS;

	*lp = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		gw_seterr(err, errlen, "ledger: out of memory");
		return GW_ENOMEM;
	}
	l->l_fd = l->l_lockfd = -1;
	TAILQ_INIT(&l->l_entries);

	if ((l->l_dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		gw_seterr(err, errlen, "ledger: %s: %s", dir, strerror(errno));
		goto fail;
	}
	if ((l->l_lockfd = openat(l->l_dirfd, LEDGER_LOCK,
		 O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		gw_seterr(err, errlen, "ledger: %s: %s", LEDGER_LOCK,
		    strerror(errno));
		goto fail;
	}
	if (flock(l->l_lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			gw_seterr(err, errlen, "ledger: %s is in use", dir);
			rv = GW_EBUSY;
		} else
			gw_seterr(
			    err, errlen, "ledger: lock: %s", strerror(errno));
		goto fail;
	}

	/* A compaction that died before its rename left this behind. */
	(void)unlinkat(l->l_dirfd, LEDGER_TMP, 0);

	l->l_fd =
	    openat(l->l_dirfd, LEDGER_FILE, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (l->l_fd == -1 && errno == ENOENT) {
		if ((rv = file_replace(l, err, errlen)) != GW_OK)
			goto fail;
		log_info("ledger: created %s/%s", dir, LEDGER_FILE);
	} else if (l->l_fd == -1) {
		gw_seterr(err, errlen, "ledger: %s: %s", LEDGER_FILE,
		    strerror(errno));
		goto fail;
	} else if ((rv = file_load(l, err, errlen)) != GW_OK)
		goto fail;

	*lp = l;
	return GW_OK;
fail:
	ledger_close(l);
	return rv;
}

void
ledger_close(struct ledger *l)
{
	if (l == NULL)
		return;
	entries_free(l);
	if (l->l_fd != -1)
		(void)close(l->l_fd);
	if (l->l_lockfd != -1)
		(void)close(l->l_lockfd);
	if (l->l_dirfd != -1)
		(void)close(l->l_dirfd);
	free(l);
}

/*
 * Records that the user e names is about to be created; e supplies
 * name, host, connection, grant, subject and expiry.
 */
int
ledger_intent(
    struct ledger *l, const struct ledger_entry *e, char *err, size_t errlen)
{
	struct ledger_rec r;
	int rv;

	if (!ledger_name_ok(e->le_name) || !ledger_host_ok(e->le_host) ||
	    !ledger_label_ok(e->le_connection) ||
	    !ledger_label_ok(e->le_grant) || !subject_ok(e->le_subject) ||
	    e->le_expiry < 0) {
		gw_seterr(err, errlen, "ledger: invalid intent");
		return GW_EINVAL;
	}
	if (entry_find(l, e->le_name, e->le_host) != NULL) {
		gw_seterr(err, errlen, "ledger: %s@%s is already live",
		    e->le_name, e->le_host);
		return GW_EINVAL;
	}
	memset(&r, 0, sizeof(r));
	r.r_kind = 'I';
	r.r_when = time(NULL);
	r.r_e = *e;
	if ((rv = rec_append(l, &r, err, errlen)) != GW_OK)
		return rv;
	return rec_apply(l, &r, err, errlen);
}

static int
mark(struct ledger *l, char kind, const char *name, const char *host, char *err,
    size_t errlen)
{
	struct ledger_entry *e;
	struct ledger_rec r;
	int rv;

	if (!ledger_name_ok(name) || !ledger_host_ok(host)) {
		gw_seterr(err, errlen, "ledger: invalid user name or host");
		return GW_EINVAL;
	}
	if ((e = entry_find(l, name, host)) == NULL) {
		gw_seterr(err, errlen, "ledger: %s@%s is not live", name, host);
		return GW_EINVAL;
	}
	if (kind == 'C' && e->le_state != LEDGER_INTENT) {
		gw_seterr(err, errlen, "ledger: %s@%s is already created", name,
		    host);
		return GW_EINVAL;
	}
	memset(&r, 0, sizeof(r));
	r.r_kind = kind;
	r.r_when = time(NULL);
	strlcpy(r.r_e.le_name, name, sizeof(r.r_e.le_name));
	strlcpy(r.r_e.le_host, host, sizeof(r.r_e.le_host));
	if ((rv = rec_append(l, &r, err, errlen)) != GW_OK)
		return rv;
	return rec_apply(l, &r, err, errlen);
}

/* Records that name@host exists with all its privileges. */
int
ledger_created(struct ledger *l, const char *name, const char *host, char *err,
    size_t errlen)
{
	return mark(l, 'C', name, host, err, errlen);
}

/* Records that name@host is gone from the server. */
int
ledger_dropped(struct ledger *l, const char *name, const char *host, char *err,
    size_t errlen)
{
	return mark(l, 'D', name, host, err, errlen);
}

/*
 * Rewrites the file without the records of dropped users, if force is
 * set or they outnumber the rest and there are at least
 * LEDGER_COMPACT_MIN of them.  Returns 1 if it rewrote the file, 0 if
 * there was no need, or a negative error.
 */
int
ledger_compact(struct ledger *l, int force, char *err, size_t errlen)
{
	struct ledger_stats st;
	int rv;

	if (l->l_failed) {
		gw_seterr(err, errlen, "ledger: a write failed; reopen it");
		return GW_ESYS;
	}
	ledger_stats(l, &st);
	if (!force &&
	    (st.ls_dead < LEDGER_COMPACT_MIN ||
		st.ls_dead <= st.ls_records - st.ls_dead))
		return 0;
	if ((rv = file_replace(l, err, errlen)) != GW_OK)
		return rv;
	log_debug("ledger: compacted away %zu records", st.ls_dead);
	return 1;
}

const struct ledger_entry *
ledger_find(const struct ledger *l, const char *name, const char *host)
{
	return entry_find(l, name, host);
}

/* The live entry after prev, or the first one when prev is NULL. */
const struct ledger_entry *
ledger_live(const struct ledger *l, const struct ledger_entry *prev)
{
	if (prev == NULL)
		return TAILQ_FIRST(&l->l_entries);
	return TAILQ_NEXT(prev, le_entry);
}

void
ledger_stats(const struct ledger *l, struct ledger_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->ls_live = l->l_live;
	st->ls_records = l->l_records;
	st->ls_dead = l->l_records - (l->l_live + l->l_ncreated);
	st->ls_torn = l->l_torn;
	st->ls_size = l->l_size;
}

const char *
ledger_state_name(enum ledger_state state)
{
	switch (state) {
	case LEDGER_INTENT:
		return "intent";
	case LEDGER_CREATED:
		return "created";
	}
	return "unknown";
}
