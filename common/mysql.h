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
 * The MySQL and MariaDB client/server wire protocol, as pure functions:
 * packet framing, length-encoded values, the connection-phase packets
 * of both roles, OK, ERR and EOF, and result-set metadata.  Nothing here
 * touches a socket or allocates from a peer's number: parsers fill a
 * struct whose strings point into the caller's input, builders append
 * payloads to a struct buf whose b_max caps them.  Every parser returns
 * 0 or a negative code from common/error.h and, where the layout is
 * fixed, insists on consuming its input to the last byte.
 *
 * Capabilities travel as 64 bits: the protocol's 32 CLIENT_* bits below,
 * and above them MariaDB's extended capabilities, which a MariaDB peer
 * exchanges in the greeting's and the login's reserved bytes when
 * CLIENT_MYSQL is clear.
 *
 * The names follow the protocol's and so clash with the client
 * library's <mysql.h>: a file includes one or the other, never both.
 */

#ifndef GW_MYSQL_H
#define GW_MYSQL_H

#ifdef _mysql_h
#error "common/mysql.h and the client library's <mysql.h> clash"
#endif

#include <stddef.h>
#include <stdint.h>

struct buf;
struct cursor;

/* Capability flags. */
#define CLIENT_MYSQL			   0x00000001U /* LONG_PASSWORD */
#define CLIENT_FOUND_ROWS		   0x00000002U
#define CLIENT_LONG_FLAG		   0x00000004U
#define CLIENT_CONNECT_WITH_DB		   0x00000008U
#define CLIENT_NO_SCHEMA		   0x00000010U
#define CLIENT_COMPRESS			   0x00000020U
#define CLIENT_ODBC			   0x00000040U
#define CLIENT_LOCAL_FILES		   0x00000080U
#define CLIENT_IGNORE_SPACE		   0x00000100U
#define CLIENT_PROTOCOL_41		   0x00000200U
#define CLIENT_INTERACTIVE		   0x00000400U
#define CLIENT_SSL			   0x00000800U
#define CLIENT_IGNORE_SIGPIPE		   0x00001000U
#define CLIENT_TRANSACTIONS		   0x00002000U
#define CLIENT_RESERVED			   0x00004000U
#define CLIENT_SECURE_CONNECTION	   0x00008000U
#define CLIENT_MULTI_STATEMENTS		   0x00010000U
#define CLIENT_MULTI_RESULTS		   0x00020000U
#define CLIENT_PS_MULTI_RESULTS		   0x00040000U
#define CLIENT_PLUGIN_AUTH		   0x00080000U
#define CLIENT_CONNECT_ATTRS		   0x00100000U
#define CLIENT_PLUGIN_AUTH_LENENC_DATA	   0x00200000U
#define CLIENT_CAN_HANDLE_EXPIRED_PASSWORD 0x00400000U
#define CLIENT_SESSION_TRACK		   0x00800000U
#define CLIENT_DEPRECATE_EOF		   0x01000000U
#define CLIENT_OPTIONAL_RESULTSET_METADATA 0x02000000U
#define CLIENT_ZSTD_COMPRESSION		   0x04000000U
#define CLIENT_QUERY_ATTRIBUTES		   0x08000000U
#define CLIENT_MULTI_FACTOR_AUTH	   0x10000000U
#define CLIENT_CAPABILITY_EXTENSION	   0x20000000U
#define CLIENT_SSL_VERIFY_SERVER_CERT	   0x40000000U
#define CLIENT_REMEMBER_OPTIONS		   0x80000000U

/* MariaDB's extended capabilities, as bits 32 and up. */
#define MARIADB_CLIENT_PROGRESS		    (1ULL << 32)
#define MARIADB_CLIENT_COM_MULTI	    (1ULL << 33)
#define MARIADB_CLIENT_STMT_BULK_OPERATIONS (1ULL << 34)
#define MARIADB_CLIENT_EXTENDED_METADATA    (1ULL << 35)
#define MARIADB_CLIENT_CACHE_METADATA	    (1ULL << 36)
#define MARIADB_CLIENT_BULK_UNIT_RESULTS    (1ULL << 37)

