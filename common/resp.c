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
 * Following the database's responses; resp.h says what and why.  Each
 * call sees one logical packet: its payload length and a prefix of its
 * payload, enough for the header byte, a column count and the status
 * flags of an OK packet.  Continuation packets are the caller's.
 */

#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/mysql.h"
#include "common/resp.h"

#define RESP_COLUMNS_MAX 4096 /* more than any server allows */

static void
resp_next(struct resp *r)
{
	uint8_t cmd;

	if (r->rs_count == 0) {
		r->rs_state = RS_IDLE;
		return;
	}
	cmd = r->rs_queue[r->rs_head];
	r->rs_head = (r->rs_head + 1) % RESP_QUEUE;
	r->rs_count--;
	r->rs_cmd = cmd;
	r->rs_rows = r->rs_affected = r->rs_results = 0;
	r->rs_error = 0;
	r->rs_cursor = 0;
	if (cmd == COM_STMT_FETCH)
		r->rs_state = RS_ROWS;
	else if (cmd == COM_FIELD_LIST)
		r->rs_state = RS_FIELDS;
	else
		r->rs_state = RS_FIRST;
}

void
resp_init(struct resp *r, uint64_t caps)
{
	memset(r, 0, sizeof(*r));
	r->rs_caps = caps;
	r->rs_state = RS_IDLE;
}

/* 1 while a response is in progress or queued. */
int
resp_busy(const struct resp *r)
{
	return r->rs_state != RS_IDLE || r->rs_count > 0;
}

/*
 * A command has gone to the database: queue the response it will get.
 * Commands the server does not answer are not queued.
 */
int
resp_expect(struct resp *r, uint8_t cmd)
{
	if (cmd == COM_QUIT || cmd == COM_STMT_SEND_LONG_DATA ||
	    cmd == COM_STMT_CLOSE)
		return GW_OK;
	if (r->rs_count == RESP_QUEUE)
		return GW_ETOOLONG;
	r->rs_queue[(r->rs_head + r->rs_count++) % RESP_QUEUE] = cmd;
	if (r->rs_state == RS_IDLE)
		resp_next(r);
	return GW_OK;
}

/*
 * The status flags of a terminator: an EOF packet (0xfe, warnings,
 * status) or, with CLIENT_DEPRECATE_EOF, an OK packet with a 0xfe or
 * 0x00 header.  Returns -1 when the prefix does not hold them.
 */
static int
resp_status(const struct resp *r, const uint8_t *p, size_t avail, size_t len,
    int eof, uint16_t *status, uint64_t *affected)
{
	struct cursor c;

	*affected = 0;
	if (eof && !(r->rs_caps & CLIENT_DEPRECATE_EOF)) {
		if (len < 5 || avail < 5)
			return -1;
		*status = (uint16_t)(p[3] | p[4] << 8);
		return 0;
	}
	cur_init(&c, p, avail < len ? avail : len);
	(void)cur_u8(&c);
	*affected = mysql_cur_lenenc(&c);
	(void)mysql_cur_lenenc(&c);
	*status = cur_u16(&c);
	return c.c_err == GW_OK ? 0 : -1;
}

/* A response ends here, or another result set follows. */
static void
resp_end(struct resp *r, uint16_t status)
{
	if (status & SERVER_MORE_RESULTS_EXISTS)
		r->rs_state = RS_FIRST;
	else
		resp_next(r);
}

