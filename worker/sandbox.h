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
 * The worker's demotion and seccomp sandbox.  The worker calls, in this
 * order and before it reads a byte from the network:
 *
 *   sandbox_lookup()      while /etc/passwd is still reachable
 *   sandbox_check_root()  the chroot directory is root's, and empty
 *   sandbox_demote()      chroot, groups, gid, uid, rlimits, no_new_privs
 *   sandbox_filter()      the seccomp allowlist; nothing else after it
 *
 * The filter knows the worker's descriptor layout in one place: the
 * session log is SANDBOX_LOG_FD and must stay append-only.  Descriptors
 * are capped below SANDBOX_NOFILE, which the filter relies on.
 */

#ifndef GW_SANDBOX_H
#define GW_SANDBOX_H

#include <sys/types.h>

/*
 * <signal.h> defines si_uid as a macro for a siginfo_t member, which
 * would rename the member below.  Take the header now, so that later
 * inclusions change nothing, and drop the macro: the worker never reads
 * siginfo_t.
 */
#include <signal.h>
#undef si_uid

/* The worker's session log, opened by the parent with O_APPEND. */
#define SANDBOX_LOG_FD 5

/* Every descriptor the worker holds is below this (RLIMIT_NOFILE). */
#define SANDBOX_NOFILE 64

struct sandbox_ids {
	uid_t si_uid;
	gid_t si_gid;
	char si_user[64];
};

int sandbox_lookup(const char *, struct sandbox_ids *)
    __attribute__((warn_unused_result));
int sandbox_check_root(const char *) __attribute__((warn_unused_result));
void sandbox_demote(const struct sandbox_ids *, const char *);
void sandbox_filter(void);
const char *sandbox_name(void);

#endif /* GW_SANDBOX_H */