/* Server status flags, in OK and EOF packets and the greeting. */
#define SERVER_STATUS_IN_TRANS		   0x0001
#define SERVER_STATUS_AUTOCOMMIT	   0x0002
#define SERVER_MORE_RESULTS_EXISTS	   0x0008
#define SERVER_QUERY_NO_GOOD_INDEX_USED	   0x0010
#define SERVER_QUERY_NO_INDEX_USED	   0x0020
#define SERVER_STATUS_CURSOR_EXISTS	   0x0040
#define SERVER_STATUS_LAST_ROW_SENT	   0x0080
#define SERVER_STATUS_DB_DROPPED	   0x0100
#define SERVER_STATUS_NO_BACKSLASH_ESCAPES 0x0200
#define SERVER_STATUS_METADATA_CHANGED	   0x0400
#define SERVER_QUERY_WAS_SLOW		   0x0800
#define SERVER_PS_OUT_PARAMS		   0x1000
#define SERVER_STATUS_IN_TRANS_READONLY	   0x2000
#define SERVER_SESSION_STATE_CHANGED	   0x4000

/* Command bytes: the first byte of every command-phase request. */
#define COM_SLEEP		0x00
#define COM_QUIT		0x01
#define COM_INIT_DB		0x02
#define COM_QUERY		0x03
#define COM_FIELD_LIST		0x04
#define COM_CREATE_DB		0x05
#define COM_DROP_DB		0x06
#define COM_REFRESH		0x07
#define COM_SHUTDOWN		0x08
#define COM_STATISTICS		0x09
#define COM_PROCESS_INFO	0x0a
#define COM_CONNECT		0x0b
#define COM_PROCESS_KILL	0x0c
#define COM_DEBUG		0x0d
#define COM_PING		0x0e
#define COM_TIME		0x0f
#define COM_DELAYED_INSERT	0x10
#define COM_CHANGE_USER		0x11
#define COM_BINLOG_DUMP		0x12
#define COM_TABLE_DUMP		0x13
#define COM_CONNECT_OUT		0x14
#define COM_REGISTER_SLAVE	0x15
#define COM_STMT_PREPARE	0x16
#define COM_STMT_EXECUTE	0x17
#define COM_STMT_SEND_LONG_DATA 0x18
#define COM_STMT_CLOSE		0x19
#define COM_STMT_RESET		0x1a
#define COM_SET_OPTION		0x1b
#define COM_STMT_FETCH		0x1c
#define COM_DAEMON		0x1d
#define COM_BINLOG_DUMP_GTID	0x1e
#define COM_RESET_CONNECTION	0x1f
#define COM_CLONE		0x20
#define COM_STMT_BULK_EXECUTE	0xfa /* MariaDB */
#define COM_MULTI		0xfe /* MariaDB, withdrawn */

/* Column types and flags in column definitions. */
#define MYSQL_TYPE_DECIMAL     0x00
#define MYSQL_TYPE_TINY	       0x01
#define MYSQL_TYPE_SHORT       0x02
#define MYSQL_TYPE_LONG	       0x03
#define MYSQL_TYPE_FLOAT       0x04
#define MYSQL_TYPE_DOUBLE      0x05
#define MYSQL_TYPE_NULL	       0x06
#define MYSQL_TYPE_TIMESTAMP   0x07
#define MYSQL_TYPE_LONGLONG    0x08
#define MYSQL_TYPE_INT24       0x09
#define MYSQL_TYPE_DATE	       0x0a
#define MYSQL_TYPE_TIME	       0x0b
#define MYSQL_TYPE_DATETIME    0x0c
#define MYSQL_TYPE_YEAR	       0x0d
#define MYSQL_TYPE_NEWDATE     0x0e
#define MYSQL_TYPE_VARCHAR     0x0f
#define MYSQL_TYPE_BIT	       0x10
#define MYSQL_TYPE_JSON	       0xf5
#define MYSQL_TYPE_NEWDECIMAL  0xf6
#define MYSQL_TYPE_ENUM	       0xf7
#define MYSQL_TYPE_SET	       0xf8
#define MYSQL_TYPE_TINY_BLOB   0xf9
#define MYSQL_TYPE_MEDIUM_BLOB 0xfa
#define MYSQL_TYPE_LONG_BLOB   0xfb
#define MYSQL_TYPE_BLOB	       0xfc
#define MYSQL_TYPE_VAR_STRING  0xfd
#define MYSQL_TYPE_STRING      0xfe
#define MYSQL_TYPE_GEOMETRY    0xff

