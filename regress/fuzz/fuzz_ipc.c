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
 * libFuzzer target for the IPC receive path.  Every input is read two
 * ways.  As a typed payload: the first two bytes are the message type
 * (little-endian) and the rest goes to ipc_decode().  As a datagram: all
 * of it goes to ipc_hdr_decode(), a header that passes is checked against
 * a receiver's table with ipc_check(), and an allowed message has its
 * payload decoded.  Whatever decodes must encode back to the very same
 * bytes, and every text field must be printable.  The seeds in
 * corpus/ipc/ hold one message of each type in both forms.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/ipc.h"
#include "common/log.h"

#define PH_A 0x01
#define PH_B 0x02
#define PH_C 0x04

/* A receiver that takes every type, some only in some phases. */
static const struct ipc_rule fuzz_rules[] = {
    {IPC_P2B_CONFIG, 16, 16 + IPC_CHUNK, 0, PH_A},
    {IPC_P2B_CREDS, 10, IPC_MAX_PAYLOAD, 0, PH_A},
    {IPC_P2B_CONFIG_END, 36, 36, 0, PH_A | PH_B},
    {IPC_P2B_SESSION, 8, 8 + IPC_PEER_MAX, 1, PH_B},
    {IPC_P2B_CONTROL, 0, 0, 1, PH_A},
    {IPC_P2B_SESSION_END, 8, 8, 0, PH_B | PH_C},
    {IPC_B2P_READY, 8, 8, 0, PH_A},
    {IPC_B2P_CONFIG_FAIL, 6, 6 + IPC_TEXT_MAX, 0, PH_A},
    {IPC_B2P_RELOAD, 0, 0, 0, PH_B},
    {IPC_B2P_SESSION_KILL, 0, 0, 0, PH_B},
    {IPC_P2W_SETUP, 26, IPC_MAX_PAYLOAD, 0, PH_A},
    {IPC_W2B_HELLO, 8, 8, 0, PH_A},
    {IPC_W2B_LOG, 3, 3 + IPC_TEXT_MAX, 0, PH_B},
    {IPC_W2B_BYE, 4, 4 + IPC_TEXT_MAX, 0, PH_B | PH_C},
    {IPC_B2W_HELLO, 8, 8, 0, PH_A},
    {IPC_B2W_CLOSE, 4, 4 + IPC_TEXT_MAX, 0, PH_B},
    {IPC_B2W_BACKEND, 7, 7 + IPC_HOST_MAX - 1 + IPC_CA_MAX, 1, PH_B},
};
#define NRULES (sizeof(fuzz_rules) / sizeof(fuzz_rules[0]))

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void must(int);
static void text(const char *);
static int encode(struct buf *, uint16_t, const union ipc_msg *);
static void decode(uint16_t, const uint8_t *, size_t);
static void datagram(const uint8_t *, size_t);
static void escape(const uint8_t *, size_t);

static void
must(int cond)
{
	if (!cond)
		abort();
}

static void
text(const char *s)
{
	must(ipc_text_ok(s));
}

static int
encode(struct buf *b, uint16_t type, const union ipc_msg *m)
{
	switch (type) {
	case IPC_P2B_CONFIG:
		return ipc_encode_config(b, &m->config);
	case IPC_P2B_CREDS:
		return ipc_encode_creds(b, &m->creds);
	case IPC_P2B_CONFIG_END:
		return ipc_encode_config_end(b, &m->config_end);
	case IPC_P2B_SESSION:
		return ipc_encode_session(b, &m->session);
	case IPC_P2B_SESSION_END:
		return ipc_encode_session_end(b, &m->session_end);
	case IPC_B2P_READY:
		return ipc_encode_ready(b, &m->ready);
	case IPC_B2P_CONFIG_FAIL:
		return ipc_encode_config_fail(b, &m->config_fail);
	case IPC_P2W_SETUP:
		return ipc_encode_setup(b, &m->setup);
	case IPC_W2B_HELLO:
		return ipc_encode_hello(b, &m->hello);
	case IPC_B2W_HELLO:
		return ipc_encode_hello_reply(b, &m->hello);
	case IPC_W2B_LOG:
		return ipc_encode_log(b, &m->log);
	case IPC_W2B_BYE:
	case IPC_B2W_CLOSE:
		return ipc_encode_bye(b, &m->bye);
	case IPC_W2B_AUTH:
		return ipc_encode_auth(b, &m->auth);
	case IPC_B2W_AUTH:
		return ipc_encode_auth_result(b, &m->auth_result);
	case IPC_B2W_BACKEND:
		return ipc_encode_backend(b, &m->backend);
	default:
		return GW_OK; /* the empty payloads */
	}
}

