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
 * The worker's sandbox: demotion, then a seccomp allowlist.
 *
 * Threat model.  The worker parses TLS and the MySQL protocol from an
 * agent that may be hostile and from a database server that may be
 * compromised.  Assume a bug there gives the attacker code execution
 * inside the worker.  The attacker then holds what the worker holds:
 * the client connection, later a backend connection logged in as a
 * minted account that is worth no more than the session, the broker
 * channel (whose peer treats every message as hostile) and the session
 * log.  The sandbox keeps it from reaching anything else.  It cannot
 * see or create files (an empty chroot, no open for writing, reads
 * refused), make sockets or connections, start, signal or trace
 * processes, gain privileges (an unprivileged uid with no way back,
 * no_new_privs), map memory executable, or rewrite its log: no seek,
 * truncate or positional write, and O_APPEND cannot be cleared.
 *
 * The allowlist is what a libevent loop doing OpenSSL over descriptors
 * it already holds needs under glibc 2.36, measured with strace; each
 * group in sandbox_rules says why it is there.  Everything not listed
 * kills the whole process, and so does a system call made through any
 * ABI other than the one this file was compiled for.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#ifndef GW_SANDBOX_NULL
#include <seccomp.h>
#endif

#include "common/log.h"
#include "worker/sandbox.h"

static void sandbox_rlimit(int, const char *, rlim_t);

int
sandbox_lookup(const char *user, struct sandbox_ids *ids)
{
	char esc[LOG_ESCAPE_MAX];
	struct passwd *pw;
	size_t len;

	memset(ids, 0, sizeof(*ids));
	len = strlen(user);
	log_escape(esc, sizeof(esc), user, len);
	if (len == 0 || len >= sizeof(ids->si_user)) {
		log_warnx("sandbox: bad user name \"%s\"", esc);
		return -1;
	}

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (errno == 0 || errno == ENOENT || errno == ESRCH)
			log_warnx("sandbox: no such user \"%s\"", esc);
		else
			log_warn("sandbox: looking up user \"%s\"", esc);
		return -1;
	}

	/* Root, or root's group, would make the rest of the sandbox moot. */
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		log_warnx("sandbox: user \"%s\" has uid or gid 0", esc);
		return -1;
	}

	ids->si_uid = pw->pw_uid;
	ids->si_gid = pw->pw_gid;
	memcpy(ids->si_user, user, len + 1);
	return 0;
}

/*
 * The directory the worker is locked into must be one that nobody but
 * root can put anything in, and that has nothing in it now.
 *
 * XXX Only the directory itself is checked, not the path to it: a
 * writable parent would let someone swap it between this check and
 * chroot().  The filter forbids open and exec, which limits what a
 * planted file could do.
 */
int
sandbox_check_root(const char *dir)
{
	char esc[LOG_ESCAPE_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d = NULL;
	int fd, rv = -1, saved;

	log_escape(esc, sizeof(esc), dir, strlen(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		saved = errno;
		if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
			log_warnx(
			    "sandbox: chroot \"%s\" is a symbolic link", esc);
		else {
			errno = saved;
			log_warn("sandbox: chroot \"%s\"", esc);
		}
		return -1;
	}

	if (fstat(fd, &st) == -1) {
		log_warn("sandbox: chroot \"%s\"", esc);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("sandbox: chroot \"%s\" is not a directory", esc);
		goto out;
	}
	if (st.st_uid != 0) {
		log_warnx("sandbox: chroot \"%s\" is not owned by root", esc);
		goto out;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		log_warnx(
		    "sandbox: chroot \"%s\" is group or world writable", esc);
		goto out;
	}

	if ((d = fdopendir(fd)) == NULL) {
		log_warn("sandbox: chroot \"%s\"", esc);
		goto out;
	}
	fd = -1;
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		log_warnx("sandbox: chroot \"%s\" is not empty", esc);
		goto out;
	}
	if (errno != 0) {
		log_warn("sandbox: reading chroot \"%s\"", esc);
		goto out;
	}
	rv = 0;

out:
	if (d != NULL)
		closedir(d);
	if (fd != -1)
		close(fd);
	return rv;
}

/* Lower a limit, soft and hard; never try to raise one. */
static void
sandbox_rlimit(int resource, const char *name, rlim_t max)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) == -1)
		fatal("sandbox: getrlimit %s", name);
	if (rl.rlim_max > max)
		rl.rlim_max = max;
	if (rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(resource, &rl) == -1)
		fatal("sandbox: setrlimit %s", name);
}

/*
 * Lock the process into dir as the worker user.  The order matters:
 * chroot needs root, groups and gid must change while uid 0 can still
 * change them, and no_new_privs comes last because it is what lets the
 * filter be installed by an unprivileged process.
 */