#define MYSQL_FLAG_NOT_NULL	  0x0001
#define MYSQL_FLAG_PRI_KEY	  0x0002
#define MYSQL_FLAG_UNIQUE_KEY	  0x0004
#define MYSQL_FLAG_MULTIPLE_KEY	  0x0008
#define MYSQL_FLAG_BLOB		  0x0010
#define MYSQL_FLAG_UNSIGNED	  0x0020
#define MYSQL_FLAG_ZEROFILL	  0x0040
#define MYSQL_FLAG_BINARY	  0x0080
#define MYSQL_FLAG_ENUM		  0x0100
#define MYSQL_FLAG_AUTO_INCREMENT 0x0200
#define MYSQL_FLAG_TIMESTAMP	  0x0400
#define MYSQL_FLAG_SET		  0x0800

/* First bytes of server replies. */
#define MYSQL_OK_HDR	 0x00
#define MYSQL_MORE_HDR	 0x01 /* AuthMoreData */
#define MYSQL_INFILE_HDR 0xfb
#define MYSQL_EOF_HDR	 0xfe /* EOF, or AuthSwitchRequest */
#define MYSQL_ERR_HDR	 0xff

/* caching_sha2_password's one-byte messages inside AuthMoreData. */
#define MYSQL_SHA2_REQUEST_KEY 0x02 /* client: send me your public key */
#define MYSQL_SHA2_FAST_OK     0x03 /* server: cached, OK follows */
#define MYSQL_SHA2_FULL_AUTH   0x04 /* server: send the password */

/* Limits: the protocol's, and the caps gatewayd puts on a peer. */
#define MYSQL_HDR_LEN		4
#define MYSQL_PACKET_MAX	0xffffffU /* payload bytes in one packet */
#define MYSQL_SSL_REQUEST_LEN	32
#define MYSQL_SCRAMBLE_LEN	20   /* nonce of native and sha2 auth */
#define MYSQL_AUTH_DATA_MAX	255  /* greeting's auth-plugin-data */
#define MYSQL_NATIVE_LEN	20   /* mysql_native_password response */
#define MYSQL_SHA2_LEN		32   /* caching_sha2 fast response */
#define MYSQL_ED25519_NONCE_LEN 32   /* client_ed25519's nonce */
#define MYSQL_ED25519_LEN	64   /* and its signature */
#define MYSQL_RSA_MAX		1024 /* ciphertext of an 8192-bit key */
#define MYSQL_PEM_MAX		16384
#define MYSQL_VERSION_MAX	255
#define MYSQL_USER_MAX		512
#define MYSQL_DB_MAX		256
#define MYSQL_PLUGIN_MAX	64
#define MYSQL_AUTH_MAX		65535 /* auth response in the login */
#define MYSQL_ATTRS_MAX		64    /* connect attributes kept */
#define MYSQL_ATTRS_BYTES_MAX	65535 /* their declared total length */
#define MYSQL_ERRMSG_MAX	512
#define MYSQL_IDENT_MAX		1024 /* a name in a column definition */
#define MYSQL_COLUMNS_MAX	4096

/* A string inside a received packet: not NUL-terminated unless said. */
struct mysql_str {
	const char *ms_p;
	size_t ms_len;
};

/* Protocol::HandshakeV10, the server's greeting. */
struct mysql_handshake {
	struct mysql_str hs_version;
	uint32_t hs_conn_id;
	uint8_t hs_auth[MYSQL_AUTH_DATA_MAX]; /* scramble, parts 1 and 2 */
	size_t hs_auth_len;
	uint64_t hs_caps;
	uint8_t hs_charset;
	uint16_t hs_status;
	struct mysql_str hs_plugin; /* empty without CLIENT_PLUGIN_AUTH */
};

struct mysql_attr {
	struct mysql_str ma_key;
	struct mysql_str ma_value;
};

