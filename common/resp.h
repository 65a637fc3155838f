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
 * The relay's view of the database's responses.  The relay moves every
 * packet the database sends without copying it; before it does, this
 * state machine reads the packet's first bytes and follows the response
 * it belongs to: OK or ERR, or a result set (a column count, that many
 * column definitions, an EOF unless CLIENT_DEPRECATE_EOF, rows in text
 * or binary form, and a terminating EOF or OK), several of them when the
 * server says more results follow, and a prepared statement's parameter
 * and column definitions.  A packet that fits no response in progress
 * means the database, or something between us and it, broke the
 * protocol, and the session ends.
 */

#ifndef GW_RESP_H
#define GW_RESP_H

#include <stddef.h>
#include <stdint.h>

#define RESP_QUEUE 32 /* commands awaiting their responses */

enum resp_state {
	RS_IDLE,	/* no response expected */
	RS_FIRST,	/* the first packet of a response */
	RS_COLUMNS,	/* column definitions */
	RS_COLUMNS_EOF, /* the EOF after them */
	RS_ROWS,	/* rows, until a terminator */
	RS_PARAMS,	/* a prepared statement's parameter definitions */
	RS_PARAMS_EOF,	/* the EOF after them */
	RS_FIELDS,	/* COM_FIELD_LIST's definitions, until EOF */
};

struct resp {
	uint64_t rs_caps; /* the client's: decides the terminators */
	enum resp_state rs_state;
	uint8_t rs_queue[RESP_QUEUE];
	int rs_head, rs_count;
	uint8_t rs_cmd;	   /* whose response is in progress */
	uint64_t rs_left;  /* definitions still to come */
	uint64_t rs_pcols; /* prepare: columns after the parameters */
	int rs_cursor;	   /* execute opened a cursor: rows on fetch */

	/* What the last finished response was, for logs and policy. */
	uint64_t rs_rows;
	uint64_t rs_affected;
	uint16_t rs_error;   /* 0, or the ERR packet's code */
	uint64_t rs_results; /* result sets, in a multi-result response */
};

void resp_init(struct resp *, uint64_t);
int resp_expect(struct resp *, uint8_t);
int resp_packet(struct resp *, const uint8_t *, size_t, size_t, const char **);
int resp_busy(const struct resp *);

#endif /* GW_RESP_H */
