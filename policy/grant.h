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
 * Grant evaluation: which grant of a connection, if any, a verified
 * agent gets.  The agent's MySQL user name names the connection and may
 * name a grant ("shop" or "shop/orders"); the token's groups must meet
 * the grant's.  Pure functions over the parsed configuration.
 */

#ifndef GW_GRANT_H
#define GW_GRANT_H

#include <stddef.h>
#include <stdint.h>

#include "policy/conf.h"

#define GRANT_NAME_MAX 65 /* names are 1-64 characters, with NUL */

int grant_user_parse(const char *, char *, size_t, char *, size_t);
const struct conf_grant *grant_match(const struct conf_connection *,
    const char *, const char *const *, int, char *, size_t);
int64_t grant_window(const struct conf_grant *, uint32_t);

#endif /* GW_GRANT_H */