/*
 * Protocol::HandshakeResponse41, the client's login, and the SSLRequest
 * that is its first 32 bytes.  ml_caps is what the client sent;
 * ml_use is what governs the layout, the client's bits that the server
 * offered.  Absent fields are empty with ms_p NULL.
 */
struct mysql_login {
	uint64_t ml_caps;
	uint64_t ml_use;
	uint32_t ml_max_packet;
	uint8_t ml_charset;
	struct mysql_str ml_user;
	const uint8_t *ml_auth;
	size_t ml_auth_len;
	struct mysql_str ml_db;
	struct mysql_str ml_plugin;
	struct mysql_attr ml_attrs[MYSQL_ATTRS_MAX];
	size_t ml_nattrs;
	uint8_t ml_zstd_level;
};

/* AuthSwitchRequest (0xfe) and AuthMoreData (0x01). */
struct mysql_auth_switch {
	struct mysql_str as_plugin;
	const uint8_t *as_data;
	size_t as_len;
};

struct mysql_ok {
	uint64_t ok_affected;
	uint64_t ok_insert_id;
	uint16_t ok_status;
	uint16_t ok_warnings;
	struct mysql_str ok_info;
	const uint8_t *ok_state; /* session state changes, unparsed */
	size_t ok_state_len;
};

struct mysql_err {
	uint16_t er_code;
	char er_state[6]; /* five characters, or empty */
	struct mysql_str er_msg;
};

/* Protocol::ColumnDefinition41. */
struct mysql_column {
	struct mysql_str co_catalog;
	struct mysql_str co_schema;
	struct mysql_str co_table;
	struct mysql_str co_org_table;
	struct mysql_str co_name;
	struct mysql_str co_org_name;
	const uint8_t *co_ext; /* MariaDB extended metadata, unparsed */
	size_t co_ext_len;
	uint16_t co_charset;
	uint32_t co_length;
	uint8_t co_type;
	uint16_t co_flags;
	uint8_t co_decimals;
};

/*
 * Where one logical message lies in a span of received bytes.  When
 * mf_done is 0 the span holds only a prefix of it and the caller must
 * wait for mf_need bytes in all; the other fields are then unset.
 */
struct mysql_frame {
	int mf_done;
	size_t mf_need;
	size_t mf_wire;		 /* bytes taken, headers included */
	size_t mf_payload;	 /* payload bytes, headers excluded */
	unsigned int mf_packets; /* physical packets */
	uint8_t mf_next;	 /* sequence id after the last packet */
};

/* Kinds of a reply packet: the first of a reply, or one among rows. */
enum mysql_reply {
	MYSQL_REPLY_OK,
	MYSQL_REPLY_ERR,
	MYSQL_REPLY_EOF,    /* EOF, or OK with a 0xfe header */
	MYSQL_REPLY_INFILE, /* LOCAL INFILE request */
	MYSQL_REPLY_DATA,   /* a result set, or a row */
	MYSQL_REPLY_BAD	    /* empty, or a bare 0xff */
};

const char *mysql_com_name(uint8_t);
enum mysql_reply mysql_reply_kind(const uint8_t *, size_t, uint64_t, int);

/* Length-encoded integers and strings. */
uint64_t mysql_cur_lenenc(struct cursor *);
const uint8_t *mysql_cur_lenstr(struct cursor *, size_t *, size_t);
const char *mysql_cur_nulstr(struct cursor *, size_t *, size_t);
int mysql_cur_null(struct cursor *);
size_t mysql_lenenc_size(uint64_t);
int
mysql_put_lenenc(struct buf *, uint64_t) __attribute__((warn_unused_result));
int mysql_put_lenstr(struct buf *, const void *, size_t)
    __attribute__((warn_unused_result));

/* Framing. */
int mysql_hdr(const uint8_t *, size_t, size_t *, uint8_t *)
    __attribute__((warn_unused_result));
int mysql_frame(const uint8_t *, size_t, uint8_t, size_t, struct mysql_frame *)
    __attribute__((warn_unused_result));
int mysql_frame_join(const uint8_t *, const struct mysql_frame *, struct buf *)
    __attribute__((warn_unused_result));
int mysql_pkt_begin(struct buf *, size_t *) __attribute__((warn_unused_result));
int mysql_pkt_end(struct buf *, size_t, uint8_t)
    __attribute__((warn_unused_result));