void
sandbox_demote(const struct sandbox_ids *ids, const char *dir)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid, groups[2];
	int ngroups;

	if (ids->si_uid == 0 || ids->si_gid == 0)
		fatalx("sandbox: refusing to demote to uid or gid 0");

	/* The file system: an empty directory, and nothing above it. */
	if (chroot(dir) == -1)
		fatal("sandbox: chroot");
	if (chdir("/") == -1)
		fatal("sandbox: chdir /");

	/* Credentials: groups and gid first, while root may set them. */
	if (setgroups(1, &ids->si_gid) == -1)
		fatal("sandbox: setgroups");
	if (setresgid(ids->si_gid, ids->si_gid, ids->si_gid) == -1)
		fatal("sandbox: setresgid");
	if (setresuid(ids->si_uid, ids->si_uid, ids->si_uid) == -1)
		fatal("sandbox: setresuid");

	/* Check that every id took, and that root cannot be had back. */
	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1)
		fatal("sandbox: reading back credentials");
	if (ruid != ids->si_uid || euid != ids->si_uid || suid != ids->si_uid ||
	    rgid != ids->si_gid || egid != ids->si_gid || sgid != ids->si_gid)
		fatalx("sandbox: credentials did not change");
	ngroups = getgroups(2, groups);
	if (ngroups != 1 || groups[0] != ids->si_gid)
		fatalx("sandbox: supplementary groups did not change");
	if (setuid(0) != -1 || seteuid(0) != -1)
		fatalx("sandbox: uid 0 could be regained");
	if (setgid(0) != -1 || setegid(0) != -1)
		fatalx("sandbox: gid 0 could be regained");

	/*
	 * Limits.  No core files (they would hold session keys), no new
	 * processes even if a fork got past the filter, and descriptors
	 * below SANDBOX_NOFILE, which the fcntl rules rely on.
	 *
	 * RLIMIT_FSIZE is left alone: it counts the whole log file, so a
	 * cap would end a long session with SIGXFSZ in the middle of a
	 * record rather than at a point the worker chooses.
	 * XXX A hostile worker can therefore grow its session log until
	 * the log file system fills.
	 */
	sandbox_rlimit(RLIMIT_CORE, "RLIMIT_CORE", 0);
	sandbox_rlimit(RLIMIT_NPROC, "RLIMIT_NPROC", 0);
	sandbox_rlimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", SANDBOX_NOFILE);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("sandbox: PR_SET_DUMPABLE");

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("sandbox: PR_SET_NO_NEW_PRIVS");

	log_debug("sandbox: running as %s (uid %u, gid %u)", ids->si_user,
	    (unsigned int)ids->si_uid, (unsigned int)ids->si_gid);
}

#ifdef GW_SANDBOX_NULL

void
sandbox_filter(void)
{
	log_warnx("sandbox disabled at build time");
}

const char *
sandbox_name(void)
{
	return "null";
}

#else /* GW_SANDBOX_NULL */

/*
 * The architecture the filter is written for.  A system call made
 * through any other ABI (i386 int 0x80 on x86_64, or x32, whose calls
 * match no rule here) kills the process.
 */
#if defined(__x86_64__) && !defined(__ILP32__)
#define SANDBOX_ARCH SCMP_ARCH_X86_64
#elif defined(__aarch64__)
/* XXX aarch64 compiles but has not been run against this table. */
#define SANDBOX_ARCH SCMP_ARCH_AARCH64
#else
#error "no seccomp filter for this architecture; build with SANDBOX=null"
#endif

#define SR_ARGMAX     3

struct sandbox_rule {
	int sr_syscall;	      /* SCMP_SYS() */
	uint32_t sr_action;   /* SCMP_ACT_* */
	int sr_self;	      /* argument 0 must be our own pid */
	unsigned int sr_argc; /* comparisons in sr_argv, all must hold */
	struct scmp_arg_cmp sr_argv[SR_ARGMAX];
};

/* clang-format off */
#define ARG_EQ(n, v)		{ (n), SCMP_CMP_EQ, (v), 0 }
#define ARG_LT(n, v)		{ (n), SCMP_CMP_LT, (v), 0 }
#define ARG_MASKED_EQ(n, m, v)	{ (n), SCMP_CMP_MASKED_EQ, (m), (v) }

#define SR_RULE(sys, act, self, argc, ...) {				\
	.sr_syscall = SCMP_SYS(sys), .sr_action = (act),		\
	.sr_self = (self), .sr_argc = (argc), .sr_argv = { __VA_ARGS__ } }