static int
resp_first(struct resp *r, const uint8_t *p, size_t avail, size_t len,
    const char **why)
{
	struct cursor c;
	uint64_t n, affected;
	uint16_t status;

	/* COM_STATISTICS answers with one bare string. */
	if (r->rs_cmd == COM_STATISTICS) {
		resp_next(r);
		return 0;
	}
	switch (p[0]) {
	case MYSQL_ERR_HDR:
		r->rs_error =
		    len >= 3 && avail >= 3 ? (uint16_t)(p[1] | p[2] << 8) : 1;
		resp_next(r);
		return 0;
	case MYSQL_OK_HDR:
		if (r->rs_cmd == COM_STMT_PREPARE) {
			/* id, columns, parameters: definitions follow. */
			if (len < 12 || avail < 9) {
				*why = "short prepare answer";
				return -1;
			}
			r->rs_pcols = (uint64_t)(p[5] | p[6] << 8);
			r->rs_left = (uint64_t)(p[7] | p[8] << 8);
			if (r->rs_left > 0)
				r->rs_state = RS_PARAMS;
			else if (r->rs_pcols > 0) {
				r->rs_left = r->rs_pcols;
				r->rs_state = RS_COLUMNS;
			} else
				resp_next(r);
			return 0;
		}
		if (resp_status(r, p, avail, len, 0, &status, &affected)) {
			*why = "short OK packet";
			return -1;
		}
		r->rs_affected += affected;
		resp_end(r, status);
		return 0;
	case MYSQL_INFILE_HDR:
		*why = "LOCAL INFILE request, which was never offered";
		return -1;
	case MYSQL_EOF_HDR:
		/* COM_SET_OPTION and old servers answer with an EOF. */
		if (len < 9) {
			if (resp_status(
				r, p, avail, len, 1, &status, &affected)) {
				*why = "short EOF packet";
				return -1;
			}
			resp_end(r, status);
			return 0;
		}
		break;
	}
	/* A result set: its column count. */
	cur_init(&c, p, avail < len ? avail : len);
	n = mysql_cur_lenenc(&c);
	if (c.c_err != GW_OK || n == 0 || n > RESP_COLUMNS_MAX) {
		*why = "bad column count";
		return -1;
	}
	r->rs_results++;
	r->rs_left = n;
	r->rs_state = RS_COLUMNS;
	return 0;
}

/*
 * One logical packet from the database: len is its payload's length,
 * p the first avail bytes of it.  Returns 0, or -1 with *why saying how
 * the packet breaks the protocol.
 */
int
resp_packet(struct resp *r, const uint8_t *p, size_t avail, size_t len,
    const char **why)
{
	uint64_t affected;
	uint16_t status;
	int terminator;

	*why = NULL;
	if (r->rs_state == RS_IDLE) {
		*why = "a packet no command asked for";
		return -1;
	}
	if (len == 0 || avail == 0) {
		*why = "empty packet";
		return -1;
	}
	/* A row may begin with 0xfe only when it is 16 MiB or more. */
	terminator = p[0] == MYSQL_EOF_HDR && len < MYSQL_PACKET_MAX;

	switch (r->rs_state) {
	case RS_FIRST:
		return resp_first(r, p, avail, len, why);
	case RS_PARAMS:
	case RS_COLUMNS:
	case RS_FIELDS:
		if (p[0] == MYSQL_ERR_HDR) {
			r->rs_error =
			    avail >= 3 ? (uint16_t)(p[1] | p[2] << 8) : 1;
			resp_next(r);
			return 0;
		}
		if (r->rs_state == RS_FIELDS) {
			if (terminator)
				resp_next(r);
			return 0;
		}
		if (terminator) {
			*why = "definitions cut short";
			return -1;
		}
		if (--r->rs_left > 0)
			return 0;
		if (!(r->rs_caps & CLIENT_DEPRECATE_EOF)) {
			r->rs_state = r->rs_state == RS_PARAMS ? RS_PARAMS_EOF
							       : RS_COLUMNS_EOF;
			return 0;
		}
		status = 0;
		break;
	case RS_PARAMS_EOF:
	case RS_COLUMNS_EOF:
		if (!terminator || len >= 9 ||
		    resp_status(r, p, avail, len, 1, &status, &affected)) {
			*why = "no EOF after the definitions";
			return -1;
		}
		break;
	case RS_ROWS:
		if (p[0] == MYSQL_ERR_HDR) {
			r->rs_error =
			    avail >= 3 ? (uint16_t)(p[1] | p[2] << 8) : 1;
			resp_next(r);
			return 0;
		}
		if (!terminator) {
			r->rs_rows++;
			return 0;
		}
		if (resp_status(r, p, avail, len, 1, &status, &affected)) {
			*why = "short terminator";
			return -1;
		}
		resp_end(r, status);
		return 0;
	default:
		*why = "bad state";
		return -1;
	}

	/* The definitions are complete: what follows them? */
	if (r->rs_state == RS_PARAMS || r->rs_state == RS_PARAMS_EOF) {
		if (r->rs_pcols > 0) {
			r->rs_left = r->rs_pcols;
			r->rs_state = RS_COLUMNS;
		} else
			resp_next(r);
	} else if (r->rs_cmd == COM_STMT_PREPARE)
		resp_next(r);
	else if (r->rs_cmd == COM_STMT_EXECUTE &&
	    (status & SERVER_STATUS_CURSOR_EXISTS)) {
		/* A cursor: the rows come with COM_STMT_FETCH. */
		r->rs_cursor = 1;
		resp_next(r);
	} else
		r->rs_state = RS_ROWS;
	return 0;
}
