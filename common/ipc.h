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
 * The IPC vocabulary between gatewayd's processes: parent, broker and
 * per-session worker.  Every channel is an AF_UNIX SOCK_SEQPACKET
 * socketpair, one message per datagram.  A message is a 20-byte header
 * and a payload whose layout is fixed per type; PROTOCOL describes each
 * field.  Receivers check type, length range, descriptor and phase from a
 * table (struct ipc_rule) and decode with ipc_decode(), which consumes the
 * payload to its last byte or fails.
 *
 * Change IPC_VERSION whenever a layout changes.
 */

#ifndef GW_IPC_H
#define GW_IPC_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define IPC_VERSION	2
#define IPC_HDR_LEN	20
#define IPC_MAX_PAYLOAD 32768
#define IPC_CHUNK	24576 /* configuration text per message */
#define IPC_CONFIG_MAX	(1024 * 1024)

/* Bounds of the strings that travel; each includes the NUL. */
#define IPC_NAME_MAX   128 /* connection, listener, user names */
#define IPC_PATH_MAX   1024
#define IPC_PEER_MAX   128 /* "address:port" or a socket path */
#define IPC_SECRET_MAX 1024
#define IPC_TEXT_MAX   1024  /* log lines, reasons */
#define IPC_TOKEN_MAX  16384 /* an agent's token */
#define IPC_HOST_MAX   256   /* a database's host name or address */
#define IPC_CA_MAX     16384 /* PEM text of a database's CA */

enum ipc_type {
	IPC_NONE = 0,

	/* parent -> broker */
	IPC_P2B_CONFIG = 1,	 /* a chunk of configuration text */
	IPC_P2B_CREDS = 2,	 /* admin credential of a connection */
	IPC_P2B_CONFIG_END = 3,	 /* apply; answered by READY/FAIL */
	IPC_P2B_SESSION = 4,	 /* new session, fd: its channel */
	IPC_P2B_CONTROL = 5,	 /* fd: the control socket */
	IPC_P2B_SESSION_END = 6, /* a worker has exited */

	/* broker -> parent */
	IPC_B2P_READY = 20,	   /* configuration applied */
	IPC_B2P_CONFIG_FAIL = 21,  /* configuration refused */
	IPC_B2P_RELOAD = 22,	   /* the control socket asks reload */
	IPC_B2P_SESSION_KILL = 23, /* end this worker now */

	/* parent -> worker, queued on the channel before exec */
	IPC_P2W_SETUP = 40,

	/* worker -> broker */
	IPC_W2B_HELLO = 60,
	IPC_W2B_LOG = 61,
	IPC_W2B_BYE = 62,
	IPC_W2B_AUTH = 63,    /* the agent's login: name and token */
	IPC_W2B_BACKEND = 64, /* dial the database for this session */

	/* broker -> worker */
	IPC_B2W_HELLO = 80,
	IPC_B2W_CLOSE = 81,
	IPC_B2W_AUTH = 82,    /* the login's outcome */
	IPC_B2W_BACKEND = 83, /* fd: connected to the database */
};

/* Why a session ends, in BYE, CLOSE and the logs. */
enum ipc_reason {
	IPC_REASON_NONE = 0,
	IPC_REASON_QUIT = 1,	 /* client said COM_QUIT or hung up */
	IPC_REASON_CLIENT = 2,	 /* client broke the protocol */
	IPC_REASON_TIMEOUT = 3,	 /* handshake or idle timeout */
	IPC_REASON_SHUTDOWN = 4, /* gatewayd is stopping */
	IPC_REASON_REVOKED = 5,	 /* grant ended or was revoked */
	IPC_REASON_PROTOCOL = 6, /* IPC peer broke the protocol */
	IPC_REASON_INTERNAL = 7, /* a local failure */
	IPC_REASON_MAX = 7,
};

/* P2W_SETUP flags */
#define IPC_SETUP_TLS	     0x01 /* listener has TLS */
#define IPC_SETUP_PLAINTEXT  0x02 /* plaintext allowed (Unix socket) */
#define IPC_SETUP_FOREGROUND 0x04 /* log to stderr, not syslog */
#define IPC_SETUP_FLAGS	     0x07

struct ipc_hdr {
	uint16_t ih_type;
	uint16_t ih_flags;   /* zero in version 1 */
	uint32_t ih_len;     /* payload bytes after the header */
	uint64_t ih_session; /* 0 on parent-broker messages */
	uint32_t ih_seq;     /* per channel and direction, from 1 */
};

struct ipc_config {
	uint32_t generation;
	uint32_t total;
	uint32_t offset;
	const uint8_t *data; /* points into the received payload */
	size_t len;
};

struct ipc_creds {
	uint32_t generation;
	char connection[IPC_NAME_MAX];
	char user[IPC_NAME_MAX];
	char password[IPC_SECRET_MAX];
};

struct ipc_config_end {
	uint32_t generation;
	uint8_t digest[32]; /* SHA-256 of the whole text */
};

struct ipc_session {
	uint32_t pid;
	uint16_t listener;
	char peer[IPC_PEER_MAX];
};

struct ipc_session_end {
	uint32_t pid;
	int32_t status; /* as from waitpid() */
};

struct ipc_ready {
	uint32_t generation;
	uint16_t usable; /* connections whose admin login works */
	uint16_t failed;
};

struct ipc_config_fail {
	uint32_t generation;
	char reason[IPC_TEXT_MAX];
};

struct ipc_setup {
	uint8_t flags;
	uint8_t verbosity;
	uint32_t handshake_timeout; /* seconds */
	uint32_t idle_timeout;	    /* seconds */
	uint32_t max_packet;	    /* bytes */
	char user[IPC_NAME_MAX];
	char chroot[IPC_PATH_MAX];
	char cert[IPC_PATH_MAX];
	char key[IPC_PATH_MAX];
	char peer[IPC_PEER_MAX];
	char listener[IPC_NAME_MAX];
};