int mysql_put_packets(struct buf *, uint8_t *, const void *, size_t)
    __attribute__((warn_unused_result));

/* Connection phase. */
int mysql_build_handshake(struct buf *, const struct mysql_handshake *)
    __attribute__((warn_unused_result));
int mysql_parse_handshake(const uint8_t *, size_t, struct mysql_handshake *)
    __attribute__((warn_unused_result));
int mysql_is_ssl_request(const uint8_t *, size_t);
int mysql_parse_ssl_request(const uint8_t *, size_t, uint64_t,
    struct mysql_login *) __attribute__((warn_unused_result));
int mysql_build_ssl_request(struct buf *, const struct mysql_login *)
    __attribute__((warn_unused_result));
int mysql_parse_login(const uint8_t *, size_t, uint64_t, struct mysql_login *)
    __attribute__((warn_unused_result));
int mysql_build_login(struct buf *, const struct mysql_login *)
    __attribute__((warn_unused_result));
int mysql_build_auth_switch(struct buf *, const char *, const void *, size_t)
    __attribute__((warn_unused_result));
int mysql_parse_auth_switch(const uint8_t *, size_t, struct mysql_auth_switch *)
    __attribute__((warn_unused_result));
int mysql_build_auth_more(struct buf *, const void *, size_t)
    __attribute__((warn_unused_result));
int mysql_parse_auth_more(const uint8_t *, size_t, struct mysql_auth_switch *)
    __attribute__((warn_unused_result));
int mysql_parse_auth_data(const uint8_t *, size_t, size_t, const uint8_t **,
    size_t *) __attribute__((warn_unused_result));
int mysql_parse_clear_password(const uint8_t *, size_t, size_t,
    struct mysql_str *) __attribute__((warn_unused_result));
int mysql_auth_nonce(const uint8_t *, size_t, const uint8_t **)
    __attribute__((warn_unused_result));

/* Replies. */
int mysql_build_ok(struct buf *, const struct mysql_ok *, uint64_t, int)
    __attribute__((warn_unused_result));
int mysql_parse_ok(const uint8_t *, size_t, uint64_t, struct mysql_ok *)
    __attribute__((warn_unused_result));
int mysql_build_err(struct buf *, uint16_t, const char *, const char *,
    uint64_t) __attribute__((warn_unused_result));
int mysql_parse_err(const uint8_t *, size_t, uint64_t, struct mysql_err *)
    __attribute__((warn_unused_result));
int mysql_build_eof(struct buf *, uint16_t, uint16_t, uint64_t)
    __attribute__((warn_unused_result));
int mysql_parse_eof(const uint8_t *, size_t, uint64_t, uint16_t *, uint16_t *)
    __attribute__((warn_unused_result));

/* Result-set metadata. */
int mysql_parse_column_count(const uint8_t *, size_t, uint64_t, uint64_t *,
    int *) __attribute__((warn_unused_result));
int mysql_build_column_count(struct buf *, uint64_t, uint64_t, int)
    __attribute__((warn_unused_result));
int mysql_parse_column(const uint8_t *, size_t, uint64_t, struct mysql_column *)
    __attribute__((warn_unused_result));
int mysql_build_column(struct buf *, const struct mysql_column *, uint64_t)
    __attribute__((warn_unused_result));

/* Client-side authentication responses. */
int mysql_native_scramble(const void *, size_t, const uint8_t *, size_t,
    uint8_t *) __attribute__((warn_unused_result));
int mysql_sha2_scramble(const void *, size_t, const uint8_t *, size_t,
    uint8_t *) __attribute__((warn_unused_result));
int
mysql_sha2_rsa(const void *, size_t, const uint8_t *, size_t, const uint8_t *,
    size_t, uint8_t *, size_t, size_t *) __attribute__((warn_unused_result));
int mysql_ed25519_sign(const void *, size_t, const uint8_t *, size_t, uint8_t *,
    uint8_t *) __attribute__((warn_unused_result));
int mysql_put_clear_password(struct buf *, const void *, size_t)
    __attribute__((warn_unused_result));

#endif /* GW_MYSQL_H */