/* Decode, and if that works, check the fields and the way back. */
static void
decode(uint16_t type, const uint8_t *p, size_t n)
{
	union ipc_msg m;
	struct buf b;
	int r;

	r = ipc_decode(type, p, n, &m);
	must(r <= 0 && r >= GW_ERROR_MIN);
	if (r != GW_OK)
		return;

	switch (type) {
	case IPC_P2B_CONFIG:
		must(m.config.len <= IPC_CHUNK);
		must(m.config.total <= IPC_CONFIG_MAX);
		must(m.config.offset + m.config.len <= m.config.total);
		must(m.config.data == p + 16);
		break;
	case IPC_P2B_CREDS:
		text(m.creds.connection);
		break;
	case IPC_P2B_SESSION:
		text(m.session.peer);
		break;
	case IPC_B2P_CONFIG_FAIL:
		text(m.config_fail.reason);
		break;
	case IPC_P2W_SETUP:
		must((m.setup.flags & ~IPC_SETUP_FLAGS) == 0);
		text(m.setup.user);
		text(m.setup.chroot);
		text(m.setup.cert);
		text(m.setup.key);
		text(m.setup.peer);
		text(m.setup.listener);
		break;
	case IPC_W2B_LOG:
		must(m.log.level <= 7);
		text(m.log.text);
		break;
	case IPC_W2B_BYE:
	case IPC_B2W_CLOSE:
		must(m.bye.reason <= IPC_REASON_MAX);
		text(m.bye.text);
		break;
	case IPC_W2B_AUTH:
		must(m.auth.token_len > 0 && m.auth.token_len <= IPC_TOKEN_MAX);
		text(m.auth.user);
		text(m.auth.reason);
		break;
	case IPC_B2W_AUTH:
		must(m.auth_result.outcome <= IPC_AUTH_MAX);
		text(m.auth_result.message);
		text(m.auth_result.db_password);
		break;
	case IPC_B2W_BACKEND:
		must((m.backend.flags & ~IPC_BACKEND_FLAGS) == 0);
		must(m.backend.ca_len <= IPC_CA_MAX);
		must(((m.backend.flags & IPC_BACKEND_TLS) != 0) ==
		    (m.backend.ca_len != 0));
		text(m.backend.host);
		break;
	default:
		break;
	}

	buf_init(&b, n + 1);
	must(encode(&b, type, &m) == GW_OK);
	must(b.b_len == n);
	must(n == 0 || memcmp(b.b_data, p, n) == 0);
	buf_free(&b);
}

static void
datagram(const uint8_t *p, size_t n)
{
	const struct ipc_rule *rule;
	struct ipc_hdr h;
	uint32_t phase;
	int r, fd;

	if ((r = ipc_hdr_decode(&h, p, n)) != GW_OK) {
		must(r == GW_ETRUNC || r == GW_EINVAL || r == GW_ELENGTH);
		return;
	}
	must(n >= IPC_HDR_LEN && h.ih_len == n - IPC_HDR_LEN);
	must(h.ih_flags == 0);

	/* Let the header's own bits choose a phase and a descriptor. */
	phase = 1U << (h.ih_seq % 3);
	fd = (h.ih_session & 1) ? 3 : -1;
	r = ipc_check(fuzz_rules, NRULES, &h, phase, fd, &rule);
	if (r != GW_OK) {
		must(rule == NULL);
		return;
	}
	must(rule != NULL && rule->ir_type == h.ih_type);
	must(h.ih_len >= rule->ir_min && h.ih_len <= rule->ir_max);
	must((rule->ir_phases & phase) != 0);
	must((fd != -1) == (rule->ir_fd != 0));
	decode(h.ih_type, p + IPC_HDR_LEN, h.ih_len);
}

/* Logged text goes through log_escape(); it sees the same bytes. */
static void
escape(const uint8_t *p, size_t n)
{
	char dst[LOG_ESCAPE_MAX];
	size_t dstsz, got;

	dstsz = n == 0 ? 0 : p[0] % (sizeof(dst) + 1);
	memset(dst, 'Z', sizeof(dst));
	got = log_escape(dst, dstsz, p, n);
	must(got <= n);
	if (dstsz == 0)
		return;
	must(memchr(dst, '\0', dstsz) != NULL);
	text(dst);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 2)
		decode((uint16_t)(data[0] | data[1] << 8), data + 2, size - 2);
	datagram(data, size);
	escape(data, size);
	return 0;
}
