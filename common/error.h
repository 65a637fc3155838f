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
 * Error codes of common/ and policy/.  Library code never exits: it
 * returns 0 or one of these negative values, and gw_strerror() names it.
 */

#ifndef GW_ERROR_H
#define GW_ERROR_H

#define GW_OK	     0
#define GW_ENOMEM    -1	 /* allocation failed */
#define GW_ETRUNC    -2	 /* input ended early */
#define GW_ETOOLONG  -3	 /* a length is over its cap */
#define GW_EINVAL    -4	 /* a value is out of range */
#define GW_ETRAILING -5	 /* bytes left after the last field */
#define GW_ESYS	     -6	 /* a system call failed; see errno */
#define GW_ETYPE     -7	 /* unknown message type */
#define GW_EPHASE    -8	 /* message not allowed in this phase */
#define GW_ELENGTH   -9	 /* message length outside its range */
#define GW_EFD	     -10 /* descriptor missing or unexpected */
#define GW_ESEQ	     -11 /* sequence number out of order */
#define GW_ESESSION  -12 /* session id does not match the channel */
#define GW_EVERSION  -13 /* peer speaks another protocol version */
#define GW_ECLOSED   -14 /* peer closed the channel */
#define GW_EAGAIN    -15 /* channel full; peer is not reading */
#define GW_ENUL	     -16 /* string holds a NUL or unprintable byte */
#define GW_EPERM     -17 /* file permissions are unsafe */
#define GW_ECORRUPT  -18 /* a stored file fails its checks */
#define GW_EBUSY     -19 /* held by another process */
#define GW_EDB	     -20 /* the database refused or failed */
#define GW_ETIMEOUT  -21 /* gave up waiting */
#define GW_EPROTO    -22 /* peer broke the wire protocol */
#define GW_ECAPS     -23 /* capability flags do not allow this */
#define GW_ECRYPTO   -24 /* a cryptographic operation failed */
#define GW_EPLUGIN   -25 /* an authentication plugin we do not speak */
#define GW_ERROR_MIN -25

const char *gw_strerror(int);
void gw_seterr(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* GW_ERROR_H */