/* B2W_BACKEND flags */
#define IPC_BACKEND_TLS	  0x01 /* speak TLS to the database */
#define IPC_BACKEND_FLAGS 0x01

struct ipc_backend {
	uint8_t flags;
	char host[IPC_HOST_MAX]; /* name to verify; empty: none */
	const uint8_t *ca;	 /* PEM, points into the received payload */
	size_t ca_len;		 /* at most IPC_CA_MAX */
};

struct ipc_hello {
	uint32_t version;
	uint32_t pid;
	char server_version[64]; /* B2W_HELLO only: what to greet as */
};

struct ipc_log {
	uint8_t level; /* syslog priority, 0 to 7 */
	char text[IPC_TEXT_MAX];
};

struct ipc_bye {
	uint16_t reason; /* enum ipc_reason */
	char text[IPC_TEXT_MAX];
};

struct ipc_auth {
	char user[IPC_NAME_MAX];     /* "connection" or "connection/grant" */
	const uint8_t *token;	     /* points into the received payload */
	size_t token_len;	     /* at most IPC_TOKEN_MAX */
	char database[IPC_NAME_MAX]; /* may be empty */
	char tls_version[32];
	char tls_cipher[64];
	char reason[256];  /* the agent's stated reason, may be empty */
	uint32_t duration; /* seconds asked for; 0 for the grant's max */
};

enum ipc_auth_outcome {
	IPC_AUTH_DENIED = 0,
	IPC_AUTH_GRANTED = 1,
	IPC_AUTH_PENDING = 2,
	IPC_AUTH_MAX = 2,
};

struct ipc_auth_result {
	uint8_t outcome;	    /* enum ipc_auth_outcome */
	uint16_t code;		    /* MySQL error number when denied */
	char message[IPC_TEXT_MAX]; /* for the agent */
	char subject[256];	    /* who the token names */
	char connection[IPC_NAME_MAX];
	char grant[IPC_NAME_MAX];
	char request[64];	    /* access request id, or empty */
	char db_user[IPC_NAME_MAX]; /* the minted user, when granted */
	char db_password[IPC_SECRET_MAX];
	uint64_t expiry;	 /* end of the window, Unix time */
	char server_version[64]; /* the backend's, for logs */
};

union ipc_msg {
	struct ipc_config config;
	struct ipc_creds creds;
	struct ipc_config_end config_end;
	struct ipc_session session;
	struct ipc_session_end session_end;
	struct ipc_ready ready;
	struct ipc_config_fail config_fail;
	struct ipc_setup setup;
	struct ipc_hello hello;
	struct ipc_log log;
	struct ipc_bye bye; /* also B2W_CLOSE */
	struct ipc_auth auth;
	struct ipc_auth_result auth_result;
	struct ipc_backend backend;
};

/*
 * One row of a receiver's table: the type, its payload length range,
 * whether it carries a descriptor, and the phases (a bit mask of the
 * receiver's states) in which it may arrive.
 */
struct ipc_rule {
	uint16_t ir_type;
	uint32_t ir_min;
	uint32_t ir_max;
	int ir_fd;
	uint32_t ir_phases;
};

/* A channel end: the descriptor and both sequence counters. */
struct ipc_chan {
	int ic_fd;
	uint64_t ic_session;
	uint32_t ic_seq_out;
	uint32_t ic_seq_in;
};

const char *ipc_type_name(uint16_t);
const char *ipc_reason_name(uint16_t);

void ipc_chan_init(struct ipc_chan *, int, uint64_t);
int ipc_send(struct ipc_chan *, uint16_t, const struct buf *, int)
    __attribute__((warn_unused_result));
int ipc_recv(struct ipc_chan *, struct ipc_hdr *, uint8_t *, size_t, int *)
    __attribute__((warn_unused_result));
int ipc_hdr_decode(struct ipc_hdr *, const uint8_t *, size_t);
int ipc_check(const struct ipc_rule *, size_t, const struct ipc_hdr *, uint32_t,
    int, const struct ipc_rule **);
int ipc_decode(uint16_t, const uint8_t *, size_t, union ipc_msg *)
    __attribute__((warn_unused_result));
int ipc_text_ok(const char *);
int ipc_read(struct ipc_chan *, const struct ipc_rule *, size_t, uint32_t,
    struct ipc_hdr *, uint8_t *, size_t, union ipc_msg *, int *)
    __attribute__((warn_unused_result));

int ipc_encode_config(struct buf *, const struct ipc_config *);
int ipc_encode_creds(struct buf *, const struct ipc_creds *);
int ipc_encode_config_end(struct buf *, const struct ipc_config_end *);
int ipc_encode_session(struct buf *, const struct ipc_session *);
int ipc_encode_session_end(struct buf *, const struct ipc_session_end *);
int ipc_encode_ready(struct buf *, const struct ipc_ready *);
int ipc_encode_config_fail(struct buf *, const struct ipc_config_fail *);
int ipc_encode_setup(struct buf *, const struct ipc_setup *);
int ipc_encode_hello(struct buf *, const struct ipc_hello *);
int ipc_encode_hello_reply(struct buf *, const struct ipc_hello *);
int ipc_encode_log(struct buf *, const struct ipc_log *);
int ipc_encode_bye(struct buf *, const struct ipc_bye *);
int ipc_encode_auth(struct buf *, const struct ipc_auth *);
int ipc_encode_auth_result(struct buf *, const struct ipc_auth_result *);
int ipc_encode_backend(struct buf *, const struct ipc_backend *);

#endif /* GW_IPC_H */