#define ALLOW(sys)		SR_RULE(sys, SCMP_ACT_ALLOW, 0, 0, { 0 })
#define ALLOW_IF(sys, a)	SR_RULE(sys, SCMP_ACT_ALLOW, 0, 1, a)
#define ALLOW_IF2(sys, a, b)	SR_RULE(sys, SCMP_ACT_ALLOW, 0, 2, a, b)
#define ALLOW_SELF_IF(sys, a)	SR_RULE(sys, SCMP_ACT_ALLOW, 1, 1, a)
#define DENY_IF(sys, err, a)	SR_RULE(sys, SCMP_ACT_ERRNO(err), 0, 1, a)
/* clang-format on */

/* Flags that make an open able to change or create a file. */
#define SR_OPEN_WRITE (O_ACCMODE | O_CREAT | O_TRUNC)

/* F_SETFL on descriptors base .. base + size - 1 (size a power of 2). */
#define SR_SETFL_BLOCK(base, size)                                             \
	ALLOW_IF2(fcntl, ARG_MASKED_EQ(0, ~(uint64_t)((size)-1), (base)),      \
	    ARG_EQ(1, F_SETFL))

/*
 * The blocks below cover every descriptor under SANDBOX_NOFILE except
 * the log; they are written out for these two values.
 */
_Static_assert(SANDBOX_LOG_FD == 5 && SANDBOX_NOFILE == 64,
    "sandbox_rules F_SETFL blocks assume log fd 5 and 64 descriptors");

/*
 * The allowlist, grouped by purpose.  libseccomp compiles the entries
 * into an order of its own, so no two entries for one call may overlap:
 * where a call appears twice, the argument values tell them apart.
 * Comparisons see all 64 bits of an argument, so a value with high bits
 * set, which the kernel may truncate to 32, matches no rule and kills.
 */
static const struct sandbox_rule sandbox_rules[] = {
    /*
     * Probes libraries make on their own.  A read-only open (time
     * zone data, OpenSSL's configuration or a CA directory looked up
     * lazily, jansson's /dev/urandom for its hash seed) fails as if
     * the file were unreadable, and each has a fallback; an open that
     * could write or create a file matches nothing and kills.  stdio's
     * isatty() on stdout learns there is no terminal.  (The worker
     * seeds jansson's hashes before the filter goes on.)
     */
    DENY_IF(open, EACCES, ARG_MASKED_EQ(1, SR_OPEN_WRITE, O_RDONLY)),
    DENY_IF(openat, EACCES, ARG_MASKED_EQ(2, SR_OPEN_WRITE, O_RDONLY)),
    DENY_IF(ioctl, ENOTTY, ARG_EQ(1, TCGETS)),

    /*
     * The loop itself: reading and writing the client socket, the
     * broker channel (a descriptor may arrive with SCM_RIGHTS), the
     * backend socket and the log.  send() must not name an address.
     * libevent asks FIONREAD how much to read.
     */
    ALLOW(read),
    ALLOW(readv),
    ALLOW(recvfrom),
    ALLOW(recvmsg),
    ALLOW(write),
    ALLOW(writev),
    ALLOW_IF(sendto, ARG_EQ(4, 0)),
    ALLOW(sendmsg),
    ALLOW(shutdown),
    ALLOW(close),
    ALLOW_IF(ioctl, ARG_EQ(1, FIONREAD)),

    /*
     * Event notification.  libevent creates its epoll descriptor and
     * an internal pipe when a base is made, which the worker may do
     * after demotion; neither reaches outside the process.
     */
    ALLOW(epoll_create1),
    ALLOW(epoll_ctl),
    ALLOW(epoll_wait),
    ALLOW(epoll_pwait),
    ALLOW(poll),
    ALLOW(ppoll),
    ALLOW(pipe2),

    /*
     * Descriptor flags.  libevent makes sockets non-blocking and
     * close-on-exec.  F_SETFL could clear O_APPEND, so it is allowed
     * on every descriptor but the session log.
     */
    ALLOW_IF(fcntl, ARG_EQ(1, F_GETFL)),
    ALLOW_IF(fcntl, ARG_EQ(1, F_GETFD)),
    ALLOW_IF(fcntl, ARG_EQ(1, F_SETFD)),
    ALLOW_IF2(fcntl, ARG_LT(0, SANDBOX_LOG_FD), ARG_EQ(1, F_SETFL)),
    SR_SETFL_BLOCK(6, 2),
    SR_SETFL_BLOCK(8, 8),
    SR_SETFL_BLOCK(16, 16),
    SR_SETFL_BLOCK(32, 32),

    /*
     * fstat on a held descriptor: stdio sizes its buffers with it.
     * glibc makes it newfstatat(fd, "", AT_EMPTY_PATH).
     * XXX The path is not checked; in the empty chroot there is
     * nothing to learn from it.
     */
    ALLOW(fstat),
    ALLOW_IF(newfstatat, ARG_MASKED_EQ(3, AT_EMPTY_PATH, AT_EMPTY_PATH)),

    /*
     * Memory: malloc, OpenSSL's buffers, free.  Nothing may become
     * executable, so injected code cannot be mapped and run.
     * XXX mremap can move an existing executable mapping (our own
     * text) but cannot make a writable one executable.
     */
    ALLOW(brk),
    ALLOW_IF(mmap, ARG_MASKED_EQ(2, PROT_EXEC, 0)),
    ALLOW_IF(mprotect, ARG_MASKED_EQ(2, PROT_EXEC, 0)),
    ALLOW(munmap),
    ALLOW(mremap),
    ALLOW(madvise),

    /*
     * Time: the vDSO answers most clock reads, but may fall back to
     * the system call.  Timers are epoll timeouts; sleeps are rare.
     */
    ALLOW(clock_gettime),
    ALLOW(clock_getres),
    ALLOW(gettimeofday),
    ALLOW(time),
    ALLOW(nanosleep),
    ALLOW(clock_nanosleep),

    /*
     * Randomness for OpenSSL and malloc; futex for the locks OpenSSL
     * takes even in one thread; sysinfo for glibc's qsort, which
     * asks how much memory there is before sorting a large array.
     */
    ALLOW(getrandom),
    ALLOW(futex),
    ALLOW(sched_yield),
    ALLOW(sysinfo),

    /*
     * Who we are: OpenSSL checks getpid() to notice a fork, log lines
     * and the broker's hello carry it, and libevent reads the ids when
     * it makes a base.
     */
    ALLOW(getpid),
    ALLOW(gettid),
    ALLOW(getuid),
    ALLOW(geteuid),
    ALLOW(getgid),
    ALLOW(getegid),

    /*
     * The worker retitles itself, peer and all, once the broker has
     * greeted it; PR_SET_NAME changes only this thread's name.  Every
     * other prctl kills.
     */
    ALLOW_IF(prctl, ARG_EQ(0, PR_SET_NAME)),

    /*
     * Signals: libevent's signal events and glibc's abort().  abort()
     * may signal only this process and only with SIGABRT, so a failed
     * assertion reads as one and not as a sandbox violation.
     */
    ALLOW(rt_sigaction),
    ALLOW(rt_sigprocmask),
    ALLOW(rt_sigreturn),
    ALLOW(restart_syscall),
    ALLOW_SELF_IF(tgkill, ARG_EQ(2, SIGABRT)),

    /* Leaving. */
    ALLOW(exit),
    ALLOW(exit_group),
};

static void
sandbox_add(scmp_filter_ctx ctx, const struct sandbox_rule *sr, pid_t self)
{
	struct scmp_arg_cmp argv[SR_ARGMAX + 1];
	unsigned int argc = 0;
	char *name;
	int rc;

	if (sr->sr_self)
		argv[argc++] = (struct scmp_arg_cmp)ARG_EQ(0, (uint64_t)self);
	memcpy(argv + argc, sr->sr_argv, sr->sr_argc * sizeof(argv[0]));
	argc += sr->sr_argc;

	rc = seccomp_rule_add_array(
	    ctx, sr->sr_action, sr->sr_syscall, argc, argv);
	if (rc < 0) {
		name = seccomp_syscall_resolve_num_arch(
		    SCMP_ARCH_NATIVE, sr->sr_syscall);
		errno = -rc;
		fatal("sandbox: rule for %s", name != NULL ? name : "?");
	}
}

void
sandbox_filter(void)
{
	scmp_filter_ctx ctx;
	size_t i;
	pid_t self = getpid();
	int rc;

	if (seccomp_arch_native() != SANDBOX_ARCH)
		fatalx("sandbox: libseccomp's native architecture is not "
		       "the one this filter was written for");

	/*
	 * Only the native architecture is in a new context, and a call
	 * through another ABI gets the bad-architecture action.  TSYNC
	 * covers any thread a library may have started.  libseccomp sets
	 * no_new_privs itself if the caller has not.
	 */
	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		fatalx("sandbox: seccomp_init failed");
	if ((rc = seccomp_attr_set(
		 ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0) {
		errno = -rc;
		fatal("sandbox: seccomp_attr_set");
	}

	for (i = 0; i < sizeof(sandbox_rules) / sizeof(sandbox_rules[0]); i++)
		sandbox_add(ctx, &sandbox_rules[i], self);

	if ((rc = seccomp_load(ctx)) < 0) {
		errno = -rc;
		fatal("sandbox: seccomp_load");
	}
	seccomp_release(ctx);
	log_debug("sandbox: seccomp filter installed, %zu rules", i);
}

const char *
sandbox_name(void)
{
	return "seccomp";
}

#endif /* GW_SANDBOX_NULL */
